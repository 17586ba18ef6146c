// Package vessel runs riscv64 Linux programs as guest processes of a kernel
// written in Go. It is the embedding API; the vessel command is a thin layer
// over it.
//
//	cfg := vessel.NewConfig().WithRoot("/srv/guest")
//	k, err := vessel.NewKernel(cfg)
//	p, err := k.Start("/bin/hello", []string{"hello"}, nil)
//	st, err := p.Wait()
//	os.Exit(st.ExitCode())
package vessel

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"vessel/internal/abi"
	"vessel/internal/cpu"
	"vessel/internal/kernel"
	"vessel/internal/loader"
	"vessel/internal/procfs"
	"vessel/internal/syscalls"
	"vessel/internal/trace"
	"vessel/internal/vfs"
)

// Config says how a Kernel is built. It is immutable: each With method
// returns a changed copy. The zero value is not ready; start from NewConfig.
type Config struct {
	root          string
	sysroot       string
	stdio         [3]*os.File
	strace        io.Writer
	traceJSON     io.Writer
	log           io.Writer
	events        []func(Event)
	init          bool
	interpret     bool
	deterministic bool
	seed          uint64
	terminal      bool   // WithTerminal
	suspend       func() // WithTerminal
}

// NewConfig returns the default configuration: the guest sees the host's
// filesystem at / (as under qemu-riscv64), its standard streams are
// vessel's own, and notices go to standard error.
func NewConfig() Config {
	return Config{root: "/", stdio: [3]*os.File{os.Stdin, os.Stdout, os.Stderr}, log: os.Stderr}
}

// WithRoot confines the guest to the host directory dir: every path it
// names resolves inside dir, ".." and symbolic links included.
func (c Config) WithRoot(dir string) Config { c.root = dir; return c }

// WithSysroot is qemu-riscv64's -L: absolute paths the guest names are
// looked up under prefix first, so a dynamic program finds its interpreter
// and libraries in a cross sysroot such as /usr/riscv64-linux-gnu.
func (c Config) WithSysroot(prefix string) Config { c.sysroot = prefix; return c }

// WithStdio sets the files the first process gets as descriptors 0, 1 and
// 2; a nil file leaves that descriptor closed.
func (c Config) WithStdio(stdin, stdout, stderr *os.File) Config {
	c.stdio = [3]*os.File{stdin, stdout, stderr}
	return c
}

// WithStrace writes one line per syscall to w, in strace's format.
func (c Config) WithStrace(w io.Writer) Config { c.strace = w; return c }

// WithLog sets where vessel's one-line notices go (unimplemented syscalls,
// internal errors); nil discards them.
func (c Config) WithLog(w io.Writer) Config { c.log = w; return c }

// WithTraceJSON writes every kernel event to w as a line of JSON with its
// virtual timestamp: syscalls, state changes, context switches, clone,
// exec, exit and reap.
func (c Config) WithTraceJSON(w io.Writer) Config { c.traceJSON = w; return c }

// WithEvents calls fn with every kernel event, on the goroutine of the
// task the event is about; fn must not block.
func (c Config) WithEvents(fn func(Event)) Config {
	c.events = append(c.events[:len(c.events):len(c.events)], fn)
	return c
}

// WithInit puts vessel's built-in init at PID 1: the program runs as PID 2,
// init reaps every orphan and exits with the program's status, and
// Process.Signal reaches the program, as tini does in a container. Without
// it the program is PID 1 and lives by PID 1's rules: signals it has no
// handler for do not reach it.
func (c Config) WithInit(on bool) Config { c.init = on; return c }

// WithInterpreter makes vessel interpret every guest instruction instead
// of translating hot code to host machine code (which it does on amd64
// hosts): slower, for comparing the two or ruling the translator out.
func (c Config) WithInterpreter(on bool) Config { c.interpret = on; return c }

// WithDeterministic makes a run repeatable: every guest clock derives from
// retired instructions, randomness (AT_RANDOM, getrandom) and scheduling
// choices from seed, so the same program, input and seed give the same
// run, event for event. Different seeds may interleave tasks differently.
func (c Config) WithDeterministic(seed uint64) Config {
	c.deterministic, c.seed = true, seed
	return c
}

