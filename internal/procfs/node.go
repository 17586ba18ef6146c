package procfs

import (
	"sync"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// The node kinds every tree here is made of: directories with a fixed set
// of entries, generated regular files, and symbolic links whose text is
// computed when read. /proc's per-process directories (pid.go) and its
// magic links (pid_fd.go) build on them.

// attr is what Stat reports of a node: its inode number, type and mode,
// owner and time. The owner and time may be computed at each Stat.
type attr struct {
	ino   uint64
	mode  uint32                   // S_IF* | permission bits
	owner func() (uid, gid uint32) // nil: root
	mtime func() abi.Timespec      // nil: the zero time
	size  func(vfs.Caller) int64   // nil: 0, as Linux's proc and sysfs files
	nlink func(vfs.Caller) uint32  // nil: 1, or 2 for a directory
}

func (a *attr) Stat(c vfs.Caller, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Ino: a.ino, Mode: a.mode, Nlink: 1, Blksize: abi.PageSize}
	if a.mode&abi.S_IFMT == abi.S_IFDIR {
		st.Nlink = 2
	}
	if a.nlink != nil {
		st.Nlink = a.nlink(c)
	}
	if a.owner != nil {
		st.Uid, st.Gid = a.owner()
	}
	if a.mtime != nil {
		ts := a.mtime()
		st.Atim, st.Mtim, st.Ctim = ts, ts, ts
	}
	if a.size != nil {
		st.Size = a.size(c)
	}
	return 0
}

// SetAttr is Linux's proc_setattr: a change of mode is EPERM; a truncate
// (O_TRUNC on comm, as a shell's ">" makes it) and new times are accepted
// and change nothing.
func (a *attr) SetAttr(c vfs.Caller, at *vfs.Attr) abi.Errno {
	if at.Mode != nil || at.UID != nil || at.GID != nil {
		return abi.EPERM
	}
	return 0
}

// timespec converts a time to a file timestamp.
func timespec(t time.Time) abi.Timespec {
	return abi.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}

// entry is one name in a directory: a function that makes its node.
type entry struct {
	name string
	typ  uint8 // DT_*
	node func() vfs.Node
}

// staticDir is a directory whose entries are fixed when it is made.
type staticDir struct {
	attr
	ents []entry
}

func newDir(ino uint64, perm uint32, ents []entry) *staticDir {
	d := &staticDir{attr: attr{ino: ino, mode: abi.S_IFDIR | perm}, ents: ents}
	nsub := uint32(0)
	for _, e := range ents {
		if e.typ == abi.DT_DIR {
			nsub++
		}
	}
	d.nlink = func(vfs.Caller) uint32 { return 2 + nsub }
	return d
}

func (d *staticDir) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	return vfs.NewDirImpl(c, d), 0
}

func (d *staticDir) Lookup(c vfs.Caller, name string) (vfs.Node, abi.Errno) {
	for _, e := range d.ents {
		if e.name == name {
			return e.node(), 0
		}
	}
	return nil, abi.ENOENT
}

func (d *staticDir) Readdir(c vfs.Caller) ([]vfs.Dirent, abi.Errno) {
	return direntsOf(c, d.ents), 0
}

// direntsOf lists entries with their inode numbers.
func direntsOf(c vfs.Caller, ents []entry) []vfs.Dirent {
	out := make([]vfs.Dirent, 0, len(ents))
	for _, e := range ents {
		var st abi.Stat_t
		e.node().Stat(c, &st)
		out = append(out, vfs.Dirent{Ino: st.Ino, Type: e.typ, Name: e.name})
	}
	return out
}

// genNode is a regular file whose contents are generated when it is read
// from its start, as Linux's seq_file: a read at offset 0 renders the text
// anew, reads further on continue in the text rendered then, so that a
// program reading in small pieces sees one consistent snapshot and one
// that seeks back to 0 sees fresh figures (top does).
type genNode struct {
	attr
	// gen renders the text for caller c (the opener). ESRCH when what the
	// file describes is gone.
	gen func(c vfs.Caller) ([]byte, abi.Errno)
	// write, when set, handles a write; the mode must let someone open
	// the file for writing.
	write func(c vfs.Caller, b []byte) (int, abi.Errno)
	// open, when set, is a further check at open (ptrace_may_access):
	// its error refuses the open.
	open func(c vfs.Caller) abi.Errno
	// dev finds st_dev for fstat of an open file.
	dev func() uint64
}

func (n *genNode) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	if n.open != nil {
		if e := n.open(c); e != 0 {
			return nil, e
		}
	}
	return &genFile{n: n, c: c}, 0
}

// genFile is an open genNode.
type genFile struct {
	vfs.FileDefaults
	n *genNode   // immutable
	c vfs.Caller // immutable: the opener

	mu   sync.Mutex
	text []byte // guarded by mu: the last rendering
	have bool   // guarded by mu
}

// at returns the text to read at off: rendered anew at offset 0 or on the
// first read.
func (g *genFile) at(off int64) ([]byte, abi.Errno) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if off == 0 || !g.have {
		b, e := g.n.gen(g.c)
		if e != 0 {
			return nil, e
		}
		g.text, g.have = b, true
	}
	if off >= int64(len(g.text)) {
		return nil, 0
	}
	return g.text[off:], 0
}

// CanPoll: procfs files have a poll operation (proc_reg_poll), which says
// they are always ready, so epoll may watch them.
func (g *genFile) CanPoll() bool { return true }

func (g *genFile) Read(f *vfs.File, dst []byte, pos *int64) (int, abi.Errno) {
	n, e := g.Pread(f, dst, *pos)
	*pos += int64(n)
	return n, e
}

func (g *genFile) Pread(f *vfs.File, dst []byte, off int64) (int, abi.Errno) {
	if g.n.gen == nil {
		return 0, abi.EINVAL // write-only
	}
	b, e := g.at(off)
	if e != 0 {
		return 0, e
	}
	return copy(dst, b), 0
}

func (g *genFile) Write(f *vfs.File, src []byte, pos *int64) (int, abi.Errno) {
	if g.n.write == nil {
		return 0, abi.EINVAL // no ->write: Linux's vfs_write
	}
	n, e := g.n.write(g.c, src)
	if e == 0 {
		*pos += int64(n)
	}
	return n, e
}

func (g *genFile) Pwrite(f *vfs.File, src []byte, off int64) (int, abi.Errno) {
	var pos int64
	return g.Write(f, src, &pos)
}

// Lseek is seq_lseek: SEEK_SET and SEEK_CUR only.
func (g *genFile) Lseek(f *vfs.File, pos, off int64, whence int) (int64, abi.Errno) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += pos
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return off, 0
}

func (g *genFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	e := g.n.Stat(g.c, st)
	if g.n.dev != nil {
		st.Dev = g.n.dev()
	}
	return e
}

// Truncate is accepted and does nothing, as on Linux's proc files.
func (g *genFile) Truncate(*vfs.File, int64) abi.Errno { return 0 }

// linkNode is a symbolic link whose text is computed when it is read.
type linkNode struct {
	attr
	text func(c vfs.Caller) (string, abi.Errno)
}

func (l *linkNode) Open(vfs.Caller, uint32) (vfs.FileImpl, abi.Errno) { return nil, abi.ELOOP }

func (l *linkNode) Readlink(c vfs.Caller) (string, abi.Errno) { return l.text(c) }

// staticText is a genNode's gen for text that never changes.
func staticText(s string) func(vfs.Caller) ([]byte, abi.Errno) {
	return func(vfs.Caller) ([]byte, abi.Errno) { return []byte(s), 0 }
}
