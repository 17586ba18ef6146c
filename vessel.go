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

	"vessel/internal/kernel"
	"vessel/internal/loader"
	"vessel/internal/syscalls"
	"vessel/internal/trace"
	"vessel/internal/vfs"
)

// Config says how a Kernel is built. It is immutable: each With method
// returns a changed copy. The zero value is not ready; start from NewConfig.
type Config struct {
	root    string
	sysroot string
	stdio   [3]*os.File
	strace  io.Writer
	log     io.Writer
	sinks   []trace.Sink
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

// WithEvents subscribes s to every kernel event.
func (c Config) WithEvents(s trace.Sink) Config {
	c.sinks = append(c.sinks[:len(c.sinks):len(c.sinks)], s)
	return c
}

// Kernel is a running instance of vessel's kernel.
type Kernel struct {
	k      *kernel.Kernel
	strace *trace.Strace
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
	if cfg.strace != nil || len(cfg.sinks) > 0 {
		bus = &trace.Bus{}
		if cfg.strace != nil {
			st = trace.NewStrace(cfg.strace)
			if f, ok := cfg.strace.(*os.File); ok {
				if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
					st.SetLineBuffered(true) // a terminal: interleave with the guest's output
				}
			}
			bus.Subscribe(st)
		}
		for _, s := range cfg.sinks {
			bus.Subscribe(s)
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
	for i, f := range cfg.stdio {
		if f != nil {
			kc.Stdio[i] = vfs.NewHostStream(int(f.Fd()), f.Name())
		}
	}
	return &Kernel{k: kernel.New(kc), strace: st}, nil
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
// 1, with the given argv and environment. A nil env gives an empty one.
func (k *Kernel) Start(path string, argv, env []string) (*Process, error) {
	t, err := k.k.StartInit(path, argv, env)
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

// Wait waits for the process (PID 1) to end and returns its status.
func (p *Process) Wait() (Status, error) {
	ws := p.k.k.Wait()
	if p.k.strace != nil {
		p.k.strace.Flush()
	}
	if ws&0x7f == 0 {
		return Status{Exited: true, Code: int(ws>>8) & 0xff}, nil
	}
	return Status{Signal: int(ws & 0x7f), Core: ws&0x80 != 0}, nil
}