// WithTerminal, when on and standard input (see WithStdio) is a terminal,
// gives the guest's first session a controlling terminal whose line
// discipline is vessel's own: canonical and raw modes, echo, the keys
// that send signals (Ctrl-C, Ctrl-\, Ctrl-Z), job control, SIGWINCH (see
// Kernel.TerminalResized). The guest's standard streams that are that
// terminal use it. The caller must keep the host terminal in raw mode
// while the guest runs, and restore it afterwards: cmd/vessel does.
//
// suspend, when not nil, is called when Ctrl-Z has stopped a foreground
// job that nothing in the guest can continue (the first process's): it
// should restore the host terminal, stop vessel's own process as a
// shell's job is stopped, and when continued put the terminal back in raw
// mode; when it returns the job gets SIGCONT. It runs on a goroutine of
// its own. Without the option, terminal ioctls pass through to the host.
func (c Config) WithTerminal(on bool, suspend func()) Config {
	c.terminal, c.suspend = on, suspend
	return c
}

// Event is one thing that happened in the kernel, as the trace exporters
// show it. Fields that do not apply to a kind are zero.
type Event struct {
	Kind string // syscall, exec, exit, signal, fault, unsupported, internal-error, clone, reap, state, switch
	Time uint64 // virtual time: instructions retired by every task so far
	Pid  int    // the process (thread group) id
	Tid  int    // the task
	Name string // syscall name; state word (new, ready, running, waiting, stopped, zombie, terminated); switch reason
	Args string // syscall arguments, as strace shows them
	Ret  string // syscall result, as strace shows it
	Code int    // wait status (exit, reap), signal, tid (clone, switch), state letter (state)
	Text string // free text
}

// Kernel is a running instance of vessel's kernel.
type Kernel struct {
	k      *kernel.Kernel
	strace *trace.Strace
	json   *trace.JSON
	init   bool
	term   *kernel.Terminal // WithTerminal's, or nil
}

// NewKernel builds a kernel from cfg.
func NewKernel(cfg Config) (*Kernel, error) {
	fs, err := vfs.NewHostFS(cfg.root)
	if err != nil {
		return nil, fmt.Errorf("vessel: root %s: %w", cfg.root, err)
	}
	// Seeing the host's root, the guest starts where vessel was started, as
	// under qemu-riscv64; confined to a directory, it starts at its root.
	cwd := ""
	if cfg.root == "/" {
		if wd, err := os.Getwd(); err == nil {
			cwd = wd
		}
	}
	var bus *trace.Bus
	var st *trace.Strace
	var js *trace.JSON
	if cfg.strace != nil || cfg.traceJSON != nil || len(cfg.events) > 0 {
		bus = &trace.Bus{}
		if cfg.strace != nil {
			st = trace.NewStrace(cfg.strace)
			if f, ok := cfg.strace.(*os.File); ok && isTerminal(f) || isTerminalWriter(cfg.strace) {
				st.SetLineBuffered(true) // interleave with the guest's output
			}
			bus.Subscribe(st)
		}
		if cfg.traceJSON != nil {
			js = trace.NewJSON(cfg.traceJSON)
			bus.Subscribe(js)
		}
		for _, fn := range cfg.events {
			bus.Subscribe(trace.SinkFunc(func(e *trace.Event) {
				fn(Event{Kind: e.Kind.String(), Time: e.Time, Pid: int(e.Pid), Tid: int(e.Tid), Name: e.Name,
					Args: e.Args, Ret: e.Ret, Code: e.Code, Text: e.Text})
			}))
		}
	}
	kc := kernel.Config{
		Syscalls: syscalls.New(),
		FS:       fs,
		Sysroot:  cfg.sysroot,
		Cwd:      cwd,
		Trace:    bus,
		Log:      cfg.log,
	}
	// The terminal (WithTerminal, kernel/tty.go): the standard streams
	// that are it get vessel's terminal, the others pass through.
	var term *kernel.Terminal
	if in := cfg.stdio[0]; cfg.terminal && in != nil && isTerminal(in) {
		outs := []int{-1, -1}
		for i, f := range cfg.stdio[1:] {
			if f != nil {
				outs[i] = int(f.Fd())
			}
		}
		if term, err = kernel.NewHostTerminal(int(in.Fd()), outs...); err != nil {
			return nil, fmt.Errorf("vessel: terminal: %w", err)
		}
		term.SetSuspend(cfg.suspend)
		kc.Terminal = term
	}
	for i, f := range cfg.stdio {
		if f != nil {
			if tf, ok := term.StdioFile(int(f.Fd())); ok {
				kc.Stdio[i] = tf
				continue
			}
			kc.Stdio[i] = vfs.NewHostStream(int(f.Fd()), f.Name())
		}
	}
	if cfg.deterministic {
		kc.Deterministic, kc.Seed = true, cfg.seed
	}
	kc.Interpret = cfg.interpret
	k := kernel.New(kc)
	if err := mountDefaults(fs, k, cfg.root != "/"); err != nil {
		return nil, err
	}
	return &Kernel{k: k, strace: st, json: js, init: cfg.init, term: term}, nil
}

