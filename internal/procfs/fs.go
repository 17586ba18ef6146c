package procfs

import (
	"strconv"
	"sync"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// FS is the proc filesystem of one kernel (Linux's procfs): mount it at
// /proc with vfs.FS.Mount. Its zero value is not usable; make one with New.
type FS struct {
	k  *kernel.Kernel // immutable
	fs *vfs.FS        // immutable: the kernel's tree, for /proc/mounts and the dev of open files

	root *rootDir  // immutable after New
	dev  devFinder // st_dev of open files
}

// New returns /proc for kernel k, whose Config().FS is the tree it will be
// mounted in.
func New(k *kernel.Kernel) *FS {
	p := &FS{k: k, fs: k.Config().FS}
	p.dev = devFinder{fs: p.fs, typ: p.Name()}
	p.root = p.newRoot()
	return p
}

// Name is the filesystem type, as /proc/mounts shows it.
func (p *FS) Name() string { return "proc" }

// Root is /proc.
func (p *FS) Root() vfs.DirNode { return p.root }

// devNum returns st_dev of this filesystem's files.
func (p *FS) devNum() uint64 { return p.dev.get() }

// devFinder finds st_dev of a filesystem's files for fstat of an open
// file: the device of the first mount of its type. (vfs keeps a mount's
// device to itself, and fstat asks the open file, not the mount.)
type devFinder struct {
	fs  *vfs.FS // immutable
	typ string  // immutable

	mu  sync.Mutex
	dev uint64 // guarded by mu: 0 until the mount is found
}

func (d *devFinder) get() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dev == 0 && d.fs != nil {
		for _, m := range d.fs.Mounts() {
			if m.Type == d.typ {
				d.dev = m.Dev
				break
			}
		}
	}
	return d.dev
}

// bootTime is the time stamp of /proc's own files: when the kernel
// started.
func (p *FS) bootTime() abi.Timespec { return timespec(p.k.BootTime()) }

// Inode numbers. /proc's root is 1, as Linux's PROC_ROOT_INO; the files
// that are always there get small numbers in the order New makes them;
// per-process files get numbers composed of their kind, the tid and an
// index, so that a file keeps its number for the life of its process.
const (
	inoProcDir   = 1 << 56 // /proc/PID/<entry>: | tid<<24 | entry index
	inoThreadDir = 2 << 56 // /proc/PID/task/TID/<entry>
	inoFD        = 3 << 56 // /proc/PID/fd/N: | tid<<24 | N
	inoThreadFD  = 4 << 56 // /proc/PID/task/TID/fd/N
	inoFDInfo    = 5 << 56
	inoThrFDInfo = 6 << 56
)

// rootDir is /proc: its fixed entries in name order, then self and
// thread-self, then a directory for each process by pid, as Linux's
// proc_root_readdir lists them.
type rootDir struct {
	attr
	p       *FS
	ents    []entry // fixed entries, by name
	self    *linkNode
	thrSelf *linkNode
}

