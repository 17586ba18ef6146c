package kernel

import (
	"slices"
	"strings"
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel/sched"
	"vessel/internal/mm"
	"vessel/internal/vfs"
)

// Snapshots of the kernel's state for /proc (internal/procfs) and other
// observers. Each one is taken under Kernel.mu, so that what it says about a
// task or process is consistent: the state letter, the ids, the counters
// and the memory figures are read at one instant. Memory figures take the
// address space's lock under Kernel.mu (the documented lock order); the
// descriptor table and the fs context are handed out with a reference, to
// be looked at after Kernel.mu is released.
//
// Preconditions, for every function here: the caller holds the virtual CPU
// (it is a task in a syscall), or no task is running (a test looking at a
// quiescent tree). Tasks write their own counters (UserInsns, the switch
// counts, Comm, Limits) while they hold the CPU, without Kernel.mu; the CPU
// token orders those writes before any other task's reads.

// Task flags as Linux's /proc/PID/stat shows them (include/linux/sched.h).
const (
	PF_EXITING    = 0x00000004 // the task is exiting, or a zombie
	PF_FORKNOEXEC = 0x00000040 // forked (or cloned) and has not exec'd
)

// ProcInfo is one task as /proc shows it, with the figures of its whole
// process beside its own.
type ProcInfo struct {
	Tid, Pid  int32 // the task's id and its process's (the thread group id)
	Ppid      int32 // the parent process, 0 for the namespace's init
	Pgid, Sid int32
	// TTY is the controlling terminal's device number (guest encoding), 0
	// for none; TPgid its foreground process group, -1 without a terminal.
	TTY        uint64
	TPgid      int32
	Leader     bool   // the task is its process's leader (its tid is the pid)
	Comm       string // the task's name (at most 15 bytes)
	Exe        string // the guest path of the executable; "" once exited
	State      State
	Creds      Creds
	Flags      uint32 // PF_* bits
	Threads    int    // Linux's nr_threads: live threads, and a zombie leader of live ones
	ExitSignal int    // the signal the parent gets; -1 for a thread that is not the leader
	ExitCode   int32  // task->exit_code: a zombie's wait status, else 0
	// GroupExitCode is Linux's signal->group_exit_code when the process is
	// exiting (its wait status) or stopped (the stop signal); else 0.
	GroupExitCode int32
	StartTime     uint64 // virtual ns since boot at creation (Task.StartTime)

	Thread   Usage // the task's own CPU time and switches, with its address space's faults and size (getrusage RUSAGE_THREAD)
	Process  Usage // every thread of the process, living or gone (RUSAGE_SELF)
	Children Usage // reaped children and their descendants (RUSAGE_CHILDREN)

	Policy, Nice, RTPrio int
	Vruntime             uint64 // CFS virtual runtime, as last charged
	SumExec              uint64 // virtual ns run, in every class, up to now
	Weight               uint64 // the CFS load weight (1024 at nice 0)

	Limits [abi.RLIM_NLIMITS]abi.Rlimit

	// Signals, as bit sets (bit n-1 is signal n).
	SigPending uint64 // directed at this task
	SigShared  uint64 // directed at the process
	SigBlocked uint64
	SigIgnored uint64 // disposition SIG_IGN
	SigCaught  uint64 // a handler
	SigQueued  int    // signals queued for the task's real uid, across the kernel (SigQ)

	// Wchan names where a sleeping task waits, as Linux's /proc/PID/wchan
	// shows it ("do_wait", "futex_wait_queue", "pipe_read", ...), from the
	// syscall it sleeps in; "0" when it runs or vessel cannot tell.
	Wchan string

	MM        *mm.AddressSpace // nil once the task has exited; its figures may be read after the snapshot
	Sigreturn uint64           // the address of vessel's signal trampoline page (Linux's vDSO); 0 if none
	Args      []string         // argv at exec
	Envs      []string         // the environment at exec
	Auxv      []byte           // the auxiliary vector at exec, as 64-bit little-endian pairs
	Umask     uint32
	HasFS     bool // the task still has its fs context (Umask is valid)
}

