package vfs

import (
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// Tmpfs is a filesystem in vessel's memory (Linux's tmpfs, mm/shmem.c):
// directories, regular files, symbolic links, FIFOs, sockets and device
// nodes, gone when vessel exits. One mutex guards the whole tree; every
// operation is short and never blocks while holding it. Devfs is a Tmpfs
// with device nodes in it.
//
// A regular file's data is an mm.Memory: frames by page, which every
// mapping of the file maps (pagecache.go), so read(2), write(2) and the
// mappings see one another's changes at once, with no copy and nothing to
// write back. Its lock comes after Tmpfs.mu.
type Tmpfs struct {
	name  string           // immutable: "tmpfs", or "devtmpfs"
	now   func() time.Time // immutable
	limit int64            // immutable: bytes of file data at most (ENOSPC)

	mu   sync.Mutex
	used int64 // guarded by mu: bytes of file data
	root *tmpNode

	nextIno atomic.Uint64
}

// NewTmpfs returns an empty tmpfs whose root has mode perm (with the sticky
// bit for /tmp: 01777), owned by uid and gid, holding at most limit bytes of
// file data; now is its clock (nil for the host's).
func NewTmpfs(name string, perm, uid, gid uint32, limit int64, now func() time.Time) *Tmpfs {
	if now == nil {
		now = time.Now
	}
	t := &Tmpfs{name: name, now: now, limit: limit}
	t.nextIno.Store(1)
	t.root = t.newNode(abi.S_IFDIR|perm&0o7777, uid, gid)
	t.root.nlink = 2
	t.root.parent = t.root
	return t
}

// Name is the filesystem type, as /proc/mounts shows it.
func (t *Tmpfs) Name() string { return t.name }

// Statfs reports the tmpfs's size limit and what its files use, in pages.
func (t *Tmpfs) Statfs(st *Statfs) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st.Blocks = uint64(t.limit) / abi.PageSize
	st.Bfree = uint64(max(t.limit-t.used, 0)) / abi.PageSize
	st.Bavail = st.Bfree
}

// Root is the root directory.
func (t *Tmpfs) Root() DirNode { return t.root }

// tmpNode is one inode of a Tmpfs. Every field but the immutable ones is
// guarded by fs.mu.
type tmpNode struct {
	fs   *Tmpfs // immutable
	ino  uint64 // immutable
	mode uint32 // the type (immutable) and permission bits

	uid, gid            uint32
	nlink               uint32
	rdev                uint64 // device nodes
	atime, mtime, ctime abi.Timespec

	// Directories: the entries in the order they were made, and the
	// parent (the root is its own).
	names   []string
	entries map[string]*tmpNode
	parent  *tmpNode

	mem      *mm.Memory // regular files: the data; immutable
	seals    uint32     // regular files: F_SEAL_* (memfd.go)
	target   string     // symbolic links
	linkable bool       // an O_TMPFILE file that linkat may still name
}

func (t *Tmpfs) stamp() abi.Timespec {
	now := t.now()
	return abi.Timespec{Sec: now.Unix(), Nsec: int64(now.Nanosecond())}
}

// newNode returns a new inode with one link.
func (t *Tmpfs) newNode(mode, uid, gid uint32) *tmpNode {
	ts := t.stamp()
	n := &tmpNode{fs: t, ino: t.nextIno.Add(1), mode: mode, uid: uid, gid: gid, nlink: 1, atime: ts, mtime: ts, ctime: ts}
	switch mode & abi.S_IFMT {
	case abi.S_IFDIR:
		n.entries = map[string]*tmpNode{}
		n.nlink = 2
	case abi.S_IFREG:
		n.mem = mm.NewMemory()
		n.seals = sealSeal // sealing is memfd's alone (shmem_get_inode)
	}
	return n
}

func (n *tmpNode) typ() uint32 { return n.mode & abi.S_IFMT }

