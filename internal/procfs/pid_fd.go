package procfs

import (
	"fmt"
	"strconv"
	"strings"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// The magic links of /proc/PID — fd/N, cwd, root, exe — and fdinfo/N.
// Reading a link gives the path of what it stands for, as the kernel names
// the file (vfs.File.Path: "/dev/null", "pipe:[7]", "anon_inode:[eventfd]");
// following it jumps to that very file or directory (vfs.MagicLink), so
// open("/proc/PID/fd/N") opens the file anew and "/proc/PID/cwd/x" walks
// from the directory. Both need ptrace_may_access, as Linux's
// proc_fd_access_allowed.

// magicLink is one of the links.
type magicLink struct {
	attr
	d    *pidDir
	text func(d *pidDir, c vfs.Caller) (string, abi.Errno)
	jump func(d *pidDir, c vfs.Caller) (*vfs.File, abi.Errno)
}

func (l *magicLink) Open(vfs.Caller, uint32) (vfs.FileImpl, abi.Errno) { return nil, abi.ELOOP }

// allowed checks the caller may look through the link.
func (l *magicLink) allowed(c vfs.Caller) abi.Errno {
	t, e := l.d.task()
	if e != 0 {
		return abi.ENOENT
	}
	return mayPtrace(c, t)
}

func (l *magicLink) Readlink(c vfs.Caller) (string, abi.Errno) {
	if e := l.allowed(c); e != 0 {
		return "", e
	}
	return l.text(l.d, c)
}

func (l *magicLink) Follow(c vfs.Caller) (*vfs.File, abi.Errno) {
	if e := l.allowed(c); e != 0 {
		return nil, e
	}
	return l.jump(l.d, c)
}

// ctxCaller walks the tree in a task's fs context with root's rights: how
// procfs reaches what a task's links name (the jump itself is not
// checked against the path, as in Linux).
type ctxCaller struct{ ctx *vfs.Context }

func (c ctxCaller) FSContext() *vfs.Context { return c.ctx }
func (c ctxCaller) FSCreds() vfs.Creds      { return vfs.Creds{} }

// withFS runs fn with the task's fs context; ENOENT once the task has
// exited (a zombie has none).
func withFS[T any](d *pidDir, fn func(ctx *vfs.Context) (T, abi.Errno)) (T, abi.Errno) {
	var zero T
	t, e := d.task()
	if e != 0 {
		return zero, abi.ENOENT
	}
	ctx := t.FSRef()
	if ctx == nil {
		return zero, abi.ENOENT
	}
	defer ctx.DecRef()
	return fn(ctx)
}

// relPath is directory path p as seen from root path r: Linux's d_path
// relative to the reader's root (the task's own, here).
func relPath(p, r string) string {
	switch {
	case r == "/":
		return p
	case p == r:
		return "/"
	case strings.HasPrefix(p, r+"/"):
		return p[len(r):]
	}
	return p
}

func cwdText(d *pidDir, c vfs.Caller) (string, abi.Errno) {
	return withFS(d, func(ctx *vfs.Context) (string, abi.Errno) {
		cwd, root := ctx.Cwd(), ctx.Root()
		defer cwd.DecRef()
		defer root.DecRef()
		return relPath(cwd.Path(), root.Path()), 0
	})
}

func cwdJump(d *pidDir, c vfs.Caller) (*vfs.File, abi.Errno) {
	return withFS(d, func(ctx *vfs.Context) (*vfs.File, abi.Errno) { return ctx.Cwd(), 0 })
}

func rootText(d *pidDir, c vfs.Caller) (string, abi.Errno) {
	return withFS(d, func(ctx *vfs.Context) (string, abi.Errno) {
		root := ctx.Root()
		defer root.DecRef()
		return root.Path(), 0
	})
}

func rootJump(d *pidDir, c vfs.Caller) (*vfs.File, abi.Errno) {
	return withFS(d, func(ctx *vfs.Context) (*vfs.File, abi.Errno) { return ctx.Root(), 0 })
}

// exeText is the executable's path, which vessel records at exec;
// ENOENT once the process has exited (its mm is gone) or for vessel's
// built-in init, which runs no file.
func exeText(d *pidDir, c vfs.Caller) (string, abi.Errno) {
	t, e := d.task()
	if e != 0 {
		return "", abi.ENOENT
	}
	info := t.ProcInfo()
	if info.MM == nil || !strings.HasPrefix(info.Exe, "/") {
		return "", abi.ENOENT
	}
	return info.Exe, 0
}

// exeJump opens the executable by its recorded path, O_PATH. vessel
// keeps the path, not the file: one renamed or replaced since the exec
// is not found again (Linux keeps mm->exe_file).
func exeJump(d *pidDir, c vfs.Caller) (*vfs.File, abi.Errno) {
	exe, e := exeText(d, c)
	if e != 0 {
		return nil, e
	}
	return withFS(d, func(ctx *vfs.Context) (*vfs.File, abi.Errno) {
		return d.p.fs.Openat(ctxCaller{ctx}, nil, exe, abi.O_PATH, 0)
	})
}

// fdDir is /proc/PID/fd (links to the open files) or, with info,
// /proc/PID/fdinfo (their offsets and flags).
type fdDir struct {
	attr
	d    *pidDir
	info bool
}

func (fd *fdDir) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	return vfs.NewDirImpl(c, fd), 0
}

// files returns the task's descriptor table with a reference, or nil.
func (fd *fdDir) files() (*vfs.FDTable, abi.Errno) {
	t, e := fd.d.task()
	if e != 0 {
		return nil, abi.ENOENT
	}
	return t.FilesRef(), 0
}

