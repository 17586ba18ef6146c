package vfs

import (
	"sync/atomic"

	"vessel/internal/abi"
)

// memfd_create(2) files and file seals (Linux's mm/memfd.c). A memfd is an
// unnamed regular file of a tmpfs of its own, open for reading and
// writing, whose path is "/memfd:NAME (deleted)". Its data is an
// mm.Memory, so it maps, forks and reopens (through /proc/PID/fd/N) like
// any tmpfs file.

// File seals (fcntl F_ADD_SEALS, F_GET_SEALS); abi does not name them.
const (
	sealSeal        = 0x01 // F_SEAL_SEAL: no more seals
	sealShrink      = 0x02 // F_SEAL_SHRINK
	sealGrow        = 0x04 // F_SEAL_GROW
	sealWrite       = 0x08 // F_SEAL_WRITE
	sealFutureWrite = 0x10 // F_SEAL_FUTURE_WRITE
	sealExec        = 0x20 // F_SEAL_EXEC
	sealsKnown      = sealSeal | sealShrink | sealGrow | sealWrite | sealFutureWrite | sealExec
)

// Flags of memfd_create(2) that Memfd takes.
const (
	MemfdAllowSealing = 0x2 // MFD_ALLOW_SEALING
	MemfdNoexecSeal   = 0x8 // MFD_NOEXEC_SEAL: mode 0666 and F_SEAL_EXEC
)

// memfdLimit bounds one memfd's data, as tmpfsLimit does a tmpfs mount's.
const memfdLimit = 1 << 32

// memfdDev is the st_dev of memfds: Linux's internal shm mount, on an
// anonymous device of its own.
const memfdDev = 1

// memfdInos numbers memfds, which have a tmpfs each, so that no two share
// an inode number.
var memfdInos atomic.Uint64

// memfdMount is the mount memfds belong to; no path reaches it.
var memfdMount = &mount{id: 0, point: "/", dev: memfdDev, source: "tmpfs", opts: "rw"}

// Memfd makes a memfd named name (memfd_create(2) has checked it), owned
// by the caller, open for reading and writing. flags are MemfdAllowSealing
// and MemfdNoexecSeal: without either the file is sealed with F_SEAL_SEAL.
// The new File has one reference.
func (fs *FS) Memfd(c Caller, name string, flags uint32) (*File, abi.Errno) {
	fs.mountMu.RLock()
	now := fs.now
	fs.mountMu.RUnlock()
	t := NewTmpfs("tmpfs", 0o1777, 0, 0, memfdLimit, now)
	mode := uint32(0o777) // shmem_file_setup's S_IRWXUGO, without the umask
	if flags&MemfdNoexecSeal != 0 {
		mode = 0o666
	}
	cr := c.FSCreds()
	t.mu.Lock()
	n := t.newNode(abi.S_IFREG|mode, cr.UID, cr.GID)
	n.ino = memfdInos.Add(1) // n is not yet seen by anyone
	n.nlink = 0
	switch {
	case flags&MemfdNoexecSeal != 0:
		n.seals = sealExec
	case flags&MemfdAllowSealing != 0:
		n.seals = 0
	}
	t.mu.Unlock()
	impl, e := n.Open(c, abi.O_RDWR)
	if e != 0 {
		return nil, e
	}
	f := NewFile(impl, abi.O_RDWR|abi.O_LARGEFILE, "/memfd:"+name+" (deleted)")
	f.mnt, f.node = memfdMount, n
	return f, 0
}

// tmpNodeOf returns the tmpfs regular file behind f, if it is one.
func tmpNodeOf(f *File) (*tmpNode, bool) {
	if t, ok := f.impl.(*tmpFile); ok {
		return t.n, true
	}
	return nil, false
}

// Seals is fcntl(F_GET_SEALS): the file's seals; EINVAL for a file that
// is not a tmpfs file (shmem's alone have seals). A tmpfs file made
// otherwise than by memfd_create has F_SEAL_SEAL.
func (f *File) Seals() (uint32, abi.Errno) {
	n, ok := tmpNodeOf(f)
	if !ok {
		return 0, abi.EINVAL
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	return n.seals, 0
}

// AddSeals is fcntl(F_ADD_SEALS), as Linux's memfd_add_seals: EINVAL for a
// file that has no seals or unknown bits, EPERM if f is not open for
// writing or is sealed with F_SEAL_SEAL, EBUSY for F_SEAL_WRITE while a
// shared mapping may write the file.
func (f *File) AddSeals(seals uint32) abi.Errno {
	n, ok := tmpNodeOf(f)
	if !ok || seals&^sealsKnown != 0 {
		return abi.EINVAL
	}
	if !f.Writable() {
		return abi.EPERM
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.seals&sealSeal != 0 {
		return abi.EPERM
	}
	if seals&sealWrite != 0 && n.seals&sealWrite == 0 && !n.mem.DenyWriters() {
		return abi.EBUSY
	}
	n.seals |= seals // F_SEAL_EXEC is only recorded: chmod does not check it
	return 0
}
