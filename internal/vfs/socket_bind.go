package vfs

import (
	"strings"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// Unix socket names in the filesystem (unix(7)). bind(2) makes a socket
// inode at a path; connect(2) and sendto(2) look the path up and find the
// socket bound to that inode. The sockets are the kernel's: the filesystem
// only makes and finds the inode, and a SocketKey says which one it is.
// Removing the file does not unbind the socket, and a socket file nobody is
// bound to is stale (ECONNREFUSED, which is the caller's to say).

// SocketKey names the inode a Unix socket is bound to: the host device and
// inode number for a file of the host tree, the node for one of vessel's
// filesystems. Keys compare equal when they name the same inode; the zero
// value names none.
type SocketKey struct {
	dev, ino uint64
	node     Node
}

// BindSocket is the filesystem half of bind(2) on a Unix socket: it makes
// a socket inode at path (relative to dir, nil for the working directory),
// with mode's permission bits less the umask, and returns its key. As
// Linux's unix_bind_bsd: EADDRINUSE if the name exists (a stale socket
// file included), and the errors of creating a file (ENOENT, ENOTDIR,
// EACCES, ELOOP, ENAMETOOLONG, EROFS) otherwise. A final symbolic link is
// not followed: it is a name that exists.
func (fs *FS) BindSocket(c Caller, dir *File, path string, mode uint32) (SocketKey, abi.Errno) {
	p, e := fs.lookupParent(c, dir, path)
	if e != 0 {
		return SocketKey{}, e
	}
	defer p.close()
	if p.last != lastNorm || fs.isMountPoint(p.childPath()) {
		return SocketKey{}, abi.EADDRINUSE
	}
	perm := mode & 0o777 &^ c.FSContext().Umask()
	name := strings.TrimRight(p.name, "/")
	if p.node != nil {
		e := nodeCreate(c, &p, abi.S_IFSOCK|perm, 0, "")
		if e == abi.EEXIST {
			return SocketKey{}, abi.EADDRINUSE
		}
		if e != 0 {
			return SocketKey{}, e
		}
		n, e := p.node.Lookup(c, name)
		if e != 0 {
			return SocketKey{}, e
		}
		return SocketKey{node: n}, 0
	}
	if err := unix.Mknodat(p.fd, p.name, unix.S_IFSOCK|perm, 0); err != nil {
		if err == unix.EEXIST {
			return SocketKey{}, abi.EADDRINUSE
		}
		return SocketKey{}, errnoOf(err)
	}
	if e := fs.fixMode(p.fd, p.name, perm, unix.S_IFSOCK); e != 0 {
		return SocketKey{}, e
	}
	fd, err := openat(p.fd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return SocketKey{}, errnoOf(err)
	}
	defer closeFD(fd)
	id, err := fstatID(fd)
	if err != nil {
		return SocketKey{}, errnoOf(err)
	}
	return SocketKey{dev: id.dev, ino: id.ino}, 0
}

// LookupSocket finds the socket inode at path (relative to dir, nil for
// the working directory), following symbolic links, for connect(2) and
// sendto(2). As Linux's unix_find_bsd: the lookup's errors (ENOENT,
// ENOTDIR, ELOOP, ...), EACCES without write permission on the file, and
// ECONNREFUSED for a file that is not a socket.
func (fs *FS) LookupSocket(c Caller, dir *File, path string) (SocketKey, abi.Errno) {
	var key SocketKey
	e := fs.withTarget(c, dir, path, true, false,
		func(fd int) abi.Errno {
			if e := accessFD(fd, abi.W_OK, true); e != 0 {
				return e
			}
			var st unix.Stat_t
			if err := fstat(fd, &st); err != nil {
				return errnoOf(err)
			}
			if st.Mode&unix.S_IFMT != unix.S_IFSOCK {
				return abi.ECONNREFUSED
			}
			key = SocketKey{dev: st.Dev, ino: st.Ino}
			return 0
		},
		func(m *mount, n Node) abi.Errno {
			if e := nodeAccess(c, n, abi.W_OK); e != 0 {
				return e
			}
			typ, e := nodeType(c, n)
			if e != 0 {
				return e
			}
			if typ != abi.S_IFSOCK {
				return abi.ECONNREFUSED
			}
			key = SocketKey{node: n}
			return 0
		},
		func(f *File) abi.Errno { return abi.ECONNREFUSED }) // a pipe or socket through a magic link: not a bound inode
	return key, e
}
