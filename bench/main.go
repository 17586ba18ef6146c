// Command bench times guest workloads natively, under qemu-riscv64 and under
// vessel in one run and prints a markdown table of wall times and ratios.
//
//	go run ./bench [-vessel PATH] [-out FILE] [-n RUNS] [-scale N]
//
// Each workload is a C program from testdata/guest, built into a temporary
// directory twice: for the host with `cc -O2 -static` and for riscv64 with
// `riscv64-linux-gnu-gcc -O2 -static` (static both, so that start-up times
// compare like with like). Every runner runs it RUNS times and
// the best wall time counts. A run fails when it exits non-zero or prints
// something other than what qemu-riscv64 printed; its cell then says FAIL
// and bench exits 1 after the table. When the vessel binary does not exist,
// its column says n/a and that is not a failure. Speed is checked here,
// never in a timed test (see DESIGN.md, Tests).
//
// The process rows (fork, vfork, exec, threads, futex) time N operations
// and subtract the time of the same program doing none, so their cells
// show the cost of one operation without the program's start-up and exit.
// The memory row weighs idle forked children instead of timing anything;
// mem.go says how.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"vessel/internal/trace"
)

// A workload is one row of the table.
type workload struct {
	name  string   // row label
	src   string   // testdata/guest/src.c
	args  []string // program arguments
	reps  int      // program runs per measurement; cells show time per run
	calls int      // if > 0, also show time per call, the run making this many
	// base, if not nil, are the arguments of a run that makes no calls.
	// Then a measurement is the args run minus the base run, divided by
	// calls, and cells show only that, per unit.
	base []string
	unit string // what one call is ("fork"); "call" if empty
	// helper, if set, is another testdata/guest program built alongside;
	// the path of its build for the runner's architecture is appended to
	// args and base.
	helper string
	// mem makes this a memory row: each run is weighed (see weigh) rather
	// than timed, and cells show KiB per unit.
	mem bool
	// traced runs each runner with its syscall tracer writing to /dev/null:
	// qemu-riscv64 -strace, vessel --strace-file. Native has none.
	traced bool
}

// A runner is one column: how to start a built program.
type runner struct {
	name   string
	native bool                    // runs the host build, not the riscv64 one
	cmd    func(w *built) []string // nil: not available (n/a)
}

// binaries are one program's two builds.
type binaries struct{ native, riscv string }

// built holds a workload's two binaries and its helper's.
type built struct {
	workload
	binaries
	helperBin binaries
}

// argv is the command line that runs b under r with args.
func (b *built) argv(r runner, args []string) []string {
	argv := append(r.cmd(b), args...)
	if b.helper != "" {
		if r.native {
			argv = append(argv, b.helperBin.native)
		} else {
			argv = append(argv, b.helperBin.riscv)
		}
	}
	return argv
}

// A cell is one runner's result for one workload.
type cell struct {
	best time.Duration // per measurement (reps runs), or per call with base
	mem  memory        // memory rows: per unit
	err  error         // the run failed
	na   bool          // the runner is not available
}

func main() { os.Exit(bench()) }

