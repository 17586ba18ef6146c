package procfs

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/kernel/sched"
	"vessel/internal/mm"
	"vessel/internal/vfs"
)

// The text files of /proc/PID, in Linux's formats (proc(5); Linux 6.1's
// fs/proc/array.c, base.c and task_mmu.c). Every figure comes from a
// kernel.ProcInfo snapshot of the task and its process; where vessel keeps
// no such state the function says what it shows instead and why.

// userHZ is USER_HZ, the unit of the clock-tick fields.
const userHZ = 100

// ticks converts virtual nanoseconds to clock ticks.
func ticks(ns uint64) uint64 { return ns / (1e9 / userHZ) }

// nanos converts virtual nanoseconds to a duration.
func nanos(ns uint64) time.Duration { return time.Duration(ns) }

// snapshot takes the snapshot a file of d renders.
func (d *pidDir) snapshot() (kernel.ProcInfo, abi.Errno) {
	t, e := d.task()
	if e != 0 {
		return kernel.ProcInfo{}, e
	}
	return t.ProcInfo(), 0
}

// permitted is ptrace_may_access for the fields of stat Linux shows only
// to those who may trace the task.
func (d *pidDir) permitted(c vfs.Caller) bool {
	t, e := d.task()
	return e == 0 && mayPtrace(c, t) == 0
}

// stateLetter is the state's letter in stat.
func stateLetter(s kernel.State) byte { return s.Letter() }

// stateText is the state as status says it.
func stateText(s kernel.State) string {
	switch s.Letter() {
	case 'R':
		return "R (running)"
	case 'S':
		return "S (sleeping)"
	case 'D':
		return "D (disk sleep)"
	case 'T':
		return "T (stopped)"
	case 'Z':
		return "Z (zombie)"
	}
	return "X (dead)"
}

// priority is task_prio: 20+nice for the fair classes, -1-rtprio for the
// real-time ones (Linux's p->prio - MAX_RT_PRIO).
func priority(p *kernel.ProcInfo) int {
	if sched.IsRT(p.Policy) {
		return -1 - p.RTPrio
	}
	return 20 + p.Nice
}

// layout is what the address space's mappings say of the program's
// layout: its code and data (the executable's mappings, executable and
// writable ones), where the break starts, text and data sizes as statm
// counts them. vessel keeps the mappings, not the ELF segments' bounds, so
// code and data bounds are page-aligned where Linux's are the segments'
// exact ends.
type layout struct {
	regions                                     []mm.Region
	startCode, endCode, startData, endData      uint64
	startBrk                                    uint64
	totalPages, textPages, execPages, dataPages uint64
	stackPages                                  uint64
	residentPages, filePages, shmemPages        uint64
}

// isExe reports whether mapping r is of the executable exe (mapped under
// the path it was exec'd by, which may be relative).
func isExe(r *mm.Region, exe string) bool {
	if r.Name == "" || r.Name[0] == '[' || exe == "" {
		return false
	}
	return r.Name == exe || !strings.HasPrefix(r.Name, "/") && strings.HasSuffix(exe, "/"+strings.TrimPrefix(r.Name, "./"))
}

func layoutOf(p *kernel.ProcInfo) layout {
	var l layout
	if p.MM == nil {
		return l
	}
	l.regions = p.MM.Regions()
	st := p.MM.Stats()
	l.totalPages = st.VirtualBytes / abi.PageSize
	l.residentPages, l.filePages, l.shmemPages = st.ResidentPages, st.FilePages, st.ShmemPages
	var exeEnd uint64
	for i := range l.regions {
		r := &l.regions[i]
		pages := (r.End - r.Start) / abi.PageSize
		exec := r.Prot&abi.PROT_EXEC != 0
		write := r.Prot&abi.PROT_WRITE != 0
		stack := r.Name == "[stack]"
		switch {
		case stack:
			l.stackPages += pages
		case write && !r.Shared:
			l.dataPages += pages // Linux's data_vm: private, writable, not stack
		}
		if exec && !write && !stack {
			l.execPages += pages
		}
		if r.Name == "[heap]" && l.startBrk == 0 {
			l.startBrk = r.Start
		}
		if !isExe(r, p.Exe) {
			continue
		}
		exeEnd = r.End
		if exec {
			if l.startCode == 0 {
				l.startCode = r.Start
			}
			l.endCode = r.End
			l.textPages += pages
		} else if write {
			if l.startData == 0 {
				l.startData = r.Start
			}
			l.endData = r.End
		}
	}
	if l.startBrk == 0 {
		l.startBrk = exeEnd // the break starts after the program's last segment
	}
	l.textPages = min(l.textPages, l.execPages)
	return l
}

