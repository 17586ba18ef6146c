package vfs

import (
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Statfs is struct statfs as statfs(2) fills it (riscv64's generic
// 64-bit layout, 120 bytes):
//
//	0 f_type | 8 f_bsize | 16 f_blocks | 24 f_bfree | 32 f_bavail |
//	40 f_files | 48 f_ffree | 56 f_fsid (2×i32) | 64 f_namelen |
//	72 f_frsize | 80 f_flags | 88 f_spare[4]
type Statfs struct {
	Type, Bsize                         int64
	Blocks, Bfree, Bavail, Files, Ffree uint64
	Fsid                                [2]int32
	Namelen, Frsize, Flags              int64
}

// SizeofStatfs is the guest size of struct statfs.
const SizeofStatfs = 120

// Marshal writes s in guest layout into b[:120].
func (s *Statfs) Marshal(b []byte) {
	clear(b[:SizeofStatfs])
	put := func(off int, v uint64) {
		for i := range 8 {
			b[off+i] = byte(v >> (8 * i))
		}
	}
	put(0, uint64(s.Type))
	put(8, uint64(s.Bsize))
	put(16, s.Blocks)
	put(24, s.Bfree)
	put(32, s.Bavail)
	put(40, s.Files)
	put(48, s.Ffree)
	put(56, uint64(uint32(s.Fsid[0]))|uint64(uint32(s.Fsid[1]))<<32)
	put(64, uint64(s.Namelen))
	put(72, uint64(s.Frsize))
	put(80, uint64(s.Flags))
}

// Filesystem magic numbers (linux/magic.h) of vessel's own filesystems.
const (
	tmpfsMagic  = 0x01021994
	procMagic   = 0x9fa0
	sysfsMagic  = 0x62656572
	mqueueMagic = 0x19800202
)

// StatfsReporter is a Filesystem that says what statfs reports of it;
// without it, a filesystem reports its type's magic and no blocks.
type StatfsReporter interface {
	Statfs(st *Statfs)
}

// ST_* mount flags of f_flags (statfs(2)).
const (
	stNosuid   = 0x2
	stNodev    = 0x4
	stNoexec   = 0x8
	stRelatime = 0x400
	stValid    = 0x20 // ST_VALID: f_flags means something
)

// statfsOf fills st for a file of mount m (nil: the host tree, asked of
// host descriptor fd).
func statfsOf(m *mount, fd int, st *Statfs) abi.Errno {
	if m == nil {
		var h unix.Statfs_t
		if err := unix.Fstatfs(fd, &h); err != nil {
			return errnoOf(err)
		}
		*st = Statfs{Type: int64(h.Type), Bsize: h.Bsize, Blocks: h.Blocks, Bfree: h.Bfree, Bavail: h.Bavail,
			Files: h.Files, Ffree: h.Ffree, Fsid: [2]int32{h.Fsid.Val[0], h.Fsid.Val[1]}, Namelen: h.Namelen,
			Frsize: h.Frsize, Flags: h.Flags}
		return 0
	}
	*st = Statfs{Bsize: abi.PageSize, Frsize: abi.PageSize, Namelen: 255, Flags: stValid,
		Fsid: [2]int32{int32(m.dev), int32(m.dev >> 32)}}
	switch m.fsys.Name() {
	case "tmpfs", "devtmpfs":
		st.Type = tmpfsMagic
	case "proc":
		st.Type = procMagic
	case "sysfs":
		st.Type = sysfsMagic
	case "mqueue":
		st.Type = mqueueMagic
	}
	for _, o := range []struct {
		opt  string
		flag int64
	}{{"nosuid", stNosuid}, {"nodev", stNodev}, {"noexec", stNoexec}, {"relatime", stRelatime}} {
		if hasOpt(m.opts, o.opt) {
			st.Flags |= o.flag
		}
	}
	if r, ok := m.fsys.(StatfsReporter); ok {
		r.Statfs(st)
	}
	return 0
}

// hasOpt reports whether comma-separated options opts hold opt.
func hasOpt(opts, opt string) bool {
	for len(opts) > 0 {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == opt {
			return true
		}
	}
	return false
}

// StatfsPath is statfs(2): the filesystem that holds path (following a
// final symbolic link).
func (fs *FS) StatfsPath(c Caller, path string, st *Statfs) abi.Errno {
	return fs.withTarget(c, nil, path, true, false,
		func(fd int) abi.Errno { return statfsOf(nil, fd, st) },
		func(m *mount, _ Node) abi.Errno { return statfsOf(m, -1, st) },
		func(f *File) abi.Errno { return StatfsFile(f, st) })
}

// StatfsFile is fstatfs(2). A file of no filesystem (a pipe, a socket)
// reports what Linux's pseudo-filesystems do: their magic is not modelled,
// so it gets a zeroed statfs with a page-sized block.
func StatfsFile(f *File, st *Statfs) abi.Errno {
	if f.node != nil {
		return statfsOf(f.mnt, -1, st)
	}
	if h, ok := hostFileOf(f); ok {
		return statfsOf(nil, h.fd, st)
	}
	*st = Statfs{Bsize: abi.PageSize, Frsize: abi.PageSize, Namelen: 255, Flags: stValid}
	return 0
}

// SyncFS is syncfs(2) on f: the host filesystem of a host file is
// flushed; anything else has nothing to flush.
func SyncFS(f *File) abi.Errno {
	if h, ok := hostFileOf(f); ok {
		return errnoOf(unix.Syncfs(h.fd))
	}
	return 0
}
