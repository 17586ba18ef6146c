package vessel_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The terminal, end to end: vessel runs on a pseudo-terminal made here, as
// the session leader with the terminal as its controlling terminal and
// standard streams, the way a login shell starts a program. The test types
// at the master side and reads what the terminal shows. Where qemu-riscv64
// is right (it leaves the terminal to the host's own line discipline, so
// it shows what Linux does), the screen must be the same byte for byte.

// ptyDeadline bounds every wait for expected output: a failure, not
// synchronisation.
const ptyDeadline = 60 * time.Second

// ptySession is a program running on a pseudo-terminal.
type ptySession struct {
	t      *testing.T
	master *os.File
	slave  *os.File // kept open, for TCGETS after the program ends
	cmd    *exec.Cmd
	before unix.Termios // the terminal's settings before the program ran

	mu     sync.Mutex
	out    []byte        // guarded by mu: everything the terminal showed
	seen   int           // guarded by mu: how far expect has read
	notify chan struct{} // a byte arrived
	done   chan struct{} // closed when the master reads end of file
}

// startPTY runs name with args on a new pseudo-terminal of 24 rows and 80
// columns with Linux's default settings. extraEnv is added to the
// environment.
func startPTY(t *testing.T, extraEnv []string, name string, args ...string) *ptySession {
	t.Helper()
	m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminals: %v", err)
	}
	master := os.NewFile(uintptr(m), "/dev/ptmx")
	t.Cleanup(func() { master.Close() })
	must(t, unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(m, unix.TIOCGPTN)
	must(t, err)
	slave, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	must(t, err)
	t.Cleanup(func() { slave.Close() })
	must(t, unix.IoctlSetWinsize(m, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}))
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	must(t, err)

	s := &ptySession{t: t, master: master, slave: slave, before: *before,
		notify: make(chan struct{}, 1), done: make(chan struct{})}
	s.cmd = exec.Command(name, args...)
	s.cmd.Env = append(os.Environ(), extraEnv...)
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = slave, slave, slave
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	must(t, s.cmd.Start())
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
	})
	go s.read()
	return s
}

func (s *ptySession) read() {
	defer close(s.done)
	b := make([]byte, 4096)
	for {
		n, err := s.master.Read(b)
		if n > 0 {
			s.mu.Lock()
			s.out = append(s.out, b[:n]...)
			s.mu.Unlock()
			select {
			case s.notify <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

// expect waits until the terminal shows want after what earlier calls
// consumed, and consumes through it.
func (s *ptySession) expect(want string) {
	s.t.Helper()
	timeout := time.After(ptyDeadline)
	for {
		s.mu.Lock()
		i := bytes.Index(s.out[s.seen:], []byte(want))
		if i >= 0 {
			s.seen += i + len(want)
		}
		s.mu.Unlock()
		if i >= 0 {
			return
		}
		select {
		case <-s.notify:
		case <-s.done:
			s.mu.Lock()
			found := bytes.Contains(s.out[s.seen:], []byte(want))
			s.mu.Unlock()
			if !found {
				s.t.Fatalf("the terminal closed without showing %q; it showed:\n%q", want, s.transcript())
			}
		case <-timeout:
			s.t.Fatalf("waited %v for %q; the terminal showed:\n%q", ptyDeadline, want, s.transcript())
		}
	}
}

// send types b.
func (s *ptySession) send(b string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(b)); err != nil {
		s.t.Fatal(err)
	}
}

// resize changes the window size, as a terminal emulator's window does.
func (s *ptySession) resize(rows, cols uint16) {
	s.t.Helper()
	must(s.t, unix.IoctlSetWinsize(int(s.master.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}))
}

// wait waits for the program to end and returns its status as a shell
// reports it, and the terminal's settings then.
func (s *ptySession) wait() (int, unix.Termios) {
	s.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
	case <-time.After(ptyDeadline):
		s.cmd.Process.Kill()
		s.t.Fatalf("the program did not end; the terminal showed:\n%q", s.transcript())
	}
	after, terr := unix.IoctlGetTermios(int(s.slave.Fd()), unix.TCGETS)
	must(s.t, terr)
	s.slave.Close() // the last slave descriptor: the master reads end of file
	select {
	case <-s.done:
	case <-time.After(ptyDeadline):
		s.t.Fatal("the terminal did not close")
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	} else if err != nil {
		s.t.Fatal(err)
	}
	return code, *after
}

func (s *ptySession) transcript() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.out)
}