// Stat reports the inode; blocks are counted in 512-byte units of whole
// pages, as tmpfs allocates them.
func (n *tmpNode) Stat(_ Caller, st *abi.Stat_t) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	*st = abi.Stat_t{
		Ino: n.ino, Mode: n.mode, Nlink: n.nlink, Uid: n.uid, Gid: n.gid, Rdev: n.rdev,
		Blksize: abi.PageSize, Atim: n.atime, Mtim: n.mtime, Ctim: n.ctime,
	}
	switch n.typ() {
	case abi.S_IFREG:
		st.Size = n.mem.Size()
		st.Blocks = (st.Size + abi.PageSize - 1) / abi.PageSize * (abi.PageSize / 512)
	case abi.S_IFDIR:
		st.Size = int64(len(n.entries)+2) * 20 // tmpfs's BOGO_DIRENT_SIZE
	case abi.S_IFLNK:
		st.Size = int64(len(n.target))
	}
	return 0
}

// Open returns the file's I/O: the data of a regular file, the listing of
// a directory. Device nodes, FIFOs and sockets are opened by the vfs.
func (n *tmpNode) Open(c Caller, flags uint32) (FileImpl, abi.Errno) {
	switch n.typ() {
	case abi.S_IFREG:
		return &tmpFile{n: n}, 0
	case abi.S_IFDIR:
		return NewDirImpl(c, n), 0
	}
	return nil, abi.ENXIO
}

// Lookup finds entry name of a directory.
func (n *tmpNode) Lookup(_ Caller, name string) (Node, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.entries == nil {
		return nil, abi.ENOTDIR
	}
	c, ok := n.entries[name]
	if !ok {
		return nil, abi.ENOENT
	}
	return c, 0
}

// Readdir lists a directory in the order its entries were made.
func (n *tmpNode) Readdir(_ Caller) ([]Dirent, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	out := make([]Dirent, 0, len(n.names))
	for _, name := range n.names {
		c := n.entries[name]
		out = append(out, Dirent{Ino: c.ino, Type: direntType(c.mode), Name: name})
	}
	return out, 0
}

// Readlink returns a symbolic link's contents.
func (n *tmpNode) Readlink(Caller) (string, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.typ() != abi.S_IFLNK {
		return "", abi.EINVAL
	}
	n.atime = n.fs.stamp()
	return n.target, 0
}

// Create makes entry name, owned by the caller (a directory's setgid bit
// passes its group and the bit on to subdirectories).
func (n *tmpNode) Create(c Caller, name string, mode uint32, rdev uint64, target string) (Node, abi.Errno) {
	if len(name) > 255 {
		return nil, abi.ENAMETOOLONG
	}
	cr := c.FSCreds()
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.entries == nil {
		return nil, abi.ENOTDIR
	}
	if n.nlink == 0 {
		return nil, abi.ENOENT // a removed directory
	}
	if _, ok := n.entries[name]; ok {
		return nil, abi.EEXIST
	}
	gid := cr.GID
	if n.mode&abi.S_ISGID != 0 {
		gid = n.gid
		if mode&abi.S_IFMT == abi.S_IFDIR {
			mode |= abi.S_ISGID
		}
	}
	if mode&abi.S_IFMT == abi.S_IFLNK {
		mode = abi.S_IFLNK | 0o777
	}
	c2 := n.fs.newNode(mode, cr.UID, gid)
	c2.rdev = rdev
	c2.target = target
	if c2.entries != nil {
		c2.parent = n
		n.nlink++
	}
	n.addLocked(name, c2)
	return c2, 0
}

// CreateTmpfile makes an unnamed regular file (O_TMPFILE) owned by the
// caller, which linkat may give a name unless excl.
func (n *tmpNode) CreateTmpfile(c Caller, mode uint32, excl bool) (Node, abi.Errno) {
	cr := c.FSCreds()
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.nlink == 0 {
		return nil, abi.ENOENT
	}
	f := n.fs.newNode(abi.S_IFREG|mode&0o7777, cr.UID, cr.GID)
	f.nlink = 0
	f.linkable = !excl
	return f, 0
}

// addLocked enters c as name and stamps the directory.
//
// Preconditions: fs.mu is held.
func (n *tmpNode) addLocked(name string, c *tmpNode) {
	n.entries[name] = c
	n.names = append(n.names, name)
	n.mtime = n.fs.stamp()
	n.ctime = n.mtime
}