// genStat is /proc/PID/stat and /proc/PID/task/TID/stat: Linux's
// do_task_stat, the whole process's figures in the former.
func genStat(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	permitted := d.permitted(c)
	whole := d.whole()
	u := p.Thread
	if whole {
		u = p.Process
	}
	l := layoutOf(&p)
	var vsize, rss, startCode, endCode uint64
	if p.MM != nil {
		vsize, rss = l.totalPages*abi.PageSize, l.residentPages
		startCode, endCode = 1, 1
		if permitted {
			startCode, endCode = l.startCode, l.endCode
		}
	}
	// wchan is now a flag: 1 when the task sleeps (and may be looked at).
	wchan := 0
	if permitted && (!whole || p.Threads < 2) && p.State != kernel.StateRunning && p.State != kernel.StateRunnable && p.State != kernel.StateNew {
		wchan = 1
	}
	exitCode := p.ExitCode
	if whole && p.GroupExitCode != 0 {
		exitCode = p.GroupExitCode
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d (%s) %c %d %d %d %d %d %d", p.Tid, p.Comm, stateLetter(p.State), p.Ppid, p.Pgid, p.Sid,
		p.TTY, p.TPgid, p.Flags)
	fmt.Fprintf(&b, " %d %d %d %d", u.MinorFaults, p.Children.MinorFaults, 0, 0) // no major faults: nothing is paged in from disk
	fmt.Fprintf(&b, " %d %d %d %d", ticks(u.UserNanos), ticks(u.SysNanos), ticks(p.Children.UserNanos), ticks(p.Children.SysNanos))
	fmt.Fprintf(&b, " %d %d %d 0 %d", priority(&p), p.Nice, p.Threads, ticks(p.StartTime))
	fmt.Fprintf(&b, " %d %d %d", vsize, rss, p.Limits[abi.RLIMIT_RSS].Cur)
	// start_stack: vessel does not keep where the initial stack pointer
	// was; 0, what Linux shows a reader that may not trace the task.
	// kstkesp and kstkeip are 0 as in Linux, which shows them only for a
	// task dumping core.
	fmt.Fprintf(&b, " %d %d %d 0 0", startCode, endCode, 0)
	const legacy = 0x7fffffff // the old 31-signal fields
	fmt.Fprintf(&b, " %d %d %d %d %d 0 0", p.SigPending&legacy, p.SigBlocked&legacy, p.SigIgnored&legacy, p.SigCaught&legacy, wchan)
	// processor 0 (one virtual CPU); delayacct_blkio_ticks, guest_time and
	// cguest_time 0: vessel neither waits for block I/O nor runs guests.
	fmt.Fprintf(&b, " %d 0 %d %d 0 0 0", p.ExitSignal, p.RTPrio, p.Policy)
	if p.MM != nil && permitted {
		// arg_start .. env_end: vessel does not keep where the loader put
		// the strings (cmdline and environ read them from the kernel).
		fmt.Fprintf(&b, " %d %d %d 0 0 0 0", l.startData, l.endData, l.startBrk)
	} else {
		b.WriteString(" 0 0 0 0 0 0 0")
	}
	if permitted {
		fmt.Fprintf(&b, " %d\n", exitCode)
	} else {
		b.WriteString(" 0\n")
	}
	return b.Bytes(), 0
}

