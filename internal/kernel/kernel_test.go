package kernel_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"vessel/internal/kernel"
	"vessel/internal/syscalls"
	"vessel/internal/vfs"
)

// buildGuest compiles testdata/NAME.c into a static riscv64 program.
func buildGuest(t *testing.T, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("riscv64-linux-gnu-gcc", "-O2", "-static", "-o", bin, filepath.Join("testdata", name+".c")).CombinedOutput()
	if err != nil {
		t.Fatalf("riscv64-linux-gnu-gcc: %v\n%s", err, out)
	}
	return bin
}

// newKernel returns a kernel over the host's root whose first process
// reads stdin and writes stdout, both pipes the test holds the other ends
// of.
func newKernel(t *testing.T) (k *kernel.Kernel, stdin *os.File, stdout *bufio.Reader) {
	t.Helper()
	fs, err := vfs.NewHostFS("/")
	if err != nil {
		t.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inR.Close(); inW.Close(); outR.Close(); outW.Close() })
	cfg := kernel.Config{Syscalls: syscalls.New(), FS: fs}
	cfg.Stdio[0] = vfs.NewHostStream(int(inR.Fd()), "stdin")
	cfg.Stdio[1] = vfs.NewHostStream(int(outW.Fd()), "stdout")
	return kernel.New(cfg), inW, bufio.NewReader(outR)
}

// waitState polls until task tid is in state want or gone (nil task),
// failing after a generous bound that only guards against a hang.
func waitState(t *testing.T, k *kernel.Kernel, tid int32, want kernel.State) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(time.Millisecond) {
		if task := k.Task(tid); task != nil && task.State() == want {
			return
		}
	}
	t.Fatalf("task %d never reached state %c (%s)", tid, want.Letter(), want)
}

// TestZombie: a child that has exited is in state Z, with its pid taken,
// until its parent waits for it; then it is gone from the process table.
func TestZombie(t *testing.T) {
	bin := buildGuest(t, "zombie")
	k, stdin, stdout := newKernel(t)
	if _, err := k.StartInit(bin, []string{"zombie"}, nil); err != nil {
		t.Fatal(err)
	}
	line, err := stdout.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("guest printed %q, want the child's pid", line)
	}
	child := int32(pid)
	waitState(t, k, child, kernel.StateZombie)
	if got := k.Task(child).State(); got.Letter() != 'Z' || got.String() != "zombie" {
		t.Errorf("child state: got %c %s, want Z zombie", got.Letter(), got)
	}
	if got := k.Task(1).State(); got.Letter() != 'S' {
		t.Errorf("parent blocked reading stdin: state %c %s, want S", got.Letter(), got)
	}
	stdin.Close() // the parent reads EOF and reaps the child
	line, err = stdout.ReadString('\n')
	if err != nil || line != "status 5\n" {
		t.Fatalf("guest printed %q (%v), want \"status 5\"", line, err)
	}
	if status := k.Wait(); status != 0 {
		t.Errorf("wait status %#x, want 0", status)
	}
	if task := k.Task(child); task != nil {
		t.Errorf("reaped child still in the table, state %s", task.State())
	}
}

// hostFDs counts vessel's own open descriptors.
func hostFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestFilesClosed: the host descriptors behind a guest's files are closed
// when the guest closes them or exits, epoll and fork included.
func TestFilesClosed(t *testing.T) {
	bin := buildGuest(t, "fds")
	k, stdin, stdout := newKernel(t)
	stdin.Close()
	runtime.GC()
	before := hostFDs(t)
	if _, err := k.StartInit(bin, []string{"fds"}, nil); err != nil {
		t.Fatal(err)
	}
	if line, err := stdout.ReadString('\n'); err != nil || line != "done\n" {
		t.Fatalf("guest printed %q (%v)", line, err)
	}
	k.Wait()
	// The program's own file goes when the collector drops its mappings.
	var after int
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
		runtime.GC()
		if after = hostFDs(t); after <= before {
			return
		}
	}
	t.Errorf("host descriptors: %d before the guest ran, %d after it exited", before, after)
}
