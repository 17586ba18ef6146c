package procfs_test

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/procfs"
	"vessel/internal/syscalls"
	"vessel/internal/vfs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/procfs")

// tree is a kernel running testdata/guest/proc_golden.c, held still: every
// process sleeping, stopped or a zombie, so that the test may read /proc
// from its own goroutine.
type tree struct {
	k     *kernel.Kernel
	fs    *vfs.FS
	stdin *os.File
}

// buildGuest compiles testdata/guest/NAME.c into a static riscv64 program
// in dir.
func buildGuest(t *testing.T, name, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	src := filepath.Join("..", "..", "testdata", "guest", name+".c")
	out, err := exec.Command("riscv64-linux-gnu-gcc", "-O2", "-static", "-o", bin, src).CombinedOutput()
	if err != nil {
		t.Fatalf("riscv64-linux-gnu-gcc: %v\n%s", err, out)
	}
	return bin
}

// startTree boots a deterministic kernel confined to a temporary root
// holding the program as /proc_golden, with vessel's mounts, and waits
// until the tree stands.
func startTree(t *testing.T) *tree {
	t.Helper()
	root := t.TempDir()
	buildGuest(t, "proc_golden", root)
	fs, err := vfs.NewHostFS(root)
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
	cfg := kernel.Config{Syscalls: syscalls.New(), FS: fs, Deterministic: true, Seed: 1}
	cfg.Stdio[0] = vfs.NewHostStream(int(inR.Fd()), "/dev/pts/0")
	cfg.Stdio[1] = vfs.NewHostStream(int(outW.Fd()), "/dev/pts/0")
	cfg.Stdio[2] = vfs.NewHostStream(int(outW.Fd()), "/dev/pts/0")
	k := kernel.New(cfg)
	fs.SetClock(k.Now)
	for _, m := range []struct {
		point, source, opts string
		fsys                vfs.Filesystem
	}{
		{"/proc", "proc", "rw,nosuid,nodev,noexec,relatime", procfs.New(k)},
		{"/sys", "sysfs", "rw,nosuid,nodev,noexec,relatime", procfs.NewSysfs(k)},
		{"/dev", "udev", "rw,nosuid,relatime,mode=755", vfs.NewDevfs(k.Now)},
		{"/tmp", "tmpfs", "rw,nosuid,nodev", vfs.NewTmpfs("tmpfs", 0o1777, 0, 0, 1<<20, k.Now)},
	} {
		if err := fs.Mount(m.point, m.fsys, m.source, m.opts); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := k.StartInit("/proc_golden", []string{"/proc_golden", "arg one"}, []string{"HOME=/", "LANG=C"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-k.Done():
		case <-time.After(time.Minute):
			t.Error("the tree did not exit")
		}
	})
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("guest printed %q (%v), want ready", line, err)
	}
	tr := &tree{k: k, fs: fs, stdin: inW}
	for tid, want := range map[int32]byte{1: 'S', 2: 'T', 3: 'S', 4: 'S', 5: 'Z'} {
		tr.waitState(t, tid, want)
	}
	return tr
}

// waitState waits for task tid to reach the state with letter want; the
// bound only guards against a hang.
func (tr *tree) waitState(t *testing.T, tid int32, want byte) {
	t.Helper()
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(time.Millisecond) {
		if x := tr.k.Task(tid); x != nil && x.State().Letter() == want {
			return
		}
	}
	t.Fatalf("task %d never reached state %c", tid, want)
}

// read returns the contents of path as c reads it.
func (tr *tree) read(c vfs.Caller, path string) (string, abi.Errno) {
	f, e := tr.fs.Openat(c, nil, path, abi.O_RDONLY, 0)
	if e != 0 {
		return "", e
	}
	defer f.DecRef()
	var out []byte
	buf := make([]byte, 100) // small reads: the text must hold together across them
	for {
		n, e := f.Read(buf)
		if e != 0 {
			return "", e
		}
		if n == 0 {
			return string(out), 0
		}
		out = append(out, buf[:n]...)
	}
}

