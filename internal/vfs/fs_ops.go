package vfs

import (
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// The path system calls that name, create, remove and rename directory
// entries. Each resolves the parent directory inside the root and hands
// the host only the last component, to a call that does not follow it.

// statFlags are the flags newfstatat and statx accept.
const statFlags = abi.AT_SYMLINK_NOFOLLOW | abi.AT_EMPTY_PATH | abi.AT_NO_AUTOMOUNT | abi.AT_STATX_SYNC_TYPE

// Stat is newfstatat(2) (and statx's lookup): it fills st for path relative
// to dir (nil: the working directory). AT_SYMLINK_NOFOLLOW stats a final
// symbolic link itself; AT_EMPTY_PATH with an empty path stats dir, which
// may be any kind of File.
func (fs *FS) Stat(c Caller, dir *File, path string, flags uint32, st *abi.Stat_t) abi.Errno {
	if flags&^statFlags != 0 {
		return abi.EINVAL
	}
	return fs.withTarget(c, dir, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags&abi.AT_EMPTY_PATH != 0,
		func(fd int) abi.Errno { return hostStat(fd, st) },
		func(m *mount, n Node) abi.Errno { return statNode(c, m, n, st) },
		func(f *File) abi.Errno { return f.Stat(st) })
}

// Mkdirat is mkdirat(2). The mode keeps its permission and sticky bits,
// less the umask. EEXIST for "." and "..", as Linux's filename_create.
func (fs *FS) Mkdirat(c Caller, dir *File, path string, mode uint32) abi.Errno {
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return e
	}
	defer p.close()
	if p.last != lastNorm || fs.isMountPoint(p.childPath()) {
		return abi.EEXIST
	}
	mode = mode & 0o1777 &^ c.FSContext().Umask()
	if p.node != nil {
		return nodeCreate(c, &p, abi.S_IFDIR|mode, 0, "")
	}
	if err := unix.Mkdirat(p.fd, p.name, mode); err != nil {
		return errnoOf(err)
	}
	return fs.fixMode(p.fd, p.name, mode, unix.S_IFDIR)
}

// Mknodat is mknodat(2). In vessel's filesystems it makes any kind of
// node: regular files, FIFOs and sockets for anyone, device nodes for uid 0
// (EPERM otherwise, as without CAP_MKNOD). In the host tree it makes
// regular files and FIFOs (whose ends meet inside vessel); sockets and
// device nodes fail with EPERM there, since a host node would give the
// guest the host's device (sockets are bound through BindSocket). S_IFDIR
// is EPERM and an unknown type EINVAL, as Linux's may_mknod.
func (fs *FS) Mknodat(c Caller, dir *File, path string, mode uint32, dev uint64) abi.Errno {
	typ := mode & abi.S_IFMT
	switch typ {
	case 0:
		typ = abi.S_IFREG
	case abi.S_IFREG, abi.S_IFIFO, abi.S_IFSOCK, abi.S_IFCHR, abi.S_IFBLK:
	case abi.S_IFDIR:
		return abi.EPERM
	default:
		return abi.EINVAL
	}
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return e
	}
	defer p.close()
	if p.last != lastNorm || fs.isMountPoint(p.childPath()) {
		return abi.EEXIST
	}
	perm := mode & 0o7777 &^ c.FSContext().Umask()
	if p.node != nil {
		if (typ == abi.S_IFCHR || typ == abi.S_IFBLK) && c.FSCreds().UID != 0 {
			return abi.EPERM
		}
		if typ != abi.S_IFCHR && typ != abi.S_IFBLK {
			dev = 0
		}
		return nodeCreate(c, &p, typ|perm, dev, "")
	}
	htyp := map[uint32]uint32{abi.S_IFREG: unix.S_IFREG, abi.S_IFIFO: unix.S_IFIFO}[typ]
	if htyp == 0 {
		return abi.EPERM
	}
	if err := unix.Mknodat(p.fd, p.name, htyp|perm, 0); err != nil {
		return errnoOf(err)
	}
	return fs.fixMode(p.fd, p.name, perm, htyp)
}

