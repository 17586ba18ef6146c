package procfs

import (
	"strconv"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// /proc/PID and /proc/PID/task/TID. A directory stands for a process (its
// files describe the process, through its current leader) or for one of
// its threads, and keeps standing for it: once the process is reaped, or
// the thread gone, its files read ESRCH and lookups in it fail, even if
// the pid is handed out again (Linux's proc inodes hold a struct pid).

// pidDir is /proc/PID, or /proc/PID/task/TID. /proc/TID, a thread's id
// looked up at the top (Linux finds it, without listing it), is a process
// directory whose files describe that thread.
type pidDir struct {
	p      *FS
	g      *kernel.ThreadGroup // immutable: the process
	thread *kernel.Task        // immutable: the task described; nil: the process's leader, whoever it is
	proc   bool                // immutable: a /proc/PID directory (not task/TID): whole-process figures, a task entry
	id     int32               // immutable: the pid or tid it was found by
}

// processDir returns /proc/ID for the task with id: its process's
// directory when id is the pid, a directory of the thread when it is
// another thread's tid.
func (p *FS) processDir(t *kernel.Task) *pidDir {
	d := &pidDir{p: p, g: t.Group(), proc: true, id: t.Tid}
	if t.Tid != t.Tgid {
		d.thread = t
	}
	return d
}

// threadDir returns /proc/PID/task/TID for thread t.
func (p *FS) threadDir(t *kernel.Task) *pidDir {
	return &pidDir{p: p, g: t.Group(), thread: t, id: t.Tid}
}

// task returns the task the directory's files describe — the thread, or
// the process's leader — and ESRCH once it is gone.
func (d *pidDir) task() (*kernel.Task, abi.Errno) {
	if d.thread != nil {
		if !d.thread.Alive() {
			return nil, abi.ESRCH
		}
		return d.thread, 0
	}
	t, ok := d.g.LeaderTask()
	if !ok {
		return nil, abi.ESRCH
	}
	return t, 0
}

// whole reports whether the directory is a /proc/PID one, whose stat
// sums the whole process.
func (d *pidDir) whole() bool { return d.proc }

// ino is the inode number of the directory's entry number i (0 for the
// directory itself).
func (d *pidDir) ino(i int) uint64 {
	kind := uint64(inoProcDir)
	if !d.whole() {
		kind = inoThreadDir
	}
	return kind | uint64(d.id)<<24 | uint64(i)
}

// owner is the owner of the directory's files: the task's effective uid
// and gid, as Linux's task_dump_owner for a dumpable task; root once gone.
func (d *pidDir) owner() (uint32, uint32) {
	t, e := d.task()
	if e != 0 {
		return 0, 0
	}
	return t.Creds.EUID, t.Creds.EGID
}

// mtime is the time stamp of the directory's files: when the task started.
func (d *pidDir) mtime() abi.Timespec {
	t, e := d.task()
	if e != 0 {
		return d.p.bootTime()
	}
	bt := d.p.k.BootTime()
	return timespec(bt.Add(nanos(t.StartTime)))
}

// pidEntry is one entry of a /proc/PID directory (Linux's pid_entry).
type pidEntry struct {
	name   string
	mode   uint32 // type and permission bits
	thread bool   // in /proc/PID/task/TID too
	proc   bool   // in /proc/PID
	// Regular files: gen renders the text; write, if set, takes writes;
	// ptrace makes opening need ptrace_may_access (EACCES).
	gen    func(d *pidDir, c vfs.Caller) ([]byte, abi.Errno)
	write  func(d *pidDir, c vfs.Caller, b []byte) (int, abi.Errno)
	ptrace bool
	// Links: the magic link's text and its target.
	link func(d *pidDir, c vfs.Caller) (string, abi.Errno)
	jump func(d *pidDir, c vfs.Caller) (*vfs.File, abi.Errno)
	// Directories.
	dir func(d *pidDir, a attr) vfs.DirNode
}

// pidEntries are the files of /proc/PID and /proc/PID/task/TID, in the
// order of Linux's tgid_base_stuff.
var pidEntries []pidEntry

func init() {
	both := func(e pidEntry) pidEntry { e.thread, e.proc = true, true; return e }
	reg := func(name string, perm uint32, gen func(*pidDir, vfs.Caller) ([]byte, abi.Errno)) pidEntry {
		return both(pidEntry{name: name, mode: abi.S_IFREG | perm, gen: gen})
	}
	private := func(e pidEntry) pidEntry { e.ptrace = true; return e }
	link := func(name string, text func(*pidDir, vfs.Caller) (string, abi.Errno), jump func(*pidDir, vfs.Caller) (*vfs.File, abi.Errno)) pidEntry {
		return both(pidEntry{name: name, mode: abi.S_IFLNK | 0o777, link: text, jump: jump, ptrace: true})
	}
	comm := reg("comm", 0o644, genComm)
	comm.write = writeComm
	task := pidEntry{name: "task", mode: abi.S_IFDIR | 0o555, proc: true, dir: func(d *pidDir, a attr) vfs.DirNode { return &taskDir{attr: a, d: d} }}
	pidEntries = []pidEntry{
		task,
		both(pidEntry{name: "fd", mode: abi.S_IFDIR | 0o500, dir: func(d *pidDir, a attr) vfs.DirNode { return &fdDir{attr: a, d: d} }}),
		both(pidEntry{name: "fdinfo", mode: abi.S_IFDIR | 0o555, dir: func(d *pidDir, a attr) vfs.DirNode { return &fdDir{attr: a, d: d, info: true} }}),
		private(reg("environ", 0o400, genEnviron)),
		private(reg("auxv", 0o400, genAuxv)),
		reg("status", 0o444, genStatus),
		reg("limits", 0o444, genLimits),
		reg("sched", 0o444, genSched),
		comm,
		reg("cmdline", 0o444, genCmdline),
		reg("stat", 0o444, genStat),
		reg("statm", 0o444, genStatm),
		private(reg("maps", 0o444, genMaps)),
		link("cwd", cwdText, cwdJump),
		link("root", rootText, rootJump),
		link("exe", exeText, exeJump),
		reg("mounts", 0o444, genMounts),
		reg("mountinfo", 0o444, genMountinfo),
		private(reg("smaps_rollup", 0o444, genSmapsRollup)),
		reg("wchan", 0o444, genWchan),
		reg("schedstat", 0o444, genSchedstat),
		reg("cgroup", 0o444, genCgroup),
		reg("oom_score_adj", 0o444, genOOMScoreAdj),
		private(reg("io", 0o400, genIO)),
	}
}

// Stat is the directory's: mode 0555, owned by the task.
func (d *pidDir) Stat(c vfs.Caller, st *abi.Stat_t) abi.Errno {
	a := attr{ino: d.ino(0), mode: abi.S_IFDIR | 0o555, owner: d.owner, mtime: d.mtime}
	n := uint32(2)
	for _, e := range d.entries() {
		if e.mode&abi.S_IFMT == abi.S_IFDIR {
			n++
		}
	}
	a.nlink = func(vfs.Caller) uint32 { return n }
	return a.Stat(c, st)
}

func (d *pidDir) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	return vfs.NewDirImpl(c, d), 0
}