// checkRestored fails unless the terminal's settings are those it had
// before the program ran.
func (s *ptySession) checkRestored(after unix.Termios) {
	s.t.Helper()
	if after != s.before {
		s.t.Errorf("the terminal's settings were not restored:\n got %+v\nwant %+v", after, s.before)
	}
}

// runner starts a guest under vessel or under qemu-riscv64 on a terminal.
type runner struct {
	name  string
	start func(t *testing.T, bin string, args ...string) *ptySession
}

var ptyRunners = []runner{
	{"vessel", func(t *testing.T, bin string, args ...string) *ptySession {
		return startPTY(t, nil, vesselBin, append([]string{"run", bin}, args...)...)
	}},
	{"qemu", func(t *testing.T, bin string, args ...string) *ptySession {
		return startPTY(t, nil, "qemu-riscv64", append([]string{bin}, args...)...)
	}},
}

// TestTTYCanonical: a program reading lines in canonical mode. Typed keys
// are echoed; DEL erases a character, ^W a word, ^U the line (each rubbed
// out on the screen, ^A shown as ^A and erased as two columns); a resize
// of the window sends SIGWINCH; ^D at the start of a line is end of file.
// The screen must be what Linux's own line discipline shows, and the
// terminal's settings afterwards what they were.
func TestTTYCanonical(t *testing.T) {
	bin := guest(t, "tty_line", false)
	screens := map[string]string{}
	for _, r := range ptyRunners {
		t.Run(r.name, func(t *testing.T) {
			s := r.start(t, bin)
			s.expect("tty: yes\r\nfg: yes\r\ncanonical: yes\r\nsize 24x80\r\nready\r\n")
			s.send("abx\x7fc\n")
			s.expect("abx\b \bc\r\n" + `got 4 "abc\n"` + "\r\n")
			s.send("foo bar\x17baz\r")
			s.expect("foo bar\b \b\b \b\b \bbaz\r\n" + `got 8 "foo baz\n"` + "\r\n")
			s.send("\x01q\x15zz\t\x7fy\n")
			s.expect("^Aq\b \b\b \b\b \bzz\t\b\b\b\b\b\by\r\n" + `got 4 "zzy\n"` + "\r\n")
			s.resize(30, 100)
			s.expect("winch 30x100\r\n")
			s.send("half")
			s.send(" line\n")
			s.expect(`got 10 "half line\n"` + "\r\n")
			s.send("\x04")
			s.expect("eof\r\n")
			code, after := s.wait()
			if code != 0 {
				t.Errorf("exit status %d, want 0", code)
			}
			if r.name == "vessel" {
				s.checkRestored(after)
			}
			screens[r.name] = s.transcript()
		})
	}
	if v, q := screens["vessel"], screens["qemu"]; v != "" && q != "" && v != q {
		t.Errorf("the screen under vessel differs from Linux's (qemu-riscv64):\n%s", diff(v, q))
	}
}

// TestTTYInterrupt: Ctrl-C in the middle of a line ends a foreground
// program that reads (128+SIGINT), shows ^C, and the terminal gets its
// settings back although the program died of a signal. (The partial line
// is typed apart from the ^C: an interrupt discards echo not yet shown,
// on Linux as in vessel.)
func TestTTYInterrupt(t *testing.T) {
	bin := guest(t, "tty_line", false)
	screens := map[string]string{}
	for _, r := range ptyRunners {
		t.Run(r.name, func(t *testing.T) {
			s := r.start(t, bin)
			s.expect("ready\r\n")
			s.send("partial")
			s.expect("partial")
			s.send("\x03")
			s.expect("^C")
			code, after := s.wait()
			if code != 130 {
				t.Errorf("exit status %d, want 130 (SIGINT)", code)
			}
			if r.name == "vessel" {
				s.checkRestored(after)
			}
			screens[r.name] = s.transcript()
		})
	}
	if v, q := screens["vessel"], screens["qemu"]; v != "" && q != "" && v != q {
		t.Errorf("the screen under vessel differs from Linux's (qemu-riscv64):\n%s", diff(v, q))
	}
}

