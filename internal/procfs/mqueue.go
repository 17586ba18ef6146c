package procfs

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// Mqueue is the mqueue filesystem (Linux's ipc/mqueue.c), mounted at
// /dev/mqueue: one regular file per POSIX message queue of the kernel's
// IPC namespace, named without the leading slash. Reading one gives the
// queue's "QSIZE:... NOTIFY:..." line; open(2) with O_CREAT makes a queue
// as mq_open does; unlink removes one as mq_unlink does. There are no
// directories below the root.
type Mqueue struct {
	k    *kernel.Kernel
	root *mqRoot
}

// NewMqueue returns the mqueue filesystem of k.
func NewMqueue(k *kernel.Kernel) *Mqueue {
	m := &Mqueue{k: k}
	m.root = &mqRoot{m: m}
	return m
}

// Name is the filesystem type.
func (m *Mqueue) Name() string { return "mqueue" }

// Root is the directory of the queues.
func (m *Mqueue) Root() vfs.DirNode { return m.root }

// mqRoot is the directory: mode 01777, owned by root, as Linux mounts it.
type mqRoot struct {
	m *Mqueue
}

func (r *mqRoot) Stat(_ vfs.Caller, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Ino: 1, Mode: abi.S_IFDIR | 0o1777, Nlink: 2, Blksize: abi.PageSize}
	return 0
}

func (r *mqRoot) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	return vfs.NewDirImpl(c, r), 0
}

func (r *mqRoot) Lookup(_ vfs.Caller, name string) (vfs.Node, abi.Errno) {
	for _, q := range r.m.k.MQueues() {
		if q.Name == name {
			return &mqNode{m: r.m, name: name}, 0
		}
	}
	return nil, abi.ENOENT
}

func (r *mqRoot) Readdir(vfs.Caller) ([]vfs.Dirent, abi.Errno) {
	var out []vfs.Dirent
	for _, q := range r.m.k.MQueues() {
		out = append(out, vfs.Dirent{Ino: mqIno(q.Name), Type: abi.DT_REG, Name: q.Name})
	}
	return out, 0
}

// Create is open(2) with O_CREAT of a new name: a queue with the default
// attributes, as mq_open without an attr.
func (r *mqRoot) Create(c vfs.Caller, name string, mode uint32, _ uint64, _ string) (vfs.Node, abi.Errno) {
	t, ok := c.(*kernel.Task)
	if !ok || mode&abi.S_IFMT != abi.S_IFREG {
		return nil, abi.EPERM
	}
	f, e := t.MQOpenFile(name, abi.O_RDONLY|abi.O_CREAT|abi.O_EXCL, mode&0o777, nil)
	if e != 0 {
		return nil, e
	}
	f.DecRef()
	return &mqNode{m: r.m, name: name}, 0
}

func (r *mqRoot) Link(vfs.Caller, string, vfs.Node) abi.Errno { return abi.EPERM }

// Unlink is mq_unlink.
func (r *mqRoot) Unlink(c vfs.Caller, name string, dir bool) abi.Errno {
	t, ok := c.(*kernel.Task)
	if !ok || dir {
		return abi.EPERM
	}
	return t.MQUnlink(name)
}

func (r *mqRoot) Rename(vfs.Caller, string, vfs.MutableDir, string, uint32) abi.Errno {
	return abi.EPERM
}

// mqNode is one queue.
type mqNode struct {
	m    *Mqueue
	name string
}

func (n *mqNode) Stat(_ vfs.Caller, st *abi.Stat_t) abi.Errno {
	for _, q := range n.m.k.MQueues() {
		if q.Name == n.name {
			*st = abi.Stat_t{Ino: mqIno(q.Name), Mode: abi.S_IFREG | q.Mode&0o777, Nlink: 1, Uid: q.UID, Gid: q.GID, Size: q.Size, Blksize: abi.PageSize}
			return 0
		}
	}
	return abi.ENOENT
}

// Open is never reached: OpenFile makes the whole description.
func (n *mqNode) Open(vfs.Caller, uint32) (vfs.FileImpl, abi.Errno) { return nil, abi.ENXIO }

// OpenFile opens the queue as mq_open does (vfs.FileNode).
func (n *mqNode) OpenFile(c vfs.Caller, _ string, flags uint32) (*vfs.File, abi.Errno) {
	t, ok := c.(*kernel.Task)
	if !ok {
		return nil, abi.ENXIO
	}
	return t.MQOpenFile(n.name, flags&(abi.O_ACCMODE|abi.O_NONBLOCK), 0, nil)
}

// mqIno gives a queue a stable inode number for listings, from its name.
func mqIno(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return h>>1 | 2
}
