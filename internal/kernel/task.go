package kernel

import (
	"sync/atomic"

	"vessel/internal/abi"
	"vessel/internal/cpu"
	"vessel/internal/kernel/sched"
	"vessel/internal/mm"
	"vessel/internal/trace"
	"vessel/internal/vfs"
)

// State is a task's scheduling state, as Linux reports it in /proc.
type State int32

const (
	StateNew      State = iota // created, never ran
	StateRunnable              // R: ready, on the run queue
	StateRunning               // R: holds the virtual CPU
	StateSleeping              // S: waiting, interruptible
	StateDisk                  // D: waiting, uninterruptible
	StateStopped               // T: stopped by a signal
	StateZombie                // Z: exited, not yet reaped
	StateDead                  // X: reaped
)

var stateLetters = [...]byte{'R', 'R', 'R', 'S', 'D', 'T', 'Z', 'X'}
var stateWords = [...]string{"new", "ready", "running", "waiting", "waiting", "stopped", "zombie", "terminated"}

// Letter is the state as /proc/PID/stat shows it (R, S, D, T, Z, X).
func (s State) Letter() byte { return stateLetters[s] }

// String is the state in the textbook's words (new, ready, running, waiting,
// stopped, zombie, terminated).
func (s State) String() string { return stateWords[s] }

// Creds are a task's credentials (see credentials(7)).
type Creds struct {
	UID, EUID, SUID, FSUID uint32
	GID, EGID, SGID, FSGID uint32
	Groups                 []uint32
}

// Task is one guest thread: the process control block.
type Task struct {
	k *Kernel

	// Identity. Guarded by Kernel.mu for writes; the token holder reads.
	Tid   int32
	Tgid  int32
	Pgid  int32
	Sid   int32
	Creds Creds
	Comm  string // the executable's base name, at most 15 bytes (prctl PR_SET_NAME)
	Exe   string // the guest path of the executable

	state atomic.Int32 // a State

	// The hart's registers and caches; only the task's own goroutine touches them.
	Hart *cpu.Hart

	iobuf []byte  // IOBuf's scratch; only the task's own goroutine touches it
	io    IOUsage // read and write accounting; written by the task's own goroutine

	// kernelMain, when set, is what the task runs instead of guest code:
	// vessel's built-in init.
	kernelMain func(t *Task)

	// Shared parts, by pointer.
	tg   *ThreadGroup // the process; guarded by Kernel.mu when it changes (exec)
	MM   *mm.AddressSpace
	FDs  *vfs.FDTable
	FS   *vfs.Context
	Sig  *SigHandlers
	Envs []string // the environment the program was started with (for /proc/PID/environ)
	Auxv []byte   // the auxiliary vector as the program got it, AT_NULL last, in memory order (for /proc/PID/auxv)
	Args []string // argv, for /proc/PID/cmdline

	// Signal state. SigMask is written by the task itself under
	// Kernel.mu; pending is guarded by Kernel.mu.
	SigMask  uint64
	pending  sigPending
	sigHint  atomic.Bool // a signal may be deliverable: the run loop looks
	sigWoken bool        // guarded by Kernel.mu: a signal ended the last sleep
	// interruptible is set, under Kernel.mu, while the task sleeps in a
	// sleep a signal may end.
	interruptible bool
	savedMask     uint64   // rt_sigsuspend's mask to restore after the handler
	waitSet       uint64   // guarded by Kernel.mu: the signals rt_sigtimedwait waits for
	suspended     bool     // savedMask is set
	AltStack      AltStack // sigaltstack(2)
	// sigreturn is the address of the rt_sigreturn trampoline a handler
	// returns to (the vDSO's, on Linux): set at exec.
	sigreturn uint64
	// The syscall being restarted after a signal: its a0 on entry, and
	// the ERESTART* code it returned.
	origA0  uint64
	restart abi.Errno

	// set_tid_address and set_robust_list.
	PdeathSig      int // prctl(PR_SET_PDEATHSIG): sent when the parent process exits
	KeepCaps       int // prctl(PR_SET_KEEPCAPS): a setuid away from root keeps the permitted set; cleared by exec
	ClearChildTID  uint64
	RobustList     uint64
	RobustListSize uint64

	// personality(2), capabilities, membarrier(2) registrations and the
	// I/O priority (task_compat.go, task_ioprio.go). Personality is
	// written by the task itself; caps and ioctx are guarded by
	// Kernel.mu; membarrier is shared by the tasks of one address space.
	Personality uint32
	caps        capState
	membarrier  *membarrierState
	ioctx       *ioContext

	// Scheduling: policy, nice, real-time priority and virtual runtime.
	// Guarded by Kernel.mu.
	Sched     sched.Entity
	uncharged atomic.Uint64 // instructions run but not yet charged to Sched
	resumed   bool          // set with the CPU token: the task got the CPU back and starts a new turn
	turn      uint64        // set with the CPU token: the new turn's budget, or 0 to ask account (see runLocked)

	Limits [abi.RLIM_NLIMITS]abi.Rlimit

	// Accounting, in retired instructions and counts.
	StartTime uint64 // kernel virtual time at creation
	UserInsns uint64 // instructions retired in guest code: user time, in virtual nanoseconds
	SysNanos  uint64 // system time: SyscallCost per syscall

	// SysArgs holds the current syscall's arguments for the syscall layer
	// (a per-task buffer, so that dispatch allocates nothing).
	SysArgs     [6]uint64
	Syscalls    uint64
	VolSwitches uint64
	InvSwitches uint64

	exiting     bool          // this thread is leaving; the run loop returns
	wake        chan struct{} // the CPU token arrives here
	sleepSeq    uint64        // guarded by Kernel.mu: counts sleeps, so a late timer cannot wake a later one
	waitingOn   *waitQueue    // guarded by Kernel.mu: the queue the task sleeps on, if any
	futexBitset uint32        // guarded by Kernel.mu: FUTEX_WAIT_BITSET's mask while it waits
	exitCode    int32         // exit(2)'s status, for the process when this is its last thread
	vforkParent *Task         // guarded by Kernel.mu: the parent sleeping in vfork until we exec or exit
	vforkDone   waitQueue     // guarded by Kernel.mu: where that parent sleeps
	timedOut    bool          // guarded by Kernel.mu: the last sleep's deadline passed
}

