package vessel_test

import (
	"bufio"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestEscape runs a guest confined with --root that tries every way out of
// its root it can name: .., absolute and relative symlinks, a directory
// descriptor at the root, chdir, a symlink it makes itself, rename. None
// may reach the host file beside the root.
func TestEscape(t *testing.T) {
	bin := guest(t, "escape", false)
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	must(t, os.Mkdir(root, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "outside.txt"), []byte("outside\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "inside.txt"), []byte("inside\n"), 0o644))
	for name, target := range map[string]string{"abs": "/", "up": "../..", "etc": "/etc", "loop": "loop"} {
		must(t, os.Symlink(target, filepath.Join(root, name)))
	}
	prog, err := os.ReadFile(bin)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(root, "escape"), prog, 0o755))

	got := vessel(t, []string{"--root", root}, "/escape", nil)
	if got.code != 0 {
		t.Fatalf("exit status %d, want 0; stderr: %s", got.code, got.stderr)
	}
	want := `/inside.txt: inside
inside.txt: inside
../outside.txt: ENOENT
/../outside.txt: ENOENT
../../../../outside.txt: ENOENT
/abs/../outside.txt: ENOENT
abs/outside.txt: ENOENT
up/outside.txt: ENOENT
up/up/outside.txt: ENOENT
/proc/../../outside.txt: ENOENT
loop: ELOOP
../outside.txt: ENOENT
../../outside.txt: ENOENT
cwd after chdir(../../..): /
outside.txt: ENOENT
/made: ENOENT
rename out: ok (stayed inside)
`
	if got.stdout != want {
		t.Errorf("guest output:\n%s", diff(got.stdout, want))
	}
	if _, err := os.Stat(filepath.Join(dir, "moved.txt")); err == nil {
		t.Errorf("rename moved a file out of the root")
	}
	if _, err := os.Stat(filepath.Join(root, "moved.txt")); err != nil {
		t.Errorf("rename inside the root: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "outside.txt")); string(b) != "outside\n" {
		t.Errorf("the host file outside the root changed: %q", b)
	}
}

// TestTraps: guests that fault or execute what is not code die of the
// signal Linux gives, as qemu-riscv64 shows.
func TestTraps(t *testing.T) {
	cases := []struct {
		prog, mode string
		code       int
	}{
		{"segv", "rodata", 139},
		{"segv", "mprotect", 139},
		{"segv", "null", 139},
		{"segv", "jump0", 139},
		{"illegal", "zero", 132},
		{"illegal", "garbage", 132},
		{"illegal", "ebreak", 133},
	}
	for _, tc := range cases {
		t.Run(tc.prog+"-"+tc.mode, func(t *testing.T) {
			bin := guest(t, tc.prog, false)
			want := qemu(t, bin, false, nil, tc.mode)
			got := vessel(t, nil, bin, nil, tc.mode)
			if want.code != tc.code {
				t.Fatalf("qemu-riscv64 exit status %d, want %d", want.code, tc.code)
			}
			if got.code != tc.code || got.stdout != want.stdout {
				t.Errorf("got status %d output %q, want %d %q (stderr %s)", got.code, got.stdout, tc.code, want.stdout, got.stderr)
			}
		})
	}
}

// TestBadInput: what cannot run gets one line naming the file and the
// reason, and a shell's exit status.
func TestBadInput(t *testing.T) {
	setup(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, b, 0o755))
		return p
	}
	hello, err := os.ReadFile(guest(t, "hello", false))
	must(t, err)
	hostBin, err := os.Executable() // an x86-64 (or other host) ELF
	must(t, err)
	elf64 := append([]byte(nil), hello[:64]...)
	cases := []struct {
		name string
		args []string
		code int
		msg  string // a regexp the single stderr line must match
	}{
		{"text file", []string{"run", write("notes.txt", []byte("just text\n"))}, 126, `: (exec format error|not an ELF)`},
		{"empty file", []string{"run", write("empty", nil)}, 126, `empty: `},
		{"host binary", []string{"run", hostBin}, 126, `not a riscv64 ELF`},
		{"truncated", []string{"run", write("trunc", hello[:200])}, 126, `trunc: truncated`},
		{"header only", []string{"run", write("hdr", elf64)}, 126, `hdr: `},
		{"not executable", []string{"run", writeMode(t, dir, "noexec", hello, 0o644)}, 126, `permission denied`},
		{"directory", []string{"run", dir}, 126, `permission denied`},
		{"missing", []string{"run", filepath.Join(dir, "nope")}, 127, `no such file or directory`},
		{"missing interpreter", []string{"run", guest(t, "hello", true)}, 127, `interpreter .*: no such file or directory`},
		{"unknown flag", []string{"run", "--bogus", "x"}, 2, `-bogus`},
		{"no program", []string{"run"}, 2, `needs a PROGRAM`},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command`},
		{"bad root", []string{"run", "--root", filepath.Join(dir, "nope"), "/x"}, 2, `--root .*: not a directory`},
		{"bad -E", []string{"run", "-E", "NOEQUALS", "/x"}, 2, `want VAR=VALUE`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runCmd(t, nil, vesselBin, tc.args...)
			if got.code != tc.code {
				t.Errorf("exit status %d, want %d (stderr %q)", got.code, tc.code, got.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "vessel: ") || !regexp.MustCompile(tc.msg).MatchString(lines[0]) {
				t.Errorf("stderr %q: want one line starting \"vessel: \" and matching %q", got.stderr, tc.msg)
			}
		})
	}
}

func writeMode(t *testing.T, dir, name string, b []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	must(t, os.WriteFile(p, b, mode))
	return p
}

// TestCommands: version and help answer on stdout with status 0.
func TestCommands(t *testing.T) {
	setup(t)
	for _, tc := range []struct{ arg, want string }{{"version", "vessel "}, {"help", "Usage:"}} {
		got := runCmd(t, nil, vesselBin, tc.arg)
		if got.code != 0 || !strings.Contains(got.stdout, tc.want) {
			t.Errorf("vessel %s: status %d, stdout %q; want 0 and %q", tc.arg, got.code, got.stdout, tc.want)
		}
	}
}

// TestEnv: -E sets and -U removes variables of the guest's environment.
func TestEnv(t *testing.T) {
	bin := guest(t, "args", false)
	got := vessel(t, []string{"-E", "VESSEL_TEST_SET=yes", "-U", "VESSEL_TEST_GONE"}, bin, []string{"VESSEL_TEST_GONE=1", "VESSEL_TEST_KEPT=1"})
	if !strings.Contains(got.stdout, "VESSEL_TEST_SET=yes") || !strings.Contains(got.stdout, "VESSEL_TEST_KEPT=1") ||
		strings.Contains(got.stdout, "VESSEL_TEST_GONE") {
		t.Errorf("guest environment:\n%s", got.stdout)
	}
}

// TestCredentialsInherited: the first program has vessel's user and group
// ids and supplementary groups, as a program vessel started on the host
// would (vessel run as another user and groups by setpriv, as root).
func TestCredentialsInherited(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("setpriv needs root to change ids")
	}
	// The program where user 1234 can read it (the build directory is
	// root's alone).
	dir, err := os.MkdirTemp("", "vessel-creds-")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o755))
	data, err := os.ReadFile(guest(t, "whoami", false))
	must(t, err)
	bin := filepath.Join(dir, "whoami")
	must(t, os.WriteFile(bin, data, 0o755))
	cmd := exec.Command("setpriv", "--reuid=1234", "--regid=2345", "--groups=5,7", vesselBin, "run", bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("setpriv ... vessel run whoami: %v\n%s", err, out)
	}
	if got, want := string(out), "uid 1234 euid 1234 gid 2345 egid 2345 groups 2: 5 7\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestStrace compares --strace-file output of a static hello with a golden
// file, addresses masked (they depend on the environment's size) and the
// program's path too.
func TestStrace(t *testing.T) {
	bin := guest(t, "hello", false)
	out := filepath.Join(t.TempDir(), "strace.txt")
	got := vessel(t, []string{"--strace-file", out}, bin, nil)
	if got.code != 0 || got.stdout != "hello, world\n" {
		t.Fatalf("status %d stdout %q", got.code, got.stdout)
	}
	b, err := os.ReadFile(out)
	must(t, err)
	// The program's path (and so its length) is a temporary one.
	text := regexp.MustCompile(`"/proc/self/exe", "[^"]*"(\.\.\.)?, 4096\) = \d+`).
		ReplaceAllString(string(b), `"/proc/self/exe", "PROG", 4096) = LEN`)
	text = regexp.MustCompile(`0x[0-9a-f]+`).ReplaceAllString(text, "0xADDR")
	golden := filepath.Join("testdata", "strace", "hello.golden")
	if *update {
		must(t, os.MkdirAll(filepath.Dir(golden), 0o755))
		must(t, os.WriteFile(golden, []byte(text), 0o644))
	}
	want, err := os.ReadFile(golden)
	must(t, err)
	if text != string(want) {
		t.Errorf("strace output differs from %s:\n%s", golden, diff(text, string(want)))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestENOSYS: an unimplemented syscall returns ENOSYS, like qemu-riscv64,
// and vessel says so once on standard error, however often it is called.
func TestENOSYS(t *testing.T) {
	bin := guest(t, "enosys", false)
	want := qemu(t, bin, false, nil)
	got := vessel(t, nil, bin, nil)
	if got.code != 0 || got.stdout != want.stdout {
		t.Errorf("got status %d output %q, want 0 %q", got.code, got.stdout, want.stdout)
	}
	if n := strings.Count(got.stderr, "not implemented"); n != 1 {
		t.Errorf("stderr %q: want the syscall reported once, got %d times", got.stderr, n)
	}
}

// TestGuestExpected runs guest programs on which qemu-riscv64 7.2 differs
// from Linux and compares them with the Linux output their header gives
// after "Expected output".
func TestGuestExpected(t *testing.T) {
	cases := []struct {
		name string
		args func(t *testing.T) []string // nil: none
	}{
		{name: "noreplace"}, {name: "vfork"}, {name: "orphan"}, {name: "pidfd"}, {name: "execveat"},
		{name: "txtbusy", args: tempDirArg},
		{name: "autoreap"}, {name: "pdeathsig"}, {name: "robust"}, {name: "orphanpg"}, {name: "proc_self"},
		{name: "mq_notify"},
		{name: "mqfs"},
		{name: "unix_cmsg"},
		{name: "preadv"},
		{name: "sethost"},
		{name: "compat_linux"},
		{name: "cputimer"},
	}
	for _, tc := range cases {
		name := tc.name
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "guest", name+".c"))
			must(t, err)
			want := expectedOutput(t, string(src))
			var args []string
			if tc.args != nil {
				args = tc.args(t)
			}
			got := vessel(t, nil, guest(t, name, false), nil, args...)
			if got.code != 0 || got.stdout != want {
				t.Errorf("status %d, output:\n%s\nwant status 0 and:\n%s", got.code, got.stdout, want)
			}
		})
	}
}