// nodeCreate makes the last component of p, a directory node, as Linux's
// filename_create and may_create: EEXIST if it exists, ENOENT for a
// trailing slash on anything but a directory, EPERM where the filesystem
// makes no files, EACCES without write and search permission.
func nodeCreate(c Caller, p *parent, mode uint32, rdev uint64, target string) abi.Errno {
	name := strings.TrimRight(p.name, "/")
	if _, e := p.node.Lookup(c, name); e == 0 {
		return abi.EEXIST
	}
	if name != p.name && mode&abi.S_IFMT != abi.S_IFDIR {
		return abi.ENOENT
	}
	md, ok := p.node.(MutableDir)
	if !ok {
		return abi.EPERM
	}
	if e := mayChangeDir(c, p.node); e != 0 {
		return e
	}
	_, e := md.Create(c, name, mode, rdev, target)
	return e
}

// fixMode sets the mode of the entry name of directory pfd, just created
// with host file type typ, when vessel's own umask took bits from it. If
// the entry is no longer of that type (another task replaced it), it is
// left alone.
func (fs *FS) fixMode(pfd int, name string, mode, typ uint32) abi.Errno {
	if mode&fs.hostUmask == 0 {
		return 0
	}
	fd, err := openat(pfd, strings.TrimRight(name, "/"), unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return errnoOf(err)
	}
	defer closeFD(fd)
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != typ {
		return 0
	}
	return chmodFD(fd, mode)
}

// chmodFD changes the mode of what O_PATH descriptor fd names, which must
// not be a symbolic link (the magic link of the fallback would be followed
// through it): with fchmodat2(AT_EMPTY_PATH) where the host has it, else
// through vessel's magic link.
func chmodFD(fd int, mode uint32) abi.Errno {
	err := unix.Fchmodat(fd, "", mode, unix.AT_EMPTY_PATH)
	if err == unix.EOPNOTSUPP || err == unix.ENOSYS {
		err = unix.Fchmodat(unix.AT_FDCWD, procFD(fd), mode, 0)
	}
	return errnoOf(err)
}

// Unlinkat is unlinkat(2): it removes a name, or with AT_REMOVEDIR an empty
// directory. For the last components Linux refuses by name: unlink of ".",
// ".." or "/" is EISDIR; rmdir of "." is EINVAL, of ".." ENOTEMPTY, of "/"
// EBUSY (do_unlinkat, do_rmdir).
func (fs *FS) Unlinkat(c Caller, dir *File, path string, flags uint32) abi.Errno {
	if flags&^abi.AT_REMOVEDIR != 0 {
		return abi.EINVAL
	}
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return e
	}
	defer p.close()
	hflags := 0
	if flags&abi.AT_REMOVEDIR != 0 {
		switch p.last {
		case lastDot:
			return abi.EINVAL
		case lastDotDot:
			return abi.ENOTEMPTY
		case lastRoot:
			return abi.EBUSY
		}
		if fs.isMountPoint(p.childPath()) {
			return abi.EBUSY
		}
		hflags = unix.AT_REMOVEDIR
	} else if p.last != lastNorm || fs.isMountPoint(p.childPath()) {
		return abi.EISDIR
	}
	if p.node != nil {
		return nodeUnlink(c, &p, hflags != 0)
	}
	return errnoOf(unix.Unlinkat(p.fd, p.name, hflags))
}

// nodeUnlink removes the last component of p, a directory node, as
// Linux's may_delete: ENOENT, EPERM where nothing can be removed, EACCES,
// and the sticky bit's EPERM.
func nodeUnlink(c Caller, p *parent, dir bool) abi.Errno {
	name := strings.TrimRight(p.name, "/")
	n, e := p.node.Lookup(c, name)
	if e != 0 {
		return e
	}
	if name != p.name && !dir {
		if t, _ := nodeType(c, n); t != abi.S_IFDIR {
			return abi.ENOTDIR
		}
	}
	md, ok := p.node.(MutableDir)
	if !ok {
		return abi.EPERM
	}
	if e := mayChangeDir(c, p.node); e != 0 {
		return e
	}
	if e := mayDelete(c, p.node, n); e != 0 {
		return e
	}
	return md.Unlink(c, name, dir)
}