// tmpfsLimit is how much file data each of vessel's tmpfs mounts holds.
const tmpfsLimit = 1 << 30

// mountDefaults mounts vessel's own filesystems over the guest's root:
// proc at /proc, sysfs at /sys, devfs at /dev with a tmpfs at /dev/shm and
// the mqueue filesystem at /dev/mqueue, always; a tmpfs at /tmp when the
// guest is confined to a directory (seeing the host's root, it shares the
// host's /tmp, as under qemu-riscv64). FIFOs open through the kernel's
// pipes and /dev/tty is the caller's controlling terminal.
func mountDefaults(fs *vfs.FS, k *kernel.Kernel, confined bool) error {
	fs.SetClock(k.Now)
	fs.SetFIFOOpen(k.OpenFIFO)
	fs.RegisterDevice(vfs.DevTTY, func(c vfs.Caller, path string, flags uint32) (*vfs.File, abi.Errno) {
		t, ok := c.(*kernel.Task)
		if !ok {
			return nil, abi.ENXIO
		}
		return t.OpenControllingTerminal(path, flags)
	})
	if r := k.Config().Random; r != nil {
		fs.SetRandom(r)
	}
	mounts := []struct {
		point, source, opts string
		fsys                vfs.Filesystem
	}{
		{"/proc", "proc", "rw,nosuid,nodev,noexec,relatime", procfs.New(k)},
		{"/sys", "sysfs", "rw,nosuid,nodev,noexec,relatime", procfs.NewSysfs(k)},
		{"/dev", "udev", "rw,nosuid,relatime,mode=755", vfs.NewDevfs(k.Now)},
		{"/dev/shm", "tmpfs", "rw,nosuid,nodev", vfs.NewTmpfs("tmpfs", 0o1777, 0, 0, tmpfsLimit, k.Now)},
		{"/dev/mqueue", "mqueue", "rw,nosuid,nodev,noexec,relatime", procfs.NewMqueue(k)},
	}
	if confined {
		mounts = append(mounts, struct {
			point, source, opts string
			fsys                vfs.Filesystem
		}{"/tmp", "tmpfs", "rw,nosuid,nodev", vfs.NewTmpfs("tmpfs", 0o1777, 0, 0, tmpfsLimit, k.Now)})
	}
	for _, m := range mounts {
		if err := fs.Mount(m.point, m.fsys, m.source, m.opts); err != nil {
			return fmt.Errorf("vessel: %w", err)
		}
	}
	return nil
}

// Process is a guest process started by Kernel.Start.
type Process struct {
	k   *Kernel
	pid int
}

// Pid is the process's id inside the guest (1 for the first process).
func (p *Process) Pid() int { return p.pid }

// StartError says why a program could not be started: Code is the exit
// status a shell would give (126 for a file that cannot be executed, 127
// for one that does not exist).
type StartError struct {
	Path   string
	Reason string
	Code   int
}