// expectedOutput collects the lines indented under "Expected output" in a
// C header comment (" *   line").
func expectedOutput(t *testing.T, src string) string {
	t.Helper()
	var out strings.Builder
	in := false
	for _, line := range strings.Split(src, "\n") {
		switch {
		case strings.Contains(line, "Expected output"):
			in = true
		case in && strings.HasPrefix(line, " *   "):
			out.WriteString(strings.TrimPrefix(line, " *   ") + "\n")
		case in:
			if out.Len() == 0 {
				t.Fatal("no lines after \"Expected output\"")
			}
			return out.String()
		}
	}
	t.Fatal("no \"Expected output\" in the header")
	return ""
}

// TestInit: with --init the program is PID 2 under vessel's init, which
// reaps every orphan and exits with the program's status, signal deaths
// included.
func TestInit(t *testing.T) {
	cases := []struct {
		name, prog string
		args       []string
		code       int
		stdout     string
	}{
		{"ids without init", "ids", nil, 3, "pid 1 ppid 0\n"},
		{"ids", "ids", []string{"--init"}, 3, "pid 2 ppid 1\n"},
		{"killed", "segv", []string{"--init"}, 139, "segv: rodata\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := vessel(t, tc.args, guest(t, tc.prog, false), nil)
			if got.code != tc.code || got.stdout != tc.stdout {
				t.Errorf("status %d, output %q; want %d, %q", got.code, got.stdout, tc.code, tc.stdout)
			}
		})
	}
	// A fork tree under init: orphans end up with init, which reaps them.
	bin := guest(t, "forktree", false)
	want := qemu(t, bin, false, nil)
	got := vessel(t, []string{"--init"}, bin, nil)
	if got.code != want.code || got.stdout != want.stdout {
		t.Errorf("forktree under --init: status %d, want %d; output:\n%s", got.code, want.code, diff(got.stdout, want.stdout))
	}
}