// BootTime is the guest's wall-clock time at which the kernel started:
// /proc/stat's btime, and the zero of every starttime.
func (k *Kernel) BootTime() time.Time { return k.start }

// Processes lists the ids of the processes not yet reaped (zombies
// included), in increasing order: what /proc lists.
func (k *Kernel) Processes() []int32 {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []int32
	for tid, t := range k.tasks {
		if t.tg.Leader == t && tid == t.Tgid && !t.tg.reaped {
			out = append(out, tid)
		}
	}
	slices.Sort(out)
	return out
}

// LeaderTask returns the process's leader task, and false once the process
// has been reaped.
func (g *ThreadGroup) LeaderTask() (*Task, bool) {
	k := g.Leader.k
	k.mu.Lock()
	defer k.mu.Unlock()
	return g.Leader, !g.reaped
}

// ThreadIDs lists the process's threads by tid in increasing order: the
// live ones, and the leader while the process is not reaped (a zombie
// leader stays listed, as in Linux's /proc/PID/task).
func (g *ThreadGroup) ThreadIDs() []int32 {
	k := g.Leader.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if g.reaped {
		return nil
	}
	out := []int32{g.Leader.Tid}
	for _, t := range g.threads {
		if t != g.Leader {
			out = append(out, t.Tid)
		}
	}
	slices.Sort(out)
	return out
}

// Alive reports whether t is still in the process table under its tid:
// not reaped, and not a thread that has exited.
func (t *Task) Alive() bool {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.k.tasks[t.Tid] == t && !t.tg.reaped
}

// ProcInfo takes a snapshot of t and its process.
func (t *Task) ProcInfo() ProcInfo {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g := t.tg
	p := ProcInfo{
		Tid: t.Tid, Pid: t.Tgid, Pgid: t.Pgid, Sid: t.Sid,
		Leader:     g.Leader == t,
		Comm:       t.Comm,
		State:      t.State(),
		Creds:      t.Creds,
		Threads:    len(g.threads),
		ExitSignal: -1,
		StartTime:  t.StartTime,
		Policy:     t.Sched.Policy, Nice: t.Sched.Nice, RTPrio: t.Sched.RTPrio,
		Vruntime: t.Sched.Vruntime, SumExec: t.Sched.SumExec + t.uncharged.Load(),
		Limits:     t.Limits,
		SigPending: t.pending.mask,
		SigShared:  g.pending.mask,
		SigBlocked: t.SigMask,
		MM:         t.MM,
		Sigreturn:  t.sigreturn,
		Args:       t.Args,
		Envs:       t.Envs,
		Auxv:       t.Auxv,
	}
	p.Creds.Groups = slices.Clone(t.Creds.Groups)
	if g.stopping.Load() {
		// The group is stopped: wait(WUNTRACED) has said so. A thread that
		// has not parked in T yet does so before it runs guest code again
		// or as its sleep ends, as Linux's threads do before the stop is
		// reported; /proc shows it stopped already. An uninterruptible
		// sleep (D) stays D until it ends, as in Linux.
		switch p.State {
		case StateNew, StateRunnable:
			p.State = StateStopped
		case StateSleeping:
			if t.interruptible || t.waitingOn == nil {
				p.State = StateStopped
			}
		}
	}
	if g.parent != nil {
		p.Ppid = g.parent.Pid()
	}
	p.TPgid = -1
	if tm := k.cttyLocked(g); tm != nil {
		var st abi.Stat_t
		if tm.host.Stat(&st) == 0 { // a host fstat, which does not block
			p.TTY = st.Rdev
		}
		p.TPgid = tm.pgrp
	}
	if t.MM != nil {
		p.Exe = t.Exe
	}
	if !slices.Contains(g.threads, g.Leader) && !g.reaped {
		p.Threads++ // the zombie leader counts until the process is reaped
	}
	if p.Leader {
		p.ExitSignal = g.exitSignal
	}
	p.Weight = sched.Weight(p.Nice)
	if p.Policy == sched.SCHED_IDLE {
		p.Weight = 3 // WEIGHT_IDLEPRIO
	}
	if t.exiting || g.exiting.Load() || p.State == StateZombie {
		p.Flags |= PF_EXITING
	}
	if !p.Leader || !g.execed {
		p.Flags |= PF_FORKNOEXEC
	}
	if p.State == StateZombie {
		p.ExitCode = g.status
		if !p.Leader || len(g.threads) > 0 {
			p.ExitCode = t.exitCode
		}
	}
	switch {
	case g.exiting.Load():
		p.GroupExitCode = g.status
	case g.stopping.Load() && p.State == StateStopped:
		p.GroupExitCode = int32(g.stopSig)
	}
	p.Thread = t.threadUsage()
	t.addMemoryUsage(&p.Thread)
	p.Process = g.usageLocked()
	p.Children = g.reapedChildren
	if t.Sig != nil {
		for sig := 1; sig <= abi.NSIG; sig++ {
			switch h := t.Sig.Actions[sig].Handler; h {
			case abi.SIG_DFL:
			case abi.SIG_IGN:
				p.SigIgnored |= sigBit(sig)
			default:
				p.SigCaught |= sigBit(sig)
			}
		}
	}
	p.SigQueued = k.queuedSignalsLocked(t.Creds.UID)
	p.Wchan = t.wchanLocked(p.State)
	if t.FS != nil {
		p.Umask, p.HasFS = t.FS.Umask(), true
	}
	return p
}