func (e *StartError) Error() string { return e.Path + ": " + e.Reason }

// Start runs the program at path (a guest path) as the first process, PID
// 1 (PID 2 under WithInit), with the given argv and environment. A nil env
// gives an empty one. Start is called once per Kernel.
func (k *Kernel) Start(path string, argv, env []string) (*Process, error) {
	start := k.k.StartInit
	if k.init {
		start = k.k.StartWithInit
	}
	t, err := start(path, argv, env)
	if err != nil {
		var le *loader.Error
		if errors.As(err, &le) {
			code := 126
			if le.Errno == 2 { // ENOENT
				code = 127
			}
			return nil, &StartError{Path: le.Path, Reason: le.Reason, Code: code}
		}
		return nil, err
	}
	return &Process{k: k, pid: int(t.Tgid)}, nil
}

// Status is how a process ended.
type Status struct {
	Exited bool // it called exit; Code holds the status
	Code   int  // the exit status (0-255) when Exited
	Signal int  // the signal that killed it, when not Exited
	Core   bool // the kernel reported a core dump
}

// ExitCode is the status a shell reports: Code, or 128+Signal.
func (s Status) ExitCode() int {
	if s.Exited {
		return s.Code
	}
	return 128 + s.Signal
}

func (s Status) String() string {
	if s.Exited {
		return fmt.Sprintf("exit status %d", s.Code)
	}
	return fmt.Sprintf("killed by signal %d", s.Signal)
}

// Signal sends sig to the process, as kill(2) would from outside its
// namespace. A signal it neither handles nor ignores ends it by its default
// action; PID 1 gets only the signals it has a handler for.
func (p *Process) Signal(sig syscall.Signal) error {
	if err := p.k.k.Signal(int32(p.pid), int(sig)); err != 0 {
		return err
	}
	return nil
}

// SignalGroup sends sig to the process's process group, from outside the
// guest, as a terminal sends SIGINT to its foreground group. The first
// process still takes only the signals it has a handler for.
func (p *Process) SignalGroup(sig syscall.Signal) error {
	if err := p.k.k.SignalGroup(int32(p.pid), int(sig)); err != 0 {
		return err
	}
	return nil
}

// Wait waits for the process to end and returns its status. Under WithInit
// that is when init, having reaped the program, exits with its status.
func (p *Process) Wait() (Status, error) {
	ws := p.k.k.Wait()
	if p.k.strace != nil {
		p.k.strace.Flush()
	}
	if p.k.json != nil {
		p.k.json.Flush()
	}
	if ws&0x7f == 0 {
		return Status{Exited: true, Code: int(ws>>8) & 0xff}, nil
	}
	return Status{Signal: int(ws & 0x7f), Core: ws&0x80 != 0}, nil
}

// TerminalResized tells the kernel that the host terminal's window
// changed size (the host's SIGWINCH): under WithTerminal the guest's
// terminal takes the new size and its foreground process group gets
// SIGWINCH. Otherwise it does nothing.
func (k *Kernel) TerminalResized() {
	if k.term != nil {
		k.term.Resized()
	}
}

// isTerminalWriter reports whether w says it writes to a terminal (a
// writer that adds the carriage returns a raw-mode terminal needs), so
// that strace output to it is line-buffered as to the terminal itself.
func isTerminalWriter(w io.Writer) bool {
	tw, ok := w.(interface{ IsTerminal() bool })
	return ok && tw.IsTerminal()
}

// isTerminal reports whether f is a terminal (not just any character
// device, like /dev/null).
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// SetPerfMap makes every translated block from now on, in every kernel of
// the process, add a line "ADDR SIZE NAME" to w, the format of the
// /tmp/perf-PID.map files Linux's perf reads: a profile of vessel then
// names the guest code its translated code runs. nil stops it. It is an
// aid for work on vessel's speed (VESSEL_PERFMAP=1 on the command line).
func SetPerfMap(w io.Writer) { cpu.PerfMap = w }
