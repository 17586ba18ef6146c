package vfs

import (
	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Openat is openat(2): it resolves path relative to dir (nil: the working
// directory) and returns a new File with one reference, which the caller
// installs in its descriptor table and then drops. flags are the guest's
// open flags; bits Linux does not know are ignored, as open(2) does, and
// O_CLOEXEC is left to the caller's FDTable.Install. mode, with the
// Context's umask applied, is the mode of a file O_CREAT or O_TMPFILE makes.
//
// Honoured: O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW (ELOOP on a
// final symbolic link), O_PATH, O_APPEND, O_NONBLOCK, O_TMPFILE, O_SYNC,
// O_DSYNC, O_DIRECT, O_NOATIME; a trailing slash requires a directory.
//
// The host file is opened non-blocking, so that vessel never waits in
// open(2) for the other end of a host FIFO; a FIFO, terminal or socket the
// guest did not ask O_NONBLOCK for is made blocking again once open.
func (fs *FS) Openat(c Caller, dir *File, path string, flags, mode uint32) (*File, abi.Errno) {
	flags &= validOpenFlags
	if flags&abi.O_PATH != 0 {
		flags &= abi.O_PATH | abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_CLOEXEC
	}
	creating := flags&abi.O_CREAT != 0 || flags&abi.O_TMPFILE == abi.O_TMPFILE
	if creating {
		mode = mode & 0o7777 &^ c.FSContext().Umask()
	} else {
		mode = 0 // openat2 insists
	}
	hflags := hostOpenFlags(flags&^abi.O_CLOEXEC) | unix.O_CLOEXEC
	if flags&abi.O_PATH == 0 {
		hflags |= unix.O_NOCTTY | unix.O_NONBLOCK
	}

	// The host applies vessel's own umask after the guest's. When that
	// would take bits the guest asked for, the mode is set again on a file
	// this open certainly created: it tries O_EXCL first.
	fix := creating && mode&fs.hostUmask != 0
	var t target
	var e abi.Errno
	if fix && flags&abi.O_CREAT != 0 && flags&abi.O_EXCL == 0 {
		t, e = fs.openAt(c, dir, path, hflags|unix.O_EXCL, mode)
		if e == abi.EEXIST {
			fix = false
			t, e = fs.openAt(c, dir, path, hflags, mode)
		}
	} else {
		t, e = fs.openAt(c, dir, path, hflags, mode)
	}
	if e == abi.ENXIO && flags&abi.O_PATH == 0 {
		// A host FIFO without a host reader refuses O_WRONLY|O_NONBLOCK,
		// which vessel always opens with; its guest readers are vessel's.
		if pt, pe := fs.lookup(c, dir, path, flags&abi.O_NOFOLLOW == 0, false); pe == 0 {
			if pt.fd >= 0 {
				var st unix.Stat_t
				if fstat(pt.fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFIFO {
					return fs.openHostFIFO(c, pt.fd, pt.path, flags)
				}
			}
			pt.close()
		}
	}
	if e != 0 {
		return nil, e
	}
	switch {
	case t.file != nil:
		return fs.reopen(c, t.file, flags, t.path)
	case t.node != nil:
		return fs.openNode(c, t, flags, mode)
	}
	fd, gpath := t.fd, t.path
	if fix {
		if err := unix.Fchmod(fd, mode); err != nil {
			closeFD(fd)
			return nil, errnoOf(err)
		}
	}
	f, e := fs.newHostFile(fd, flags, gpath)
	if e != 0 {
		return nil, e
	}
	if h, _ := hostFileOf(f); h.kind == abi.S_IFIFO && flags&abi.O_PATH == 0 {
		fd, err := dupFD(h.fd)
		f.DecRef()
		if err != nil {
			return nil, errnoOf(err)
		}
		return fs.openHostFIFO(c, fd, gpath, flags)
	}
	if h, _ := hostFileOf(f); f.stream && flags&abi.O_NONBLOCK == 0 {
		if fl, err := unix.FcntlInt(uintptr(h.fd), unix.F_GETFL, 0); err == nil {
			unix.FcntlInt(uintptr(h.fd), unix.F_SETFL, fl&^unix.O_NONBLOCK)
		}
	}
	return f, 0
}