// TestTTYRaw: a program that switches to raw mode with cfmakeraw gets each
// key as it is typed, one read per key, with no echo, no CR mapping and no
// signal keys; its output is not processed; VTIME ends a read with 0. It
// leaves the terminal raw: vessel restores it all the same.
func TestTTYRaw(t *testing.T) {
	bin := guest(t, "tty_raw", false)
	screens := map[string]string{}
	for _, r := range ptyRunners {
		t.Run(r.name, func(t *testing.T) {
			s := r.start(t, bin)
			s.expect("raw\n")
			for _, k := range []struct{ key, hex string }{
				{"a", "61"}, {"\r", "0d"}, {"\x03", "03"}, {"\x1a", "1a"}, {"\x1c", "1c"}, {"\x7f", "7f"}, {"\x04", "04"}, {"q", "71"},
			} {
				s.send(k.key)
				s.expect("read 1: " + k.hex + "\r\n")
			}
			s.expect("timeout 0\r\n")
			code, after := s.wait()
			if code != 0 {
				t.Errorf("exit status %d, want 0", code)
			}
			if r.name == "vessel" {
				s.checkRestored(after)
			}
			screens[r.name] = s.transcript()
		})
	}
	if v, q := screens["vessel"], screens["qemu"]; v != "" && q != "" && v != q {
		t.Errorf("the screen under vessel differs from Linux's (qemu-riscv64):\n%s", diff(v, q))
	}
}

// TestTTYJobControl: a tiny shell inside the guest runs a job in its own
// process group in the foreground; Ctrl-Z stops the job (the shell's
// waitpid with WUNTRACED says SIGTSTP), and the job, continued in the
// background, is stopped again by SIGTTIN when it reads; a background
// write under TOSTOP gets SIGTTOU; tcsetpgrp, TIOCSCTTY and TIOCNOTTY
// follow Linux's rules. The output must be what the program gives natively
// on Linux (its header); qemu-riscv64 stops its guests with SIGSTOP and
// cannot be compared.
func TestTTYJobControl(t *testing.T) {
	bin := guest(t, "tty_jobs", false)
	src, err := os.ReadFile("testdata/guest/tty_jobs.c")
	must(t, err)
	want := expectedOutput(t, string(src))
	s := startPTY(t, nil, vesselBin, "run", bin)
	s.expect("job reading\r\n")
	s.send("\x1a")
	s.expect("^Z")
	code, after := s.wait()
	if code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	s.checkRestored(after)
	got := strings.ReplaceAll(strings.ReplaceAll(s.transcript(), "^Z", ""), "\r\n", "\n")
	if got != want {
		t.Errorf("output differs from Linux's:\n%s", diff(got, want))
	}
}

// TestTTYHostSignal: SIGTERM or SIGHUP sent to vessel itself while the
// host terminal is raw: vessel gives the terminal its settings back and
// dies of the signal, as it did before it had a terminal of its own.
func TestTTYHostSignal(t *testing.T) {
	bin := guest(t, "tty_line", false)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			s := startPTY(t, nil, vesselBin, "run", bin)
			s.expect("ready\r\n")
			must(t, s.cmd.Process.Signal(sig))
			code, after := s.wait()
			if code != 128+int(sig) {
				t.Errorf("exit status %d, want %d", code, 128+int(sig))
			}
			s.checkRestored(after)
		})
	}
}

// TestTTYSuspendOrphaned: Ctrl-Z stops the first program itself, which
// nothing in the guest can continue, so vessel restores the terminal and
// stops itself with SIGTSTP. Here nothing above vessel does job control
// (its process group is orphaned), so the host discards the SIGTSTP, as
// for any program, and vessel continues the guest at once: the guest's
// SIGCONT handler shows it, and the guest reads on.
func TestTTYSuspendOrphaned(t *testing.T) {
	bin := guest(t, "tty_line", false)
	s := startPTY(t, nil, vesselBin, "run", bin, "cont")
	s.expect("ready\r\n")
	s.send("\x1a")
	s.expect("^Z[cont]\r\n")
	s.send("after\n")
	s.expect(`got 6 "after\n"` + "\r\n")
	s.send("\x04")
	s.expect("eof\r\n")
	code, after := s.wait()
	if code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	s.checkRestored(after)
}