// bench runs the whole benchmark and returns the exit status.
func bench() int {
	vessel := flag.String("vessel", "bin/vessel", "the vessel binary; its column says n/a if it does not exist")
	out := flag.String("out", "", "also write the table to this file")
	runs := flag.Int("n", 5, "measurements per cell; the best counts")
	scale := flag.Int("scale", 7, "compute's SCALE argument (rounds of about 30 ms natively)")
	src := flag.String("src", filepath.Join("testdata", "guest"), "directory of the guest C sources")
	timeout := flag.Duration("timeout", 10*time.Minute, "limit for one program run")
	only := flag.String("run", "", "run only the rows whose name matches this regular expression")
	flag.Parse()

	// The process rows' N keeps a measurement under about 2 s on the
	// slowest runner, qemu-riscv64, whose every guest fork forks qemu.
	workloads := []workload{
		{name: fmt.Sprintf("compute (scale %d)", *scale), src: "compute", args: []string{fmt.Sprint(*scale)}, reps: 1},
		{name: "Go compute: SHA-256, sort, JSON (scale 4)", src: "go:compute", args: []string{"4"}, reps: 1},
		{name: "null syscall: getppid ×1e6", src: "syscall_loop", args: []string{"1000000"}, reps: 1, calls: 1000000},
		{name: "null syscall, traced to /dev/null: getppid ×1e5", src: "syscall_loop", args: []string{"100000"}, reps: 1, calls: 100000, traced: true},
		{name: "static hello start (per run, ×20)", src: "hello", reps: 20},
		{name: "fork+exit+wait ×1000 (per fork)", src: "bench_fork", args: []string{"fork", "1000"}, base: []string{"fork", "0"}, reps: 1, calls: 1000, unit: "fork"},
		{name: "vfork+exit+wait ×1000 (per vfork)", src: "bench_fork", args: []string{"vfork", "1000"}, base: []string{"vfork", "0"}, reps: 1, calls: 1000, unit: "vfork"},
		{name: "fork+exec+wait of a static true ×100 (per run)", src: "bench_exec", args: []string{"100"}, base: []string{"0"}, helper: "bench_true", reps: 1, calls: 100, unit: "run"},
		{name: "thread create+join ×2000 (per thread)", src: "bench_thread", args: []string{"2000"}, base: []string{"0"}, reps: 1, calls: 2000, unit: "thread"},
		{name: "futex ping-pong, 2 threads ×50000 (per round trip)", src: "bench_futex", args: []string{"50000"}, base: []string{"0"}, reps: 1, calls: 50000, unit: "round trip"},
		{name: "signal to self with a handler ×100000 (per signal)", src: "bench_signal", args: []string{"self", "100000"}, base: []string{"self", "0"}, reps: 1, calls: 100000, unit: "signal"},
		{name: "signal round trip, 2 processes ×20000 (per round trip)", src: "bench_signal", args: []string{"pingpong", "20000"}, base: []string{"pingpong", "0"}, reps: 1, calls: 20000, unit: "round trip"},
		{name: "pipe 1-byte round trip, 2 processes ×20000 (per round trip)", src: "bench_pipe", args: []string{"pingpong", "20000"}, base: []string{"pingpong", "0"}, reps: 1, calls: 20000, unit: "round trip"},
		{name: "pipe bandwidth, 64 MiB in 64 KiB writes (per MiB)", src: "bench_pipe", args: []string{"bandwidth", "64"}, base: []string{"bandwidth", "0"}, reps: 1, calls: 64, unit: "MiB"},
		{name: "context-switch ring of 8 processes over pipes ×5000 (per lap)", src: "bench_pipe", args: []string{"ring", "5000"}, base: []string{"ring", "0"}, reps: 1, calls: 5000, unit: "lap"},
		{name: "open+close of a file ×100000 (per pair)", src: "bench_files", args: []string{"open", "100000"}, base: []string{"open", "0"}, reps: 1, calls: 100000, unit: "pair"},
		{name: "1-byte read from /dev/zero ×200000 (per read)", src: "bench_files", args: []string{"zero", "200000"}, base: []string{"zero", "0"}, reps: 1, calls: 200000, unit: "read"},
		{name: "Unix socket 1-byte round trip, 2 processes ×20000 (per round trip)", src: "bench_unix", args: []string{"pingpong", "20000"}, base: []string{"pingpong", "0"}, reps: 1, calls: 20000, unit: "round trip"},
		{name: "POSIX mq 1-byte round trip, 2 processes ×20000 (per round trip)", src: "bench_ipc", args: []string{"mq", "20000"}, base: []string{"mq", "0"}, reps: 1, calls: 20000, unit: "round trip"},
		{name: "SysV msg 1-byte round trip, 2 processes ×20000 (per round trip)", src: "bench_ipc", args: []string{"msg", "20000"}, base: []string{"msg", "0"}, reps: 1, calls: 20000, unit: "round trip"},
		{name: "SysV shm create+attach+touch 64 KiB+detach+remove ×5000 (per cycle)", src: "bench_ipc", args: []string{"shm", "5000"}, base: []string{"shm", "0"}, reps: 1, calls: 5000, unit: "cycle"},
		{name: "futex round trip over shared memory, 2 processes ×50000 (per round trip)", src: "bench_shared", args: []string{"futex", "50000"}, base: []string{"futex", "0"}, reps: 1, calls: 50000, unit: "round trip"},
		{name: "spin round trip over shared memory, sched_yield in the loop, 2 processes ×100000 (per round trip)", src: "bench_shared", args: []string{"spin", "100000"}, base: []string{"spin", "0"}, reps: 1, calls: 100000, unit: "round trip"},
		{name: "memory per idle forked child, 100 children (KiB)", src: "bench_idle", args: []string{"100"}, base: []string{"0"}, reps: 1, calls: 100, unit: "child", mem: true},
	}

	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fail(err)
		}
		workloads = slices.DeleteFunc(workloads, func(w workload) bool { return !re.MatchString(w.name) })
	}

	dir, err := os.MkdirTemp("", "vessel-bench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)

	var bs []*built
	bins := make(map[string]binaries) // by source; rows may share one
	for _, w := range workloads {
		b := &built{workload: w}
		for _, p := range []struct {
			src string
			bin *binaries
		}{{w.src, &b.binaries}, {w.helper, &b.helperBin}} {
			if p.src == "" {
				continue
			}
			if _, ok := bins[p.src]; !ok {
				if bins[p.src], err = build(p.src, *src, dir); err != nil {
					return fail(err)
				}
			}
			*p.bin = bins[p.src]
		}
		bs = append(bs, b)
	}

	vesselCmd := func(b *built) []string {
		if b.traced {
			return []string{*vessel, "run", "--strace-file", os.DevNull, b.riscv}
		}
		return []string{*vessel, "run", b.riscv}
	}
	vesselNote := *vessel
	if _, err := os.Stat(*vessel); err != nil {
		vesselCmd = nil
		vesselNote += " (not found: n/a)"
	}
	runners := []runner{
		{"native", true, func(b *built) []string { return []string{b.native} }},
		{"qemu-riscv64", false, func(b *built) []string {
			if b.traced {
				return []string{"qemu-riscv64", "-strace", "-D", os.DevNull, b.riscv}
			}
			return []string{"qemu-riscv64", b.riscv}
		}},
		{"vessel", false, vesselCmd},
	}

	failed := false
	rows := make([][]cell, len(bs))
	for i, b := range bs {
		// qemu-riscv64's output is the reference the others must match.
		// With standard input at EOF a memory row's program ends at once.
		ref := reference(runners[1], b, b.args)
		var baseRef string
		if b.base != nil {
			baseRef = reference(runners[1], b, b.base)
		}
		for _, r := range runners {
			c := measure(r, b, ref, baseRef, *runs, *timeout)
			if c.err != nil {
				failed = true
				fmt.Fprintf(os.Stderr, "bench: %s under %s: %v\n", b.name, r.name, c.err)
			}
			rows[i] = append(rows[i], c)
		}
	}

	var t strings.Builder
	fmt.Fprintf(&t, "Best of %d wall-clock runs on %s/%s, %d CPUs; vessel: %s.\n\n",
		*runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), vesselNote)
	t.WriteString("| workload | native | qemu-riscv64 | vessel | vessel/qemu | vessel/native |\n")
	t.WriteString("|---|---|---|---|---|---|\n")
	for i, b := range bs {
		c := rows[i]
		fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s |\n", b.name,
			format(b, c[0]), format(b, c[1]), format(b, c[2]), ratio(b, c[2], c[1]), ratio(b, c[2], c[0]))
	}
	t.WriteString("\nRows timed per fork, thread, ...: (time of N operations − time of the same program doing none) / N.\n" +
		"qemu-riscv64 runs vfork as a plain fork.\n" +
		"Memory per idle child: (with K children asleep − with none) / K of the Pss summed over the runner's host\n" +
		"processes (natively and under qemu-riscv64 one per guest process, under vessel one for all), plus what the\n" +
		"kernel's KernelStack + PageTables + SUnreclaim in /proc/meminfo grew by, shown in brackets.\n")
	fmt.Fprintf(&t, "\nThe event bus with nobody listening costs %s per syscall (the check each syscall makes).\n", busCost())
	fmt.Print(t.String())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(t.String()), 0o644); err != nil {
			return fail(err)
		}
	}
	if failed {
		return 1
	}
	return 0
}

