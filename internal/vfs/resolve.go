package vfs

import (
	pathpkg "path"
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Path resolution: turning (dirfd, path, flags) into a host descriptor
// inside the root, by the *at() rules of path_resolution(7).

const (
	pathMax     = 4096 // PATH_MAX, counting the NUL
	maxSymlinks = 40   // MAXSYMLINKS: links followed in one lookup
	eagainTries = 8    // openat2 retries after a rename race (EAGAIN)
)

// checkPath rejects what Linux's getname does: the empty path (ENOENT; the
// callers that accept it with AT_EMPTY_PATH test for it first) and one of
// PATH_MAX bytes or more (ENAMETOOLONG). A component over NAME_MAX is
// refused by the host filesystem when it is looked up (ENAMETOOLONG).
func checkPath(path string) abi.Errno {
	switch {
	case path == "":
		return abi.ENOENT
	case len(path) >= pathMax:
		return abi.ENAMETOOLONG
	}
	return 0
}

// hfd returns the host descriptor of a File that resolution made.
func hfd(f *File) int {
	h, ok := hostFileOf(f)
	if !ok {
		panic("vfs: resolution from a File that is not a host file")
	}
	return h.fd
}

// openAt resolves path as the guest names it — relative to dir, or to the
// working directory when dir is nil — and opens the result on the host with
// host flags hflags and mode. It returns the host descriptor and the guest
// path spelled lexically, which is what a File made from it reports when the
// host cannot say (Path).
func (fs *FS) openAt(c *Context, dir *File, path string, hflags int, mode uint32) (int, string, abi.Errno) {
	if e := checkPath(path); e != 0 {
		return -1, "", e
	}
	root := c.Root()
	defer root.DecRef()
	var start *File
	gpath := pathpkg.Join(root.path, path)
	if !strings.HasPrefix(path, "/") {
		s, e := c.startDir(dir)
		if e != 0 {
			return -1, "", e
		}
		defer s.DecRef()
		start = s
		gpath = pathpkg.Join(s.path, path)
	}
	var fd int
	var e abi.Errno
	if fs.walk {
		fd, e = fs.walkOpen(root, start, path, hflags, mode)
	} else {
		fd, e = fs.openat2(root, start, path, hflags, mode)
	}
	return fd, gpath, e
}

// openat2 resolves with the host's openat2(2). A relative path is first
// looked up beneath its starting directory (RESOLVE_BENEATH), which is exact
// even if that directory was renamed; one that climbs out (EXDEV) is redone
// from the root as "<start>/<path>" under RESOLVE_IN_ROOT. A lookup that
// keeps losing rename races (EAGAIN) is handed to the walk.
func (fs *FS) openat2(root, start *File, path string, hflags int, mode uint32) (int, abi.Errno) {
	how := unix.OpenHow{Flags: uint64(hflags), Mode: uint64(mode)}
	anchor, p := root, path
	if start != nil {
		how.Resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS
		fd, err := openat2Retry(hfd(start), path, &how)
		switch err {
		case nil:
			return fd, 0
		case unix.EXDEV:
			anchor, p = fs.anchorFor(root, start, path)
		case unix.EAGAIN:
			return fs.walkOpen(root, start, path, hflags, mode)
		default:
			return -1, errnoOf(err)
		}
	}
	how.Resolve = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS
	fd, err := openat2Retry(hfd(anchor), p, &how)
	if err == unix.EAGAIN {
		return fs.walkOpen(root, start, path, hflags, mode)
	}
	if err != nil {
		return -1, errnoOf(err)
	}
	return fd, 0
}

func openat2Retry(dirfd int, path string, how *unix.OpenHow) (int, error) {
	for range eagainTries {
		fd, err := openat2(dirfd, path, how)
		if err != unix.EAGAIN {
			return fd, err
		}
	}
	return -1, unix.EAGAIN
}

// anchorFor returns where a relative path that climbs above its starting
// directory is resolved from under RESOLVE_IN_ROOT, and the path to resolve
// there: the process root and the start's path below it; or, when the start
// is not below the process root (a chroot without a chdir), the FS root,
// where Linux's ".." stops too.
func (fs *FS) anchorFor(root, start *File, path string) (*File, string) {
	sp := start.Path()
	if h, _ := hostFileOf(root); h.id == fs.rootID {
		return root, sp + "/" + path
	}
	rp := root.Path()
	switch {
	case sp == rp:
		return root, path
	case strings.HasPrefix(sp, rp+"/"):
		return root, sp[len(rp):] + "/" + path
	}
	return fs.root, sp + "/" + path
}

// lastType classifies the last component of a path, as Linux's LAST_*.
type lastType int

const (
	lastNorm   lastType = iota // a name
	lastDot                    // "."
	lastDotDot                 // ".."
	lastRoot                   // the path is "/" (or only slashes)
)

// parent is the directory that holds the last component of a path, for the
// calls that create, remove or rename it.
type parent struct {
	fd   int      // owned: an O_PATH host descriptor of the directory
	name string   // the last component, with the path's trailing slashes
	last lastType // what the last component is
}

func (p *parent) close() { closeFD(p.fd) }

// lookupParent resolves all of path but its last component (following every
// symbolic link on the way, as Linux's LOOKUP_PARENT walk) and returns that
// directory with the last component. The component is not looked up: the
// caller's host call does that, relative to p.fd, without following it.
func (fs *FS) lookupParent(c *Context, dir *File, path string) (parent, abi.Errno) {
	if e := checkPath(path); e != 0 {
		return parent{fd: -1}, e
	}
	trimmed := strings.TrimRight(path, "/")
	trailing := path[len(trimmed):]
	var dirPath, name string
	lt := lastNorm
	switch i := strings.LastIndexByte(trimmed, '/'); {
	case trimmed == "":
		dirPath, lt = "/", lastRoot
	case i < 0:
		dirPath, name = ".", trimmed
	case i == 0:
		dirPath, name = "/", trimmed[1:]
	default:
		dirPath, name = trimmed[:i], trimmed[i+1:]
	}
	switch name {
	case ".":
		lt = lastDot
	case "..":
		lt = lastDotDot
	}
	fd, _, e := fs.openAt(c, dir, dirPath, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if e != 0 {
		return parent{fd: -1}, e
	}
	return parent{fd: fd, name: name + trailing, last: lt}, 0
}

// lookupFD resolves path to an O_PATH host descriptor the caller owns,
// following a final symbolic link when follow. With emptyPath (AT_EMPTY_PATH)
// an empty path names dir itself, or the working directory for nil.
func (fs *FS) lookupFD(c *Context, dir *File, path string, follow, emptyPath bool) (int, abi.Errno) {
	if path == "" && emptyPath {
		f := dir
		if f == nil {
			f = c.Cwd()
			defer f.DecRef()
		}
		h, ok := hostFileOf(f)
		if !ok {
			// Attribute changes through a pipe or another non-host file
			// come with those kinds of file.
			return -1, abi.EOPNOTSUPP
		}
		fd, err := dupFD(h.fd)
		return fd, errnoOf(err)
	}
	hflags := unix.O_PATH | unix.O_CLOEXEC
	if !follow {
		hflags |= unix.O_NOFOLLOW
	}
	fd, _, e := fs.openAt(c, dir, path, hflags, 0)
	return fd, e
}