// genStatm is /proc/PID/statm, in pages: size, resident, shared, text,
// lib (always 0), data (data and stack), dt (always 0). shared counts
// the resident pages that map a file's page or shared memory (Linux's
// RssFile + RssShmem).
func genStatm(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	if p.MM == nil {
		return []byte("0 0 0 0 0 0 0\n"), 0
	}
	l := layoutOf(&p)
	return fmt.Appendf(nil, "%d %d %d %d 0 %d 0\n", l.totalPages, l.residentPages, l.filePages+l.shmemPages, l.textPages, l.dataPages+l.stackPages), 0
}

// escapeName escapes a task name as status shows it: a newline as \n, a
// backslash as \\ (seq_escape_str with "\n\\").
func escapeName(s string) string {
	return strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(s)
}

// fdSize is status's FDSize: the size of the descriptor array Linux's
// table would have for the highest open descriptor (64 to start with,
// then powers of two times 128, as alloc_fdtable grows it).
func fdSize(maxFD int32) int {
	if maxFD < 64 {
		return 64
	}
	nr := int(maxFD) / 128
	n := 1
	for n < nr+1 {
		n <<= 1
	}
	return n * 128
}

// allCaps is the capability set of Linux 6.1 (CAP_LAST_CAP 40): the
// bounding set, which vessel has no call to shrink.
const allCaps = 1<<41 - 1