// removeLocked takes name out of the directory.
//
// Preconditions: fs.mu is held.
func (n *tmpNode) removeLocked(name string) {
	delete(n.entries, name)
	if i := slices.Index(n.names, name); i >= 0 {
		n.names = slices.Delete(n.names, i, i+1)
	}
	n.mtime = n.fs.stamp()
	n.ctime = n.mtime
}

// Link makes name another entry for node o.
func (n *tmpNode) Link(_ Caller, name string, o Node) abi.Errno {
	c, ok := o.(*tmpNode)
	if !ok || c.fs != n.fs {
		return abi.EXDEV
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.nlink == 0 {
		return abi.ENOENT
	}
	if _, ok := n.entries[name]; ok {
		return abi.EEXIST
	}
	if c.typ() == abi.S_IFDIR {
		return abi.EPERM
	}
	if c.nlink == 0 && !c.linkable {
		return abi.ENOENT // linkat of an unlinked file (not O_TMPFILE)
	}
	c.linkable = false
	c.nlink++
	c.ctime = n.fs.stamp()
	n.addLocked(name, c)
	return 0
}

// Unlink removes entry name: rmdir when dir (the directory must be empty).
func (n *tmpNode) Unlink(_ Caller, name string, dir bool) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c, ok := n.entries[name]
	if !ok {
		return abi.ENOENT
	}
	switch {
	case dir && c.typ() != abi.S_IFDIR:
		return abi.ENOTDIR
	case !dir && c.typ() == abi.S_IFDIR:
		return abi.EISDIR
	case dir && len(c.entries) > 0:
		return abi.ENOTEMPTY
	}
	n.removeLocked(name)
	n.fs.dropLinkLocked(c)
	if dir {
		n.nlink--
	}
	return 0
}

// dropLinkLocked takes one link from c; a directory loses both of its own.
// A regular file's data is given back once the last link is gone (open
// descriptors keep reading what they read: tmpFile holds the node).
//
// Preconditions: fs.mu is held.
func (t *Tmpfs) dropLinkLocked(c *tmpNode) {
	c.ctime = t.stamp()
	if c.typ() == abi.S_IFDIR {
		c.nlink = 0
		return
	}
	c.nlink--
}