// entries lists the entries this directory has, with their indexes in
// pidEntries (which make their inode numbers).
func (d *pidDir) entries() []pidEntry {
	out := make([]pidEntry, 0, len(pidEntries))
	for _, e := range pidEntries {
		if d.whole() && e.proc || !d.whole() && e.thread {
			out = append(out, e)
		}
	}
	return out
}

func (d *pidDir) Lookup(c vfs.Caller, name string) (vfs.Node, abi.Errno) {
	if _, e := d.task(); e != 0 {
		return nil, abi.ENOENT
	}
	for i, e := range pidEntries {
		if e.name == name && (d.whole() && e.proc || !d.whole() && e.thread) {
			return d.node(i), 0
		}
	}
	return nil, abi.ENOENT
}

func (d *pidDir) Readdir(c vfs.Caller) ([]vfs.Dirent, abi.Errno) {
	if _, e := d.task(); e != 0 {
		return nil, abi.ENOENT
	}
	var out []vfs.Dirent
	for i, e := range pidEntries {
		if d.whole() && e.proc || !d.whole() && e.thread {
			out = append(out, vfs.Dirent{Ino: d.ino(i + 1), Type: uint8(e.mode & abi.S_IFMT >> 12), Name: e.name})
		}
	}
	return out, 0
}

