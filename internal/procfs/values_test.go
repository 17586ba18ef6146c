package procfs_test

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
	"time"

	"vessel/internal/abi"
	"vessel/internal/procfs"
	"vessel/internal/syscalls"
	"vessel/internal/vfs"
)

// statFields splits a stat line into its fields, numbered from 1 as
// proc(5) numbers them (fields[1] is the pid, fields[2] the name).
func statFields(t *testing.T, s string) []string {
	t.Helper()
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		t.Fatalf("stat %q: no name", s)
	}
	f := append([]string{"", strings.TrimSpace(s[:i]), s[i+1 : j]}, strings.Fields(s[j+1:])...)
	if len(f) != 53 {
		t.Fatalf("stat has %d fields, want 52: %q", len(f)-1, s)
	}
	return f
}

func atou(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// statusValue returns the number on line key of a status text.
func statusValue(t *testing.T, text, key string) uint64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			return atou(t, strings.Fields(v)[0])
		}
	}
	t.Fatalf("status has no %s line", key)
	return 0
}

// TestRealValues checks the figures the golden files mask against the
// kernel's own accounting, and the files against each other: what stat,
// statm, status and maps say of one process agrees.
func TestRealValues(t *testing.T) {
	tr := startTree(t)
	reader := tr.k.Task(1)
	for _, pid := range []int32{1, 2, 3} {
		t.Run(strconv.Itoa(int(pid)), func(t *testing.T) {
			task := tr.k.Task(pid)
			dir := "/proc/" + strconv.Itoa(int(pid))
			text, e := tr.read(reader, dir+"/stat")
			if e != 0 {
				t.Fatal(e)
			}
			f := statFields(t, text)
			u, cu := task.ProcessUsage(), task.ChildrenUsage()
			ticks := func(ns uint64) uint64 { return ns / 1e7 }
			info := task.ProcInfo()
			mst := info.MM.Stats()
			for _, c := range []struct {
				name  string
				field int
				want  uint64
			}{
				{"ppid", 4, uint64(task.Ppid())},
				{"minflt", 10, u.MinorFaults},
				{"cminflt", 11, cu.MinorFaults},
				{"utime", 14, ticks(u.UserNanos)},
				{"stime", 15, ticks(u.SysNanos)},
				{"cutime", 16, ticks(cu.UserNanos)},
				{"cstime", 17, ticks(cu.SysNanos)},
				{"num_threads", 20, uint64(len(task.Group().ThreadIDs()))},
				{"starttime", 22, ticks(info.StartTime)},
				{"vsize", 23, mst.VirtualBytes},
				{"rss", 24, mst.ResidentPages},
			} {
				if got := atou(t, f[c.field]); got != c.want {
					t.Errorf("stat %s (field %d): got %d, want %d", c.name, c.field, got, c.want)
				}
			}
			statm, _ := tr.read(reader, dir+"/statm")
			sm := strings.Fields(statm)
			if got, want := atou(t, sm[0])*abi.PageSize, atou(t, f[23]); got != want {
				t.Errorf("statm size: got %d bytes, want stat's vsize %d", got, want)
			}
			if got, want := atou(t, sm[1]), atou(t, f[24]); got != want {
				t.Errorf("statm resident: got %d, want stat's rss %d", got, want)
			}
			maps, _ := tr.read(reader, dir+"/maps")
			var sum uint64
			for _, line := range strings.Split(strings.TrimSpace(maps), "\n") {
				lo, hi, _ := strings.Cut(strings.Fields(line)[0], "-")
				a, _ := strconv.ParseUint(lo, 16, 64)
				b, _ := strconv.ParseUint(hi, 16, 64)
				sum += b - a
			}
			if sum != mst.VirtualBytes {
				t.Errorf("maps cover %d bytes, want the address space's %d", sum, mst.VirtualBytes)
			}
			status, _ := tr.read(reader, dir+"/status")
			if got := statusValue(t, status, "VmSize") * 1024; got != mst.VirtualBytes {
				t.Errorf("VmSize: got %d bytes, want %d", got, mst.VirtualBytes)
			}
			if got := statusValue(t, status, "VmRSS") / 4; got != mst.ResidentPages {
				t.Errorf("VmRSS: got %d pages, want %d", got, mst.ResidentPages)
			}
			anon, file, shmem := statusValue(t, status, "RssAnon")/4, statusValue(t, status, "RssFile")/4, statusValue(t, status, "RssShmem")/4
			if anon+file+shmem != mst.ResidentPages || file != mst.FilePages || shmem != mst.ShmemPages {
				t.Errorf("RssAnon, RssFile, RssShmem: %d, %d, %d pages, want %d in all, %d of a file, %d shared memory",
					anon, file, shmem, mst.ResidentPages, mst.FilePages, mst.ShmemPages)
			}
			if got, want := atou(t, sm[2]), mst.FilePages+mst.ShmemPages; got != want {
				t.Errorf("statm shared: got %d, want %d", got, want)
			}
			if got := statusValue(t, status, "voluntary_ctxt_switches"); got != info.Thread.VolSwitches {
				t.Errorf("voluntary_ctxt_switches: got %d, want %d", got, info.Thread.VolSwitches)
			}
			if got := statusValue(t, status, "nonvoluntary_ctxt_switches"); got != info.Thread.InvSwitches {
				t.Errorf("nonvoluntary_ctxt_switches: got %d, want %d", got, info.Thread.InvSwitches)
			}
		})
	}
}

