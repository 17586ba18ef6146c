// Command vessel runs riscv64 Linux programs under vessel's kernel.
//
//	vessel run [flags] PROGRAM [ARG...]
//	vessel version
//	vessel help
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"vessel"
)

const usage = `vessel runs riscv64 Linux programs as guest processes of a user-space kernel.

Usage:
  vessel run [flags] PROGRAM [ARG...]   run PROGRAM with ARGs; exit with its status
  vessel version                        print vessel's version
  vessel help                           print this help

Flags of run:
  -L PREFIX           look absolute paths up under PREFIX first (as qemu-riscv64 -L),
                      e.g. -L /usr/riscv64-linux-gnu for dynamically linked programs
  --root DIR          confine the guest to DIR: every path it names stays inside
  -E VAR=VALUE        set VAR in the guest's environment (repeatable)
  -U VAR              remove VAR from the guest's environment (repeatable)
  --strace            print each syscall to standard error, as strace does
  --strace-file FILE  print them to FILE instead
  --trace-json FILE   write every kernel event (syscalls, state changes, context
                      switches, clone, exec, exit, reap) to FILE as JSON lines
  --init              run PROGRAM as PID 2 under a built-in init that reaps
                      orphans and forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT,
                      SIGUSR1, SIGUSR2 and SIGWINCH to it (as tini does)
  --deterministic     derive every guest clock from instructions and every
                      scheduling choice from the seed: the same run every time
  --seed N            the seed of --deterministic (default 0)
  --interpret         interpret every guest instruction: no translation of hot
                      code to host machine code (slower; for comparison)

Without --init and with standard input not a terminal, SIGINT, SIGTERM and
SIGHUP sent to vessel go to the program's process group (as PID 1, the
program takes only those it has a handler for).

On a terminal, the program gets a terminal of vessel's own (the host's is
raw meanwhile, and gets its settings back however vessel ends): echo and
line editing, Ctrl-C, Ctrl-\ and Ctrl-Z for the foreground process group
(the first program too), job control for a shell inside the guest, and
window size changes. A job stopped with no shell inside to continue it
(Ctrl-Z, or a full-screen program stopping itself) stops vessel itself, as
a job; fg continues it.

The exit status is the program's, or 128+N when signal N killed it;
126 when PROGRAM cannot be executed, 127 when it does not exist, 2 for
a usage error.
`