// build compiles testdata/guest/name.c, found in src, for the host and
// for riscv64 into dir.
func build(name, src, dir string) (binaries, error) {
	if g, ok := strings.CutPrefix(name, "go:"); ok {
		return buildGo(g, filepath.Join(filepath.Dir(src), "goguest"), dir)
	}
	c := filepath.Join(src, name+".c")
	b := binaries{
		native: filepath.Join(dir, name+"-native"),
		riscv:  filepath.Join(dir, name+"-riscv64")}
	for _, args := range [][]string{
		{"cc", "-O2", "-static", "-o", b.native, c, "-lm"},
		{"riscv64-linux-gnu-gcc", "-O2", "-static", "-o", b.riscv, c, "-lm"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return binaries{}, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return b, nil
}

// buildGo builds the Go guest program goguest/NAME.go for the host and for
// riscv64.
func buildGo(name, src, dir string) (binaries, error) {
	b := binaries{
		native: filepath.Join(dir, "go-"+name+"-native"),
		riscv:  filepath.Join(dir, "go-"+name+"-riscv64")}
	for _, t := range []struct{ goarch, out string }{{runtime.GOARCH, b.native}, {"riscv64", b.riscv}} {
		cmd := exec.Command("go", "build", "-o", t.out, filepath.Join(src, name+".go"))
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+t.goarch, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return binaries{}, fmt.Errorf("GOARCH=%s go build %s: %v\n%s", t.goarch, name, err, out)
		}
	}
	return b, nil
}

// reference is what b prints with args under r, or "" if that fails (its
// cell will say FAIL too).
func reference(r runner, b *built, args []string) string {
	out, err := run(context.Background(), b.argv(r, args))
	if err != nil {
		return ""
	}
	return out
}

// measure runs b under r n times and keeps the best measurement: the least
// time or, in a memory row, the least memory. Every run must exit 0 and
// print ref, or baseRef for a base run.
func measure(r runner, b *built, ref, baseRef string, n int, timeout time.Duration) cell {
	if r.cmd == nil {
		return cell{na: true}
	}
	var c cell
	for i := 0; i < n; i++ {
		if b.mem {
			m, err := weighOnce(r, b, ref, baseRef, timeout)
			if err != nil {
				return cell{err: err}
			}
			if i == 0 || m.total() < c.mem.total() {
				c.mem = m
			}
			continue
		}
		d, err := timeOnce(b.argv(r, b.args), b.reps, ref, timeout)
		if err == nil && b.base != nil {
			var base time.Duration
			base, err = timeOnce(b.argv(r, b.base), b.reps, baseRef, timeout)
			d = (d - base) / time.Duration(b.calls)
		}
		if err != nil {
			return cell{err: err}
		}
		if i == 0 || d < c.best {
			c.best = d
		}
	}
	return c
}

// timeOnce is one measurement: the wall time of reps runs of argv, each of
// which must exit 0 and print ref.
func timeOnce(argv []string, reps int, ref string, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	for j := 0; j < reps; j++ {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		out, err := run(ctx, argv)
		cancel()
		if err == nil && out != ref {
			err = fmt.Errorf("output differs from qemu-riscv64's:\n%s\nwant:\n%s", out, ref)
		}
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// weighOnce is one measurement of a memory row: b's memory with args minus
// with base, per call.
func weighOnce(r runner, b *built, ref, baseRef string, timeout time.Duration) (memory, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	base, err := weigh(ctx, b.argv(r, b.base), baseRef)
	if err != nil {
		return memory{}, err
	}
	m, err := weigh(ctx, b.argv(r, b.args), ref)
	if err != nil {
		return memory{}, err
	}
	return m.sub(base).div(b.calls), nil
}

// run runs argv and returns its stdout; a non-zero exit is an error that
// carries the start of stderr.
func run(ctx context.Context, argv []string) (string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", fmt.Errorf("%s: timed out", argv[0])
	}
	if err != nil {
		return "", fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, clip(stderr.String()))
	}
	return stdout.String(), nil
}

// clip is the start of a program's stderr, for an error message.
func clip(msg string) string {
	if len(msg) > 500 {
		msg = msg[:500] + "..."
	}
	return strings.TrimSpace(msg)
}

// format shows a cell's time per run and, for syscall loops, per call;
// with a base, only the time per call; for memory, KiB per unit.
func format(b *built, c cell) string {
	switch {
	case c.na:
		return "n/a"
	case c.err != nil:
		return "FAIL"
	case b.mem:
		return fmt.Sprintf("%.0f KiB/%s (%.0f kernel)", c.mem.total(), b.unit, c.mem.kernel)
	case b.base != nil:
		unit := b.unit
		if unit == "" {
			unit = "call"
		}
		return dur(c.best) + "/" + unit
	}
	per := c.best / time.Duration(b.reps)
	s := dur(per)
	if b.calls > 0 {
		s += fmt.Sprintf(" (%.0f ns/call)", float64(per.Nanoseconds())/float64(b.calls))
	}
	return s
}

// ratio is a's time (or memory, in w's memory row) over b's, or n/a.
func ratio(w *built, a, b cell) string {
	x, y := float64(a.best), float64(b.best)
	if w.mem {
		x, y = a.mem.total(), b.mem.total()
	}
	if a.na || b.na || a.err != nil || b.err != nil || y <= 0 {
		return "n/a"
	}
	if x < y {
		return fmt.Sprintf("%.2g×", x/y) // 0.071×: keep two digits
	}
	return fmt.Sprintf("%.1f×", x/y)
}

// dur prints d with three significant digits in a unit that suits it.
func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3g s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3g ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.3g µs", float64(d)/float64(time.Microsecond))
	}
}

// busCost measures what the syscall path pays for tracing when nobody has
// subscribed: one Enabled check of the kernel's event bus.
func busCost() string {
	bus := new(trace.Bus)
	var sink int
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			if bus.Enabled() {
				bus.Publish(&trace.Event{Kind: trace.KindSyscall})
				sink++
			}
		}
	})
	return fmt.Sprintf("%.2f ns", float64(r.T.Nanoseconds())/float64(r.N))
}

// fail reports err and returns exit status 1.
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	return 1
}
