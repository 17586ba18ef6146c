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
func (fs *FS) Stat(c *Context, dir *File, path string, flags uint32, st *abi.Stat_t) abi.Errno {
	if flags&^statFlags != 0 {
		return abi.EINVAL
	}
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 {
		f := dir
		if f == nil {
			f = c.Cwd()
			defer f.DecRef()
		}
		return f.Stat(st)
	}
	fd, e := fs.lookupFD(c, dir, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, false)
	if e != 0 {
		return e
	}
	defer closeFD(fd)
	return hostStat(fd, st)
}

// Mkdirat is mkdirat(2). The mode keeps its permission and sticky bits,
// less the umask. EEXIST for "." and "..", as Linux's filename_create.
func (fs *FS) Mkdirat(c *Context, dir *File, path string, mode uint32) abi.Errno {
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return e
	}
	defer p.close()
	if p.last != lastNorm {
		return abi.EEXIST
	}
	mode = mode & 0o1777 &^ c.Umask()
	if err := unix.Mkdirat(p.fd, p.name, mode); err != nil {
		return errnoOf(err)
	}
	return fs.fixMode(p.fd, p.name, mode, unix.S_IFDIR)
}

// Mknodat is mknodat(2) for regular files (S_IFREG, or type 0). FIFOs,
// sockets and device nodes fail with EPERM for now: FIFOs come with pipes,
// devices with devfs, and a host node would give the guest the host's
// device. S_IFDIR is EPERM and an unknown type EINVAL, as Linux's may_mknod.
func (fs *FS) Mknodat(c *Context, dir *File, path string, mode uint32, dev uint64) abi.Errno {
	switch mode & abi.S_IFMT {
	case 0, abi.S_IFREG:
	case abi.S_IFIFO, abi.S_IFSOCK, abi.S_IFCHR, abi.S_IFBLK, abi.S_IFDIR:
		return abi.EPERM
	default:
		return abi.EINVAL
	}
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return e
	}
	defer p.close()
	if p.last != lastNorm {
		return abi.EEXIST
	}
	perm := mode & 0o7777 &^ c.Umask()
	if err := unix.Mknodat(p.fd, p.name, unix.S_IFREG|perm, 0); err != nil {
		return errnoOf(err)
	}
	return fs.fixMode(p.fd, p.name, perm, unix.S_IFREG)
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
func (fs *FS) Unlinkat(c *Context, dir *File, path string, flags uint32) abi.Errno {
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
		hflags = unix.AT_REMOVEDIR
	} else if p.last != lastNorm {
		return abi.EISDIR
	}
	return errnoOf(unix.Unlinkat(p.fd, p.name, hflags))
}

// Renameat2 is renameat2(2) with flags RENAME_NOREPLACE, RENAME_EXCHANGE
// and RENAME_WHITEOUT (the host checks the combinations and privileges).
// A last component ".", ".." or "/" is EBUSY, or EEXIST for the new name
// under RENAME_NOREPLACE, as Linux's do_renameat2. Renaming across host
// filesystems inside the root gives the host's EXDEV.
func (fs *FS) Renameat2(c *Context, olddir *File, oldpath string, newdir *File, newpath string, flags uint32) abi.Errno {
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

// Symlinkat is symlinkat(2): it makes path a symbolic link whose contents
// are target, stored as given. The contents can name anything; following
// the link later always stays inside the root. An empty target is ENOENT.
func (fs *FS) Symlinkat(c *Context, target string, dir *File, path string) abi.Errno {
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
	if p.last != lastNorm {
		return abi.EEXIST
	}
	return errnoOf(unix.Symlinkat(target, p.fd, p.name))
}

// Readlinkat is readlinkat(2): it returns the contents of the symbolic link
// path (truncating to the guest's buffer is the caller's job). EINVAL when
// path is not a link. An empty path names dir itself, which must then be an
// O_PATH|O_NOFOLLOW File of a link, as Linux allows since 2.6.39.
func (fs *FS) Readlinkat(c *Context, dir *File, path string) (string, abi.Errno) {
	fd, e := fs.lookupFD(c, dir, path, false, true)
	if e != 0 {
		return "", e
	}
	defer closeFD(fd)
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return "", errnoOf(err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", abi.EINVAL
	}
	s, err := readlinkat(fd, "")
	return s, errnoOf(err)
}

// Linkat is linkat(2): it makes newpath a new name of oldpath. Without
// AT_SYMLINK_FOLLOW a final symbolic link in oldpath is linked itself;
// with it the link is followed (inside the root). AT_EMPTY_PATH with an
// empty oldpath links olddir itself. A new name ".", ".." or "/" is EEXIST.
func (fs *FS) Linkat(c *Context, olddir *File, oldpath string, newdir *File, newpath string, flags uint32) abi.Errno {
	if flags&^(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	np, e := fs.lookupParent(c, newdir, newpath)
	if e != 0 {
		return e
	}
	defer np.close()

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
