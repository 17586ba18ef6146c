package kernel

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel/sched"
	"vessel/internal/mm"
	"vessel/internal/trace"
	"vessel/internal/vfs"
)

// SyscallTable dispatches system calls. The kernel never imports the syscall
// layer; the root package hands a table in through Config.
type SyscallTable interface {
	// Invoke runs the syscall in t's registers (a7 the number, a0..a5 the
	// arguments) and leaves the result in a0, as the riscv64 ABI says.
	Invoke(t *Task)
}

// Config is what a Kernel is built from. The zero value of each field has
// the documented default.
type Config struct {
	Syscalls SyscallTable
	FS       *vfs.FS      // the guest's filesystem
	Sysroot  string       // qemu's -L: absolute guest paths are tried under it first; "" for none
	Cwd      string       // the first process's working directory (a guest path); "" for /
	Stdio    [3]*vfs.File // the first process's descriptors 0, 1 and 2; nil leaves one closed
	Trace    *trace.Bus   // nil for none
	Now      func() time.Time
	Random   io.Reader // AT_RANDOM and getrandom; nil means crypto/rand
	// The CFS target latency and minimum granularity, in virtual
	// nanoseconds (retired instructions); 0 means Linux's 6 ms and 0.75 ms.
	SchedLatency        uint64
	SchedMinGranularity uint64
	Hostname            string    // uname's nodename; "" means "vessel"
	Log                 io.Writer // one-line notices (unsupported syscalls); nil discards

	// Interpret makes every hart interpret all guest code, instead of
	// translating hot code to host machine code where vessel can.
	Interpret bool

	// Deterministic derives every guest clock from retired instructions,
	// and randomness and scheduling choices from Seed (see determinism.go).
	Deterministic bool
	Seed          uint64

	// Terminal, when not nil, is the controlling terminal of the first
	// process's session, with its group in the foreground (tty.go); Stdio
	// may hold Files of it (Terminal.File). nil: no terminal.
	Terminal *Terminal
}

// Kernel is one instance of vessel's kernel: a process table, a virtual CPU
// and the tasks that share it.
type Kernel struct {
	cfg   Config
	start time.Time

	mu          sync.Mutex
	tasks       map[int32]*Task             // guarded by mu
	lastPid     int32                       // guarded by mu
	rq          *sched.RunQueue             // guarded by mu: runnable tasks waiting for the CPU
	needResched atomic.Bool                 // set under mu: a woken task should preempt the holder; read by it without
	running     *Task                       // guarded by mu: the task holding the CPU, nil when idle
	switches    uint64                      // guarded by mu: context switches so far
	init        *ThreadGroup                // guarded by mu: PID 1, the reaper of last resort
	futexes     futexTable                  // guarded by mu: futex words with waiters
	fifos       map[any]*pipe               // guarded by mu: FIFOs open somewhere, by the vfs's key (fifo.go)
	locks       lockState                   // guarded by mu, but for its counter: file locks (locks.go)
	load        loadAvg                     // guarded by mu: the load average (loadavg.go)
	uts         utsNames                    // guarded by mu: the host and domain names (uts.go)
	mmUsers     map[*mm.AddressSpace]int    // guarded by mu: tasks using each address space
	imageOf     map[*mm.AddressSpace]fileID // guarded by mu: the executable each address space runs
	images      map[fileID]int              // guarded by mu: address spaces running each executable
	programs    []keptProgram               // guarded by mu: programs kept in the page cache, least recently run first

	clock       atomic.Uint64 // instructions retired by every task and syscall costs: the virtual time
	idle        atomic.Uint64 // deterministic mode: virtual time skipped while every task slept
	rng         *rand.Rand    // deterministic mode: scheduling choices; guarded by mu
	timers      timerHeap     // deterministic mode: virtual deadlines of sleeping tasks; guarded by mu
	ipc         *ipcState     // guarded by mu: System V IPC and POSIX message queues (ipc_ns.go)
	timerSeq    uint64        // guarded by mu
	unsupported sync.Map      // syscall numbers already logged as unimplemented

	done   chan struct{} // closed when PID 1 exits
	status int32         // PID 1's wait status, once done is closed
}

