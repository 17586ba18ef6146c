package vessel_test

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Go's own test suites for os, os/exec, sync and syscall, built for
// riscv64 with `go test -c`, run under vessel with -test.short in a guest
// root of their own: u-root's commands in /bin and /usr/bin (os/exec's tests run pwd,
// hostname, sh, echo), /etc/{passwd,group,hosts}, a home directory, /tmp,
// and the package sources at /src/PKG, which the tests expect as their
// working directory (testdata, *_test.go). The test binaries live at
// /gotest, two levels below / as under `go test`, and start through the
// userland's env (-i -C DIR), which sets the working directory and a clean
// environment and then execs them.

// goosFailure is a test that fails under vessel, and why.
type goosFailure struct {
	test  string // a top-level test name
	cause string // the root cause and where the fix belongs
}

// goosQemuFailures lists, per package, the tests that fail under
// qemu-riscv64 too (README.md lists them): syscall's TestExecPtrace, since
// neither has ptrace (ENOSYS), and its TestGroupCleanup, which wants `id`
// to name root's group, and u-root's id names the group only from the
// supplementary groups, which a guest inherits from the host process that
// starts it and this machine's root has none of. qemu-riscv64 7.2 also
// fails os's TestExecutable (its /proc/self/exe in a child started by a
// relative path that then changed directory), which vessel passes.
var goosQemuFailures = map[string][]string{
	"syscall": {"TestExecPtrace", "TestGroupCleanup"},
}

// goosVesselFailures is the to-do list: the tests that pass under
// qemu-riscv64 (and Linux) but fail under vessel, each with its root cause
// and the code that needs the fix. TestGoOSPackages skips them; remove an
// entry once its cause is fixed. VESSEL_GOOS_ALL=1 runs the packages without
// this list, to see which entries pass by now.
var goosVesselFailures = map[string][]goosFailure{}

var goosPackages = []string{"os", "os/exec", "sync", "syscall"}

func TestGoOSPackages(t *testing.T) {
	t.Parallel()
	setup(t)
	dir := t.TempDir()

	// The test binaries build (one go command, so their common packages
	// compile once) while the userland root does.
	start := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		cmd := exec.Command("go", append([]string{"test", "-c", "-o", dir + "/"}, goosPackages...)...)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=riscv64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go test -c %s: %v\n%s", strings.Join(goosPackages, " "), err, out)
		}
	})
	defer wg.Wait() // also when userland fails the test
	userlandRoot := userland(t)
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("built the test binaries and the userland root in %v", time.Since(start).Round(time.Millisecond))

	root := goosRoot(t, userlandRoot, dir)
	for _, pkg := range goosPackages {
		t.Run(pkg, func(t *testing.T) {
			skip := goosQemuFailures[pkg]
			if os.Getenv("VESSEL_GOOS_ALL") == "" {
				for _, f := range goosVesselFailures[pkg] {
					skip = append(skip, f.test)
				}
			}
			args := []string{"run", "--root", root, "/bin/env", "-i", "-C", "/src/" + pkg,
				"PATH=/bin:/usr/bin", "HOME=/root", "TMPDIR=/tmp", "USER=root", "PWD=/src/" + pkg,
				"/gotest/" + goosBinary(pkg), "-test.short", "-test.timeout=4m"}
			if len(skip) > 0 {
				// A -test.run pattern turns off os/exec's check that
				// every helper command was used: the skipped tests
				// use some.
				args = append(args, "-test.run=.", "-test.skip=^("+strings.Join(skip, "|")+")$")
			}
			start := time.Now()
			got := vesselTimed(t, 5*time.Minute, "", args...)
			t.Logf("%s tests under vessel: %v", pkg, time.Since(start).Round(time.Millisecond))
			if got.code != 0 || !strings.HasSuffix(got.stdout, "PASS\n") {
				t.Errorf("%s tests under vessel: status %d\n%s\nstderr:\n%s", pkg, got.code, lastLines(got.stdout, 150), got.stderr)
			}
		})
	}
}

// goosBinary names the test binary of pkg, as `go test -c -o DIR/` does.
func goosBinary(pkg string) string { return filepath.Base(pkg) + ".test" }

// goosRoot makes the guest root for the test binaries in dir: the
// userland's commands (hard links where the file system allows), /etc with
// hosts, /root, /tmp, the os package tree from GOROOT at /src/os and the
// binaries at /gotest.
func goosRoot(t *testing.T, userlandRoot, dir string) string {
	t.Helper()
	root := filepath.Join(dir, "root")
	for _, d := range []string{"etc", "root", "tmp", "usr", "gotest", "src"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	must(t, os.Chmod(filepath.Join(root, "tmp"), 0o1777))
	linkTree(t, filepath.Join(userlandRoot, "bin"), filepath.Join(root, "bin"))
	linkTree(t, filepath.Join(userlandRoot, "bin"), filepath.Join(root, "usr", "bin"))
	linkTree(t, filepath.Join(userlandRoot, "etc"), filepath.Join(root, "etc"))
	hosts := filepath.Join(root, "etc", "hosts")
	os.Remove(hosts) // the userland's, maybe a hard link into its cache: never write through it
	must(t, os.WriteFile(hosts, []byte("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"), 0o644))
	out, err := exec.Command("go", "env", "GOROOT").Output()
	must(t, err)
	goroot := strings.TrimSpace(string(out))
	for _, pkg := range []string{"os", "sync", "syscall"} { // os/exec is inside os
		must(t, os.CopyFS(filepath.Join(root, "src", pkg), os.DirFS(filepath.Join(goroot, "src", pkg))))
	}
	for _, pkg := range goosPackages {
		must(t, os.Rename(filepath.Join(dir, goosBinary(pkg)), filepath.Join(root, "gotest", goosBinary(pkg))))
	}
	return root
}

// linkTree recreates the tree src at dst: directories made, symbolic links
// copied, files hard-linked (copied where links fail).
func linkTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		if os.Link(path, target) == nil {
			return nil
		}
		return copyFile(path, target)
	})
	must(t, err)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = append([]string{"...\n"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "")
}