// Renameat2 is renameat2(2) with flags RENAME_NOREPLACE, RENAME_EXCHANGE
// and RENAME_WHITEOUT (the host checks the combinations and privileges).
// A last component ".", ".." or "/" is EBUSY, or EEXIST for the new name
// under RENAME_NOREPLACE, as Linux's do_renameat2. Renaming across host
// filesystems inside the root gives the host's EXDEV.
func (fs *FS) Renameat2(c Caller, olddir *File, oldpath string, newdir *File, newpath string, flags uint32) abi.Errno {
	if flags&^(abi.RENAME_NOREPLACE|abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	if flags&abi.RENAME_NOREPLACE != 0 && flags&(abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	op, e := fs.lookupParent(c, olddir, oldpath)
	if e != 0 {
		return e
	}
	defer op.close()
	np, e := fs.lookupParent(c, newdir, newpath)
	if e != 0 {
		return e
	}
	defer np.close()
	if op.last != lastNorm {
		return abi.EBUSY
	}
	if np.last != lastNorm {
		if flags&abi.RENAME_NOREPLACE != 0 {
			return abi.EEXIST
		}
		return abi.EBUSY
	}
	if fs.isMountPoint(op.childPath()) || fs.isMountPoint(np.childPath()) {
		return abi.EBUSY
	}
	if op.mnt != np.mnt {
		return abi.EXDEV
	}
	if op.node != nil {
		return nodeRename(c, &op, &np, flags)
	}
	var hflags uint
	if flags&abi.RENAME_NOREPLACE != 0 {
		hflags |= unix.RENAME_NOREPLACE
	}
	if flags&abi.RENAME_EXCHANGE != 0 {
		hflags |= unix.RENAME_EXCHANGE
	}
	if flags&abi.RENAME_WHITEOUT != 0 {
		hflags |= unix.RENAME_WHITEOUT
	}
	return errnoOf(unix.Renameat2(op.fd, op.name, np.fd, np.name, hflags))
}

// nodeRename is Renameat2 within one of vessel's filesystems.
func nodeRename(c Caller, op, np *parent, flags uint32) abi.Errno {
	if flags&abi.RENAME_WHITEOUT != 0 {
		return abi.EINVAL
	}
	oname, nname := strings.TrimRight(op.name, "/"), strings.TrimRight(np.name, "/")
	n, e := op.node.Lookup(c, oname)
	if e != 0 {
		return e
	}
	typ, _ := nodeType(c, n)
	if (oname != op.name || nname != np.name) && typ != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	omd, ok1 := op.node.(MutableDir)
	nmd, ok2 := np.node.(MutableDir)
	if !ok1 || !ok2 {
		return abi.EPERM
	}
	if e := mayChangeDir(c, op.node); e != 0 {
		return e
	}
	if e := mayChangeDir(c, np.node); e != 0 {
		return e
	}
	if e := mayDelete(c, op.node, n); e != 0 {
		return e
	}
	if old, e := np.node.Lookup(c, nname); e == 0 {
		if e := mayDelete(c, np.node, old); e != 0 {
			return e
		}
	}
	return omd.Rename(c, oname, nmd, nname, flags)
}

// Symlinkat is symlinkat(2): it makes path a symbolic link whose contents
// are target, stored as given. The contents can name anything; following
// the link later always stays inside the root. An empty target is ENOENT.
func (fs *FS) Symlinkat(c Caller, target string, dir *File, path string) abi.Errno {
	if target == "" {
		return abi.ENOENT
	}
	if len(target) >= pathMax {
		return abi.ENAMETOOLONG
	}
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return e
	}
	defer p.close()
	if p.last != lastNorm || fs.isMountPoint(p.childPath()) {
		return abi.EEXIST
	}
	if p.node != nil {
		return nodeCreate(c, &p, abi.S_IFLNK|0o777, 0, target)
	}
	return errnoOf(unix.Symlinkat(target, p.fd, p.name))
}

// Readlinkat is readlinkat(2): it returns the contents of the symbolic link
// path (truncating to the guest's buffer is the caller's job). EINVAL when
// path is not a link. An empty path names dir itself, which must then be an
// O_PATH|O_NOFOLLOW File of a link, as Linux allows since 2.6.39.
func (fs *FS) Readlinkat(c Caller, dir *File, path string) (string, abi.Errno) {
	var s string
	readNode := func(_ *mount, n Node) abi.Errno {
		l, ok := n.(SymlinkNode)
		if !ok {
			return abi.EINVAL
		}
		var e abi.Errno
		s, e = l.Readlink(c)
		return e
	}
	readHost := func(fd int) abi.Errno {
		var st unix.Stat_t
		if err := fstat(fd, &st); err != nil {
			return errnoOf(err)
		}
		if st.Mode&unix.S_IFMT != unix.S_IFLNK {
			return abi.EINVAL
		}
		var err error
		s, err = readlinkat(fd, "")
		return errnoOf(err)
	}
	e := fs.withTarget(c, dir, path, false, true, readHost, readNode, func(*File) abi.Errno { return abi.EINVAL })
	return s, e
}

// Linkat is linkat(2): it makes newpath a new name of oldpath. Without
// AT_SYMLINK_FOLLOW a final symbolic link in oldpath is linked itself;
// with it the link is followed (inside the root). AT_EMPTY_PATH with an
// empty oldpath links olddir itself. A new name ".", ".." or "/" is EEXIST.
func (fs *FS) Linkat(c Caller, olddir *File, oldpath string, newdir *File, newpath string, flags uint32) abi.Errno {
	if flags&^(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	np, e := fs.lookupParent(c, newdir, newpath)
	if e != 0 {
		return e
	}
	defer np.close()
	if fs.isMountPoint(np.childPath()) {
		return abi.EEXIST
	}
	if np.node != nil {
		return fs.nodeLink(c, olddir, oldpath, &np, flags)
	}

	// The old name is handed to the host as a last component only when the
	// host will not follow it: no AT_SYMLINK_FOLLOW and no trailing slash.
	if oldpath != "" && flags&abi.AT_SYMLINK_FOLLOW == 0 && oldpath[len(oldpath)-1] != '/' {
		op, e := fs.lookupParent(c, olddir, oldpath)
		if e != 0 {
			return e
		}
		defer op.close()
		if op.last == lastNorm {
			if np.last != lastNorm {
				return abi.EEXIST
			}
			return errnoOf(unix.Linkat(op.fd, op.name, np.fd, np.name, 0))
		}
	}
	fd, e := fs.lookupFD(c, olddir, oldpath, flags&abi.AT_SYMLINK_FOLLOW != 0, flags&abi.AT_EMPTY_PATH != 0)
	if e == abi.EOPNOTSUPP {
		return abi.EXDEV
	}
	if e != 0 {
		return e
	}
	defer closeFD(fd)
	if np.last != lastNorm {
		return abi.EEXIST
	}
	// linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH on older
	// hosts (ENOENT without it); vessel's magic link needs nothing, but is
	// not used for a symbolic link, which the host might follow.
	err := unix.Linkat(fd, "", np.fd, np.name, unix.AT_EMPTY_PATH)
	if err == unix.ENOENT {
		var st unix.Stat_t
		if fstat(fd, &st) == nil && st.Mode&unix.S_IFMT != unix.S_IFLNK {
			err = unix.Linkat(unix.AT_FDCWD, procFD(fd), np.fd, np.name, unix.AT_SYMLINK_FOLLOW)
		}
	}
	return errnoOf(err)
}

// nodeLink is Linkat to a new name in one of vessel's filesystems; the old
// file must be of the same mount (EXDEV) and not a directory (EPERM).
func (fs *FS) nodeLink(c Caller, olddir *File, oldpath string, np *parent, flags uint32) abi.Errno {
	var (
		n Node
		m *mount
	)
	e := fs.withTarget(c, olddir, oldpath, flags&abi.AT_SYMLINK_FOLLOW != 0, flags&abi.AT_EMPTY_PATH != 0,
		func(int) abi.Errno { return abi.EXDEV },
		func(mm *mount, nn Node) abi.Errno { n, m = nn, mm; return 0 },
		func(*File) abi.Errno { return abi.EXDEV })
	if e != 0 {
		return e
	}
	if np.last != lastNorm {
		return abi.EEXIST
	}
	if m != np.mnt {
		return abi.EXDEV
	}
	if t, _ := nodeType(c, n); t == abi.S_IFDIR {
		return abi.EPERM
	}
	name := strings.TrimRight(np.name, "/")
	if _, e := np.node.Lookup(c, name); e == 0 {
		return abi.EEXIST
	}
	if name != np.name {
		return abi.ENOENT // a new name with a trailing slash (filename_create)
	}
	md, ok := np.node.(MutableDir)
	if !ok {
		return abi.EPERM
	}
	if e := mayChangeDir(c, np.node); e != 0 {
		return e
	}
	return md.Link(c, name, n)
}