func main() {
	// One virtual CPU runs one task at a time, and handing the CPU token
	// from goroutine to goroutine is several times cheaper when Go does not
	// wake a second thread for each hand-off (see DESIGN.md, facts). The
	// user's GOMAXPROCS still wins.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	// VESSEL_PERFMAP=1 writes /tmp/perf-PID.map, so that perf names the
	// guest code vessel's translated code runs.
	if os.Getenv("VESSEL_PERFMAP") == "1" {
		if f, err := os.Create(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid())); err == nil {
			vessel.SetPerfMap(f)
		}
	}
	// VESSEL_CPUPROFILE=FILE writes a Go CPU profile of vessel itself, for
	// work on vessel's speed.
	if p := os.Getenv("VESSEL_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.StartCPUProfile(f)
			code := run(os.Args[1:], os.Stderr)
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runProgram(args[1:], stderr)
	case "version", "--version", "-version":
		fmt.Println("vessel", version())
		return 0
	case "help", "--help", "-help", "-h":
		fmt.Print(usage)
		return 0
	}
	fmt.Fprintf(stderr, "vessel: unknown command %q (try 'vessel help')\n", args[0])
	return 2
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runProgram(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sysroot := fs.String("L", "", "")
	root := fs.String("root", "", "")
	strace := fs.Bool("strace", false, "")
	straceFile := fs.String("strace-file", "", "")
	traceJSON := fs.String("trace-json", "", "")
	withInit := fs.Bool("init", false, "")
	deterministic := fs.Bool("deterministic", false, "")
	seed := fs.Uint64("seed", 0, "")
	interpret := fs.Bool("interpret", false, "")
	var sets, unsets listFlag
	fs.Var(&sets, "E", "")
	fs.Var(&unsets, "U", "")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "vessel: %v (try 'vessel help')\n", err)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "vessel: run needs a PROGRAM (try 'vessel help')")
		return 2
	}
	for _, s := range sets {
		if !strings.Contains(s, "=") {
			fmt.Fprintf(stderr, "vessel: -E %s: want VAR=VALUE\n", s)
			return 2
		}
	}

	cfg := vessel.NewConfig()
	// The terminal (terminal.go): on one, vessel runs the guest's line
	// discipline and keeps the host terminal raw; its own messages then
	// need carriage returns.
	term := openHostTerminal(os.Stdin)
	diag := term.writer(stderr, os.Stderr)
	if term != nil {
		cfg = cfg.WithTerminal(true, term.suspend).WithLog(diag)
	}
	if *root != "" {
		st, err := os.Stat(*root)
		if err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "vessel: --root %s: not a directory\n", *root)
			return 2
		}
		cfg = cfg.WithRoot(*root)
	}
	if *sysroot != "" {
		cfg = cfg.WithSysroot(*sysroot)
	}
	switch {
	case *straceFile != "":
		f, err := os.Create(*straceFile)
		if err != nil {
			fmt.Fprintf(stderr, "vessel: %v\n", err)
			return 2
		}
		defer f.Close()
		cfg = cfg.WithStrace(f)
	case *strace:
		cfg = cfg.WithStrace(diag)
	}

	if *traceJSON != "" {
		f, err := os.Create(*traceJSON)
		if err != nil {
			fmt.Fprintf(stderr, "vessel: %v\n", err)
			return 2
		}
		defer f.Close()
		cfg = cfg.WithTraceJSON(f)
	}
	if *withInit {
		cfg = cfg.WithInit(true)
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if seedSet && !*deterministic {
		fmt.Fprintln(stderr, "vessel: --seed needs --deterministic (try 'vessel help')")
		return 2
	}
	if *deterministic {
		cfg = cfg.WithDeterministic(*seed)
	}
	cfg = cfg.WithInterpreter(*interpret)

	k, err := vessel.NewKernel(cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if term != nil {
		if err := term.makeRaw(); err != nil {
			fmt.Fprintf(stderr, "vessel: terminal: %v\n", err)
			return 1
		}
		defer term.restore()
		term.watch(k, *withInit)
	}
	prog := fs.Arg(0)
	p, err := k.Start(prog, fs.Args(), environ(sets, unsets))
	if err != nil {
		term.restore()
		var se *vessel.StartError
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "vessel: %s\n", se)
			return se.Code
		}
		fmt.Fprintf(stderr, "vessel: %s: %v\n", prog, err)
		return 126
	}
	switch {
	case *withInit:
		forwardSignals(p, term != nil)
	case !isTerminal(os.Stdin):
		forwardToGroup(p)
	}
	st, err := p.Wait()
	term.restore()
	if err != nil {
		fmt.Fprintf(stderr, "vessel: %v\n", err)
		return 1
	}
	return st.ExitCode()
}

// forwardSignals passes the signals a terminal or a container runtime sends
// on to the program, as tini does; on a terminal, vessel's own terminal
// sends the guest SIGWINCH (terminal.go).
func forwardSignals(p *vessel.Process, onTerminal bool) {
	c := make(chan os.Signal, 8)
	sigs := []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
	if !onTerminal {
		sigs = append(sigs, syscall.SIGWINCH)
	}
	signal.Notify(c, sigs...)
	go func() {
		for s := range c {
			p.Signal(s.(syscall.Signal))
		}
	}()
}

// forwardToGroup passes SIGINT, SIGTERM and SIGHUP on to the guest's
// foreground process group when vessel's standard input is not a terminal
// (a pipeline, a service manager): the guest decides what they do, by the
// rules of its PID 1.
func forwardToGroup(p *vessel.Process) {
	c := make(chan os.Signal, 8)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for s := range c {
			p.SignalGroup(s.(syscall.Signal))
		}
	}()
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// environ is vessel's own environment with -U names removed and -E
// assignments applied, in that order, as qemu-riscv64 does.
func environ(sets, unsets []string) []string {
	env := os.Environ()
	drop := func(name string) {
		env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
	}
	for _, u := range unsets {
		drop(u)
	}
	for _, s := range sets {
		name, _, _ := strings.Cut(s, "=")
		drop(name)
		env = append(env, s)
	}
	return env
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev+" + s.Value[:12]
			}
		}
	}
	return "dev"
}