func (p *FS) newRoot() *rootDir {
	ino := uint64(1)
	next := func() uint64 { ino++; return ino }
	r := &rootDir{p: p}
	r.attr = attr{ino: 1, mode: abi.S_IFDIR | 0o555, mtime: p.bootTime}
	r.nlink = func(vfs.Caller) uint32 { return uint32(3 + len(p.k.Processes())) }
	file := func(name string, gen func(vfs.Caller) ([]byte, abi.Errno)) entry {
		n := &genNode{attr: attr{ino: next(), mode: abi.S_IFREG | 0o444, mtime: p.bootTime}, gen: gen, dev: p.devNum}
		return entry{name: name, typ: abi.DT_REG, node: func() vfs.Node { return n }}
	}
	mounts := &linkNode{attr: attr{ino: next(), mode: abi.S_IFLNK | 0o777, mtime: p.bootTime},
		text: func(vfs.Caller) (string, abi.Errno) { return "self/mounts", 0 }}
	sys := p.newSysDir(next)
	ipcText := func(kind string) func(vfs.Caller) ([]byte, abi.Errno) {
		return func(vfs.Caller) ([]byte, abi.Errno) { return p.k.SysVIPCText(kind), 0 }
	}
	sysvipc := newDir(next(), 0o555, []entry{file("msg", ipcText("msg")), file("sem", ipcText("sem")), file("shm", ipcText("shm"))})
	r.ents = []entry{
		file("cpuinfo", p.cpuinfo),
		file("filesystems", p.filesystems),
		file("loadavg", p.loadavg),
		file("meminfo", p.meminfo),
		{name: "mounts", typ: abi.DT_LNK, node: func() vfs.Node { return mounts }},
		file("stat", p.stat),
		{name: "sys", typ: abi.DT_DIR, node: func() vfs.Node { return sys }},
		{name: "sysvipc", typ: abi.DT_DIR, node: func() vfs.Node { return sysvipc }},
		file("uptime", p.uptime),
		file("version", p.version),
	}
	r.self = &linkNode{attr: attr{ino: next(), mode: abi.S_IFLNK | 0o777, mtime: p.bootTime}, text: selfText}
	r.thrSelf = &linkNode{attr: attr{ino: next(), mode: abi.S_IFLNK | 0o777, mtime: p.bootTime}, text: threadSelfText}
	return r
}

// selfText is /proc/self's text: the caller's pid, in its namespace.
// Someone who is not a task (vessel itself) has none: ENOENT, as Linux
// gives a kernel thread.
func selfText(c vfs.Caller) (string, abi.Errno) {
	t, ok := c.(*kernel.Task)
	if !ok {
		return "", abi.ENOENT
	}
	return strconv.Itoa(int(t.Tgid)), 0
}

// threadSelfText is /proc/thread-self's text: "PID/task/TID".
func threadSelfText(c vfs.Caller) (string, abi.Errno) {
	t, ok := c.(*kernel.Task)
	if !ok {
		return "", abi.ENOENT
	}
	return strconv.Itoa(int(t.Tgid)) + "/task/" + strconv.Itoa(int(t.Tid)), 0
}

func (r *rootDir) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	return vfs.NewDirImpl(c, r), 0
}

// Lookup finds a fixed entry, self, thread-self, or a pid. Any live task's
// id is found, a thread's too, though only processes are listed (as
// Linux's proc_pid_lookup).
func (r *rootDir) Lookup(c vfs.Caller, name string) (vfs.Node, abi.Errno) {
	switch name {
	case "self":
		return r.self, 0
	case "thread-self":
		return r.thrSelf, 0
	}
	for _, e := range r.ents {
		if e.name == name {
			return e.node(), 0
		}
	}
	pid, ok := parsePid(name)
	if !ok {
		return nil, abi.ENOENT
	}
	t := r.p.k.Task(pid)
	if t == nil || !t.Alive() {
		return nil, abi.ENOENT
	}
	return r.p.processDir(t), 0
}

// Readdir lists the fixed entries, self and thread-self, and the
// processes.
func (r *rootDir) Readdir(c vfs.Caller) ([]vfs.Dirent, abi.Errno) {
	out := direntsOf(c, r.ents)
	out = append(out, vfs.Dirent{Ino: r.self.ino, Type: abi.DT_LNK, Name: "self"},
		vfs.Dirent{Ino: r.thrSelf.ino, Type: abi.DT_LNK, Name: "thread-self"})
	for _, pid := range r.p.k.Processes() {
		out = append(out, vfs.Dirent{Ino: inoProcDir | uint64(pid)<<24, Type: abi.DT_DIR, Name: strconv.Itoa(int(pid))})
	}
	return out, 0
}

// parsePid reads a decimal pid without sign or leading zeros, as Linux's
// name_to_int.
func parsePid(s string) (int32, bool) {
	if s == "" || len(s) > 10 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
		if n > kernel.PidMax {
			return 0, false
		}
	}
	return int32(n), true
}
