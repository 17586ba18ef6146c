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
// working directory when dir is nil — and opens the result: a host file with
// host flags hflags and mode, or a node of one of vessel's filesystems. The
// target's path is the guest path, which a File made from it reports when
// nothing better is known (Path).
//
// A lookup whose lexical path stays out of every mount is handed to the
// host's openat2 whole; while mounts exist it refuses symbolic links
// (RESOLVE_NO_SYMLINKS), since one could lead into a mount, and a lookup
// that meets one (ELOOP) is redone by the walk, which knows the mounts.
func (fs *FS) openAt(c Caller, dir *File, path string, hflags int, mode uint32) (target, abi.Errno) {
	if e := checkPath(path); e != 0 {
		return target{fd: -1}, e
	}
	ctx := c.FSContext()
	root := ctx.Root()
	defer root.DecRef()
	var start *File
	base := root.path
	if !strings.HasPrefix(path, "/") {
		s, e := ctx.startDir(c, dir)
		if e != 0 {
			return target{fd: -1}, e
		}
		defer s.DecRef()
		start = s
		base = s.path
		if strings.Contains(path, "..") {
			base = s.Path() // the host's name now, if it was renamed
		}
	}
	lex := pathpkg.Join(base, path)
	mounted := len(fs.mountList()) > 0
	if !fs.walk && root.node == nil && (start == nil || start.node == nil) && !fs.crossesMount(base, path) {
		fd, e := fs.openat2(c, root, start, path, hflags, mode, mounted)
		if e == 0 || e != abi.ELOOP || !mounted {
			return target{fd: fd, path: lex}, e
		}
	}
	return fs.walkOpen(c, root, start, path, hflags, mode)
}

// openat2 resolves with the host's openat2(2). A relative path is first
// looked up beneath its starting directory (RESOLVE_BENEATH), which is exact
// even if that directory was renamed; one that climbs out (EXDEV) is redone
// from the root as "<start>/<path>" under RESOLVE_IN_ROOT. noLinks refuses
// symbolic links (ELOOP). A lookup that keeps losing rename races (EAGAIN)
// is handed to the walk.
func (fs *FS) openat2(c Caller, root, start *File, path string, hflags int, mode uint32, noLinks bool) (int, abi.Errno) {
	how := unix.OpenHow{Flags: uint64(hflags), Mode: uint64(mode)}
	var extra uint64
	if noLinks {
		extra = unix.RESOLVE_NO_SYMLINKS
	}
	anchor, p := root, path
	if start != nil {
		how.Resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS | extra
		fd, err := openat2Retry(hfd(start), path, &how)
		switch err {
		case nil:
			return fd, 0
		case unix.EXDEV:
			anchor, p = fs.anchorFor(root, start, path)
		case unix.EAGAIN:
			return fs.walkFD(c, root, start, path, hflags, mode)
		default:
			return -1, errnoOf(err)
		}
	}
	how.Resolve = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS | extra
	fd, err := openat2Retry(hfd(anchor), p, &how)
	if err == unix.EAGAIN {
		return fs.walkFD(c, root, start, path, hflags, mode)
	}
	if err != nil {
		return -1, errnoOf(err)
	}
	return fd, 0
}

// walkFD is walkOpen for a lookup that started in the host tree and was
// handed over by openat2; a result outside it is ELOOP, which sends the
// caller to the walk itself.
func (fs *FS) walkFD(c Caller, root, start *File, path string, hflags int, mode uint32) (int, abi.Errno) {
	t, e := fs.walkOpen(c, root, start, path, hflags, mode)
	if e != 0 {
		return -1, e
	}
	if t.fd < 0 {
		t.close()
		return -1, abi.ELOOP
	}
	return t.fd, 0
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
// calls that create, remove or rename it: a host directory, or a directory
// node of one of vessel's filesystems.
type parent struct {
	fd   int      // owned: an O_PATH host descriptor of the directory; -1 for a node
	mnt  *mount   // the node's mount
	node DirNode  // the directory node
	ref  *File    // a File the node came from (a magic link), released by close
	path string   // the directory's guest path
	name string   // the last component, with the path's trailing slashes
	last lastType // what the last component is
}

func (p *parent) close() {
	if p.fd >= 0 {
		closeFD(p.fd)
	}
	if p.ref != nil {
		p.ref.DecRef()
	}
}

// childPath is the guest path of the last component.
func (p *parent) childPath() string { return joinPath(p.path, strings.TrimRight(p.name, "/")) }

// lookupParent resolves all of path but its last component (following every
// symbolic link on the way, as Linux's LOOKUP_PARENT walk) and returns that
// directory with the last component. The component is not looked up: the
// caller's host call does that, relative to p.fd, without following it.
func (fs *FS) lookupParent(c Caller, dir *File, path string) (parent, abi.Errno) {
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
	t, e := fs.openAt(c, dir, dirPath, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if e != 0 {
		return parent{fd: -1}, e
	}
	p := parent{fd: t.fd, path: t.path, name: name + trailing, last: lt}
	switch {
	case t.file != nil && !isDir(c, t.file):
		t.file.DecRef() // a magic link to a pipe, say
		return parent{fd: -1}, abi.ENOTDIR
	case t.file != nil:
		if t.file.node != nil {
			p.mnt, p.node, p.ref = t.file.mnt, t.file.node.(DirNode), t.file
			p.path = t.file.path
		} else {
			fd, err := dupFD(hfd(t.file))
			p.path = t.file.Path()
			t.file.DecRef()
			if err != nil {
				return parent{fd: -1}, errnoOf(err)
			}
			p.fd = fd
		}
	case t.node != nil:
		d, ok := t.node.(DirNode)
		if !ok {
			return parent{fd: -1}, abi.ENOTDIR
		}
		p.mnt, p.node = t.mnt, d
	}
	return p, 0
}

// lookup resolves path to what it names without opening it for I/O: an
// O_PATH host descriptor, a node, or a magic link's File, which the caller
// releases with close. A final symbolic link is followed when follow. With
// emptyPath (AT_EMPTY_PATH) an empty path names dir itself, or the working
// directory for nil.
func (fs *FS) lookup(c Caller, dir *File, path string, follow, emptyPath bool) (target, abi.Errno) {
	if path == "" && emptyPath {
		f := dir
		if f == nil {
			f = c.FSContext().Cwd()
		} else {
			f.IncRef()
		}
		return target{fd: -1, file: f, path: f.path}, 0
	}
	hflags := unix.O_PATH | unix.O_CLOEXEC
	if !follow {
		hflags |= unix.O_NOFOLLOW
	}
	return fs.openAt(c, dir, path, hflags, 0)
}

// lookupFD is lookup for the calls that only act on the host tree: it
// returns an O_PATH host descriptor the caller owns, and EOPNOTSUPP for
// what is not a host file. (Every such call is meant to learn vessel's
// own filesystems; this is the fallback while one has not.)
func (fs *FS) lookupFD(c Caller, dir *File, path string, follow, emptyPath bool) (int, abi.Errno) {
	t, e := fs.lookup(c, dir, path, follow, emptyPath)
	if e != 0 {
		return -1, e
	}
	if t.fd >= 0 {
		return t.fd, 0
	}
	defer t.close()
	if t.file != nil {
		if h, ok := hostFileOf(t.file); ok {
			fd, err := dupFD(h.fd)
			return fd, errnoOf(err)
		}
	}
	return -1, abi.EOPNOTSUPP
}