// queuedSignalsLocked counts the signals queued for tasks and processes of
// real user uid (Linux's per-user sigpending count, /proc/PID/status SigQ).
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) queuedSignalsLocked(uid uint32) int {
	n := 0
	seen := map[*ThreadGroup]bool{}
	for _, x := range k.tasks {
		if x.Creds.UID != uid {
			continue
		}
		n += len(x.pending.infos)
		if !seen[x.tg] {
			seen[x.tg] = true
			n += len(x.tg.pending.infos)
		}
	}
	return n
}

// wchanLocked names where t sleeps, from the syscall it is in, as Linux's
// get_wchan names the kernel function: "0" for a task that runs, is
// runnable or sleeps somewhere vessel does not name.
//
// Preconditions: Kernel.mu is held.
func (t *Task) wchanLocked(state State) string {
	switch state {
	case StateStopped:
		return "do_signal_stop"
	case StateSleeping, StateDisk:
	default:
		return "0"
	}
	if t.Hart == nil || t.kernelMain != nil {
		if t.waitingOn == &t.tg.childExit {
			return "do_wait"
		}
		return "0"
	}
	switch nr := t.Hart.X[17]; nr {
	case abi.SYS_WAIT4, abi.SYS_WAITID:
		return "do_wait"
	case abi.SYS_FUTEX:
		return "futex_wait_queue"
	case abi.SYS_NANOSLEEP, abi.SYS_CLOCK_NANOSLEEP:
		return "hrtimer_nanosleep"
	case abi.SYS_PPOLL, abi.SYS_PSELECT6:
		return "poll_schedule_timeout.constprop.0"
	case abi.SYS_EPOLL_PWAIT, abi.SYS_EPOLL_PWAIT2:
		return "ep_poll"
	case abi.SYS_RT_SIGSUSPEND:
		return "sigsuspend"
	case abi.SYS_RT_SIGTIMEDWAIT:
		return "do_sigtimedwait"
	case abi.SYS_CLONE, abi.SYS_CLONE3:
		return "wait_for_vfork_done"
	case abi.SYS_EXECVE, abi.SYS_EXECVEAT, abi.SYS_EXIT_GROUP:
		return "de_thread"
	case abi.SYS_READ, abi.SYS_READV, abi.SYS_WRITE, abi.SYS_WRITEV:
		if t.FDs == nil {
			return "0"
		}
		f, e := t.FDs.Get(int32(t.origA0))
		if e != 0 {
			return "0"
		}
		name := f.Path()
		f.DecRef()
		write := nr == abi.SYS_WRITE || nr == abi.SYS_WRITEV
		switch {
		case strings.HasPrefix(name, "pipe:"):
			if write {
				return "pipe_write"
			}
			return "pipe_read"
		case name == "anon_inode:[eventfd]":
			if write {
				return "eventfd_write"
			}
			return "eventfd_read"
		case name == "anon_inode:[signalfd]":
			return "signalfd_dequeue"
		case name == "anon_inode:[timerfd]":
			return "timerfd_read"
		}
		return "wait_woken" // a terminal or another stream
	}
	return "0"
}

