package vfs

import (
	"strconv"

	"vessel/internal/abi"
)

// The path system calls on files of vessel's own filesystems: opening a
// node, and the permission rules Linux applies before it asks an inode to
// change (may_open, notify_change, may_delete), which the host kernel
// applies for host files.

// withTarget looks path up and hands what it names to hostFn (an O_PATH
// host descriptor, valid during the call) or nodeFn (a node and its mount).
// A File named by AT_EMPTY_PATH or by a magic link goes to whichever fits;
// other kinds of File (pipes, sockets) get EOPNOTSUPP unless fileFn is
// given.
func (fs *FS) withTarget(c Caller, dir *File, path string, follow, emptyPath bool,
	hostFn func(fd int) abi.Errno, nodeFn func(m *mount, n Node) abi.Errno, fileFn func(f *File) abi.Errno) abi.Errno {
	t, e := fs.lookup(c, dir, path, follow, emptyPath)
	if e != 0 {
		return e
	}
	defer t.close()
	switch {
	case t.fd >= 0:
		return hostFn(t.fd)
	case t.node != nil:
		return nodeFn(t.mnt, t.node)
	case t.file.node != nil:
		return nodeFn(t.file.mnt, t.file.node)
	}
	if h, ok := hostFileOf(t.file); ok {
		return hostFn(h.fd)
	}
	if fileFn != nil {
		return fileFn(t.file)
	}
	return abi.EOPNOTSUPP
}

// openNode opens node t for I/O as open(2) with flags asks (may_open);
// mode is O_TMPFILE's.
func (fs *FS) openNode(c Caller, t target, flags, mode uint32) (*File, abi.Errno) {
	var st abi.Stat_t
	if e := statNode(c, t.mnt, t.node, &st); e != 0 {
		return nil, e
	}
	typ := st.Mode & abi.S_IFMT
	if flags&abi.O_TMPFILE == abi.O_TMPFILE {
		return fs.openTmpfile(c, t, typ, flags, mode)
	}
	if flags&abi.O_DIRECTORY != 0 && typ != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	if flags&abi.O_PATH != 0 {
		f := NewFile(pathNode{}, flags, t.path)
		f.mnt, f.node = t.mnt, t.node
		return f, 0
	}
	acc := flags & abi.O_ACCMODE
	if typ == abi.S_IFDIR && (acc != abi.O_RDONLY || flags&abi.O_CREAT != 0) {
		return nil, abi.EISDIR
	}
	if !t.created {
		var want uint32
		switch acc {
		case abi.O_RDONLY:
			want = abi.R_OK
		case abi.O_WRONLY:
			want = abi.W_OK
		case abi.O_RDWR:
			want = abi.R_OK | abi.W_OK
		}
		if flags&abi.O_TRUNC != 0 {
			want |= abi.W_OK
		}
		if !permitted(c.FSCreds(), &st, want) {
			return nil, abi.EACCES
		}
	}
	switch typ {
	case abi.S_IFCHR, abi.S_IFBLK:
		return fs.openDevice(c, st.Rdev, t.path, flags)
	case abi.S_IFIFO:
		f, e := fs.openFIFO(c, t.node, t.path, flags, func(st *abi.Stat_t) abi.Errno { return statNode(c, t.mnt, t.node, st) })
		if e == 0 {
			f.mnt, f.node = t.mnt, t.node
		}
		return f, e
	case abi.S_IFSOCK:
		return nil, abi.ENXIO
	}
	if flags&abi.O_TRUNC != 0 && typ == abi.S_IFREG && !t.created {
		as, ok := t.node.(AttrSetter)
		if !ok {
			return nil, abi.EACCES
		}
		zero := int64(0)
		if e := as.SetAttr(c, &Attr{Size: &zero, ChangeTime: true}); e != 0 {
			return nil, e
		}
	}
	if fn, ok := t.node.(FileNode); ok {
		return fn.OpenFile(c, t.path, flags)
	}
	impl, e := t.node.Open(c, flags)
	if e != 0 {
		return nil, e
	}
	var f *File
	if typ == abi.S_IFREG || typ == abi.S_IFDIR {
		f = NewFile(impl, flags|abi.O_LARGEFILE, t.path)
	} else {
		f = NewStreamFile(impl, flags|abi.O_LARGEFILE, t.path)
	}
	f.mnt, f.node = t.mnt, t.node
	return f, 0
}

// TmpfileDir is a directory that can hold unnamed files (O_TMPFILE).
type TmpfileDir interface {
	// CreateTmpfile makes a regular file with no name, which linkat may
	// give one unless excl (O_EXCL).
	CreateTmpfile(c Caller, mode uint32, excl bool) (Node, abi.Errno)
}