// stranger is a reader who is neither the tree's user nor root.
type stranger struct{ ctx *vfs.Context }

func (s stranger) FSContext() *vfs.Context { return s.ctx }
func (s stranger) FSCreds() vfs.Creds      { return vfs.Creds{UID: 65534, GID: 65534} }

// TestPermissions: another user reads what everyone may (stat, status,
// cmdline) with the traced-only fields of stat masked, and gets EACCES for
// what only the owner or root may (environ, maps, io, fd, the links) and
// for opening anything for writing; /proc/self names nobody for a reader
// that is not a task.
func TestPermissions(t *testing.T) {
	tr := startTree(t)
	owner := tr.k.Task(1)
	if owner.Creds.EUID == 65534 {
		t.Skip("the tree runs as uid 65534 itself")
	}
	ctx := tr.fs.NewContext()
	defer ctx.DecRef()
	s := stranger{ctx}
	for _, c := range []struct {
		path  string
		flags uint32
		want  abi.Errno
	}{
		{"/proc/1/stat", abi.O_RDONLY, 0},
		{"/proc/1/status", abi.O_RDONLY, 0},
		{"/proc/1/cmdline", abi.O_RDONLY, 0},
		{"/proc/1/environ", abi.O_RDONLY, abi.EACCES},
		{"/proc/1/maps", abi.O_RDONLY, abi.EACCES},
		{"/proc/1/smaps_rollup", abi.O_RDONLY, abi.EACCES},
		{"/proc/1/io", abi.O_RDONLY, abi.EACCES},
		{"/proc/1/fd", abi.O_RDONLY | abi.O_DIRECTORY, abi.EACCES},
		{"/proc/1/fdinfo/0", abi.O_RDONLY, abi.EACCES},
		{"/proc/1/stat", abi.O_WRONLY, abi.EACCES},
		{"/proc/1/comm", abi.O_WRONLY, abi.EACCES},
		{"/proc/meminfo", abi.O_WRONLY, abi.EACCES},
		{"/proc/self/stat", abi.O_RDONLY, abi.ENOENT},
	} {
		f, e := tr.fs.Openat(s, nil, c.path, c.flags, 0)
		if e == 0 {
			f.DecRef()
		}
		if e != c.want {
			t.Errorf("open %s (flags %#o) as uid 65534: got %v, want %v", c.path, c.flags, e, c.want)
		}
	}
	for _, l := range []string{"/proc/1/exe", "/proc/1/cwd", "/proc/1/root", "/proc/1/fd/0"} {
		if _, e := tr.fs.Readlinkat(s, nil, l); e != abi.EACCES {
			t.Errorf("readlink %s as uid 65534: got %v, want EACCES", l, e)
		}
	}
	text, e := tr.read(s, "/proc/1/stat")
	if e != 0 {
		t.Fatal(e)
	}
	f := statFields(t, text)
	if f[26] != "1" || f[27] != "1" || f[28] != "0" || f[52] != "0" {
		t.Errorf("stat as uid 65534: startcode %s endcode %s startstack %s exit_code %s, want 1 1 0 0", f[26], f[27], f[28], f[52])
	}
	if mine, _ := tr.read(owner, "/proc/1/stat"); statFields(t, mine)[26] == "1" {
		t.Errorf("stat as its owner: startcode 1, want the code's address")
	}
	for _, c := range []struct {
		path string
		mode uint32
	}{
		{"/proc/1", abi.S_IFDIR | 0o555}, {"/proc/1/fd", abi.S_IFDIR | 0o500}, {"/proc/1/environ", abi.S_IFREG | 0o400},
		{"/proc/1/comm", abi.S_IFREG | 0o644}, {"/proc/1/stat", abi.S_IFREG | 0o444}, {"/proc/1/exe", abi.S_IFLNK | 0o777},
	} {
		var st abi.Stat_t
		if e := tr.fs.Stat(owner, nil, c.path, abi.AT_SYMLINK_NOFOLLOW, &st); e != 0 {
			t.Fatalf("stat %s: %v", c.path, e)
		}
		if st.Mode != c.mode || st.Uid != owner.Creds.EUID || st.Gid != owner.Creds.EGID {
			t.Errorf("stat %s: mode %#o uid %d gid %d, want %#o %d %d", c.path, st.Mode, st.Uid, st.Gid, c.mode, owner.Creds.EUID, owner.Creds.EGID)
		}
	}
}

