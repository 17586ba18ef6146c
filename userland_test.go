package vessel_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A real userland: u-root's core commands (the module in userland/), built
// for riscv64 by scripts/userland.sh into a guest root, run unmodified under
// `vessel run --init --root ROOT /bin/gosh -c ...`.

var (
	userlandOnce sync.Once
	userlandDir  string
	userlandErr  error
)

// userland builds the guest root of u-root's commands once per test binary,
// in the build directory, and returns its path. The script builds every
// command with one `go build`, which compiles the packages in parallel.
func userland(t *testing.T) string {
	t.Helper()
	setup(t)
	userlandOnce.Do(func() {
		start := time.Now()
		root := filepath.Join(buildDir, "userland")
		out, err := exec.Command("./scripts/userland.sh", root).CombinedOutput()
		if err != nil {
			userlandErr = errors.New("scripts/userland.sh: " + err.Error() + "\n" + string(out))
			return
		}
		userlandDir = root
		t.Logf("built the userland root in %v", time.Since(start).Round(time.Millisecond))
	})
	if userlandErr != nil {
		t.Fatal(userlandErr)
	}
	return userlandDir
}

// vesselTimed runs the vessel command with args and stdin, killing it after
// timeout, and fails the test on a vessel internal error.
func vesselTimed(t *testing.T, timeout time.Duration, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, vesselBin, args...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("vessel %s: no exit after %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), timeout, stdout.String(), stderr.String())
	case errors.As(err, &ee):
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	case err != nil:
		t.Fatalf("vessel: %v", err)
	}
	if strings.Contains(stderr.String(), "internal error") {
		t.Errorf("vessel reported an internal error:\n%s", stderr.String())
	}
	return result{stdout.String(), stderr.String(), code}
}

// gosh runs script in u-root's shell in root, under vessel's init.
func gosh(t *testing.T, root, script string) result {
	t.Helper()
	return vesselTimed(t, time.Minute, "", "run", "--init", "--root", root,
		"-E", "PATH=/bin", "-E", "HOME=/root", "/bin/gosh", "-c", script)
}

// userlandCommands are the commands the root must hold: the ones the issue
// names (u-root has no env; userland/env is ours) and the demo's zombie.
var userlandCommands = []string{
	"gosh", "sh", "ls", "cat", "ps", "kill", "sleep", "echo", "mkdir", "rm", "cp", "mv",
	"pwd", "env", "printenv", "uname", "true", "false", "wc", "grep", "pidof", "zombie",
}

