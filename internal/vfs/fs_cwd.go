package vfs

import (
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Chdir is chdir(2): path, which must be a directory the caller may search
// (ENOTDIR, EACCES), becomes the working directory.
func (fs *FS) Chdir(c *Context, path string) abi.Errno {
	d, e := fs.openDir(c, path)
	if e != 0 {
		return e
	}
	c.setCwd(d)
	return 0
}

// Fchdir is fchdir(2): directory File f (O_PATH will do) becomes the working
// directory. ENOTDIR when f is not a directory.
func (fs *FS) Fchdir(c *Context, f *File) abi.Errno {
	h, ok := hostFileOf(f)
	if !ok || h.kind != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	if e := accessFD(h.fd, abi.X_OK, false); e != 0 {
		return e
	}
	f.IncRef()
	c.setCwd(f)
	return 0
}

// Chroot is chroot(2): path becomes the process's root; the working
// directory stays where it is, as on Linux. The caller checks the
// privilege (CAP_SYS_CHROOT, else EPERM). Lookups never leave the FS root
// whatever the process root is.
func (fs *FS) Chroot(c *Context, path string) abi.Errno {
	d, e := fs.openDir(c, path)
	if e != 0 {
		return e
	}
	c.setRoot(d)
	return 0
}

// openDir opens path as an O_PATH directory File the caller may search.
func (fs *FS) openDir(c *Context, path string) (*File, abi.Errno) {
	fd, gpath, e := fs.openAt(c, nil, path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if e != 0 {
		return nil, e
	}
	if e := accessFD(fd, abi.X_OK, false); e != 0 {
		closeFD(fd)
		return nil, e
	}
	return fs.newHostFile(fd, abi.O_PATH|abi.O_DIRECTORY, gpath)
}

// Getcwd is getcwd(2) without the buffer: the working directory's path from
// the process root, as the host names it now (so a renamed directory shows
// its new name). ENOENT when the directory has been removed. A working
// directory outside the process root (after chroot without chdir) is
// "(unreachable)" followed by its path from the FS root, as Linux prints it.
// Fitting the answer into the guest's buffer (ERANGE) is the caller's job.
func (fs *FS) Getcwd(c *Context) (string, abi.Errno) {
	cwd, root := c.Cwd(), c.Root()
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
