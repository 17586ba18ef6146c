package vfs

import (
	"crypto/rand"
	"io"
	"time"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Character devices. A device node (in devfs, or one a guest makes with
// mknod in a tmpfs) is opened by its device number through the FS's table,
// as Linux's chrdev_open finds a driver by major and minor. vessel's own
// devices are the memory devices of drivers/char/mem.c and random.c; the
// kernel registers the terminal ones (/dev/tty). A number nobody registered
// is ENXIO.

// DeviceOpen opens a device for a caller with open(2)'s flags; it returns a
// File with one reference. path is the name it was opened by.
type DeviceOpen func(c Caller, path string, flags uint32) (*File, abi.Errno)

// The memory devices' numbers.
var (
	devNull    = abi.Mkdev(1, 3)
	devZero    = abi.Mkdev(1, 5)
	devFull    = abi.Mkdev(1, 7)
	devRandom  = abi.Mkdev(1, 8)
	devURandom = abi.Mkdev(1, 9)
	// DevTTY is /dev/tty, the caller's controlling terminal.
	DevTTY = abi.Mkdev(5, 0)
)

// FIFOOpen opens the FIFO named by key — a comparable identity of the
// node: a node of vessel's filesystems, or a host file's (dev, ino) — for a
// caller with open(2)'s flags, and returns what the new open file does.
// stat reports the FIFO's inode for fstat. The kernel's pipes implement it.
type FIFOOpen func(c Caller, key any, flags uint32, stat func(*abi.Stat_t) abi.Errno) (FileImpl, abi.Errno)

// SetFIFOOpen makes open what opening a FIFO does; without it a FIFO
// cannot be opened (ENXIO).
func (fs *FS) SetFIFOOpen(open FIFOOpen) {
	fs.mountMu.Lock()
	defer fs.mountMu.Unlock()
	fs.fifoOpen = open
}

// openFIFO opens the FIFO key through the kernel's opener.
func (fs *FS) openFIFO(c Caller, key any, path string, flags uint32, stat func(*abi.Stat_t) abi.Errno) (*File, abi.Errno) {
	fs.mountMu.RLock()
	open := fs.fifoOpen
	fs.mountMu.RUnlock()
	if open == nil {
		return nil, abi.ENXIO
	}
	impl, e := open(c, key, flags, stat)
	if e != 0 {
		return nil, e
	}
	return NewStreamFile(impl, flags|abi.O_LARGEFILE, path), 0
}

// openHostFIFO opens the host FIFO that descriptor fd (which it closes)
// names: as a FIFO of vessel's, keyed by its host identity, since the
// guest's ends must meet inside vessel, not in the host kernel.
func (fs *FS) openHostFIFO(c Caller, fd int, path string, flags uint32) (*File, abi.Errno) {
	var hst unix.Stat_t
	err := fstat(fd, &hst)
	closeFD(fd)
	if err != nil {
		return nil, errnoOf(err)
	}
	var st abi.Stat_t
	statFromHost(&hst, &st)
	return fs.openFIFO(c, fileID{hst.Dev, hst.Ino}, path, flags, func(out *abi.Stat_t) abi.Errno {
		*out = st
		return 0
	})
}

// RegisterDevice makes open what opening a node with device number rdev
// does. Registration happens while vessel sets up, before guests run.
func (fs *FS) RegisterDevice(rdev uint64, open DeviceOpen) {
	fs.mountMu.Lock()
	defer fs.mountMu.Unlock()
	if fs.devices == nil {
		fs.devices = map[uint64]DeviceOpen{}
	}
	fs.devices[rdev] = open
}

// SetRandom makes r the source of /dev/random and /dev/urandom (the
// deterministic mode's seeded stream); nil means crypto/rand.
func (fs *FS) SetRandom(r io.Reader) {
	fs.mountMu.Lock()
	defer fs.mountMu.Unlock()
	fs.random = r
}

// openDevice opens device rdev.
func (fs *FS) openDevice(c Caller, rdev uint64, path string, flags uint32) (*File, abi.Errno) {
	fs.mountMu.RLock()
	open := fs.devices[rdev]
	random := fs.random
	fs.mountMu.RUnlock()
	if open != nil {
		return open(c, path, flags)
	}
	var impl FileImpl
	switch rdev {
	case devNull:
		impl = memDevice{kind: devNull}
	case devZero:
		impl = memDevice{kind: devZero}
	case devFull:
		impl = memDevice{kind: devFull}
	case devRandom, devURandom:
		if random == nil {
			random = rand.Reader
		}
		impl = memDevice{kind: rdev, random: random}
	default:
		return nil, abi.ENXIO
	}
	return NewStreamFile(impl, flags|abi.O_LARGEFILE, path), 0
}

// memDevice is /dev/null, zero, full, random or urandom: reads give
// nothing, zeros or random bytes; writes vanish (full: ENOSPC); lseek
// succeeds and returns 0, as Linux's null_lseek.
type memDevice struct {
	FileDefaults
	kind   uint64
	random io.Reader
}

func (d memDevice) Read(f *File, dst []byte, _ *int64) (int, abi.Errno) {
	switch d.kind {
	case devNull:
		return 0, 0
	case devRandom, devURandom:
		n, err := io.ReadFull(d.random, dst)
		if err != nil && n == 0 {
			return 0, abi.EIO
		}
		return n, 0
	}
	clear(dst)
	return len(dst), 0
}

func (d memDevice) Pread(f *File, dst []byte, _ int64) (int, abi.Errno) {
	return d.Read(f, dst, nil)
}

func (d memDevice) Write(f *File, src []byte, _ *int64) (int, abi.Errno) {
	if d.kind == devFull {
		return 0, abi.ENOSPC
	}
	return len(src), 0
}

func (d memDevice) Pwrite(f *File, src []byte, _ int64) (int, abi.Errno) {
	return d.Write(f, src, nil)
}

func (memDevice) Lseek(*File, int64, int64, int) (int64, abi.Errno) { return 0, 0 }

func (d memDevice) Stat(f *File, st *abi.Stat_t) abi.Errno {
	if f.node != nil {
		return statNode(nil, f.mnt, f.node, st)
	}
	*st = abi.Stat_t{Mode: abi.S_IFCHR | 0o666, Nlink: 1, Rdev: d.kind, Blksize: abi.PageSize}
	return 0
}

func (memDevice) Sync(*File, bool) abi.Errno { return 0 }

// Waitless: a memory device answers at once (random's pool is always
// ready in vessel, as in Linux once the CRNG is up).
func (memDevice) Waitless() {}

// CanPoll: of the memory devices only random has a poll operation
// (drivers/char/random.c's random_fops; urandom's and mem.c's have none),
// so epoll refuses the others.
func (d memDevice) CanPoll() bool { return d.kind == devRandom }

// Ready: random's poll says it can be read (its pool is always ready in
// vessel) and not written; the others have no poll and are always ready.
func (d memDevice) Ready(*File) uint32 {
	if d.kind == devRandom {
		return abi.EPOLLIN | abi.EPOLLRDNORM
	}
	return defaultPollMask
}

// NewDevfs returns the tree vessel mounts at /dev (Linux's devtmpfs as
// udev leaves it): the memory devices, tty, the /proc/self/fd links, and
// empty shm, pts and mqueue directories for the mounts made there.
func NewDevfs(now func() time.Time) *Tmpfs {
	t := NewTmpfs("devtmpfs", 0o755, 0, 0, 64<<20, now)
	root := Caller(rootCaller{})
	for _, d := range []struct {
		name string
		rdev uint64
	}{{"null", devNull}, {"zero", devZero}, {"full", devFull}, {"random", devRandom}, {"urandom", devURandom}, {"tty", DevTTY}} {
		t.root.Create(root, d.name, abi.S_IFCHR|0o666, d.rdev, "")
	}
	for _, l := range [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"}} {
		t.root.Create(root, l[0], abi.S_IFLNK, 0, l[1])
	}
	t.root.Create(root, "shm", abi.S_IFDIR|0o1777, 0, "")
	t.root.Create(root, "pts", abi.S_IFDIR|0o755, 0, "")
	t.root.Create(root, "mqueue", abi.S_IFDIR|0o1777, 0, "")
	return t
}

// rootCaller is vessel itself making files: uid and gid 0.
type rootCaller struct{}

func (rootCaller) FSContext() *Context { return nil }
func (rootCaller) FSCreds() Creds      { return Creds{} }