// Group returns the task's process.
func (t *Task) Group() *ThreadGroup { return t.tg }

// Ppid is the process id of the parent process, 0 for a namespace's init.
func (t *Task) Ppid() int32 {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	if p := t.tg.parent; p != nil {
		return p.Pid()
	}
	return 0
}

// State returns the task's current state.
func (t *Task) State() State { return State(t.state.Load()) }

// setState moves t to state s and publishes the change.
func (t *Task) setState(s State) {
	old := State(t.state.Swap(int32(s)))
	if b := t.k.cfg.Trace; old != s && b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindState, Time: t.k.Clock(), Pid: t.Tgid, Tid: t.Tid,
			Code: int(s.Letter()), Name: s.String()})
	}
}

// Kernel returns the kernel the task belongs to.
func (t *Task) Kernel() *Kernel { return t.k }

// SigAction is one signal's disposition, as rt_sigaction stores it.
type SigAction struct {
	Handler  uint64
	Flags    uint64
	Restorer uint64
	Mask     uint64
}

// SigHandlers is the table of dispositions, shared by CLONE_SIGHAND.
type SigHandlers struct {
	Actions [abi.NSIG + 1]SigAction
}

// FSContext is the task's filesystem context, for the vfs (vfs.Caller).
func (t *Task) FSContext() *vfs.Context { return t.FS }

// FSCreds are the credentials the vfs checks the task's file operations
// with: the filesystem ids and the supplementary groups (vfs.Caller).
func (t *Task) FSCreds() vfs.Creds {
	return vfs.Creds{UID: t.Creds.FSUID, GID: t.Creds.FSGID, Groups: t.Creds.Groups}
}

// IOBuf returns a scratch buffer of n bytes for moving data between guest
// memory and a file within one system call, so that reads and writes do not
// allocate. Its contents are garbage; it is the task's until its next call.
func (t *Task) IOBuf(n int) []byte {
	if cap(t.iobuf) < n {
		t.iobuf = make([]byte, n)
	}
	return t.iobuf[:n]
}
