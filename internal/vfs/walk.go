package vfs

import (
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// The in-process walk: path resolution without openat2, for hosts that lack
// it, with the same guarantee. Analogous to Linux's link_path_walk and
// open_last_lookups (fs/namei.c), over host descriptors:
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

// walker holds the state of one walk.
type walker struct {
	fs     *FS
	rootFD int    // the process root (not owned)
	rootID fileID // its host identity
	cur    int    // the directory reached so far
	own    bool   // whether cur is ours to close
	links  int    // symbolic links followed so far
}

// set makes fd, owned or not, the current directory.
func (w *walker) set(fd int, own bool) {
	if w.own {
		closeFD(w.cur)
	}
	w.cur, w.own = fd, own
}

// atRoot reports whether the current directory is one ".." must not leave.
func (w *walker) atRoot() bool {
	id, err := fstatID(w.cur)
	return err == nil && (id == w.rootID || id == w.fs.rootID)
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

// follow reads the symbolic link that the current directory's entry name
// (or, with name "", link descriptor fd) is, counts it, and returns its
// components; an absolute link moves the walk back to the process root.
func (w *walker) follow(fd int, name string) ([]string, bool, abi.Errno) {
	w.links++
	if w.links > maxSymlinks {
		return nil, false, abi.ELOOP
	}
	target, err := readlinkat(fd, name)
	if err != nil {
		return nil, false, errnoOf(err)
	}
	if target == "" {
		return nil, false, abi.ENOENT
	}
	if strings.HasPrefix(target, "/") {
		w.set(w.rootFD, false)
	}
	comps, trailing := splitPath(target)
	return comps, trailing, 0
}

// walkOpen resolves path from start (nil for an absolute path) within root
// and opens it with host flags hflags and mode: the walk's counterpart of
// openat2 with RESOLVE_IN_ROOT.
func (fs *FS) walkOpen(root, start *File, path string, hflags int, mode uint32) (int, abi.Errno) {
	rh, _ := hostFileOf(root)
	w := &walker{fs: fs, rootFD: rh.fd, rootID: rh.id}
	defer w.set(-1, false)
	if strings.HasPrefix(path, "/") {
		w.set(rh.fd, false)
	} else {
		w.set(hfd(start), false)
	}
	// A final symbolic link is followed unless O_NOFOLLOW, or O_CREAT|O_EXCL
	// ("symbolic links are not followed", open(2)).
	followLast := hflags&unix.O_NOFOLLOW == 0 && hflags&(unix.O_CREAT|unix.O_EXCL) != unix.O_CREAT|unix.O_EXCL
	comps, trailing := splitPath(path)
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		if len(comps) > 0 {
			more, e := w.step(c)
			if e != 0 {
				return -1, e
			}
			comps = append(more, comps...)
			continue
		}
		// The last component.
		switch c {
		case ".", "..":
			name := c
			if c == ".." && w.atRoot() {
				name = "."
			}
			fd, err := openat(w.cur, name, hflags, mode)
			return fd, errnoOf(err)
		}
		if trailing && hflags&unix.O_CREAT != 0 {
			return -1, abi.EISDIR // open_last_lookups: O_CREAT and a trailing slash
		}
		fl := hflags | unix.O_NOFOLLOW
		if trailing {
			fl |= unix.O_DIRECTORY
		}
		follow := followLast || trailing
		fd, err := openat(w.cur, c, fl, mode)
		if err == nil {
			if fl&unix.O_PATH == 0 || !follow {
				return fd, 0
			}
			var st unix.Stat_t
			if err := fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
				return fd, errnoOf(err)
			}
			closeFD(fd)
		} else {
			// O_NOFOLLOW on a link gives ELOOP, or ENOTDIR with O_DIRECTORY,
			// or EEXIST with O_CREAT|O_EXCL; whether it was a link is asked
			// only on failure.
			var st unix.Stat_t
			if !follow || fstatat(w.cur, c, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
				return -1, errnoOf(err)
			}
		}
		more, t, e := w.follow(w.cur, c)
		if e != 0 {
			return -1, e
		}
		comps, trailing = more, trailing || t
	}
	panic("vfs: walk ended without a last component")
}

// step moves the walk through one intermediate component and returns the
// components a symbolic link there expands to (nil otherwise).
func (w *walker) step(c string) ([]string, abi.Errno) {
	switch c {
	case ".":
		return nil, 0
	case "..":
		if w.atRoot() {
			return nil, 0
		}
		fd, err := openat(w.cur, "..", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, errnoOf(err)
		}
		w.set(fd, true)
		return nil, 0
	}
	fd, err := openat(w.cur, c, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, errnoOf(err)
	}
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		closeFD(fd)
		return nil, errnoOf(err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		w.set(fd, true)
		return nil, 0
	case unix.S_IFLNK:
		more, _, e := w.follow(fd, "")
		closeFD(fd)
		return more, e
	}
	closeFD(fd)
	return nil, abi.ENOTDIR
}
