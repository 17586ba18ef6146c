package vessel_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The guest programs of testdata/guest, built by the test run itself with
// Debian's riscv64 cross compiler, run under vessel (the command, built once
// per test binary) and under qemu-riscv64; stdout and the exit status must
// match. Tools are installed by `make setup`; a missing tool fails the test.

const sysroot = "/usr/riscv64-linux-gnu"

var (
	buildOnce sync.Once
	buildDir  string
	vesselBin string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// setup builds the vessel command once.
func setup(t *testing.T) {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "vessel-test-")
		if buildErr != nil {
			return
		}
		vesselBin = filepath.Join(buildDir, "vessel")
		out, err := exec.Command("go", "build", "-o", vesselBin, "./cmd/vessel").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

var guestMu sync.Mutex

// guest builds testdata/guest/NAME.c (static unless dynamic) once and
// returns the binary's path.
func guest(t *testing.T, name string, dynamic bool) string {
	t.Helper()
	setup(t)
	guestMu.Lock()
	defer guestMu.Unlock()
	suffix := "-static"
	if dynamic {
		suffix = "-dynamic"
	}
	bin := filepath.Join(buildDir, name+suffix)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	args := []string{"-O2", "-Wall", "-o", bin, filepath.Join("testdata", "guest", name+".c"), "-lm"}
	if !dynamic {
		args = append([]string{"-static"}, args...)
	}
	out, err := exec.Command("riscv64-linux-gnu-gcc", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("riscv64-linux-gnu-gcc %s: %v\n%s", name, err, out)
	}
	return bin
}

type result struct {
	stdout string
	stderr string
	code   int
}

func runCmd(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), env...)
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal()) // as a shell reports it
		}
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// qemu runs bin under qemu-riscv64.
func qemu(t *testing.T, bin string, dynamic bool, env []string, args ...string) result {
	t.Helper()
	qargs := []string{}
	if dynamic {
		qargs = append(qargs, "-L", sysroot)
	}
	qargs = append(qargs, bin)
	return runCmd(t, env, "qemu-riscv64", append(qargs, args...)...)
}

// vessel runs bin under the vessel command with extra flags.
func vessel(t *testing.T, flags []string, bin string, env []string, args ...string) result {
	t.Helper()
	vargs := append([]string{"run"}, flags...)
	vargs = append(vargs, bin)
	return runCmd(t, env, vesselBin, append(vargs, args...)...)
}

func TestGuestAgainstQemu(t *testing.T) {
	cases := []struct {
		name    string
		dynamic bool
		args    func(t *testing.T) []string // nil: none
		env     []string
		code    int // the expected exit status (both must give it)
	}{
		{name: "hello"},
		{name: "hello", dynamic: true},
		{name: "args", args: func(*testing.T) []string { return []string{"one", "two words", ""} },
			env: []string{"VESSEL_TEST_B=2", "VESSEL_TEST_A=1"}},
		{name: "fileio", args: tempDirArg},
		{name: "fileio", dynamic: true, args: tempDirArg},
		{name: "memory"},
		{name: "segv", code: 139},
		{name: "float"},
		{name: "float", dynamic: true},
		{name: "compute"},
		{name: "misaligned"},
		{name: "syscall_loop", args: func(*testing.T) []string { return []string{"1000"} }},
		{name: "threads"},
		{name: "threads", dynamic: true},
		{name: "rusage"},
		{name: "forktree"},
		{name: "cow"},
		{name: "atomics"},
		{name: "futex"},
		{name: "execself", args: tempDirArg},
		{name: "sched"},
		{name: "stopcont"},
		{name: "execthread"},
		{name: "signals"},
		{name: "signals", dynamic: true},
		{name: "pgrp"},
		{name: "epoll"},
		{name: "pipes"},
		{name: "unix_pair"},
		{name: "unix_pair", dynamic: true},
		{name: "unix_named", args: tempDirArg},
		{name: "unix_rights", args: tempDirArg},
		{name: "inet_tcp"},
		{name: "inet_tcp", dynamic: true},
		{name: "inet_udp"},
		{name: "fifo"},
		{name: "locks"},
		{name: "splice"},
		{name: "cpuclock"},
		{name: "creds"},
		{name: "stopwake"},
		{name: "pollkinds"},
		{name: "readv"},
		{name: "fsmisc"},
		{name: "churn"},
		{name: "rlimit"},
		{name: "compat", args: tempDirArg},
		{name: "magiclinks"},
		{name: "proc_tree"},
		{name: "proc_tree", dynamic: true},
		{name: "proc_files", args: tempDirArg},
		{name: "proc_files", dynamic: true, args: tempDirArg},
		{name: "sysv_shm"}, // static only: a child execs argv[0]
		{name: "sysv_msg"},
		{name: "sysv_msg", dynamic: true},
		{name: "sysv_sem"},
		{name: "mq"},
		{name: "mq", dynamic: true},
		{name: "mmap_shared", args: tempDirArg},
		{name: "mmap_shared", dynamic: true, args: tempDirArg},
		{name: "shm_open"},
		{name: "memfd"},
		{name: "futex_shared", args: tempDirArg},
		{name: "sigwait"},
		{name: "timers"},
		{name: "signalfd"},
		{name: "select"},
		{name: "procs"},
		{name: "procs", dynamic: true},
	}
	for _, tc := range cases {
		name := tc.name
		if tc.dynamic {
			name += "-dynamic"
		}
		t.Run(name, func(t *testing.T) {
			bin := guest(t, tc.name, tc.dynamic)
			var argsQ, argsV []string
			if tc.args != nil {
				argsQ, argsV = tc.args(t), tc.args(t)
			}
			flags := []string{}
			if tc.dynamic {
				flags = append(flags, "-L", sysroot)
			}
			want := qemu(t, bin, tc.dynamic, tc.env, argsQ...)
			got := vessel(t, flags, bin, tc.env, argsV...)
			if want.code != tc.code {
				t.Fatalf("qemu-riscv64 exit status %d, want %d (stderr %q)", want.code, tc.code, want.stderr)
			}
			if got.code != want.code {
				t.Errorf("exit status: got %d, want %d (vessel stderr: %s)", got.code, want.code, got.stderr)
			}
			if got.stdout != want.stdout {
				t.Errorf("stdout differs from qemu-riscv64:\n%s", diff(got.stdout, want.stdout))
			}
		})
	}
}