// PidMax is the largest pid; allocation wraps after it, as Linux's pid_max.
const PidMax = 4194304

// New returns a kernel with no tasks.
func New(cfg Config) *Kernel {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "vessel"
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	k := &Kernel{cfg: cfg, rq: newRunQueue(&cfg), tasks: map[int32]*Task{}, futexes: newFutexTable(), fifos: map[any]*pipe{},
		mmUsers: map[*mm.AddressSpace]int{}, imageOf: map[*mm.AddressSpace]fileID{}, images: map[fileID]int{},
		done: make(chan struct{})}
	k.ipc = newIPCState(k)
	k.uts = utsNames{host: cfg.Hostname, domain: "(none)"}
	if cfg.Deterministic {
		k.setupDeterminism()
	}
	if cfg.Terminal != nil {
		cfg.Terminal.attach(k) // the terminal (tty.go)
	}
	k.start = k.cfg.Now()
	return k
}

// Config returns the kernel's configuration.
func (k *Kernel) Config() *Config { return &k.cfg }

// Trace returns the event bus (possibly nil: Enabled reports false then).
func (k *Kernel) Trace() *trace.Bus { return k.cfg.Trace }

// Now is the guest's wall clock.
func (k *Kernel) Now() time.Time { return k.cfg.Now() }

// Uptime is the time since the kernel started.
func (k *Kernel) Uptime() time.Duration { return k.cfg.Now().Sub(k.start) }

// Clock is the kernel's virtual time: instructions retired by every task.
func (k *Kernel) Clock() uint64 { return k.clock.Load() }

// allocPidLocked returns the next free pid, wrapping at PidMax like Linux.
//
// Preconditions: k.mu is held.
func (k *Kernel) allocPidLocked() (int32, error) {
	for range PidMax {
		k.lastPid++
		if k.lastPid > PidMax {
			k.lastPid = 1
		}
		if _, used := k.tasks[k.lastPid]; !used {
			return k.lastPid, nil
		}
	}
	return 0, abi.EAGAIN
}

// tasksLocked lists every task in tid order, so that what the kernel does
// to many tasks happens in the same order on every run.
//
// Preconditions: k.mu is held.
func (k *Kernel) tasksLocked() []*Task {
	ts := make([]*Task, 0, len(k.tasks))
	for _, t := range k.tasks {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b *Task) int { return int(a.Tid - b.Tid) })
	return ts
}

// Task returns the task with the given tid, or nil.
func (k *Kernel) Task(tid int32) *Task {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.tasks[tid]
}

// Done is closed when PID 1 has exited.
func (k *Kernel) Done() <-chan struct{} { return k.done }

// Wait blocks until PID 1 exits and returns its wait status (see wait(2):
// the exit code in bits 8-15, or the killing signal in bits 0-6 and the core
// flag in bit 7).
func (k *Kernel) Wait() int32 {
	<-k.done
	return k.status
}

// Unsupported logs the first call of an unimplemented syscall number.
func (k *Kernel) Unsupported(t *Task, nr int, name string) {
	if _, seen := k.unsupported.LoadOrStore(nr, true); seen {
		return
	}
	if name == "" {
		name = fmt.Sprintf("syscall_%d", nr)
	}
	fmt.Fprintf(k.cfg.Log, "vessel: %s (%d) is not implemented: returning ENOSYS\n", name, nr)
}

// internalError reports a Go panic reached by a guest: the task gets
// SIGSYS and an internal-error event carries the stack.
func (k *Kernel) internalError(t *Task, what string, r any) {
	stack := string(debug.Stack())
	fmt.Fprintf(k.cfg.Log, "vessel: internal error in %s (pid %d): %v\n", what, t.Tid, r)
	if k.cfg.Trace.Enabled() {
		k.cfg.Trace.Publish(&trace.Event{Kind: trace.KindInternalError, Time: k.Clock(), Pid: t.Tgid, Tid: t.Tid,
			Text: fmt.Sprintf("%s: %v\n%s", what, r, stack)})
	}
}