// genStatus is /proc/PID/status (Linux 6.1's proc_pid_status).
func genStatus(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	t, e := d.task()
	if e != 0 {
		return nil, e
	}
	p := t.ProcInfo()
	var b bytes.Buffer
	fmt.Fprintf(&b, "Name:\t%s\n", escapeName(p.Comm))
	if p.HasFS {
		fmt.Fprintf(&b, "Umask:\t%04o\n", p.Umask)
	}
	fmt.Fprintf(&b, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", stateText(p.State), p.Pid, p.Tid, p.Ppid)
	cr := &p.Creds
	fmt.Fprintf(&b, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n", cr.UID, cr.EUID, cr.SUID, cr.FSUID, cr.GID, cr.EGID, cr.SGID, cr.FSGID)
	size := 0
	if tab := t.FilesRef(); tab != nil {
		maxFD := int32(-1)
		for _, x := range tab.Snapshot() {
			maxFD = x.FD
			x.File.DecRef()
		}
		tab.DecRef()
		size = fdSize(maxFD)
	}
	fmt.Fprintf(&b, "FDSize:\t%d\nGroups:\t", size)
	for i, g := range cr.Groups {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, g)
	}
	b.WriteString(" \n") // "Trailing space shouldn't have been added in the first place."
	// One PID namespace: each id once.
	fmt.Fprintf(&b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p.Pid, p.Tid, p.Pgid, p.Sid)
	if p.MM != nil {
		l := layoutOf(&p)
		kb := func(pages uint64) uint64 { return pages * abi.PageSize / 1024 }
		// VmPeak, VmHWM and VmPTE are left out: vessel's address space
		// keeps no high-water marks, and its page tables are not guest
		// memory. VmLck and VmPin are 0: nothing is locked or pinned;
		// VmSwap 0: there is no swap.
		fmt.Fprintf(&b, "VmSize:\t%8d kB\nVmLck:\t%8d kB\nVmPin:\t%8d kB\nVmRSS:\t%8d kB\n", kb(l.totalPages), 0, 0, kb(l.residentPages))
		fmt.Fprintf(&b, "RssAnon:\t%8d kB\nRssFile:\t%8d kB\nRssShmem:\t%8d kB\n", kb(l.residentPages-l.filePages-l.shmemPages), kb(l.filePages), kb(l.shmemPages))
		fmt.Fprintf(&b, "VmData:\t%8d kB\nVmStk:\t%8d kB\nVmExe:\t%8d kB\nVmLib:\t%8d kB\n", kb(l.dataPages), kb(l.stackPages), kb(l.textPages), kb(l.execPages-l.textPages))
		b.WriteString("VmSwap:\t       0 kB\nHugetlbPages:\t       0 kB\nCoreDumping:\t0\nTHP_enabled:\t1\n")
	}
	caps := t.Capabilities()
	fmt.Fprintf(&b, "Threads:\t%d\nSigQ:\t%d/%d\n", p.Threads, p.SigQueued, p.Limits[abi.RLIMIT_SIGPENDING].Cur)
	fmt.Fprintf(&b, "SigPnd:\t%016x\nShdPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\nSigCgt:\t%016x\n", p.SigPending, p.SigShared, p.SigBlocked, p.SigIgnored, p.SigCaught)
	fmt.Fprintf(&b, "CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\n", caps.Inheritable, caps.Permitted, caps.Effective, uint64(allCaps), 0)
	// No no_new_privs and no seccomp in vessel; riscv64 has no speculation
	// controls, which Linux reports as "unknown" and "unsupported".
	b.WriteString("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunsupported\n")
	// One virtual CPU and one memory node.
	b.WriteString("Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n")
	fmt.Fprintf(&b, "voluntary_ctxt_switches:\t%d\nnonvoluntary_ctxt_switches:\t%d\n", p.Thread.VolSwitches, p.Thread.InvSwitches)
	return b.Bytes(), 0
}

// genCmdline is /proc/PID/cmdline: the arguments, each ended by a NUL;
// empty once the process has exited.
func genCmdline(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 || p.MM == nil {
		return nil, e
	}
	return nulJoin(p.Args), 0
}

// genEnviron is /proc/PID/environ: the environment the program was
// started with, each string ended by a NUL.
func genEnviron(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 || p.MM == nil {
		return nil, e
	}
	return nulJoin(p.Envs), 0
}

// genAuxv is /proc/PID/auxv: the auxiliary vector the program was started
// with, as pairs of 64-bit words, AT_NULL last; empty for a process that
// has exited (Linux's proc_pid_auxv of a task without an mm).
func genAuxv(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 || p.MM == nil {
		return nil, e
	}
	return p.Auxv, 0
}

func nulJoin(ss []string) []byte {
	var b []byte
	for _, s := range ss {
		b = append(append(b, s...), 0)
	}
	return b
}

// genComm is /proc/PID/comm: the name and a newline.
func genComm(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	return []byte(p.Comm + "\n"), 0
}

// writeComm renames the task, as Linux's comm_write: only a thread of the
// same process may (EINVAL otherwise), with the first 15 bytes written —
// a trailing newline included, as Linux keeps it too.
func writeComm(d *pidDir, c vfs.Caller, b []byte) (int, abi.Errno) {
	t, e := d.task()
	if e != 0 {
		return 0, e
	}
	ct, ok := c.(*kernel.Task)
	if !ok || ct.Tgid != t.Tgid {
		return 0, abi.EINVAL
	}
	t.SetComm(string(b[:min(len(b), 15)]))
	return len(b), 0
}

// limitNames are the rows of /proc/PID/limits: name and unit.
var limitNames = [abi.RLIM_NLIMITS][2]string{
	{"Max cpu time", "seconds"}, {"Max file size", "bytes"}, {"Max data size", "bytes"},
	{"Max stack size", "bytes"}, {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
	{"Max processes", "processes"}, {"Max open files", "files"}, {"Max locked memory", "bytes"},
	{"Max address space", "bytes"}, {"Max file locks", "locks"}, {"Max pending signals", "signals"},
	{"Max msgqueue size", "bytes"}, {"Max nice priority", ""}, {"Max realtime priority", ""},
	{"Max realtime timeout", "us"},
}

// genLimits is /proc/PID/limits (Linux's proc_pid_limits).
func genLimits(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units")
	val := func(v uint64) string {
		if v == abi.RLIM_INFINITY {
			return "unlimited"
		}
		return fmt.Sprint(v)
	}
	for i, l := range p.Limits {
		fmt.Fprintf(&b, "%-25s %-20s %-20s ", limitNames[i][0], val(l.Cur), val(l.Max))
		if unit := limitNames[i][1]; unit != "" {
			fmt.Fprintf(&b, "%-10s", unit)
		}
		b.WriteByte('\n')
	}
	return b.Bytes(), 0
}

// genSched is /proc/PID/sched (Linux's proc_sched_show_task) with the
// figures vessel's scheduler keeps: virtual runtime and time run (in
// milliseconds, as Linux prints nanoseconds), switches, weight, policy and
// priority. The exec_start stamp and the load-tracking averages (PELT),
// which vessel's CFS does without, are left out.
func genSched(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s (%d, #threads: %d)\n%s\n", p.Comm, p.Tid, p.Threads, strings.Repeat("-", 67))
	pn := func(name string, ns uint64) { fmt.Fprintf(&b, "%-45s:%14d.%06d\n", name, ns/1e6, ns%1e6) }
	pv := func(name string, v int64) { fmt.Fprintf(&b, "%-45s:%21d\n", name, v) }
	pn("se.vruntime", p.Vruntime)
	pn("se.sum_exec_runtime", p.SumExec)
	pv("se.nr_migrations", 0) // one CPU: never migrated
	pv("nr_switches", int64(p.Thread.VolSwitches+p.Thread.InvSwitches))
	pv("nr_voluntary_switches", int64(p.Thread.VolSwitches))
	pv("nr_involuntary_switches", int64(p.Thread.InvSwitches))
	pv("se.load.weight", int64(p.Weight)<<10) // scale_load on 64-bit
	pv("policy", int64(p.Policy))
	prio := int64(120 + p.Nice)
	if sched.IsRT(p.Policy) {
		prio = int64(99 - p.RTPrio)
	}
	pv("prio", prio)
	return b.Bytes(), 0
}

// genSchedstat is /proc/PID/schedstat: time run (ns), time spent waiting
// on the run queue (ns) and the number of turns on the CPU. vessel does not
// measure the wait, so the middle figure is 0; the turns are the switches
// away from the CPU, and the current one for a running task.
func genSchedstat(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	turns := p.Thread.VolSwitches + p.Thread.InvSwitches
	if p.State == kernel.StateRunning {
		turns++
	}
	return fmt.Appendf(nil, "%d 0 %d\n", p.SumExec, turns), 0
}

// genWchan is /proc/PID/wchan: where the task sleeps, without a newline,
// "0" when it runs (Linux 6.1's proc_pid_wchan).
func genWchan(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	if !d.permitted(c) {
		return []byte("0"), 0
	}
	return []byte(p.Wchan), 0
}

// genCgroup is /proc/PID/cgroup: every process is in the root of the
// unified (v2) hierarchy, vessel having no cgroups yet.
func genCgroup(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	if _, e := d.task(); e != 0 {
		return nil, e
	}
	return []byte("0::/\n"), 0
}

// genOOMScoreAdj is /proc/PID/oom_score_adj: 0, Linux's default, which
// vessel cannot change yet (it has no OOM killer to adjust).
func genOOMScoreAdj(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	if _, e := d.task(); e != 0 {
		return nil, e
	}
	return []byte("0\n"), 0
}

// genIO is /proc/PID/io: the read and write families' bytes and calls
// (Linux's proc_pid_io_accounting), of the thread for task/TID/io and of
// the whole process — its threads living and gone and its reaped children —
// for PID/io. vessel has no block layer: read_bytes, write_bytes and
// cancelled_write_bytes are 0, as on a machine whose I/O all hit the cache.
func genIO(d *pidDir, c vfs.Caller) ([]byte, abi.Errno) {
	p, e := d.snapshot()
	if e != 0 {
		return nil, e
	}
	io := p.Thread.IO
	if d.whole() {
		io = p.Process.IO
		io.RChar += p.Children.IO.RChar
		io.WChar += p.Children.IO.WChar
		io.SysCR += p.Children.IO.SysCR
		io.SysCW += p.Children.IO.SysCW
	}
	return fmt.Appendf(nil, "rchar: %d\nwchar: %d\nsyscr: %d\nsyscw: %d\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n",
		io.RChar, io.WChar, io.SysCR, io.SysCW), 0
}