// tempDirArg gives each run its own scratch directory. Programs print no
// path, so the two runs can differ in it.
func tempDirArg(t *testing.T) []string { return []string{t.TempDir()} }

// diff shows the first differing line of got and want.
func diff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  vessel: %q\n  qemu:   %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// TestGoGuest builds Go programs for riscv64 (GOARCH=riscv64) and runs
// them under vessel and under qemu-riscv64: hello.go's goroutines on the
// runtime's threads, the garbage collector, timers through epoll and
// eventfd, os/signal, and a nil dereference recovered as a panic; and
// compute.go, a CPU-bound workload (SHA-256, sorting, JSON) that the
// translator runs.
func TestGoGuest(t *testing.T) {
	setup(t)
	for _, name := range []string{"hello", "compute"} {
		t.Run(name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), name+"-go")
			cmd := exec.Command("go", "build", "-o", bin, filepath.Join("testdata", "goguest", name+".go"))
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=riscv64", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			want := qemu(t, bin, false, nil)
			got := vessel(t, nil, bin, nil)
			if want.code != 0 {
				t.Fatalf("qemu-riscv64 exit status %d: %s", want.code, want.stderr)
			}
			if got.code != 0 || got.stdout != want.stdout {
				t.Errorf("status %d, output differs from qemu-riscv64:\n%s\nstderr: %s", got.code, diff(got.stdout, want.stdout), got.stderr)
			}
		})
	}
}

// TestGoSignalPackage runs Go's own os/signal tests, built for riscv64 with
// `go test -c os/signal`, under vessel in a root of their own: the test
// binary, a riscv64 nohup (testdata/guest/nohup.c) on PATH, and /dev/null
// (a device node made here; vessel has no devfs yet). They exercise
// handlers, masks, SIGSTOP/SIGCONT, SIGHUP under nohup, signals to every
// thread and NotifyContext.
func TestGoSignalPackage(t *testing.T) {
	setup(t)
	root := t.TempDir()
	for _, d := range []string{"usr/bin", "tmp", "dev"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	cmd := exec.Command("go", "test", "-c", "-o", filepath.Join(root, "signal.test"), "os/signal")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=riscv64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c os/signal: %v\n%s", err, out)
	}
	nohup, err := os.ReadFile(guest(t, "nohup", false))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(root, "usr/bin/nohup"), nohup, 0o755))
	devnull := filepath.Join(root, "dev/null")
	if err := syscall.Mknod(devnull, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod %s (the tests run as root, as CI does): %v", devnull, err)
	}
	must(t, os.Chmod(devnull, 0o666))
	got := vessel(t, []string{"--root", root, "-E", "PATH=/usr/bin", "-E", "TMPDIR=/tmp"}, "/signal.test", nil, "-test.short")
	if got.code != 0 || !strings.Contains(got.stdout, "PASS") {
		t.Errorf("os/signal tests under vessel: status %d\n%s\n%s", got.code, got.stdout, got.stderr)
	}
}