// list returns the names in directory path, without . and .., in the
// order getdents gives them, each with its d_type letter.
func (tr *tree) list(c vfs.Caller, path string) ([]string, abi.Errno) {
	f, e := tr.fs.Openat(c, nil, path, abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if e != 0 {
		return nil, e
	}
	defer f.DecRef()
	var names []string
	buf := make([]byte, 4096)
	for {
		n, e := f.Getdents64(buf)
		if e != 0 {
			return nil, e
		}
		if n == 0 {
			return names, 0
		}
		for off := 0; off < n; {
			reclen := int(binary.LittleEndian.Uint16(buf[off+16:]))
			typ := buf[off+18]
			name := string(buf[off+19 : off+reclen])
			name = name[:strings.IndexByte(name, 0)]
			if name != "." && name != ".." {
				names = append(names, name+map[uint8]string{abi.DT_DIR: "/", abi.DT_LNK: "@"}[typ])
			}
			off += reclen
		}
	}
}

// The fields that depend on how many instructions the program and its C
// library run, or on their size — the compiler's and glibc's choice, not
// vessel's — are masked with "*" in the golden files; TestRealValues
// checks them against the kernel instead. Times are stable in the
// deterministic mode but move with every instruction glibc adds.
var (
	// stat fields, numbered from 1: minflt, cminflt, utime, stime,
	// cutime, cstime, starttime, vsize, rss, startcode, endcode,
	// start_data, end_data, start_brk.
	statMasked = []int{10, 11, 14, 15, 16, 17, 22, 23, 24, 26, 27, 45, 46, 47}
	// status lines whose values are sizes or involuntary switches.
	statusMasked = regexp.MustCompile(`(?m)^(Vm\w+|Rss\w+|nonvoluntary_ctxt_switches):(\s+)\d+`)
	// sched lines of times and switch counts.
	schedMasked = regexp.MustCompile(`(?m)^(se\.vruntime|se\.sum_exec_runtime|nr_switches|nr_involuntary_switches)(\s+:\s+)[\d.]+`)
	// maps: addresses, offsets, device and inode of each line.
	mapsMasked = regexp.MustCompile(`(?m)^[0-9a-f]+-[0-9a-f]+ (\S+) [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ \d+ *`)
	numbers    = regexp.MustCompile(`\d+`)
)

func maskStat(s string) string {
	i := strings.LastIndexByte(s, ')')
	fields := strings.Fields(s[i+1:])
	for _, n := range statMasked {
		fields[n-3] = "*"
	}
	return s[:i+1] + " " + strings.Join(fields, " ") + "\n"
}

// mask hides what may not be stable in the text of file name.
func mask(name, text string) string {
	switch name {
	case "stat":
		return maskStat(text)
	case "status":
		return statusMasked.ReplaceAllString(text, "$1:$2*")
	case "statm", "schedstat", "uptime":
		return numbers.ReplaceAllString(text, "*")
	case "sched":
		return schedMasked.ReplaceAllString(text, "$1$2*")
	case "maps":
		return mapsMasked.ReplaceAllString(text, "ADDR $1 OFF DEV INO ")
	case "smaps_rollup":
		return regexp.MustCompile(`(?m)^([0-9a-f]+-[0-9a-f]+)|^((Rss|Referenced):\s+)\d+`).ReplaceAllStringFunc(text, func(s string) string {
			if strings.Contains(s, "-") {
				return "ADDR"
			}
			return numbers.ReplaceAllString(s, "*")
		})
	case "fdinfo":
		return regexp.MustCompile(`(?m)^ino:\t\d+`).ReplaceAllString(text, "ino:\t*")
	case "fd":
		return regexp.MustCompile(`pipe:\[\d+\]`).ReplaceAllString(text, "pipe:[*]")
	case "stat-system":
		return regexp.MustCompile(`(?m)^(cpu0?|ctxt)( .*)$`).ReplaceAllStringFunc(text, func(s string) string {
			return numbers.ReplaceAllString(strings.Replace(s, "cpu0", "cpuN", 1), "*")
		})
	case "meminfo":
		return regexp.MustCompile(`(?m)^((MemFree|MemAvailable|AnonPages|Committed_AS):\s+)\d+`).ReplaceAllString(text, "${1}*")
	case "version":
		return regexp.MustCompile(`\(go[^)]*\)`).ReplaceAllString(text, "(GO)")
	case "mountinfo", "mounts":
		// The root mount is the host's temporary directory.
		lines := strings.SplitN(text, "\n", 2)
		return "ROOT MOUNT\n" + lines[1]
	}
	return text
}

// pidFiles are the files of /proc/PID shown in the golden files.
var pidFiles = []string{"stat", "status", "statm", "cmdline", "environ", "comm", "limits", "sched", "schedstat",
	"wchan", "cgroup", "io", "oom_score_adj", "maps", "smaps_rollup", "mountinfo", "mounts"}

// TestGolden renders /proc for the known tree, masks what depends on the
// C toolchain, and compares with testdata/procfs/*.golden.
func TestGolden(t *testing.T) {
	tr := startTree(t)
	reader := tr.k.Task(1) // /proc/self is pid 1
	var sys strings.Builder
	section := func(b *strings.Builder, path, text string) {
		fmt.Fprintf(b, "== %s\n%s", path, text)
		if !strings.HasSuffix(text, "\n") {
			b.WriteString("\n(no newline at the end)\n")
		}
	}
	get := func(path string) string {
		s, e := tr.read(reader, path)
		if e != 0 {
			return "error " + e.Error() + "\n"
		}
		return s
	}
	names, e := tr.list(reader, "/proc")
	if e != 0 {
		t.Fatal(e)
	}
	section(&sys, "ls /proc", strings.Join(names, " ")+"\n")
	for _, f := range []string{"cpuinfo", "filesystems", "loadavg", "meminfo", "stat", "uptime", "version",
		"sys/kernel/hostname", "sys/kernel/osrelease", "sys/kernel/ostype", "sys/kernel/pid_max", "sys/kernel/version"} {
		name := filepath.Base(f)
		if name == "stat" {
			name = "stat-system"
		}
		section(&sys, "/proc/"+f, mask(name, get("/proc/"+f)))
	}
	for _, l := range []string{"/proc/self", "/proc/thread-self", "/proc/mounts"} {
		s, e := tr.fs.Readlinkat(reader, nil, l)
		if e != 0 {
			s = "error " + e.Error()
		}
		section(&sys, "readlink "+l, s+"\n")
	}
	for _, f := range []string{"devices/system/cpu/online", "devices/system/cpu/possible", "devices/system/cpu/present",
		"kernel/mm/transparent_hugepage/hpage_pmd_size", "kernel/mm/transparent_hugepage/enabled"} {
		section(&sys, "/sys/"+f, get("/sys/"+f))
	}
	names, _ = tr.list(reader, "/sys/fs/cgroup")
	section(&sys, "ls /sys/fs/cgroup", strings.Join(names, " ")+"\n")
	golden(t, "system", sys.String())

	for _, pid := range []int{1, 2, 3, 5} {
		var b strings.Builder
		dir := "/proc/" + strconv.Itoa(pid)
		names, e := tr.list(reader, dir)
		if e != 0 {
			t.Fatal(e)
		}
		section(&b, "ls "+dir, strings.Join(names, " ")+"\n")
		for _, f := range pidFiles {
			section(&b, dir+"/"+f, mask(f, get(dir+"/"+f)))
		}
		tasks, _ := tr.list(reader, dir+"/task")
		section(&b, "ls "+dir+"/task", strings.Join(tasks, " ")+"\n")
		for _, task := range tasks {
			td := dir + "/task/" + strings.TrimSuffix(task, "/")
			for _, f := range []string{"stat", "status", "comm", "wchan"} {
				section(&b, td+"/"+f, mask(f, get(td+"/"+f)))
			}
		}
		for _, l := range []string{"exe", "cwd", "root"} {
			s, e := tr.fs.Readlinkat(reader, nil, dir+"/"+l)
			if e != 0 {
				s = "error " + e.Error()
			}
			section(&b, "readlink "+dir+"/"+l, s+"\n")
		}
		fds, _ := tr.list(reader, dir+"/fd")
		var links strings.Builder
		for _, fd := range fds {
			n := strings.TrimSuffix(fd, "@")
			s, e := tr.fs.Readlinkat(reader, nil, dir+"/fd/"+n)
			if e != 0 {
				s = "error " + e.Error()
			}
			var st abi.Stat_t
			tr.fs.Stat(reader, nil, dir+"/fd/"+n, abi.AT_SYMLINK_NOFOLLOW, &st)
			fmt.Fprintf(&links, "%s %04o -> %s\n", n, st.Mode&0o7777, s)
			section(&b, dir+"/fdinfo/"+n, mask("fdinfo", get(dir+"/fdinfo/"+n)))
		}
		section(&b, "ls -l "+dir+"/fd", mask("fd", links.String()))
		golden(t, "pid"+strconv.Itoa(pid), b.String())
	}
}

// golden compares text with testdata/procfs/NAME.golden, or rewrites it
// under -update.
func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "procfs", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		g, w := strings.Split(text, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(g), len(w)) {
			var gl, wl string
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if gl != wl {
				t.Errorf("%s differs at line %d:\n  got  %q\n  want %q", path, i+1, gl, wl)
				return
			}
		}
	}
}