func TestUserland(t *testing.T) {
	t.Parallel()
	root := userland(t)

	t.Run("pipe", func(t *testing.T) {
		got := gosh(t, root, "echo hi | cat")
		if got.code != 0 || got.stdout != "hi\n" {
			t.Errorf("echo hi | cat: status %d, stdout %q, want 0 and %q\nstderr: %s", got.code, got.stdout, "hi\n", got.stderr)
		}
	})

	t.Run("ls", func(t *testing.T) {
		got := gosh(t, root, "ls -l /bin")
		if got.code != 0 {
			t.Fatalf("ls -l /bin: status %d\n%s", got.code, got.stderr)
		}
		names := map[string]string{} // name -> mode column
		for line := range strings.Lines(got.stdout) {
			line, _, _ = strings.Cut(line, " -> ") // a symbolic link's target
			if f := strings.Fields(line); len(f) >= 2 {
				names[f[len(f)-1]] = f[0]
			}
		}
		for _, c := range userlandCommands {
			mode, ok := names[c]
			switch {
			case !ok:
				t.Errorf("ls -l /bin does not list %s:\n%s", c, got.stdout)
			case c == "sh":
				if !strings.HasPrefix(mode, "L") && !strings.HasPrefix(mode, "l") {
					t.Errorf("sh: mode %s, want a symbolic link", mode)
				}
			case !strings.HasPrefix(mode, "-rwx"):
				t.Errorf("%s: mode %s, want an executable file", c, mode)
			}
		}
	})

	t.Run("cat", func(t *testing.T) {
		want, err := os.ReadFile(filepath.Join(root, "etc", "passwd"))
		must(t, err)
		got := gosh(t, root, "cat /etc/passwd")
		if got.code != 0 || got.stdout != string(want) {
			t.Errorf("cat /etc/passwd: status %d, got\n%s\nwant\n%s\nstderr: %s", got.code, got.stdout, want, got.stderr)
		}
	})

	t.Run("files", func(t *testing.T) {
		got := gosh(t, root, "mkdir -p /tmp/a/b && echo data >/tmp/a/f && cp /tmp/a/f /tmp/a/g && "+
			"mv /tmp/a/g /tmp/a/b/h && cat /tmp/a/b/h && ls /tmp/a && rm -r /tmp/a && [ ! -e /tmp/a ] && echo removed")
		if want := "data\nb\nf\nremoved\n"; got.stdout != want || got.code != 0 {
			t.Errorf("mkdir, cp, mv, cat, rm: status %d, stdout %q, want 0 and %q\nstderr: %s", got.code, got.stdout, want, got.stderr)
		}
	})

	t.Run("sleep", func(t *testing.T) {
		start := time.Now()
		got := gosh(t, root, "sleep 0.1")
		if got.code != 0 {
			t.Errorf("sleep 0.1: status %d, want 0\n%s", got.code, got.stderr)
		}
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("sleep 0.1 took %v", d)
		}
	})

	t.Run("status", func(t *testing.T) {
		got := gosh(t, root, "true; echo $?; false; echo $?; sh -c 'exit 7'; echo $?; sh -c 'kill -SIGKILL $$'; echo $?; uname -m")
		if want := "0\n1\n7\n137\nriscv64\n"; got.stdout != want {
			t.Errorf("exit statuses: got %q, want %q\nstderr: %s", got.stdout, want, got.stderr)
		}
	})

	// ps aux: the guest's own processes and nothing of the host's, each in
	// its true state. Needs /proc.
	t.Run("ps", func(t *testing.T) {
		got := gosh(t, root, "sleep 5 & zombie 5 >/dev/null & sleep 0.5; ps aux")
		if got.code != 0 {
			t.Fatalf("ps aux: status %d (does vessel mount /proc?)\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
		}
		procs := parsePs(t, got.stdout)
		want := []psRow{
			{pid: "1", cmd: "init", stat: "S"},
			{pid: "2", cmd: "gosh", stat: "S"}, // waiting for ps
			{cmd: "sleep", stat: "S"},
			{cmd: "zombie", stat: "S"},
			{cmd: "true", stat: "Z"}, // zombie's child, never waited for
			{cmd: "ps", stat: "R"},
		}
		if len(procs) != len(want) {
			t.Errorf("ps aux lists %d processes, want %d (init, gosh, sleep, zombie, true, ps):\n%s", len(procs), len(want), got.stdout)
		}
		for _, w := range want {
			i := slices.IndexFunc(procs, func(p psRow) bool { return p.cmd == w.cmd })
			if i < 0 {
				t.Errorf("ps aux does not list %s:\n%s", w.cmd, got.stdout)
				continue
			}
			p := procs[i]
			if w.pid != "" && p.pid != w.pid {
				t.Errorf("%s: pid %s, want %s", w.cmd, p.pid, w.pid)
			}
			if !strings.HasPrefix(p.stat, w.stat) {
				t.Errorf("%s: state %s, want %s", w.cmd, p.stat, w.stat)
			}
		}
	})

	// kill of a background sleep: pidof finds it in /proc, SIGTERM ends it,
	// and wait returns at once instead of after 10 s.
	t.Run("kill", func(t *testing.T) {
		start := time.Now()
		got := gosh(t, root, "sleep 10 & sleep 0.3; kill $(pidof sleep); wait; pidof sleep; echo pidof=$?")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("kill did not end the background sleep: the shell ran %v", d)
		}
		if got.stdout != "pidof=1\n" {
			t.Errorf("after kill: stdout %q, want %q (no sleep left; pidof and kill need /proc)\nstderr: %s", got.stdout, "pidof=1\n", got.stderr)
		}
	})
}

// psRow is one line of u-root's `ps aux`: PID PGRP SID TTY STAT TIME COMMAND.
type psRow struct{ pid, stat, cmd string }

func parsePs(t *testing.T, out string) []psRow {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || !slices.Equal(strings.Fields(lines[0]), []string{"PID", "PGRP", "SID", "TTY", "STAT", "TIME", "COMMAND"}) {
		t.Fatalf("ps aux: unexpected header:\n%s", out)
	}
	var rows []psRow
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 7 {
			t.Fatalf("ps aux: short line %q", l)
		}
		rows = append(rows, psRow{pid: f[0], stat: f[4], cmd: f[6]})
	}
	return rows
}