// openTmpfile is open(2) with O_TMPFILE on directory t: an unnamed regular
// file, open for writing (EINVAL otherwise), where the filesystem has them
// (EOPNOTSUPP).
func (fs *FS) openTmpfile(c Caller, t target, typ, flags, mode uint32) (*File, abi.Errno) {
	if typ != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	if acc := flags & abi.O_ACCMODE; acc != abi.O_WRONLY && acc != abi.O_RDWR {
		return nil, abi.EINVAL
	}
	td, ok := t.node.(TmpfileDir)
	if !ok {
		return nil, abi.EOPNOTSUPP
	}
	if e := mayChangeDir(c, t.node); e != 0 {
		return nil, e
	}
	n, e := td.CreateTmpfile(c, abi.S_IFREG|mode&0o7777, flags&abi.O_EXCL != 0)
	if e != 0 {
		return nil, e
	}
	impl, e := n.Open(c, flags)
	if e != 0 {
		return nil, e
	}
	var st abi.Stat_t
	n.Stat(c, &st)
	f := NewFile(impl, flags&^abi.O_TMPFILE|abi.O_LARGEFILE, joinPath(t.path, "#"+strconv.FormatUint(st.Ino, 10)+" (deleted)"))
	f.mnt, f.node = t.mnt, n
	return f, 0
}

// reopen is open(2) through a magic link to File f (its reference passes
// to reopen): a host file is opened anew through its descriptor, a node
// anew, and a pipe or another kind that can be by its Reopen.
func (fs *FS) reopen(c Caller, f *File, flags uint32, path string) (*File, abi.Errno) {
	defer f.DecRef()
	if f.node != nil {
		return fs.openNode(c, target{fd: -1, mnt: f.mnt, node: f.node, path: f.path}, flags, 0)
	}
	if h, ok := hostFileOf(f); ok {
		if flags&abi.O_PATH != 0 {
			fd, err := dupFD(h.fd)
			if err != nil {
				return nil, errnoOf(err)
			}
			return fs.newHostFile(fd, flags, f.Path())
		}
		hflags := hostOpenFlags(flags&^(abi.O_CLOEXEC|abi.O_CREAT|abi.O_EXCL|abi.O_NOFOLLOW)) | 0o2000000 // O_CLOEXEC
		fd, err := openat(-100, procFD(h.fd), hflags, 0)
		if err != nil {
			return nil, errnoOf(err)
		}
		return fs.newHostFile(fd, flags, f.Path())
	}
	if r, ok := f.impl.(Reopener); ok {
		return r.Reopen(c, f, flags)
	}
	if flags&abi.O_PATH != 0 {
		f.IncRef()
		return f, 0
	}
	return nil, abi.ENXIO
}

// pathNode is what an O_PATH File of a node does: nothing but fstat.
type pathNode struct{ FileDefaults }

func (pathNode) Stat(f *File, st *abi.Stat_t) abi.Errno {
	return statNode(nil, f.mnt, f.node, st)
}

// isOwner reports whether the caller owns st's file or is uid 0
// (inode_owner_or_capable).
func isOwner(c Caller, st *abi.Stat_t) bool {
	uid := c.FSCreds().UID
	return uid == 0 || uid == st.Uid
}

// setNodeAttr applies a to node n after Linux's checks: chmod and the times
// other than "now" need the owner; chown needs uid 0 (or the owner giving
// the file to one of its groups); a truncate needs write permission.
func setNodeAttr(c Caller, n Node, a *Attr, timesNow bool) abi.Errno {
	var st abi.Stat_t
	if e := n.Stat(c, &st); e != 0 {
		return e
	}
	cr := c.FSCreds()
	if a.Mode != nil && !isOwner(c, &st) {
		return abi.EPERM
	}
	if a.Mode != nil && cr.UID != 0 && !cr.InGroup(st.Gid) {
		m := *a.Mode &^ abi.S_ISGID // setgid is dropped for a non-member
		a.Mode = &m
	}
	if a.UID != nil && *a.UID != st.Uid && cr.UID != 0 {
		return abi.EPERM
	}
	if a.GID != nil && *a.GID != st.Gid && cr.UID != 0 && (cr.UID != st.Uid || !cr.InGroup(*a.GID)) {
		return abi.EPERM
	}
	if (a.Atime != nil || a.Mtime != nil) && !isOwner(c, &st) {
		if !timesNow {
			return abi.EPERM
		}
		if !permitted(cr, &st, abi.W_OK) {
			return abi.EACCES
		}
	}
	if a.Size != nil && !permitted(cr, &st, abi.W_OK) {
		return abi.EACCES
	}
	as, ok := n.(AttrSetter)
	if !ok {
		return abi.EPERM
	}
	a.ChangeTime = true
	return as.SetAttr(c, a)
}

// mayChangeDir checks that the caller may add or remove entries of
// directory d: write and search permission.
func mayChangeDir(c Caller, d Node) abi.Errno {
	return nodeAccess(c, d, abi.W_OK|abi.X_OK)
}

// mayDelete checks the sticky bit of directory d for removing (or renaming
// away) its entry n: in a sticky directory only the owner of the entry or
// of the directory, or uid 0, may (Linux's check_sticky).
func mayDelete(c Caller, d, n Node) abi.Errno {
	var ds, ns abi.Stat_t
	if e := d.Stat(c, &ds); e != 0 {
		return e
	}
	if ds.Mode&abi.S_ISVTX == 0 {
		return 0
	}
	if e := n.Stat(c, &ns); e != 0 {
		return e
	}
	uid := c.FSCreds().UID
	if uid == 0 || uid == ns.Uid || uid == ds.Uid {
		return 0
	}
	return abi.EPERM
}