// node makes the node of entry i.
func (d *pidDir) node(i int) vfs.Node {
	e := &pidEntries[i]
	a := attr{ino: d.ino(i + 1), mode: e.mode, owner: d.owner, mtime: d.mtime}
	switch {
	case e.dir != nil:
		return e.dir(d, a)
	case e.link != nil:
		return &magicLink{attr: a, d: d, text: e.link, jump: e.jump}
	}
	n := &genNode{attr: a, dev: d.p.devNum}
	n.gen = func(c vfs.Caller) ([]byte, abi.Errno) { return e.gen(d, c) }
	if e.write != nil {
		n.write = func(c vfs.Caller, b []byte) (int, abi.Errno) { return e.write(d, c, b) }
	}
	if e.ptrace {
		n.open = func(c vfs.Caller) abi.Errno {
			t, err := d.task()
			if err != 0 {
				return err
			}
			return mayPtrace(c, t)
		}
	}
	return n
}

// mayPtrace is Linux's ptrace_may_access(t, PTRACE_MODE_READ_FSCREDS), as
// the private files of /proc ask it: the caller's own process may; so may
// uid 0 (vessel's stand-in for CAP_SYS_PTRACE), and a caller whose
// filesystem uid and gid are the target's real, effective and saved ones.
// EACCES otherwise, which is what those files return.
func mayPtrace(c vfs.Caller, t *kernel.Task) abi.Errno {
	if ct, ok := c.(*kernel.Task); ok && ct.Tgid == t.Tgid {
		return 0
	}
	cr := c.FSCreds()
	if cr.UID == 0 {
		return 0
	}
	tc := t.Creds
	if cr.UID == tc.UID && cr.UID == tc.EUID && cr.UID == tc.SUID &&
		cr.GID == tc.GID && cr.GID == tc.EGID && cr.GID == tc.SGID {
		return 0
	}
	return abi.EACCES
}

// taskDir is /proc/PID/task: a directory per thread.
type taskDir struct {
	attr
	d *pidDir
}

func (td *taskDir) Stat(c vfs.Caller, st *abi.Stat_t) abi.Errno {
	td.attr.Stat(c, st)
	st.Nlink = uint32(2 + len(td.d.g.ThreadIDs()))
	return 0
}

func (td *taskDir) Open(c vfs.Caller, flags uint32) (vfs.FileImpl, abi.Errno) {
	return vfs.NewDirImpl(c, td), 0
}

func (td *taskDir) Lookup(c vfs.Caller, name string) (vfs.Node, abi.Errno) {
	tid, ok := parsePid(name)
	if !ok {
		return nil, abi.ENOENT
	}
	t := td.d.p.k.Task(tid)
	if t == nil || t.Group() != td.d.g || !t.Alive() {
		return nil, abi.ENOENT
	}
	return td.d.p.threadDir(t), 0
}

func (td *taskDir) Readdir(c vfs.Caller) ([]vfs.Dirent, abi.Errno) {
	var out []vfs.Dirent
	for _, tid := range td.d.g.ThreadIDs() {
		out = append(out, vfs.Dirent{Ino: inoThreadDir | uint64(tid)<<24, Type: abi.DT_DIR, Name: strconv.Itoa(int(tid))})
	}
	return out, 0
}
