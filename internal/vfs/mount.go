package vfs

import (
	"fmt"
	"math"
	pathpkg "path"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// The mount table: vessel's own filesystems mounted at guest paths over the
// host tree. The host tree is the root mount; every other mount is a
// Filesystem whose files are Nodes. A mount point is named by its canonical
// guest path from the FS root, so a lookup crosses into a mount exactly when
// the path it has walked so far (symbolic links expanded) is a mount point.
// Mounts are made while vessel sets the FS up, and by mount(2) later.

// mount is one entry of the table (Linux's struct mount).
type mount struct {
	id     int        // immutable: mountinfo's mount ID
	point  string     // immutable: canonical guest path, "/dev"
	fsys   Filesystem // immutable
	dev    uint64     // immutable: st_dev of its files (guest encoding)
	source string     // immutable: mountinfo's source ("tmpfs", "proc")
	opts   string     // immutable: mount options ("rw,nosuid,nodev")
}

// MountInfo describes one mount, for /proc/mounts and /proc/PID/mountinfo.
type MountInfo struct {
	ID, ParentID int
	Dev          uint64 // the guest's st_dev of its files
	Point        string // the mount point, a guest path from the FS root
	Type         string // "tmpfs", "proc", or the host filesystem's type
	Source       string
	Options      string
}

// anonDev is the first device minor vessel hands its filesystems, on
// major 0 as Linux's anonymous block devices (get_anon_bdev).
const anonDev = 20

// Mount mounts fsys at point, a canonical absolute guest path that must not
// already be a mount point. source and opts are what /proc/mounts shows
// ("tmpfs", "rw,nosuid,nodev"). The directory point need not exist in the
// tree below: vessel's own mounts (/proc, /dev, /tmp) are made whether or
// not the guest's root has the directories.
func (fs *FS) Mount(point string, fsys Filesystem, source, opts string) error {
	if !strings.HasPrefix(point, "/") || pathpkg.Clean(point) != point || point == "/" {
		return fmt.Errorf("vfs: mount point %q: not a canonical absolute path", point)
	}
	fs.mountMu.Lock()
	defer fs.mountMu.Unlock()
	for _, m := range fs.mounts {
		if m.point == point {
			return fmt.Errorf("vfs: mount point %s: already mounted", point)
		}
	}
	n := len(fs.mounts)
	minor := uint64(anonDev + n)
	m := &mount{
		id:     n + 2, // 1 is the root
		point:  point,
		fsys:   fsys,
		dev:    minor&0xff | (minor&^0xff)<<12, // new_encode_dev(MKDEV(0, minor))
		source: source,
		opts:   opts,
	}
	fs.mounts = append(slices.Clone(fs.mounts), m) // readers hold the old slice
	return nil
}

// mountList returns the mounts; the slice is never changed in place.
func (fs *FS) mountList() []*mount {
	fs.mountMu.RLock()
	defer fs.mountMu.RUnlock()
	return fs.mounts
}

// mountAt returns the mount whose point is p, or nil.
func (fs *FS) mountAt(p string) *mount {
	for _, m := range fs.mountList() {
		if m.point == p {
			return m
		}
	}
	return nil
}

// mountOf returns the mount that holds canonical path p — the one with the
// longest point that is p or an ancestor of it — or nil for the host tree.
func (fs *FS) mountOf(p string) *mount {
	var best *mount
	for _, m := range fs.mountList() {
		if under(p, m.point) && (best == nil || len(m.point) > len(best.point)) {
			best = m
		}
	}
	return best
}

// crossesMount reports whether path p, taken lexically from directory base
// (a clean absolute path: the starting directory, or the process root for
// an absolute p), passes through a mount point or below one at any
// step: "/dev/../etc" does, since /dev's ".." is the mount's.
func (fs *FS) crossesMount(base, p string) bool {
	ms := fs.mountList()
	if len(ms) == 0 {
		return false
	}
	cur := base // for an absolute p, the process root
	for name := range strings.SplitSeq(p, "/") {
		switch name {
		case "", ".":
			continue
		case "..":
			cur = pathpkg.Dir(cur)
			continue
		}
		cur = joinPath(cur, name)
		for _, m := range ms {
			if under(cur, m.point) {
				return true
			}
		}
	}
	return false
}

// under reports whether path p is dir or below it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir) && (dir == "/" || p[len(dir)] == '/')
}

// mountCookie is the d_off of the last mount point a host directory's
// listing adds; the ones before it count down from it.
const mountCookie = math.MaxInt64

// mountsBelow returns the names of the mount points directly below
// directory dir (a guest path).
func (fs *FS) mountsBelow(dir string) []string {
	var names []string
	for _, m := range fs.mountList() {
		if parent, name := pathpkg.Split(m.point); pathpkg.Clean(parent) == dir && name != "" {
			names = append(names, name)
		}
	}
	return names
}

// isMountPoint reports whether canonical path p is a mount point (or the
// root), which rename and rmdir refuse with EBUSY.
func (fs *FS) isMountPoint(p string) bool { return p == "/" || fs.mountAt(p) != nil }

// Mounts lists the mount table, the root first, for /proc/mounts.
func (fs *FS) Mounts() []MountInfo {
	var hst unix.Stat_t
	fstat(hfd(fs.root), &hst)
	hostDev := uint64(unix.Major(hst.Dev))<<8 | uint64(unix.Minor(hst.Dev))&0xff | (uint64(unix.Minor(hst.Dev))&^0xff)<<12
	out := []MountInfo{{ID: 1, ParentID: 1, Dev: hostDev, Point: "/", Type: hostFSType(hfd(fs.root)), Source: fs.hostRoot, Options: "rw,relatime"}}
	ms := fs.mountList()
	for _, m := range ms {
		parent := 1
		for _, p := range ms {
			if p != m && under(m.point, p.point) && p.id < m.id {
				parent = p.id
			}
		}
		out = append(out, MountInfo{ID: m.id, ParentID: parent, Dev: m.dev, Point: m.point, Type: m.fsys.Name(), Source: m.source, Options: m.opts})
	}
	return out
}

// hostFSType names the host filesystem of descriptor fd by its statfs
// magic, as /proc/mounts would; "hostfs" when vessel does not know it.
func hostFSType(fd int) string {
	var s unix.Statfs_t
	if unix.Fstatfs(fd, &s) != nil {
		return "hostfs"
	}
	switch s.Type {
	case unix.EXT4_SUPER_MAGIC:
		return "ext4"
	case unix.XFS_SUPER_MAGIC:
		return "xfs"
	case unix.BTRFS_SUPER_MAGIC:
		return "btrfs"
	case unix.TMPFS_MAGIC:
		return "tmpfs"
	case unix.OVERLAYFS_SUPER_MAGIC:
		return "overlay"
	case unix.V9FS_MAGIC:
		return "9p"
	}
	return "hostfs"
}

// statNode fills st for node n of mount m.
func statNode(c Caller, m *mount, n Node, st *abi.Stat_t) abi.Errno {
	if e := n.Stat(c, st); e != 0 {
		return e
	}
	st.Dev = m.dev
	return 0
}