// FilesRef returns t's descriptor table with a reference the caller drops
// (DecRef), or nil once t has exited.
func (t *Task) FilesRef() *vfs.FDTable {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	if t.FDs == nil {
		return nil
	}
	t.FDs.IncRef() // t holds its own reference while FDs is set
	return t.FDs
}

// FSRef returns t's filesystem context with a reference the caller drops
// (DecRef), or nil once t has exited.
func (t *Task) FSRef() *vfs.Context {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	if t.FS == nil {
		return nil
	}
	t.FS.IncRef()
	return t.FS
}

// SetComm sets t's name, as prctl(PR_SET_NAME) and a write to
// /proc/PID/comm do: name is cut at its first NUL and to 15 bytes.
func (t *Task) SetComm(name string) {
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	if len(name) > 15 {
		name = name[:15]
	}
	t.k.mu.Lock()
	t.Comm = name
	t.k.mu.Unlock()
}

// SysInfo is the kernel-wide state /proc/stat, /proc/loadavg,
// /proc/uptime and /proc/meminfo show.
// MemTotalKB is the memory vessel says the machine has, in KiB: 4 GiB.
// Guests have no memory size of their own (their pages are Go memory,
// limited by the host); sysinfo(2) and /proc/meminfo both report this.
const MemTotalKB = 4 << 20

type SysInfo struct {
	Uptime       time.Duration // since the kernel started, on the guest's clock
	UserNanos    uint64        // CPU time every task has spent in guest code, living or gone
	SysNanos     uint64        // and in syscalls
	Switches     uint64        // context switches since boot
	LastPid      int32         // the last pid handed out
	Tasks        int           // tasks (threads) in the table, zombies included
	Running      int           // tasks running or runnable (R)
	Blocked      int           // tasks in uninterruptible sleep (D)
	ResidentKB   uint64        // resident memory of every address space, each counted once
	VirtualKB    uint64        // the sum of their mappings
	AddressSpace int           // live address spaces
}

// SysInfo takes a snapshot of the kernel-wide figures. CPU time sums every
// task's accounting: live threads, the exited threads of every process in
// the table, and the reaped descendants they have collected (which is all
// that ever ran, bar orphans reaped with no parent left to count them).
func (k *Kernel) SysInfo() SysInfo {
	k.mu.Lock()
	defer k.mu.Unlock()
	s := SysInfo{Uptime: k.Uptime(), Switches: k.switches, LastPid: k.lastPid, Tasks: len(k.tasks)}
	var u Usage
	for _, t := range k.tasks {
		switch t.State() {
		case StateRunning, StateRunnable, StateNew:
			s.Running++
		case StateDisk:
			s.Blocked++
		}
		if t.State() != StateZombie && t.State() != StateDead {
			u.UserNanos += t.UserInsns
			u.SysNanos += t.SysNanos
		}
		if g := t.tg; g.Leader == t {
			u.UserNanos += g.deadThreads.UserNanos + g.reapedChildren.UserNanos
			u.SysNanos += g.deadThreads.SysNanos + g.reapedChildren.SysNanos
		}
	}
	s.UserNanos, s.SysNanos = u.UserNanos, u.SysNanos
	for as := range k.mmUsers {
		st := as.Stats()
		s.ResidentKB += st.ResidentPages * (abi.PageSize / 1024)
		s.VirtualKB += st.VirtualBytes / 1024
		s.AddressSpace++
	}
	return s
}
