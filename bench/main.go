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
	"runtime"
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
	// traced runs each runner with its syscall tracer writing to /dev/null:
	// qemu-riscv64 -strace, vessel --strace-file. Native has none.
	traced bool
}

// A runner is one column: how to start a built program.
type runner struct {
	name string
	cmd  func(w *built) []string // nil: not available (n/a)
}

// built holds a workload's two binaries.
type built struct {
	workload
	native, riscv string
}

// A cell is one runner's result for one workload.
type cell struct {
	best time.Duration // per measurement (reps runs)
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
	flag.Parse()

	workloads := []workload{
		{name: fmt.Sprintf("compute (scale %d)", *scale), src: "compute", args: []string{fmt.Sprint(*scale)}, reps: 1},
		{name: "null syscall: getppid ×1e6", src: "syscall_loop", args: []string{"1000000"}, reps: 1, calls: 1000000},
		{name: "null syscall, traced to /dev/null: getppid ×1e5", src: "syscall_loop", args: []string{"100000"}, reps: 1, calls: 100000, traced: true},
		{name: "static hello start (per run, ×20)", src: "hello", reps: 20},
	}

	dir, err := os.MkdirTemp("", "vessel-bench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)

	var bs []*built
	for _, w := range workloads {
		b, err := build(w, *src, dir)
		if err != nil {
			return fail(err)
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
		{"native", func(b *built) []string { return []string{b.native} }},
		{"qemu-riscv64", func(b *built) []string {
			if b.traced {
				return []string{"qemu-riscv64", "-strace", "-D", os.DevNull, b.riscv}
			}
			return []string{"qemu-riscv64", b.riscv}
		}},
		{"vessel", vesselCmd},
	}

	failed := false
	rows := make([][]cell, len(bs))
	for i, b := range bs {
		// qemu-riscv64's output is the reference the others must match.
		ref, err := run(context.Background(), append(runners[1].cmd(b), b.args...))
		if err != nil {
			ref = "" // its cell will say FAIL too
		}
		for _, r := range runners {
			c := measure(r, b, ref, *runs, *timeout)
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
			format(b, c[0]), format(b, c[1]), format(b, c[2]), ratio(c[2], c[1]), ratio(c[2], c[0]))
	}
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

// build compiles w's source for the host and for riscv64 into dir.
func build(w workload, src, dir string) (*built, error) {
	c := filepath.Join(src, w.src+".c")
	b := &built{workload: w,
		native: filepath.Join(dir, w.src+"-native"),
		riscv:  filepath.Join(dir, w.src+"-riscv64")}
	for _, args := range [][]string{
		{"cc", "-O2", "-static", "-o", b.native, c, "-lm"},
		{"riscv64-linux-gnu-gcc", "-O2", "-static", "-o", b.riscv, c, "-lm"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return b, nil
}

// measure runs b under r n times, each measurement being b.reps runs, and
// keeps the best. Every run must exit 0 and print ref.
func measure(r runner, b *built, ref string, n int, timeout time.Duration) cell {
	if r.cmd == nil {
		return cell{na: true}
	}
	argv := append(r.cmd(b), b.args...)
	var c cell
	for i := 0; i < n; i++ {
		start := time.Now()
		for j := 0; j < b.reps; j++ {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			out, err := run(ctx, argv)
			cancel()
			if err == nil && out != ref {
				err = fmt.Errorf("output differs from qemu-riscv64's:\n%s\nwant:\n%s", out, ref)
			}
			if err != nil {
				return cell{err: err}
			}
		}
		if d := time.Since(start); c.best == 0 || d < c.best {
			c.best = d
		}
	}
	return c
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
		msg := stderr.String()
		if len(msg) > 500 {
			msg = msg[:500] + "..."
		}
		return "", fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, strings.TrimSpace(msg))
	}
	return stdout.String(), nil
}

// format shows a cell's time per run and, for syscall loops, per call.
func format(b *built, c cell) string {
	switch {
	case c.na:
		return "n/a"
	case c.err != nil:
		return "FAIL"
	}
	per := c.best / time.Duration(b.reps)
	s := dur(per)
	if b.calls > 0 {
		s += fmt.Sprintf(" (%.0f ns/call)", float64(per.Nanoseconds())/float64(b.calls))
	}
	return s
}

// ratio is a's time over b's, or n/a.
func ratio(a, b cell) string {
	if a.na || b.na || a.err != nil || b.err != nil || b.best == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f×", float64(a.best)/float64(b.best))
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
