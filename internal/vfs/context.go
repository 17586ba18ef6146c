package vfs

import (
	"sync"
	"sync/atomic"

	"vessel/internal/abi"
)

// Context is a process's view of the filesystem (Linux's fs_struct): its
// root directory, its working directory and its umask. Tasks made with
// CLONE_FS share one Context (IncRef when sharing, DecRef at exit); fork and
// unshare(CLONE_FS) give the child a copy (Fork).
type Context struct {
	fs   *FS // immutable
	refs atomic.Int32

	mu    sync.Mutex
	root  *File  // guarded by mu: an O_PATH directory; holds a reference
	cwd   *File  // guarded by mu: a directory File; holds a reference
	umask uint32 // guarded by mu
}

// NewContext returns a Context at the root of fs, with umask 022, for the
// first process.
func (fs *FS) NewContext() *Context {
	c := &Context{fs: fs, root: fs.Root(), cwd: fs.Root(), umask: 0o022}
	c.refs.Store(1)
	return c
}

// FS returns the filesystem the Context looks at.
func (c *Context) FS() *FS { return c.fs }

// Fork returns a copy of c, for a child that does not share it (fork, or
// unshare(CLONE_FS)).
func (c *Context) Fork() *Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.root.IncRef()
	c.cwd.IncRef()
	n := &Context{fs: c.fs, root: c.root, cwd: c.cwd, umask: c.umask}
	n.refs.Store(1)
	return n
}

// IncRef records one more task sharing c (CLONE_FS).
func (c *Context) IncRef() {
	if c.refs.Add(1) <= 1 {
		panic("vfs: IncRef of a released Context")
	}
}

// DecRef drops a sharer; the last one releases the root and working
// directory.
func (c *Context) DecRef() {
	switch n := c.refs.Add(-1); {
	case n == 0:
		c.mu.Lock()
		root, cwd := c.root, c.cwd
		c.root, c.cwd = nil, nil
		c.mu.Unlock()
		root.DecRef()
		cwd.DecRef()
	case n < 0:
		panic("vfs: DecRef of a released Context")
	}
}

// Shared reports whether more than one task shares c.
func (c *Context) Shared() bool { return c.refs.Load() > 1 }

// Root returns the process's root directory with a reference for the caller.
func (c *Context) Root() *File {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.root.IncRef()
	return c.root
}

// Cwd returns the working directory with a reference for the caller.
func (c *Context) Cwd() *File {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cwd.IncRef()
	return c.cwd
}

// Umask returns the file mode creation mask.
func (c *Context) Umask() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.umask
}

// SetUmask is umask(2): it sets the mask to mask&0777 and returns the old one.
func (c *Context) SetUmask(mask uint32) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.umask
	c.umask = mask & 0o777
	return old
}

// setCwd makes dir, whose reference passes to c, the working directory.
func (c *Context) setCwd(dir *File) {
	c.mu.Lock()
	old := c.cwd
	c.cwd = dir
	c.mu.Unlock()
	old.DecRef()
}

// setRoot makes dir, whose reference passes to c, the root directory.
func (c *Context) setRoot(dir *File) {
	c.mu.Lock()
	old := c.root
	c.root = dir
	c.mu.Unlock()
	old.DecRef()
}

// startDir returns, with a reference, the directory a relative path given
// with dir starts from: dir itself, or the working directory for nil
// (AT_FDCWD). ENOTDIR when dir is not a directory vessel can search from.
func (c *Context) startDir(who Caller, dir *File) (*File, abi.Errno) {
	if dir == nil {
		return c.Cwd(), 0
	}
	if !isDir(who, dir) {
		return nil, abi.ENOTDIR
	}
	dir.IncRef()
	return dir, 0
}
