package kernel

import "sync/atomic"

// ThreadGroup is a process: the threads that share a pid (Linux's
// signal_struct with the parts of task_struct that are per process). Its
// id is the leader's tid.
type ThreadGroup struct {
	Leader *Task

	// Guarded by Kernel.mu.
	threads    []*Task        // live threads, the leader first while it lives
	parent     *ThreadGroup   // who is told of our exit; nil for PID 1
	children   []*ThreadGroup // live and zombie children
	zombie     bool           // every thread has exited; waiting to be reaped
	reaped     bool
	exiting    atomic.Bool // set under Kernel.mu: exit_group or a fatal signal began; threads leave at their next chance
	threadExit waitQueue   // an exec waiting for the other threads to go
	status     int32       // wait status once exiting (exit code << 8, or signal | core)
	exitSignal int         // signal the parent gets at our exit (SIGCHLD, or clone's CSIGNAL)
	subreaper  bool        // PR_SET_CHILD_SUBREAPER
	execed     bool        // it has called execve since it was forked (setpgid's EACCES)
	childExit  waitQueue   // threads in wait4/waitid for a child of this group
	vforkDone  waitQueue   // a vfork parent waiting for this child to exec or exit

	// Group stop (SIGSTOP and friends) and continue, guarded by Kernel.mu
	// (stopping is also read without it by the threads' run loops).
	stopping   atomic.Bool
	stopSig    int       // the signal that stopped the group
	stopNotify bool      // a stop not yet reported to wait(WUNTRACED)
	contNotify bool      // a continue not yet reported to wait(WCONTINUED)
	stopped    waitQueue // threads in state T

	pending sigPending // process-directed signals no thread has taken yet; guarded by Kernel.mu

	// Timers, guarded by Kernel.mu; the CPU counters are atomic, added to
	// by the threads as they run.
	realItimer  realTimer
	virtItimer  cpuTimer
	profItimer  cpuTimer
	cpuTimers   atomic.Bool // a CPU-time itimer is armed
	cpuUser     atomic.Uint64
	cpuSys      atomic.Uint64
	posixTimers map[int32]*posixTimer
	cpuWatchers []*posixTimer // guarded by Kernel.mu: other processes' timers on this one's CPU clocks
	nextTimerID int32

	signalfds []*signalFile // guarded by Kernel.mu

	// Accounting, guarded by Kernel.mu: threads that have exited, and
	// reaped children with their own reaped descendants (RUSAGE_CHILDREN).
	deadThreads    Usage
	reapedChildren Usage
}

// Pid is the process id: the thread group id.
func (g *ThreadGroup) Pid() int32 { return g.Leader.Tgid }

// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) removeThreadLocked(t *Task) {
	for i, x := range g.threads {
		if x == t {
			g.threads = append(g.threads[:i], g.threads[i+1:]...)
			return
		}
	}
}

// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) removeChildLocked(c *ThreadGroup) {
	for i, x := range g.children {
		if x == c {
			g.children = append(g.children[:i], g.children[i+1:]...)
			return
		}
	}
}

// SetChildSubreaper is prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants
// of a subreaper are reparented to it rather than to init.
func (t *Task) SetChildSubreaper(on bool) {
	t.k.mu.Lock()
	t.tg.subreaper = on
	t.k.mu.Unlock()
}

// ChildSubreaper is prctl(PR_GET_CHILD_SUBREAPER).
func (t *Task) ChildSubreaper() bool {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.tg.subreaper
}