// TestTTYSuspend: the same under a job-control shell (this test binary in
// its shell mode, see ttyShell): vessel stops as a job does, with the
// terminal's settings given back while it is stopped; continued by the
// shell, it takes raw mode again and continues the guest, which goes on
// reading.
func TestTTYSuspend(t *testing.T) {
	bin := guest(t, "tty_line", false)
	self, err := os.Executable()
	must(t, err)
	s := startPTY(t, []string{"VESSEL_TTY_SHELL=1"}, self, vesselBin, "run", bin, "cont")
	s.expect("ready\r\n")
	s.send("\x1a")
	s.expect("^Z")
	s.expect("shell: vessel stopped by SIGTSTP\r\nshell: terminal restored: yes\r\n")
	// The shell's "continued" and the guest's "[cont]" race to the
	// terminal once the shell has sent SIGCONT: either may come first.
	s.expect("[cont]\r\n")
	if !strings.Contains(s.transcript(), "shell: continued") {
		s.expect("shell: continued")
	}
	s.send("after\n")
	s.expect("after\r\n" + `got 6 "after\n"` + "\r\n")
	s.send("\x04")
	s.expect("eof\r\n")
	s.expect("shell: vessel exited 0")
	code, after := s.wait()
	if code != 0 {
		t.Errorf("the shell's exit status %d, want 0", code)
	}
	if n := strings.Count(s.transcript(), "shell: vessel stopped"); n != 1 {
		t.Errorf("vessel stopped %d times, want once", n)
	}
	s.checkRestored(after)
}

// TestTTYSuspendSelf: a job that stops itself (kill(0, SIGTSTP), as a
// full-screen program does for a ^Z it reads in raw mode) suspends vessel
// as Ctrl-Z does; continued by the shell, vessel continues the job.
func TestTTYSuspendSelf(t *testing.T) {
	bin := guest(t, "tty_line", false)
	self, err := os.Executable()
	must(t, err)
	// Under --init: the program is not PID 1, which takes from inside
	// only the signals it has a handler for.
	s := startPTY(t, []string{"VESSEL_TTY_SHELL=1"}, self, vesselBin, "run", "--init", bin, "cont", "stopself")
	s.expect("ready\r\n")
	s.send("stop\n")
	s.expect(`got 5 "stop\n"` + "\r\n")
	s.expect("shell: vessel stopped by SIGTSTP\r\nshell: terminal restored: yes\r\n")
	s.expect("[cont]\r\n") // may come before or after the shell's "continued"
	if !strings.Contains(s.transcript(), "shell: continued") {
		s.expect("shell: continued")
	}
	s.send("after\n")
	s.expect("after\r\n" + `got 6 "after\n"` + "\r\n")
	s.send("\x04")
	s.expect("eof\r\n")
	s.expect("shell: vessel exited 0")
	code, after := s.wait()
	if code != 0 {
		t.Errorf("the shell's exit status %d, want 0", code)
	}
	if n := strings.Count(s.transcript(), "shell: vessel stopped"); n != 1 {
		t.Errorf("vessel stopped %d times, want once", n)
	}
	s.checkRestored(after)
}

// A job-control shell for TestTTYSuspend: with VESSEL_TTY_SHELL=1 the
// test binary runs its arguments as a foreground job in a process group
// of its own on its terminal, reports when the job stops (and whether the
// terminal then has the settings it had before the job), continues it,
// and exits with its status.
func init() {
	if os.Getenv("VESSEL_TTY_SHELL") == "1" {
		os.Exit(ttyShell(os.Args[1:]))
	}
}

func ttyShell(args []string) int {
	say := func(format string, a ...any) { fmt.Printf("shell: "+format+"\n", a...) }
	before, err := unix.IoctlGetTermios(0, unix.TCGETS)
	if err != nil {
		say("not a terminal: %v", err)
		return 1
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		say("%v", err)
		return 1
	}
	pid := cmd.Process.Pid
	// Like a shell, take the terminal back from the background without
	// being stopped. Ignored only now: the job would inherit it.
	signal.Ignore(syscall.SIGTTOU)
	for {
		var ws syscall.WaitStatus
		if _, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil); err != nil {
			say("wait: %v", err)
			return 1
		}
		switch {
		case ws.Stopped():
			say("vessel stopped by %v", unix.SignalName(ws.StopSignal()))
			now, _ := unix.IoctlGetTermios(0, unix.TCGETS)
			ok := "no"
			if now != nil && *now == *before {
				ok = "yes"
			}
			say("terminal restored: %s", ok)
			unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, pid) // fg
			syscall.Kill(-pid, syscall.SIGCONT)
			say("continued")
		case ws.Exited():
			unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, unix.Getpgrp())
			say("vessel exited %d", ws.ExitStatus())
			return ws.ExitStatus()
		default:
			say("vessel ended: %v", ws)
			return 1
		}
	}
}
