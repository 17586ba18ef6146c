package vfs

import (
	pathpkg "path"
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// The in-process walk: path resolution one component at a time, across the
// mount table. Analogous to Linux's link_path_walk and open_last_lookups
// (fs/namei.c). It is used when a lookup may cross a mount or meets a
// symbolic link while mounts exist, and for every lookup on a host without
// openat2. The host tree is walked over host descriptors with the same
// guarantee as openat2's RESOLVE_IN_ROOT:
//
//   - each intermediate component is opened with O_PATH|O_NOFOLLOW relative
//     to the current directory, so the host never follows anything;
//   - a symbolic link is read (from the descriptor just opened, so it is the
//     same link) and its contents are spliced in front of the remaining
//     components; an absolute one restarts at the process root;
//   - ".." at the process root or at the FS root stays there;
//   - at most 40 links are followed in one lookup (ELOOP);
//   - the last component is opened with the caller's flags plus O_NOFOLLOW;
//     if it turns out to be a link the caller wants followed, the walk goes
//     on with its contents.
//
// The walk keeps the canonical guest path of where it stands, symbolic
// links expanded; when that path is a mount point, it stands on the root of
// the mounted filesystem instead. ".." out of a mount's root, or within one
// of vessel's filesystems, re-locates the parent path from the FS root.

// target is what a lookup found: exactly one of a host descriptor, a node
// of a mount, or the File a magic link stands for.
type target struct {
	fd      int    // the host tree: opened with the lookup's host flags; -1 if none
	mnt     *mount // vessel's filesystems: the mount and the node
	node    Node
	file    *File  // a magic link followed at the end: its File, one reference
	path    string // the guest path (canonical after a walk, lexical otherwise)
	created bool   // O_CREAT made the node
}

// close releases what t holds.
func (t *target) close() {
	if t.fd >= 0 {
		closeFD(t.fd)
		t.fd = -1
	}
	if t.file != nil {
		t.file.DecRef()
		t.file = nil
	}
}

// loc is a directory a walk stands on (or a link it is about to follow).
type loc struct {
	mnt  *mount // nil: the host tree
	node Node   // vessel's filesystems
	fd   int    // the host tree: an O_PATH descriptor
	own  bool   // fd is the loc's to close
	ref  *File  // a File the loc borrows its descriptor or node from, released with it
	path string // canonical guest path
}

func (l *loc) release() {
	if l.own {
		closeFD(l.fd)
	}
	if l.ref != nil {
		l.ref.DecRef()
	}
	l.own, l.ref = false, nil
}

// borrow returns l without its ownership: a loc that must not be released.
func (l loc) borrow() loc {
	l.own, l.ref = false, nil
	return l
}

// locOf returns where File f (a directory) stands, borrowing its descriptor
// or node.
func locOf(f *File) loc {
	if f.node != nil {
		return loc{mnt: f.mnt, node: f.node, fd: -1, path: f.path}
	}
	h, _ := hostFileOf(f)
	return loc{fd: h.fd, path: f.Path()}
}

// isDir reports whether f is a directory vessel can walk from.
func isDir(c Caller, f *File) bool {
	if f.node != nil {
		_, ok := f.node.(DirNode)
		return ok
	}
	h, ok := hostFileOf(f)
	return ok && h.kind == abi.S_IFDIR
}

// joinPath appends component name to canonical directory path dir.
func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// walker holds the state of one walk.
type walker struct {
	fs     *FS
	c      Caller
	root   loc    // the process root (borrowed)
	rootID fileID // its host identity, when it is in the host tree
	cur    loc
	links  int // symbolic links followed so far
}

// set makes l the current directory, releasing the previous one.
func (w *walker) set(l loc) {
	w.cur.release()
	w.cur = l
}

// atRoot reports whether the current directory is one ".." must not leave.
func (w *walker) atRoot() bool {
	if w.cur.path == w.root.path || w.cur.path == "/" {
		return true
	}
	if w.cur.mnt == nil && w.root.mnt == nil {
		id, err := fstatID(w.cur.fd)
		return err == nil && (id == w.rootID || id == w.fs.rootID)
	}
	return false
}

// splitPath splits a path into its components, dropping empty ones. trailing
// reports a trailing slash, which makes the last component a directory that
// must be followed. "/" gives ["."].
func splitPath(p string) (comps []string, trailing bool) {
	for c := range strings.SplitSeq(p, "/") {
		if c != "" {
			comps = append(comps, c)
		}
	}
	if len(comps) == 0 {
		return []string{"."}, false
	}
	return comps, strings.HasSuffix(p, "/")
}

// countLink counts one more symbolic link followed: ELOOP past 40.
func (w *walker) countLink() abi.Errno {
	w.links++
	if w.links > maxSymlinks {
		return abi.ELOOP
	}
	return 0
}

// follow reads symbolic link l (which it releases) and returns its
// components; an absolute link moves the walk back to the process root.
// A magic link moves the walk to the directory it stands for and returns
// no components.
func (w *walker) follow(l *loc) ([]string, bool, abi.Errno) {
	defer l.release()
	if e := w.countLink(); e != 0 {
		return nil, false, e
	}
	var target string
	if l.mnt == nil {
		s, err := readlinkat(l.fd, "")
		if err != nil {
			return nil, false, errnoOf(err)
		}
		target = s
	} else {
		if ml, ok := l.node.(MagicLink); ok {
			f, e := ml.Follow(w.c)
			if e != 0 {
				return nil, false, e
			}
			if !isDir(w.c, f) {
				f.DecRef()
				return nil, false, abi.ENOTDIR
			}
			j := locOf(f)
			j.ref = f
			w.set(j)
			return nil, false, 0
		}
		s, e := l.node.(SymlinkNode).Readlink(w.c)
		if e != 0 {
			return nil, false, e
		}
		target = s
	}
	if target == "" {
		return nil, false, abi.ENOENT
	}
	if strings.HasPrefix(target, "/") {
		w.set(w.root.borrow())
	}
	comps, trailing := splitPath(target)
	return comps, trailing, 0
}

// dotdot moves the walk to the parent directory, staying at a root.
func (w *walker) dotdot() abi.Errno {
	if w.atRoot() {
		return 0
	}
	parent := pathpkg.Dir(w.cur.path)
	if w.cur.mnt == nil {
		fd, err := openat(w.cur.fd, "..", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return errnoOf(err)
		}
		w.set(loc{fd: fd, own: true, path: parent})
		return 0
	}
	l, e := w.fs.locate(w.c, parent)
	if e != 0 {
		return e
	}
	w.set(l)
	return 0
}

// child looks up name in the current directory without following it and
// returns where it is and its abi.S_IF* type. A mount point gives the root
// of what is mounted there.
func (w *walker) child(name string) (loc, uint32, abi.Errno) {
	p := joinPath(w.cur.path, name)
	if m := w.fs.mountAt(p); m != nil {
		return loc{mnt: m, node: m.fsys.Root(), fd: -1, path: p}, abi.S_IFDIR, 0
	}
	if w.cur.mnt == nil {
		fd, err := openat(w.cur.fd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return loc{}, 0, errnoOf(err)
		}
		var st unix.Stat_t
		if err := fstat(fd, &st); err != nil {
			closeFD(fd)
			return loc{}, 0, errnoOf(err)
		}
		return loc{fd: fd, own: true, path: p}, guestFileType(st.Mode), 0
	}
	n, e := w.lookupNode(name)
	if e != 0 {
		return loc{}, 0, e
	}
	typ, e := nodeType(w.c, n)
	if e != 0 {
		return loc{}, 0, e
	}
	return loc{mnt: w.cur.mnt, node: n, fd: -1, path: p}, typ, 0
}

// lookupNode looks name up in the current directory, a node the caller
// must be allowed to search.
func (w *walker) lookupNode(name string) (Node, abi.Errno) {
	d, ok := w.cur.node.(DirNode)
	if !ok {
		return nil, abi.ENOTDIR
	}
	if e := nodeAccess(w.c, d, abi.X_OK); e != 0 {
		return nil, e
	}
	return d.Lookup(w.c, name)
}

// step moves the walk through one intermediate component and returns the
// components a symbolic link there expands to (nil otherwise).
func (w *walker) step(name string) ([]string, abi.Errno) {
	switch name {
	case ".":
		return nil, 0
	case "..":
		return nil, w.dotdot()
	}
	l, typ, e := w.child(name)
	if e != 0 {
		return nil, e
	}
	switch typ {
	case abi.S_IFDIR:
		w.set(l)
		return nil, 0
	case abi.S_IFLNK:
		more, _, e := w.follow(&l)
		return more, e
	}
	l.release()
	return nil, abi.ENOTDIR
}

// walkOpen resolves path from start (nil for an absolute path) within root
// and opens the result: in the host tree with host flags hflags and mode;
// in vessel's filesystems by finding (or, with O_CREAT, creating) the node.
func (fs *FS) walkOpen(c Caller, root, start *File, path string, hflags int, mode uint32) (target, abi.Errno) {
	w := &walker{fs: fs, c: c, root: locOf(root)}
	if h, ok := hostFileOf(root); ok {
		w.rootID = h.id
	}
	defer w.set(loc{fd: -1})
	if strings.HasPrefix(path, "/") {
		w.cur = w.root.borrow()
	} else {
		w.cur = locOf(start)
	}
	// A final symbolic link is followed unless O_NOFOLLOW, or O_CREAT|O_EXCL
	// ("symbolic links are not followed", open(2)).
	followLast := hflags&unix.O_NOFOLLOW == 0 && hflags&(unix.O_CREAT|unix.O_EXCL) != unix.O_CREAT|unix.O_EXCL
	comps, trailing := splitPath(path)
	for len(comps) > 0 {
		name := comps[0]
		comps = comps[1:]
		if len(comps) > 0 {
			more, e := w.step(name)
			if e != 0 {
				return target{fd: -1}, e
			}
			comps = append(more, comps...)
			continue
		}
		t, more, t2, e := w.last(name, trailing, followLast, hflags, mode)
		if e != 0 || more == nil {
			return t, e
		}
		comps, trailing = more, trailing || t2
	}
	panic("vfs: walk ended without a last component")
}

// last handles the last component of a walk: it returns what was found, or
// the components of a symbolic link to go on with.
func (w *walker) last(name string, trailing, followLast bool, hflags int, mode uint32) (target, []string, bool, abi.Errno) {
	none := target{fd: -1}
	switch name {
	case ".", "..":
		if name == ".." {
			if e := w.dotdot(); e != 0 {
				return none, nil, false, e
			}
		}
		if w.cur.mnt == nil {
			fd, err := openat(w.cur.fd, ".", hflags, mode)
			return target{fd: fd, path: w.cur.path}, nil, false, errnoOf(err)
		}
		if hflags&unix.O_CREAT != 0 {
			return none, nil, false, abi.EISDIR
		}
		return target{fd: -1, mnt: w.cur.mnt, node: w.cur.node, path: w.cur.path}, nil, false, 0
	}
	if trailing && hflags&unix.O_CREAT != 0 {
		return none, nil, false, abi.EISDIR // open_last_lookups: O_CREAT and a trailing slash
	}
	follow := followLast || trailing
	p := joinPath(w.cur.path, name)
	if m := w.fs.mountAt(p); m != nil {
		if hflags&(unix.O_CREAT|unix.O_EXCL) == unix.O_CREAT|unix.O_EXCL {
			return none, nil, false, abi.EEXIST
		}
		return target{fd: -1, mnt: m, node: m.fsys.Root(), path: p}, nil, false, 0
	}
	if w.cur.mnt == nil {
		return w.lastHost(name, p, trailing, follow, hflags, mode)
	}
	n, e := w.lookupNode(name)
	if e == abi.ENOENT && hflags&unix.O_CREAT != 0 {
		md, ok := w.cur.node.(MutableDir)
		if !ok {
			return none, nil, false, abi.EACCES // no ->create (lookup_open)
		}
		if e := nodeAccess(w.c, md, abi.W_OK|abi.X_OK); e != 0 {
			return none, nil, false, e
		}
		n, e = md.Create(w.c, name, abi.S_IFREG|mode, 0, "")
		if e != 0 {
			return none, nil, false, e
		}
		return target{fd: -1, mnt: w.cur.mnt, node: n, path: p, created: true}, nil, false, 0
	}
	if e != 0 {
		return none, nil, false, e
	}
	if hflags&(unix.O_CREAT|unix.O_EXCL) == unix.O_CREAT|unix.O_EXCL {
		return none, nil, false, abi.EEXIST
	}
	typ, e := nodeType(w.c, n)
	if e != 0 {
		return none, nil, false, e
	}
	if typ == abi.S_IFLNK {
		if follow {
			if ml, ok := n.(MagicLink); ok {
				if e := w.countLink(); e != 0 {
					return none, nil, false, e
				}
				f, e := ml.Follow(w.c)
				if e != 0 {
					return none, nil, false, e
				}
				if trailing && !isDir(w.c, f) {
					f.DecRef()
					return none, nil, false, abi.ENOTDIR
				}
				return target{fd: -1, file: f, path: p}, nil, false, 0
			}
			l := loc{mnt: w.cur.mnt, node: n, fd: -1, path: p}
			more, t, e := w.follow(&l)
			if e == 0 && more == nil {
				more = []string{"."} // a magic jump: the directory itself
			}
			return none, more, t, e
		}
		if hflags&unix.O_PATH == 0 {
			return none, nil, false, abi.ELOOP // O_NOFOLLOW on a link
		}
	}
	if trailing && typ != abi.S_IFDIR {
		return none, nil, false, abi.ENOTDIR
	}
	return target{fd: -1, mnt: w.cur.mnt, node: n, path: p}, nil, false, 0
}

// lastHost opens the last component name in a host directory.
func (w *walker) lastHost(name, p string, trailing, follow bool, hflags int, mode uint32) (target, []string, bool, abi.Errno) {
	none := target{fd: -1}
	fl := hflags | unix.O_NOFOLLOW
	if trailing {
		fl |= unix.O_DIRECTORY
	}
	fd, err := openat(w.cur.fd, name, fl, mode)
	if err == nil {
		if fl&unix.O_PATH == 0 || !follow {
			return target{fd: fd, path: p}, nil, false, 0
		}
		var st unix.Stat_t
		if err := fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
			if err != nil {
				closeFD(fd)
				return none, nil, false, errnoOf(err)
			}
			return target{fd: fd, path: p}, nil, false, 0
		}
		closeFD(fd)
	} else {
		// O_NOFOLLOW on a link gives ELOOP, or ENOTDIR with O_DIRECTORY,
		// or EEXIST with O_CREAT|O_EXCL; whether it was a link is asked
		// only on failure.
		var st unix.Stat_t
		if !follow || fstatat(w.cur.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
			return none, nil, false, errnoOf(err)
		}
	}
	lfd, err := openat(w.cur.fd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return none, nil, false, errnoOf(err)
	}
	l := loc{fd: lfd, own: true, path: p}
	more, t, e := w.follow(&l)
	return none, more, t, e
}

