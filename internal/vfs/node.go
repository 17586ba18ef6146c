package vfs

import (
	"os"

	"vessel/internal/abi"
)

// Filesystems vessel implements itself (tmpfs, devfs, procfs) are trees of
// Nodes, Linux's inodes with their inode_operations. The host tree is not:
// it is reached through host descriptors (host.go, resolve.go).

// Creds are the credentials a file operation is checked against: the
// caller's filesystem uid and gid and its supplementary groups.
type Creds struct {
	UID, GID uint32
	Groups   []uint32
}

// Caller is who performs a path operation: its filesystem context (root,
// working directory, umask) and its credentials. The kernel's task is one;
// so is a bare *Context, which acts with vessel's own host ids (tests and
// tools that have no task). Filesystems that answer differently by caller
// (procfs's /proc/self) type-assert it to what they know.
type Caller interface {
	FSContext() *Context
	FSCreds() Creds
}

// FSContext makes a Context its own Caller.
func (c *Context) FSContext() *Context { return c }

// FSCreds is vessel's own host user, which the host checks host files with.
func (c *Context) FSCreds() Creds {
	return Creds{UID: uint32(os.Geteuid()), GID: uint32(os.Getegid())}
}

// InGroup reports whether gid is the caller's filesystem group or one of
// its supplementary groups.
func (cr *Creds) InGroup(gid uint32) bool {
	if cr.GID == gid {
		return true
	}
	for _, g := range cr.Groups {
		if g == gid {
			return true
		}
	}
	return false
}

// Filesystem is a tree of Nodes that can be mounted (Linux's super_block).
type Filesystem interface {
	// Name is the filesystem type as /proc/mounts shows it ("tmpfs").
	Name() string
	// Root is the directory that appears at the mount point.
	Root() DirNode
}

// Node is one file of a Filesystem (Linux's inode).
type Node interface {
	// Stat fills st, less st_dev, which the mount supplies.
	Stat(c Caller, st *abi.Stat_t) abi.Errno
	// Open returns what a new open file description of the node does.
	// Permissions and O_DIRECTORY have been checked; flags are the open(2)
	// flags. A directory returns DirFile's impl or its own.
	Open(c Caller, flags uint32) (FileImpl, abi.Errno)
}

// DirNode is a directory.
type DirNode interface {
	Node
	// Lookup returns the entry name (never "." or ".."); ENOENT if absent.
	Lookup(c Caller, name string) (Node, abi.Errno)
	// Readdir lists the entries, without "." and "..", in a stable order.
	Readdir(c Caller) ([]Dirent, abi.Errno)
}

// SymlinkNode is a symbolic link.
type SymlinkNode interface {
	Node
	Readlink(c Caller) (string, abi.Errno)
}

// MagicLink is a symbolic link of procfs that following does not read but
// jumps through, to an open file (/proc/PID/fd/N) or a directory
// (/proc/PID/cwd): Linux's nd_jump_link. Readlink gives its text.
type MagicLink interface {
	SymlinkNode
	// Follow returns the File the link stands for, with a reference.
	Follow(c Caller) (*File, abi.Errno)
}

// FileNode is a Node that makes its own open file descriptions whole (the
// mqueue filesystem's queues, which the kernel opens); the vfs calls
// OpenFile instead of Open, after its permission checks.
type FileNode interface {
	Node
	OpenFile(c Caller, path string, flags uint32) (*File, abi.Errno)
}

// Reopener is a FileImpl that a magic link to it opens anew, sharing the
// file but with a description of its own (a pipe through /proc/PID/fd/N).
type Reopener interface {
	Reopen(c Caller, f *File, flags uint32) (*File, abi.Errno)
}

// MutableDir is a directory whose entries the guest can change (tmpfs).
// The vfs has checked write and search permission on it and the sticky bit.
type MutableDir interface {
	DirNode
	// Create makes entry name: a regular file, directory, FIFO, socket or
	// device node by mode's type, or a symbolic link to target. EEXIST if
	// name exists.
	Create(c Caller, name string, mode uint32, rdev uint64, target string) (Node, abi.Errno)
	// Link makes name another entry for n, which is of the same
	// filesystem and not a directory.
	Link(c Caller, name string, n Node) abi.Errno
	// Unlink removes entry name; dir says rmdir (ENOTDIR, ENOTEMPTY) rather
	// than unlink (EISDIR).
	Unlink(c Caller, name string, dir bool) abi.Errno
	// Rename moves entry old to newName in newDir, of the same filesystem,
	// with renameat2's flags (RENAME_NOREPLACE, RENAME_EXCHANGE).
	Rename(c Caller, old string, newDir MutableDir, newName string, flags uint32) abi.Errno
}

// Attr is a change of attributes; nil fields are left alone.
type Attr struct {
	Mode       *uint32 // permission bits (07777)
	UID, GID   *uint32
	Size       *int64
	Atime      *abi.Timespec // UTIME_NOW already replaced by the time
	Mtime      *abi.Timespec
	ChangeTime bool // set ctime (every change does)
}

// AttrSetter is a Node whose attributes can change (chmod, chown,
// utimensat, truncate). Permission has been checked by the vfs.
type AttrSetter interface {
	SetAttr(c Caller, a *Attr) abi.Errno
}

// nodeType returns a Node's abi.S_IF* type.
func nodeType(c Caller, n Node) (uint32, abi.Errno) {
	var st abi.Stat_t
	if e := n.Stat(c, &st); e != 0 {
		return 0, e
	}
	return st.Mode & abi.S_IFMT, 0
}

// permitted reports whether creds may access a file with mode, uid and gid
// as want (a mix of abi.R_OK, W_OK, X_OK) asks, by Linux's
// generic_permission: owner, then group, then other bits; uid 0 may read
// and write anything and execute what anyone may execute, and search any
// directory.
func permitted(cr Creds, st *abi.Stat_t, want uint32) bool {
	if want == 0 {
		return true
	}
	if cr.UID == 0 {
		if want&abi.X_OK == 0 || st.Mode&abi.S_IFMT == abi.S_IFDIR {
			return true
		}
		return st.Mode&0o111 != 0
	}
	bits := st.Mode & 0o7
	switch {
	case cr.UID == st.Uid:
		bits = st.Mode >> 6 & 0o7
	case cr.InGroup(st.Gid):
		bits = st.Mode >> 3 & 0o7
	}
	return want&^bits == 0 // R_OK, W_OK, X_OK are 4, 2, 1 as the mode bits
}

// nodeAccess checks want on node n for the caller: EACCES if refused.
func nodeAccess(c Caller, n Node, want uint32) abi.Errno {
	var st abi.Stat_t
	if e := n.Stat(c, &st); e != 0 {
		return e
	}
	if !permitted(c.FSCreds(), &st, want) {
		return abi.EACCES
	}
	return 0
}
