package vfs

import (
	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// The path system calls that read or change a file's attributes. Each
// resolves the file inside the root to an O_PATH host descriptor and acts
// on that descriptor, never on a path the host would resolve again.
//
// Credentials: for now the guest runs as the host user vessel runs as, so
// the host's permission checks are the guest's.

// Faccessat is faccessat2(2) (and faccessat with flags 0): it checks mode
// (F_OK, or a mix of R_OK, W_OK, X_OK) on path, with the real ids unless
// AT_EACCESS.
func (fs *FS) Faccessat(c Caller, dir *File, path string, mode, flags uint32) abi.Errno {
	if mode&^(abi.R_OK|abi.W_OK|abi.X_OK) != 0 {
		return abi.EINVAL
	}
	if flags&^(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	return fs.withTarget(c, dir, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags&abi.AT_EMPTY_PATH != 0,
		func(fd int) abi.Errno { return accessFD(fd, mode, flags&abi.AT_EACCESS != 0) },
		func(_ *mount, n Node) abi.Errno { return nodeAccess(c, n, mode) },
		func(*File) abi.Errno { return 0 })
}

// accessFD checks access mode (guest R_OK|W_OK|X_OK bits) to what O_PATH
// descriptor fd names.
func accessFD(fd int, mode uint32, effective bool) abi.Errno {
	var hmode uint32
	for _, m := range [...]struct{ g, h uint32 }{{abi.R_OK, unix.R_OK}, {abi.W_OK, unix.W_OK}, {abi.X_OK, unix.X_OK}} {
		if mode&m.g != 0 {
			hmode |= m.h
		}
	}
	hflags := unix.AT_EMPTY_PATH
	if effective {
		hflags |= unix.AT_EACCESS
	}
	err := unix.Faccessat2(fd, "", hmode, hflags)
	if err == unix.ENOSYS { // before Linux 5.8: through vessel's magic link
		var st unix.Stat_t
		if err = fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return 0 // a link itself: mode 0777, and the magic link would follow it
		} else if err == nil {
			err = unix.Faccessat(unix.AT_FDCWD, procFD(fd), hmode, hflags&^unix.AT_EMPTY_PATH)
		}
	}
	return errnoOf(err)
}

// Fchmodat is fchmodat2(2) (and fchmodat with flags 0, chmod, and fchmod
// through AT_EMPTY_PATH). A symbolic link's own mode cannot be changed:
// AT_SYMLINK_NOFOLLOW on one is EOPNOTSUPP, as on Linux.
func (fs *FS) Fchmodat(c Caller, dir *File, path string, mode, flags uint32) abi.Errno {
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	hostFn := func(fd int) abi.Errno {
		var st unix.Stat_t
		if err := fstat(fd, &st); err != nil {
			return errnoOf(err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return abi.EOPNOTSUPP
		}
		return chmodFD(fd, mode&0o7777)
	}
	nodeFn := func(_ *mount, n Node) abi.Errno {
		if t, _ := nodeType(c, n); t == abi.S_IFLNK {
			return abi.EOPNOTSUPP
		}
		m := mode & 0o7777
		return setNodeAttr(c, n, &Attr{Mode: &m}, false)
	}
	return fs.withTarget(c, dir, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags&abi.AT_EMPTY_PATH != 0, hostFn, nodeFn, nil)
}

// Fchownat is fchownat(2) (and chown, lchown, fchown through AT_EMPTY_PATH).
// An id of 0xffffffff (-1) leaves that id alone. With AT_SYMLINK_NOFOLLOW
// a final symbolic link is changed itself.
func (fs *FS) Fchownat(c Caller, dir *File, path string, uid, gid uint32, flags uint32) abi.Errno {
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	hostFn := func(fd int) abi.Errno {
		return errnoOf(unix.Fchownat(fd, "", int(int32(uid)), int(int32(gid)), unix.AT_EMPTY_PATH))
	}
	nodeFn := func(_ *mount, n Node) abi.Errno {
		var a Attr
		if uid != ^uint32(0) {
			a.UID = &uid
		}
		if gid != ^uint32(0) {
			a.GID = &gid
		}
		return setNodeAttr(c, n, &a, false)
	}
	return fs.withTarget(c, dir, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags&abi.AT_EMPTY_PATH != 0, hostFn, nodeFn, nil)
}

// Utimensat is utimensat(2): it sets the access and modification times of
// path to times[0] and times[1], each of which may be UTIME_NOW or
// UTIME_OMIT in Nsec; nil times means both now. With both UTIME_OMIT it
// does nothing, not even the lookup, as Linux. For the NULL-path form
// (futimens) the caller passes path "" and AT_EMPTY_PATH.
func (fs *FS) Utimensat(c Caller, dir *File, path string, times *[2]abi.Timespec, flags uint32) abi.Errno {
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	ts := []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}
	if times != nil {
		if times[0].Nsec == abi.UTIME_OMIT && times[1].Nsec == abi.UTIME_OMIT {
			return 0
		}
		for i, t := range times {
			if (t.Nsec < 0 || t.Nsec >= 1e9) && t.Nsec != abi.UTIME_NOW && t.Nsec != abi.UTIME_OMIT {
				return abi.EINVAL
			}
			ts[i] = hostTimespec(t)
		}
	}
	hostFn := func(fd int) abi.Errno {
		err := unix.UtimesNanoAt(fd, "", ts, unix.AT_EMPTY_PATH)
		if err == unix.EINVAL { // a host without AT_EMPTY_PATH here (before 5.8)
			var st unix.Stat_t
			if fstat(fd, &st) == nil && st.Mode&unix.S_IFMT != unix.S_IFLNK {
				err = unix.UtimesNanoAt(unix.AT_FDCWD, procFD(fd), ts, 0)
			}
		}
		return errnoOf(err)
	}
	nodeFn := func(_ *mount, n Node) abi.Errno {
		now := fs.nowSpec()
		var a Attr
		allNow := true
		for i, p := range []**abi.Timespec{&a.Atime, &a.Mtime} {
			t := abi.Timespec{Nsec: abi.UTIME_NOW}
			if times != nil {
				t = times[i]
			}
			switch t.Nsec {
			case abi.UTIME_OMIT:
				continue
			case abi.UTIME_NOW:
				t = now
			default:
				allNow = false
			}
			*p = &t
		}
		return setNodeAttr(c, n, &a, allNow)
	}
	return fs.withTarget(c, dir, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags&abi.AT_EMPTY_PATH != 0, hostFn, nodeFn, nil)
}

// Truncate is truncate(2): it sets the size of the regular file path,
// following symbolic links. EISDIR for a directory, EINVAL for another kind
// of file or a negative length; the host checks write permission.
func (fs *FS) Truncate(c Caller, path string, length int64) abi.Errno {
	if length < 0 {
		return abi.EINVAL
	}
	hostFn := func(fd int) abi.Errno {
		var st unix.Stat_t
		if err := fstat(fd, &st); err != nil {
			return errnoOf(err)
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
		case unix.S_IFDIR:
			return abi.EISDIR
		default:
			return abi.EINVAL
		}
		return errnoOf(unix.Truncate(procFD(fd), length))
	}
	nodeFn := func(_ *mount, n Node) abi.Errno {
		switch t, _ := nodeType(c, n); t {
		case abi.S_IFREG:
		case abi.S_IFDIR:
			return abi.EISDIR
		default:
			return abi.EINVAL
		}
		return setNodeAttr(c, n, &Attr{Size: &length}, false)
	}
	return fs.withTarget(c, nil, path, true, false, hostFn, nodeFn, nil)
}