// TestComm: a process renames its threads through comm (15 bytes at
// most, as prctl); another process of the same user may open the file but
// not write it (EINVAL, as Linux's comm_write).
func TestComm(t *testing.T) {
	tr := startTree(t)
	writeAs := func(tid int32, path, text string) abi.Errno {
		f, e := tr.fs.Openat(tr.k.Task(tid), nil, path, abi.O_WRONLY|abi.O_TRUNC, 0)
		if e != 0 {
			return e
		}
		defer f.DecRef()
		n, e := f.Write([]byte(text))
		if e == 0 && n != len(text) {
			t.Errorf("write %s: %d bytes of %d", path, n, len(text))
		}
		return e
	}
	if e := writeAs(3, "/proc/3/task/4/comm", "a-rather-long-thread-name"); e != 0 {
		t.Fatalf("renaming thread 4 from its process: %v", e)
	}
	if got, _ := tr.read(tr.k.Task(1), "/proc/3/task/4/comm"); got != "a-rather-long-t\n" {
		t.Errorf("thread 4's comm: got %q, want %q", got, "a-rather-long-t\n")
	}
	if got := tr.k.Task(4).ProcInfo().Comm; got != "a-rather-long-t" {
		t.Errorf("thread 4's name in the kernel: got %q", got)
	}
	if got, _ := tr.read(tr.k.Task(1), "/proc/3/comm"); got != "threaded\n" {
		t.Errorf("thread 3's comm changed too: %q", got)
	}
	if e := writeAs(1, "/proc/3/comm", "x"); e != abi.EINVAL {
		t.Errorf("renaming pid 3 from pid 1: got %v, want EINVAL", e)
	}
	if e := writeAs(1, "/proc/1/stat", "x"); e != abi.EINVAL && e != abi.EACCES {
		t.Errorf("writing stat: got %v, want EINVAL (root) or EACCES", e)
	}
}

// TestReread: a read at offset 0 renders the file anew, reads further on
// continue in the same rendering, SEEK_END is EINVAL (seq_lseek), and a
// file of a process that is gone reads ESRCH.
func TestReread(t *testing.T) {
	tr := startTree(t)
	reader := tr.k.Task(1)
	f, e := tr.fs.Openat(reader, nil, "/proc/3/comm", abi.O_RDONLY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer f.DecRef()
	buf := make([]byte, 4)
	if n, _ := f.Read(buf); string(buf[:n]) != "thre" {
		t.Fatalf("first read %q", buf[:n])
	}
	tr.k.Task(3).SetComm("renamed")
	if n, _ := f.Read(buf); string(buf[:n]) != "aded" {
		t.Errorf("a read further on: got %q, want the rest of the old text %q", buf[:n], "aded")
	}
	if _, e := f.Lseek(0, abi.SEEK_SET); e != 0 {
		t.Fatal(e)
	}
	all := make([]byte, 64)
	if n, _ := f.Read(all); string(all[:n]) != "renamed\n" {
		t.Errorf("a read back at 0: got %q, want %q", all[:n], "renamed\n")
	}
	if _, e := f.Lseek(0, abi.SEEK_END); e != abi.EINVAL {
		t.Errorf("SEEK_END: got %v, want EINVAL", e)
	}
	zombie, e := tr.fs.Openat(reader, nil, "/proc/5/stat", abi.O_RDONLY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer zombie.DecRef()
	tr.stdin.Close() // pid 1 reaps everyone and exits
	<-tr.k.Done()
	for start := time.Now(); tr.k.Task(5) != nil; time.Sleep(time.Millisecond) {
		if time.Since(start) > time.Minute {
			t.Fatal("pid 5 was never reaped")
		}
	}
	if _, e := zombie.Read(all); e != abi.ESRCH {
		t.Errorf("reading the reaped process's stat: got %v, want ESRCH", e)
	}
}

// TestRelease: /proc/sys/kernel/osrelease and /proc/version say what
// uname(2) says.
func TestRelease(t *testing.T) {
	if procfs.Release != syscalls.Release {
		t.Errorf("procfs.Release %q, syscalls.Release %q: /proc and uname disagree", procfs.Release, syscalls.Release)
	}
}
