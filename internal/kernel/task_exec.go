package kernel

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"path"
	"runtime"
	"time"

	"vessel/internal/abi"
	"vessel/internal/cpu"
	"vessel/internal/loader"
	"vessel/internal/mm"
	"vessel/internal/trace"
	"vessel/internal/vfs"
)

// Exec replaces t's program with the one at guest path p, as execve(2): a
// new address space built by the loader, the new hart state at the entry
// point, close-on-exec descriptors closed. On failure t is unchanged and the
// error is a *loader.Error whose Errno is what execve returns.
func (t *Task) Exec(p string, argv, envp []string) error {
	return t.ExecAt(nil, p, 0, argv, envp)
}

// ExecAt is execveat(2): p is looked up from dir (nil: the working
// directory); with AT_EMPTY_PATH and an empty p, dir itself is executed
// (fexecve), under the path it was opened by (where Linux says
// /dev/fd/N). AT_SYMLINK_NOFOLLOW refuses a final symbolic link (ELOOP).
func (t *Task) ExecAt(dir *vfs.File, p string, flags uint32, argv, envp []string) error {
	k := t.k
	f, errno := t.openExecAt(dir, p, flags)
	if errno != 0 {
		return &loader.Error{Path: p, Reason: errnoReason(errno), Errno: errno}
	}
	if p == "" {
		p = f.name
	}
	// "#!" scripts: the interpreter runs with the script's path as an
	// argument; interpreters may be scripts too, four deep, as Linux's
	// binfmt_script with BINPRM_MAX_RECURSION.
	for depth := 0; ; depth++ {
		head := make([]byte, loader.HeadSize)
		n, _ := f.ReadAt(head, 0)
		interp, arg, ok := loader.ParseShebang(head[:n])
		if !ok {
			break
		}
		if depth == 4 {
			return &loader.Error{Path: p, Reason: "too many levels of interpreters", Errno: abi.ELOOP}
		}
		nargv := []string{interp}
		if arg != "" {
			nargv = append(nargv, arg)
		}
		nargv = append(nargv, p)
		if len(argv) > 1 {
			nargv = append(nargv, argv[1:]...)
		}
		argv, p = nargv, interp
		if f, errno = t.OpenExec(p); errno != 0 {
			return &loader.Error{Path: p, Reason: "interpreter: " + errnoReason(errno), Errno: errno}
		}
	}
	var random [16]byte
	src := k.cfg.Random
	if src == nil {
		src = rand.Reader
	}
	io.ReadFull(src, random[:])
	as := mm.NewAddressSpace()
	var interp *execFile // the program's interpreter (ld.so), if it has one
	img, err := loader.Load(as, f, loader.Request{
		Path: p,
		Argv: argv,
		Envp: envp,
		Open: func(p string) (mm.File, error) {
			f, err := t.openInterp(p)
			interp, _ = f.(*execFile)
			return f, err
		},
		UID: t.Creds.UID, EUID: t.Creds.EUID, GID: t.Creds.GID, EGID: t.Creds.EGID,
		Random: random,
	})
	if err != nil {
		as.Release()
		return err
	}
	tramp, errno := mapTrampoline(as)
	if errno != 0 {
		as.Release()
		return &loader.Error{Path: p, Reason: "cannot map the signal trampoline", Errno: errno}
	}
	if err := t.becomeSoleThread(); err != 0 {
		as.Release()
		return &loader.Error{Path: p, Reason: "interrupted", Errno: err}
	}
	k.mu.Lock()
	if old := t.MM; old != nil {
		k.ipcDropMMLocked(t, old) // shm detach by the last user
		k.dropMMLocked(old)
	}
	t.MM = as
	k.useMMLocked(as)
	k.setImageLocked(as, f.id)
	k.keepProgramsLocked(f, interp)
	t.releaseVforkLocked()
	t.tg.execed = true
	for id, pt := range t.tg.posixTimers { // POSIX timers do not survive exec; itimers do
		pt.timer.stopLocked()
		delete(t.tg.posixTimers, id)
	}
	t.execCompatLocked() // personality, capabilities, membarrier (task_compat.go)
	k.mu.Unlock()
	h := cpu.New(as)
	if t.Hart != nil {
		h.ShareCode(t.Hart) // one decoded-code cache for the kernel's harts
	}
	h.PC = img.Entry
	h.X[2] = img.SP
	h.Time = k.timeCSR
	h.Interpret = k.cfg.Interpret
	if old := t.Hart; old != nil {
		defer old.Release() // once the new one is in place: nothing else holds it
	}
	t.Hart = h
	t.Exe = t.absPath(p)
	t.Comm = comm(p)
	t.Args = append([]string(nil), argv...)
	t.Envs = append([]string(nil), envp...)
	t.Auxv = auxvBytes(img.Auxv)
	t.ClearChildTID = 0
	t.sigreturn = tramp
	t.AltStack = AltStack{}
	t.RobustList, t.RobustListSize = 0, 0
	t.resetHandlers()
	if t.FDs != nil {
		t.FDs = t.FDs.Unshare()
		t.FDs.CloseOnExec()
	}
	if b := k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindExec, Time: k.Clock(), Pid: t.Tgid, Tid: t.Tid, Name: p})
	}
	return nil
}