// locate returns the directory at canonical guest path p (no symbolic
// links in it), found from the FS root.
func (fs *FS) locate(c Caller, p string) (loc, abi.Errno) {
	m := fs.mountOf(p)
	if m == nil {
		if p == "/" {
			return loc{fd: hfd(fs.root), path: "/"}, 0
		}
		fd, e := fs.openCanonical(p[1:])
		if e != 0 {
			return loc{}, e
		}
		return loc{fd: fd, own: true, path: p}, 0
	}
	var n Node = m.fsys.Root()
	for name := range strings.SplitSeq(p[len(m.point):], "/") {
		if name == "" {
			continue
		}
		d, ok := n.(DirNode)
		if !ok {
			return loc{}, abi.ENOTDIR
		}
		var e abi.Errno
		if n, e = d.Lookup(c, name); e != 0 {
			return loc{}, e
		}
	}
	return loc{mnt: m, node: n, fd: -1, path: p}, 0
}

// openCanonical opens directory rel (a path from the FS root without
// symbolic links or dot components) with O_PATH, following nothing.
func (fs *FS) openCanonical(rel string) (int, abi.Errno) {
	const fl = unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	if !fs.walk {
		how := unix.OpenHow{Flags: fl, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
		fd, err := openat2Retry(hfd(fs.root), rel, &how)
		return fd, errnoOf(err)
	}
	cur, own := hfd(fs.root), false
	for name := range strings.SplitSeq(rel, "/") {
		if name == "" || name == "." || name == ".." {
			continue
		}
		fd, err := openat(cur, name, fl, 0)
		if own {
			closeFD(cur)
		}
		if err != nil {
			return -1, errnoOf(err)
		}
		cur, own = fd, true
	}
	if !own {
		fd, err := dupFD(cur)
		return fd, errnoOf(err)
	}
	return cur, 0
}