// Rename moves entry old to newName in directory nd, replacing what is
// there as rename(2) allows, or swapping the two with RENAME_EXCHANGE.
func (n *tmpNode) Rename(_ Caller, old string, nd MutableDir, newName string, flags uint32) abi.Errno {
	d, ok := nd.(*tmpNode)
	if !ok || d.fs != n.fs {
		return abi.EXDEV
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	src, ok := n.entries[old]
	if !ok {
		return abi.ENOENT
	}
	if d.nlink == 0 {
		return abi.ENOENT
	}
	dst, exists := d.entries[newName]
	if src == dst {
		return 0 // the same file: nothing happens (rename(2))
	}
	// A directory cannot move below itself.
	if src.typ() == abi.S_IFDIR {
		for p := d; ; p = p.parent {
			if p == src {
				return abi.EINVAL
			}
			if p.parent == p {
				break
			}
		}
	}
	if flags&abi.RENAME_EXCHANGE != 0 {
		if !exists {
			return abi.ENOENT
		}
		if dst.typ() == abi.S_IFDIR {
			for p := n; ; p = p.parent {
				if p == dst {
					return abi.EINVAL
				}
				if p.parent == p {
					break
				}
			}
		}
		n.entries[old], d.entries[newName] = dst, src
		if src.typ() == abi.S_IFDIR {
			src.parent = d
		}
		if dst.typ() == abi.S_IFDIR {
			dst.parent = n
		}
		if src.typ() == abi.S_IFDIR && dst.typ() != abi.S_IFDIR {
			n.nlink--
			d.nlink++
		} else if dst.typ() == abi.S_IFDIR && src.typ() != abi.S_IFDIR {
			d.nlink--
			n.nlink++
		}
		ts := n.fs.stamp()
		n.mtime, n.ctime, d.mtime, d.ctime, src.ctime, dst.ctime = ts, ts, ts, ts, ts, ts
		return 0
	}
	if exists {
		if flags&abi.RENAME_NOREPLACE != 0 {
			return abi.EEXIST
		}
		switch {
		case src.typ() == abi.S_IFDIR && dst.typ() != abi.S_IFDIR:
			return abi.ENOTDIR
		case src.typ() != abi.S_IFDIR && dst.typ() == abi.S_IFDIR:
			return abi.EISDIR
		case dst.typ() == abi.S_IFDIR && len(dst.entries) > 0:
			return abi.ENOTEMPTY
		}
		d.removeLocked(newName)
		n.fs.dropLinkLocked(dst)
		if dst.typ() == abi.S_IFDIR {
			d.nlink--
		}
	}
	n.removeLocked(old)
	d.addLocked(newName, src)
	if src.typ() == abi.S_IFDIR {
		src.parent = d
		n.nlink--
		d.nlink++
	}
	src.ctime = n.fs.stamp()
	return 0
}

// SetAttr changes what a says.
func (n *tmpNode) SetAttr(_ Caller, a *Attr) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if a.Size != nil {
		switch n.typ() {
		case abi.S_IFREG:
		case abi.S_IFDIR:
			return abi.EISDIR
		default:
			return abi.EINVAL
		}
		if e := n.sealedResizeLocked(*a.Size); e != 0 {
			return e
		}
		if e := n.resizeLocked(*a.Size); e != 0 {
			return e
		}
		n.mtime = n.fs.stamp()
	}
	if a.Mode != nil {
		n.mode = n.mode&abi.S_IFMT | *a.Mode&0o7777
	}
	if a.UID != nil {
		n.uid = *a.UID
	}
	if a.GID != nil {
		n.gid = *a.GID
	}
	if (a.UID != nil || a.GID != nil) && n.typ() != abi.S_IFDIR {
		n.mode &^= abi.S_ISUID // chown clears setuid, and setgid with group exec
		if n.mode&0o010 != 0 {
			n.mode &^= abi.S_ISGID
		}
	}
	if a.Atime != nil {
		n.atime = *a.Atime
	}
	if a.Mtime != nil {
		n.mtime = *a.Mtime
	}
	if a.ChangeTime {
		n.ctime = n.fs.stamp()
	}
	return 0
}

// resizeLocked makes a regular file size bytes long.
//
// Preconditions: fs.mu is held.
func (n *tmpNode) resizeLocked(size int64) abi.Errno {
	old := n.mem.Size()
	if size > old && n.fs.used+size-old > n.fs.limit {
		return abi.ENOSPC
	}
	n.fs.used += size - old
	n.mem.Truncate(size)
	return 0
}

// sealedResizeLocked refuses a change of size that the file's seals
// forbid: EPERM (shmem_setattr).
//
// Preconditions: fs.mu is held.
func (n *tmpNode) sealedResizeLocked(size int64) abi.Errno {
	old := n.mem.Size()
	if size < old && n.seals&sealShrink != 0 || size > old && n.seals&sealGrow != 0 {
		return abi.EPERM
	}
	return 0
}

// tmpFile is an open regular file of a Tmpfs.
type tmpFile struct {
	FileDefaults
	n *tmpNode // immutable
}

func (f *tmpFile) Read(file *File, dst []byte, pos *int64) (int, abi.Errno) {
	n, e := f.Pread(file, dst, *pos)
	*pos += int64(n)
	return n, e
}

func (f *tmpFile) Pread(_ *File, dst []byte, off int64) (int, abi.Errno) {
	n := f.n
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c := n.mem.ReadAt(dst, off)
	if c > 0 {
		n.atime = n.fs.stamp()
	}
	return c, 0
}

func (f *tmpFile) Write(file *File, src []byte, pos *int64) (int, abi.Errno) {
	if file.Flags()&abi.O_APPEND != 0 {
		*pos = f.n.mem.Size()
	}
	c, e := f.Pwrite(file, src, *pos)
	*pos += int64(c)
	return c, e
}

// maxFileSize is the largest offset a write may reach (MAX_LFS_FILESIZE).
const maxFileSize = 1<<63 - 1