// becomeSoleThread ends every other thread of t's process before an exec
// replaces its program, as Linux's de_thread: they are told to exit, and t
// waits until they have. A thread that is not the leader takes over the
// leader's tid, which is the process id. EINTR when t's process is itself
// being killed meanwhile.
func (t *Task) becomeSoleThread() abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g := t.tg
	if g == nil || len(g.threads) <= 1 && g.Leader == t {
		return 0
	}
	for _, x := range g.threads {
		if x != t {
			x.exiting = true
		}
	}
	k.wakeThreadsLocked(g, t)
	for len(g.threads) > 1 {
		if t.sleepKillableLocked(&g.threadExit) == interrupted {
			return abi.EINTR
		}
	}
	if old := g.Leader; old != t {
		delete(k.tasks, t.Tid)
		t.Tid = old.Tid
		k.tasks[t.Tid] = t
		g.Leader = t
		old.setState(StateDead)
	}
	return 0
}

// resetHandlers gives t its own signal dispositions with every caught
// signal back at its default, as execve does; ignored ones stay ignored.
func (t *Task) resetHandlers() {
	if t.Sig == nil {
		return
	}
	sig := *t.Sig
	for i := range sig.Actions {
		if sig.Actions[i].Handler != abi.SIG_DFL && sig.Actions[i].Handler != abi.SIG_IGN {
			sig.Actions[i] = SigAction{}
		}
	}
	t.Sig = &sig
}

// absPath is guest path p made absolute against the working directory, as
// /proc/PID/exe shows the executable.
func (t *Task) absPath(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	cwd, err := t.k.cfg.FS.Getcwd(t)
	if err != 0 {
		return p
	}
	return path.Join(cwd, p)
}

// timeCSR is the riscv time CSR: a 10 MHz timebase, as Linux reports in the
// device tree of common boards.
func (k *Kernel) timeCSR() uint64 { return uint64(k.Uptime() / (100 * time.Nanosecond)) }

// comm is the task name Linux derives from an executable path: its base
// name cut to 15 bytes.
func comm(p string) string {
	c := path.Base(p)
	if len(c) > 15 {
		c = c[:15]
	}
	return c
}

// OpenExec opens guest path p for execution: it must be a regular file
// the task may execute.
func (t *Task) OpenExec(p string) (*execFile, abi.Errno) {
	return t.openExecAt(nil, p, 0)
}

