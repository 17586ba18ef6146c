package main

// Memory rows weigh idle processes. A runner's guest processes live in
// different places: natively each is a host process; under qemu-riscv64
// each is a host qemu-riscv64 process (a guest fork is a host fork of
// qemu); under vessel all of them live in the one vessel process. So a
// sample takes the same two parts for every runner:
//
//   - user memory: the proportional set size (Pss, /proc/PID/smaps_rollup)
//     summed over the started host process and all its descendants. Pss
//     charges a page shared by n processes 1/n to each, so the sum counts
//     every page of the tree once: the pages the children still share with
//     their parent copy-on-write are not counted again per child, the ones
//     they have copied are.
//   - kernel memory: how much /proc/meminfo's KernelStack, PageTables and
//     SUnreclaim (task_struct, mm_struct, VMAs, ... in the slab) grew from
//     just before the start to the sample. A Linux process's page tables,
//     kernel stack and descriptors are part of its price, and vessel's
//     equivalents are in its Go heap, so leaving them out would flatter
//     native and qemu. They are counted machine-wide because Linux shows
//     them nowhere per process; on a quiet machine little else moves them
//     (bench runs one program at a time). The kernel frees a dead
//     process's page tables and slab a while after it is reaped, so weigh
//     first waits for the counters to stop falling from the previous run.
//
// Free memory (MemFree, MemAvailable) would catch everything at once but
// is too noisy: per-CPU page lists and free page reporting move it by
// megabytes. A measurement samples the program with K idle children and
// with none and divides the difference by K, so the parent's own memory,
// the runner's start-up and the shared binary cancel out.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// memory is a sample or a per-child figure, in KiB.
type memory struct {
	pss    float64 // Pss summed over the host process tree
	kernel float64 // growth of KernelStack + PageTables + SUnreclaim
}

func (m memory) total() float64 { return m.pss + m.kernel }

func (m memory) sub(o memory) memory { return memory{m.pss - o.pss, m.kernel - o.kernel} }

func (m memory) div(n int) memory { return memory{m.pss / float64(n), m.kernel / float64(n)} }

// settle is how long weigh waits after "ready" before it samples, for the
// children to be asleep and the runner's bookkeeping done.
const settle = 100 * time.Millisecond

// weigh starts argv, reads its first line, which must be "ready", samples
// its memory and then closes its standard input, which tells it to end.
// Its whole output must be ref and it must exit 0.
func weigh(ctx context.Context, argv []string, ref string) (memory, error) {
	before, err := quiet()
	if err != nil {
		return memory{}, err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return memory{}, err
	}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return memory{}, err
	}
	if err := cmd.Start(); err != nil {
		return memory{}, err
	}
	failed := func(err error) (memory, error) {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
		return memory{}, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, clip(stderr.String()))
	}
	out := bufio.NewReader(pipe)
	first, err := out.ReadString('\n')
	if err != nil || first != "ready\n" {
		return failed(fmt.Errorf("first line %q (%v), want \"ready\"", first, err))
	}
	time.Sleep(settle)
	pss, err := treePss(cmd.Process.Pid)
	if err != nil {
		return failed(err)
	}
	after, err := kernelKiB()
	if err != nil {
		return failed(err)
	}
	stdin.Close()
	rest, err := io.ReadAll(out)
	if err != nil {
		return failed(err)
	}
	err = cmd.Wait()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return memory{}, fmt.Errorf("%s: timed out", argv[0])
	}
	if err != nil {
		return memory{}, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, clip(stderr.String()))
	}
	if got := first + string(rest); got != ref {
		return memory{}, fmt.Errorf("output differs from qemu-riscv64's:\n%s\nwant:\n%s", got, ref)
	}
	return memory{pss: pss, kernel: after - before}, nil
}

// treePss sums Pss over process pid and all its descendants, in KiB.
func treePss(pid int) (float64, error) {
	children, err := childrenOf()
	if err != nil {
		return 0, err
	}
	var sum float64
	for todo := []int{pid}; len(todo) > 0; {
		p := todo[len(todo)-1]
		todo = append(todo[:len(todo)-1], children[p]...)
		f, err := kiBFields(fmt.Sprintf("/proc/%d/smaps_rollup", p), "Pss")
		if err != nil {
			return 0, err
		}
		sum += f["Pss"]
	}
	return sum, nil
}

// childrenOf maps each process on the machine to its children, from the
// PPid of every /proc/PID/stat.
func childrenOf() (map[int][]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	m := make(map[int][]int)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone since ReadDir
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			m[ppid] = append(m[ppid], pid)
		}
	}
	return m, nil
}

// quiet waits until kernelKiB has held within 128 KiB for three samples
// 50 ms apart, or for 2 s at most, and returns its last value.
func quiet() (float64, error) {
	prev, err := kernelKiB()
	for calm, deadline := 0, time.Now().Add(2*time.Second); err == nil && calm < 3 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		var cur float64
		if cur, err = kernelKiB(); math.Abs(cur-prev) < 128 {
			calm++
		} else {
			calm = 0
		}
		prev = cur
	}
	return prev, err
}

// kernelKiB is the machine's kernel memory that grows with processes:
// KernelStack + PageTables + SUnreclaim from /proc/meminfo, in KiB.
func kernelKiB() (float64, error) {
	keys := []string{"KernelStack", "PageTables", "SUnreclaim"}
	f, err := kiBFields("/proc/meminfo", keys...)
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, k := range keys {
		sum += f[k]
	}
	return sum, nil
}

// kiBFields reads the "Key:   N kB" lines of file that are named in keys;
// each must be there.
func kiBFields(file string, keys ...string) (map[string]float64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool)
	for _, k := range keys {
		want[k] = true
	}
	m := make(map[string]float64)
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || !want[k] {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return nil, fmt.Errorf("%s: bad line %q", file, line)
		}
		n, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: bad line %q", file, line)
		}
		m[k] = n
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("%s: no %s", file, k)
		}
	}
	return m, nil
}