// get returns the File descriptor n names, with a reference.
func (fd *fdDir) get(n int32) (*vfs.File, bool, abi.Errno) {
	tab, e := fd.files()
	if e != 0 || tab == nil {
		return nil, false, abi.ENOENT
	}
	defer tab.DecRef()
	f, e := tab.Get(n)
	if e != 0 {
		return nil, false, abi.ENOENT
	}
	fl, _ := tab.FDFlags(n)
	return f, fl&abi.FD_CLOEXEC != 0, 0
}

func (fd *fdDir) Readdir(c vfs.Caller) ([]vfs.Dirent, abi.Errno) {
	tab, e := fd.files()
	if e != 0 {
		return nil, e
	}
	var out []vfs.Dirent
	if tab == nil {
		return out, 0
	}
	defer tab.DecRef()
	typ := uint8(abi.DT_LNK)
	if fd.info {
		typ = abi.DT_REG
	}
	for _, x := range tab.Snapshot() {
		x.File.DecRef()
		out = append(out, vfs.Dirent{Ino: fd.entIno(x.FD), Type: typ, Name: strconv.Itoa(int(x.FD))})
	}
	return out, 0
}

// entIno is the inode number of entry n.
func (fd *fdDir) entIno(n int32) uint64 {
	kind := uint64(inoFD)
	switch {
	case fd.info && fd.d.whole():
		kind = inoFDInfo
	case fd.info:
		kind = inoThrFDInfo
	case !fd.d.whole():
		kind = inoThreadFD
	}
	return kind | uint64(fd.d.id)<<24 | uint64(n)
}

func (fd *fdDir) Lookup(c vfs.Caller, name string) (vfs.Node, abi.Errno) {
	n, err := strconv.ParseUint(name, 10, 31)
	if err != nil || strconv.FormatUint(n, 10) != name {
		return nil, abi.ENOENT
	}
	f, _, e := fd.get(int32(n))
	if e != 0 {
		return nil, e
	}
	flags := f.Flags()
	f.DecRef()
	a := attr{ino: fd.entIno(int32(n)), owner: fd.d.owner, mtime: fd.d.mtime}
	if fd.info {
		a.mode = abi.S_IFREG | 0o444
		node := &genNode{attr: a, dev: fd.d.p.devNum}
		node.gen = func(c vfs.Caller) ([]byte, abi.Errno) { return fd.fdinfo(int32(n)) }
		node.open = func(c vfs.Caller) abi.Errno {
			t, e := fd.d.task()
			if e != 0 {
				return e
			}
			return mayPtrace(c, t)
		}
		return node, 0
	}
	// The link's mode says how the file is open, as Linux's
	// tid_fd_update_inode: r-x for reading, -wx for writing.
	a.mode = abi.S_IFLNK
	if flags&abi.O_PATH == 0 {
		if acc := flags & abi.O_ACCMODE; acc == abi.O_RDONLY || acc == abi.O_RDWR {
			a.mode |= 0o500
		}
		if acc := flags & abi.O_ACCMODE; acc == abi.O_WRONLY || acc == abi.O_RDWR {
			a.mode |= 0o300
		}
	}
	a.size = func(vfs.Caller) int64 { return 64 } // as Linux reports proc_fd links
	num := int32(n)
	return &magicLink{attr: a, d: fd.d,
		text: func(d *pidDir, c vfs.Caller) (string, abi.Errno) {
			f, _, e := fd.get(num)
			if e != 0 {
				return "", e
			}
			defer f.DecRef()
			return f.Path(), 0
		},
		jump: func(d *pidDir, c vfs.Caller) (*vfs.File, abi.Errno) {
			f, _, e := fd.get(num)
			return f, e
		},
	}, 0
}

// fdinfo is /proc/PID/fdinfo/N (Linux's seq_show in fs/proc/fd.c): the
// offset, the status flags in octal with O_CLOEXEC for a close-on-exec
// descriptor, the id of the mount the file is on, and its inode number.
func (fd *fdDir) fdinfo(n int32) ([]byte, abi.Errno) {
	f, cloexec, e := fd.get(n)
	if e != 0 {
		return nil, abi.ESRCH
	}
	defer f.DecRef()
	flags := f.Flags()
	if cloexec {
		flags |= abi.O_CLOEXEC
	}
	var st abi.Stat_t
	f.Stat(&st)
	pos := int64(0)
	if !f.Stream() {
		pos = f.Pos()
	}
	return fmt.Appendf(nil, "pos:\t%d\nflags:\t0%o\nmnt_id:\t%d\nino:\t%d\n", pos, flags, fd.d.p.mountID(st.Dev, f.Path()), st.Ino), 0
}

// mountID is the id of the mount a file with device dev and guest path
// path is on. vessel's filesystems each have a device of their own; a file
// with another device is the host's, in the root mount. A file without a
// device is a device node's open file (its path is in devfs: the mount
// holding the path) or has no path at all (a pipe, an eventfd): 0, as it
// is on none of the mounts vessel lists (Linux shows its internal pipefs
// or anon_inodefs mount there).
func (p *FS) mountID(dev uint64, path string) int {
	ms := p.fs.Mounts()
	if dev == 0 {
		if !strings.HasPrefix(path, "/") {
			return 0
		}
		best, bestLen := 0, -1
		for _, m := range ms {
			if under(path, m.Point) && len(m.Point) > bestLen {
				best, bestLen = m.ID, len(m.Point)
			}
		}
		return best
	}
	for _, m := range ms {
		if m.Dev == dev {
			return m.ID
		}
	}
	return ms[0].ID
}

// under reports whether path p is dir or below it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir) && (dir == "/" || p[len(dir)] == '/')
}

var _ vfs.MagicLink = (*magicLink)(nil)