// openExecAt opens what execveat's dir, p and flags name for execution.
func (t *Task) openExecAt(dir *vfs.File, p string, flags uint32) (*execFile, abi.Errno) {
	var f *vfs.File
	oflags := uint32(abi.O_RDONLY)
	if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
		oflags |= abi.O_NOFOLLOW
	}
	switch {
	case p == "" && flags&abi.AT_EMPTY_PATH != 0 && dir != nil:
		if !dir.Readable() {
			return nil, abi.EACCES // an O_PATH descriptor: not yet supported
		}
		dir.IncRef()
		f = dir
	case dir == nil:
		var errno abi.Errno
		if f, errno = t.OpenPath(p, oflags); errno != 0 {
			return nil, errno
		}
	default:
		var errno abi.Errno
		if f, errno = t.k.cfg.FS.Openat(t, dir, p, oflags, 0); errno != 0 {
			return nil, errno
		}
	}
	if p == "" {
		p = f.Path()
	}
	var st abi.Stat_t
	if errno := f.Stat(&st); errno != 0 {
		f.DecRef()
		return nil, errno
	}
	if st.Mode&abi.S_IFMT == abi.S_IFDIR {
		f.DecRef()
		return nil, abi.EACCES
	}
	if st.Mode&abi.S_IFMT != abi.S_IFREG || st.Mode&0o111 == 0 {
		f.DecRef()
		return nil, abi.EACCES
	}
	t.k.mu.Lock()
	busy := t.k.openForWritingLocked(statID(&st))
	t.k.mu.Unlock()
	if busy {
		f.DecRef()
		return nil, abi.ETXTBSY
	}
	e := &execFile{f: f, size: st.Size, name: p, id: statID(&st), key: CacheKey(&st)}
	// The address space reads the file's pages for as long as any mapping
	// of it lives, in this process or its forks; the open file is dropped
	// when the last of them is gone, as os.File closes on collection.
	runtime.AddCleanup(e, func(f *vfs.File) { f.DecRef() }, f)
	return e, 0
}

func (t *Task) openInterp(p string) (mm.File, error) {
	f, errno := t.OpenExec(p)
	if errno != 0 {
		return nil, errno
	}
	return f, nil
}

// OpenPath opens guest path p relative to the task's working directory,
// through the sysroot (see SysrootPath).
func (t *Task) OpenPath(p string, flags uint32) (*vfs.File, abi.Errno) {
	return t.k.cfg.FS.Openat(t, nil, t.SysrootPath(p), flags, 0)
}

// SysrootPath is the path a lookup of guest path p uses: with a sysroot
// configured (qemu-riscv64's -L), an absolute path that exists under the
// sysroot names that file, and every other path names itself. This is how
// qemu-user finds a foreign dynamic linker and its libraries.
func (t *Task) SysrootPath(p string) string {
	sr := t.k.cfg.Sysroot
	if sr == "" || len(p) == 0 || p[0] != '/' {
		return p
	}
	var st abi.Stat_t
	if t.k.cfg.FS.Stat(t, nil, sr+p, abi.AT_SYMLINK_NOFOLLOW, &st) == 0 {
		return sr + p
	}
	return p
}

// auxvBytes is the auxiliary vector as it lies on the initial stack: a
// 64-bit little-endian type and value per entry.
func auxvBytes(auxv []loader.Aux) []byte {
	b := make([]byte, 0, len(auxv)*16)
	for _, a := range auxv {
		b = binary.LittleEndian.AppendUint64(b, a.Type)
		b = binary.LittleEndian.AppendUint64(b, a.Val)
	}
	return b
}

// execFile adapts an open file to what the loader and mm read from.
type execFile struct {
	f    *vfs.File
	size int64
	name string
	id   fileID
	key  FileKey
}

// FileKey is a file's identity for the page cache (mm.KeyedFile): device,
// inode, size and modification time, so that a changed file gets new pages.
type FileKey struct {
	Dev, Ino  uint64
	Size      int64
	MSec, MNs int64
}

// CacheKey is the page-cache key of the file st describes.
func CacheKey(st *abi.Stat_t) FileKey {
	return FileKey{st.Dev, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec}
}

// CacheKey implements mm.KeyedFile: every process running a program
// shares its clean pages.
func (e *execFile) CacheKey() any { return e.key }

func (e *execFile) ReadAt(b []byte, off int64) (int, error) {
	n, errno := e.f.Pread(b, off)
	if errno != 0 {
		return n, errno
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func (e *execFile) Size() int64  { return e.size }
func (e *execFile) Name() string { return e.name }

func errnoReason(e abi.Errno) string {
	switch e {
	case abi.ENOENT:
		return "no such file or directory"
	case abi.EACCES:
		return "permission denied"
	case abi.ENOTDIR:
		return "not a directory"
	case abi.ELOOP:
		return "too many levels of symbolic links"
	case abi.ENAMETOOLONG:
		return "file name too long"
	}
	return e.Error()
}
