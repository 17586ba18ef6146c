package vfs

import (
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Chdir is chdir(2): path, which must be a directory the caller may search
// (ENOTDIR, EACCES), becomes the working directory.
func (fs *FS) Chdir(c Caller, path string) abi.Errno {
	d, e := fs.openDir(c, path)
	if e != 0 {
		return e
	}
	c.FSContext().setCwd(d)
	return 0
}

// Fchdir is fchdir(2): directory File f (O_PATH will do) becomes the working
// directory. ENOTDIR when f is not a directory.
func (fs *FS) Fchdir(c Caller, f *File) abi.Errno {
	if !isDir(c, f) {
		return abi.ENOTDIR
	}
	if e := mayWalkFrom(c, f); e != 0 {
		return e
	}
	f.IncRef()
	c.FSContext().setCwd(f)
	return 0
}

// Chroot is chroot(2): path becomes the process's root; the working
// directory stays where it is, as on Linux. The caller checks the
// privilege (CAP_SYS_CHROOT, else EPERM). Lookups never leave the FS root
// whatever the process root is.
func (fs *FS) Chroot(c Caller, path string) abi.Errno {
	d, e := fs.openDir(c, path)
	if e != 0 {
		return e
	}
	c.FSContext().setRoot(d)
	return 0
}

// openDir opens path as an O_PATH directory File the caller may search.
func (fs *FS) openDir(c Caller, path string) (*File, abi.Errno) {
	t, e := fs.openAt(c, nil, path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if e != 0 {
		return nil, e
	}
	var f *File
	switch {
	case t.file != nil:
		f = t.file
		if !isDir(c, f) {
			f.DecRef()
			return nil, abi.ENOTDIR
		}
	case t.node != nil:
		if _, ok := t.node.(DirNode); !ok {
			return nil, abi.ENOTDIR
		}
		f = NewFile(pathNode{}, abi.O_PATH|abi.O_DIRECTORY, t.path)
		f.mnt, f.node = t.mnt, t.node
	default:
		if f, e = fs.newHostFile(t.fd, abi.O_PATH|abi.O_DIRECTORY, t.path); e != 0 {
			return nil, e
		}
	}
	if e := mayWalkFrom(c, f); e != 0 {
		f.DecRef()
		return nil, e
	}
	return f, 0
}

// mayWalkFrom checks that the caller may search directory f.
func mayWalkFrom(c Caller, f *File) abi.Errno {
	if f.node != nil {
		return nodeAccess(c, f.node, abi.X_OK)
	}
	return accessFD(hfd(f), abi.X_OK, false)
}

// Getcwd is getcwd(2) without the buffer: the working directory's path from
// the process root, as the host names it now (so a renamed directory shows
// its new name). ENOENT when the directory has been removed. A working
// directory outside the process root (after chroot without chdir) is
// "(unreachable)" followed by its path from the FS root, as Linux prints it.
// Fitting the answer into the guest's buffer (ERANGE) is the caller's job.
func (fs *FS) Getcwd(c Caller) (string, abi.Errno) {
	ctx := c.FSContext()
	cwd, root := ctx.Cwd(), ctx.Root()
	defer cwd.DecRef()
	defer root.DecRef()
	if h, ok := hostFileOf(cwd); ok {
		var st unix.Stat_t
		if err := fstat(h.fd, &st); err == nil && st.Nlink == 0 {
			return "", abi.ENOENT
		}
	}
	cp, rp := cwd.Path(), root.Path()
	switch {
	case rp == "/":
		return cp, 0
	case cp == rp:
		return "/", 0
	case strings.HasPrefix(cp, rp+"/"):
		return cp[len(rp):], 0
	}
	return "(unreachable)" + cp, 0
}
