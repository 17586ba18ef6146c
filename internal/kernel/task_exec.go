package kernel

import (
	"crypto/rand"
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
	k := t.k
	f, errno := t.OpenExec(p)
	if errno != 0 {
		return &loader.Error{Path: p, Reason: errnoReason(errno), Errno: errno}
	}
	var random [16]byte
	src := k.cfg.Random
	if src == nil {
		src = rand.Reader
	}
	io.ReadFull(src, random[:])
	as := mm.NewAddressSpace()
	img, err := loader.Load(as, f, loader.Request{
		Path: p,
		Argv: argv,
		Envp: envp,
		Open: t.openInterp,
		UID:  t.Creds.UID, EUID: t.Creds.EUID, GID: t.Creds.GID, EGID: t.Creds.EGID,
		Random: random,
	})
	if err != nil {
		as.Release()
		return err
	}
	if t.MM != nil {
		t.MM.Release()
	}
	t.MM = as
	h := cpu.New(as)
	h.PC = img.Entry
	h.X[2] = img.SP
	h.Time = k.timeCSR
	t.Hart = h
	t.Exe = t.absPath(p)
	t.Comm = comm(p)
	t.Args = append([]string(nil), argv...)
	t.Envs = append([]string(nil), envp...)
	if t.FDs != nil {
		t.FDs.CloseOnExec()
	}
	if b := k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindExec, Time: k.Clock(), Pid: t.Tgid, Tid: t.Tid, Name: p})
	}
	return nil
}

// absPath is guest path p made absolute against the working directory, as
// /proc/PID/exe shows the executable.
func (t *Task) absPath(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	cwd, err := t.k.cfg.FS.Getcwd(t.FS)
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
	f, errno := t.OpenPath(p, abi.O_RDONLY)
	if errno != 0 {
		return nil, errno
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
	e := &execFile{f: f, size: st.Size, name: p}
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
	return t.k.cfg.FS.Openat(t.FS, nil, t.SysrootPath(p), flags, 0)
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
	if t.k.cfg.FS.Stat(t.FS, nil, sr+p, abi.AT_SYMLINK_NOFOLLOW, &st) == 0 {
		return sr + p
	}
	return p
}

// execFile adapts an open file to what the loader and mm read from.
type execFile struct {
	f    *vfs.File
	size int64
	name string
}

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