// Pwrite writes into the file's Memory, where mappings see it at once.
// Seals refuse it as shmem_write_begin does, page by page: EPERM under
// F_SEAL_WRITE or F_SEAL_FUTURE_WRITE; under F_SEAL_GROW the write stops
// before the first piece within a page that would pass the end, EPERM if
// that is the first.
func (f *tmpFile) Pwrite(_ *File, src []byte, off int64) (int, abi.Errno) {
	if len(src) == 0 {
		return 0, 0
	}
	if off > maxFileSize-int64(len(src)) {
		return 0, abi.EFBIG
	}
	n := f.n
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	size := n.mem.Size()
	end := off + int64(len(src))
	if n.seals&(sealWrite|sealFutureWrite) != 0 {
		return 0, abi.EPERM
	}
	if n.seals&sealGrow != 0 && end > size {
		// The pieces that fit end at the page that holds the end.
		fits := size&^(abi.PageSize-1) - off
		if fits <= 0 {
			return 0, abi.EPERM
		}
		src, end = src[:fits], off+fits
	}
	if end > size {
		if room := n.fs.limit - n.fs.used; end-size > room {
			// Write what fits, as a full disk does.
			if room <= 0 || off >= size+room {
				return 0, abi.ENOSPC
			}
			end = size + room
			src = src[:end-off]
		}
		n.fs.used += end - size
	}
	n.mem.WriteAt(src, off)
	n.mtime = n.fs.stamp()
	n.ctime = n.mtime
	n.mode &^= abi.S_ISUID // a write drops setuid (file_remove_privs)
	return len(src), 0
}

func (f *tmpFile) Lseek(_ *File, pos, off int64, whence int) (int64, abi.Errno) {
	return SeekIn(pos, off, whence, f.n.mem.Size())
}

func (f *tmpFile) Stat(file *File, st *abi.Stat_t) abi.Errno {
	return statNode(nil, file.mnt, f.n, st)
}

func (f *tmpFile) Truncate(_ *File, size int64) abi.Errno {
	f.n.fs.mu.Lock()
	defer f.n.fs.mu.Unlock()
	if e := f.n.sealedResizeLocked(size); e != 0 {
		return e
	}
	if e := f.n.resizeLocked(size); e != 0 {
		return e
	}
	f.n.mtime = f.n.fs.stamp()
	f.n.ctime = f.n.mtime
	return 0
}

func (f *tmpFile) Sync(*File, bool) abi.Errno { return 0 }

// mapFile gives mappings of the file its Memory (see pagecache.go): a
// shared writable mapping is EPERM under F_SEAL_WRITE or
// F_SEAL_FUTURE_WRITE, and a shared mapping made under either may never
// become writable (memfd_check_seals_mmap).
func (f *tmpFile) mapFile(file *File, shared, write bool) (mm.File, abi.Errno) {
	n := f.n
	n.fs.mu.Lock()
	sealed := n.seals&(sealWrite|sealFutureWrite) != 0
	n.fs.mu.Unlock()
	if shared && write && sealed {
		return nil, abi.EPERM
	}
	m := &tmpMapping{file: file, n: n, writable: file.Writable() && !sealed}
	holdFile(m, file)
	return m, 0
}

// tmpMapping is a tmpfs file as mm maps it: an mm.MemoryFile.
type tmpMapping struct {
	file     *File    // immutable; held while the mapping lives
	n        *tmpNode // immutable
	writable bool     // immutable: a shared mapping may write
}

func (m *tmpMapping) Memory() *mm.Memory { return m.n.mem }
func (m *tmpMapping) Size() int64        { return m.n.mem.Size() }
func (m *tmpMapping) Name() string       { return m.file.Path() }
func (m *tmpMapping) Writable() bool     { return m.writable }

func (m *tmpMapping) ReadAt(p []byte, off int64) (int, error) {
	if n := m.n.mem.ReadAt(p, off); n < len(p) {
		return n, io.EOF
	}
	return len(p), nil
}

// direntType is the DT_* of a mode's file type.
func direntType(mode uint32) uint8 { return uint8(mode & abi.S_IFMT >> 12) }