// TestDeterministic: with --deterministic the same seed gives the same
// event trace, byte for byte, translated or interpreted (--interpret);
// another seed interleaves the threads differently; the program's output
// is the same as under qemu-riscv64.
func TestDeterministic(t *testing.T) {
	bin := guest(t, "threads", false)
	want := qemu(t, bin, false, nil)
	dir := t.TempDir()
	runs := 0
	trace := func(seed string, flags ...string) string {
		t.Helper()
		runs++
		out := filepath.Join(dir, "trace-"+strconv.Itoa(runs))
		got := vessel(t, append(flags, "--deterministic", "--seed", seed, "--trace-json", out), bin, nil)
		if got.code != 0 || got.stdout != want.stdout {
			t.Fatalf("seed %s: status %d, output differs from qemu-riscv64:\n%s", seed, got.code, diff(got.stdout, want.stdout))
		}
		b, err := os.ReadFile(out)
		must(t, err)
		return string(b)
	}
	a, b, c := trace("1"), trace("1"), trace("2")
	if a != b {
		t.Errorf("two runs with seed 1 gave different traces:\n%s", diff(a, b))
	}
	if i := trace("1", "--interpret"); a != i {
		t.Errorf("seed 1 interpreted gave another trace than translated:\n%s", diff(a, i))
	}
	if a == c {
		t.Errorf("seeds 1 and 2 gave the same trace")
	}
	if !strings.Contains(a, `"kind":"switch"`) || !strings.Contains(a, `"kind":"state"`) {
		t.Errorf("trace lacks switch and state events")
	}
}

// TestInitDeath: when PID 1 exits, its namespace dies with it: sleeping
// children are killed and vessel exits at once with PID 1's status. (A
// hang here is the failure; the test binary's own timeout ends it.)
func TestInitDeath(t *testing.T) {
	got := vessel(t, nil, guest(t, "abandon", false), nil)
	if got.code != 4 {
		t.Errorf("exit status %d, want 4 (stderr %q)", got.code, got.stderr)
	}
}

// TestForwardSignals: with standard input not a terminal, a SIGTERM sent
// to vessel reaches the guest's process group; PID 1 takes it through its
// handler.
func TestForwardSignals(t *testing.T) {
	bin := guest(t, "sigterm", false)
	cmd := exec.Command(vesselBin, "run", bin)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	r := bufio.NewReader(stdout)
	if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("guest said %q (%v)", line, err)
	}
	must(t, cmd.Process.Signal(syscall.SIGTERM))
	rest, _ := io.ReadAll(r)
	err = cmd.Wait()
	if string(rest) != "got SIGTERM\n" || err != nil {
		t.Errorf("after SIGTERM: output %q, wait %v; want \"got SIGTERM\" and status 0", rest, err)
	}
}
