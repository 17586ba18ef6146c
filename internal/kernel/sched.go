package kernel

import (
	"vessel/internal/kernel/sched"
	"vessel/internal/trace"
)

// The virtual CPU. It is a token handed from task to task through each
// task's wake channel (buffered, one slot): the holder is k.running; the
// other tasks are on the run queue (k.rq, the CFS and real-time classes of
// package sched), asleep on a wait queue, or blocked in host I/O. The
// holder gives the CPU up when its turn ends (Slice), when a task that
// should preempt it wakes (needResched, checked after each syscall), when
// it blocks or yields, and when it exits.

// maxBudget bounds one stretch of guest execution (in instructions) so that
// the holder notices host wake-ups (timers, I/O) at least this often even
// when its turn is longer (a SCHED_FIFO task's is unbounded).
const maxBudget = 1 << 20

// enqueueLocked puts a runnable task on the run queue; wakeup says it
// comes back from a sleep (and gets sleeper placement).
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) enqueueLocked(t *Task, wakeup bool) {
	t.setState(StateRunnable)
	k.rq.Enqueue(&t.Sched, wakeup)
}

// pickLocked takes the next task to run off the run queue, or nil.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) pickLocked() *Task {
	e := k.rq.Pick()
	if e == nil {
		return nil
	}
	return e.Task.(*Task)
}

// runLocked gives the CPU to t, which pickLocked returned. It works out
// the budget of t's new turn here, under the lock it holds anyway, so
// that t starts running without taking it again: what account would
// give t on resuming, unless a task queued now should preempt t at once
// (a SCHED_IDLE t picked before a normal task), or the seed decides
// (deterministic mode), when t asks account itself.
//
// Preconditions: Kernel.mu is held; the CPU is free.
func (k *Kernel) runLocked(t *Task) {
	k.running = t
	k.needResched.Store(false)
	t.resumed = true // read by t after it receives the token, as is turn
	t.turn = 0
	if !k.cfg.Deterministic && !(k.rq.Len() > 0 && k.rq.ShouldPreempt(&t.Sched)) {
		t.turn = k.budgetLocked(t)
	}
	t.setState(StateRunning)
	k.switches++
	if k.switches&63 == 0 {
		k.sampleLoadLocked()
	}
	t.wake <- struct{}{}
}

// wakeLocked makes a sleeping or new task runnable: on the idle CPU at
// once, or on the run queue, asking the holder to make way when the woken
// task should preempt it (Linux's check_preempt_curr). Waking a task that
// is not asleep does nothing.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) wakeLocked(t *Task) {
	switch t.State() {
	case StateSleeping, StateDisk, StateStopped:
		k.enqueueLocked(t, true)
	case StateNew:
		k.enqueueLocked(t, false)
	default:
		return
	}
	if k.running == nil {
		k.runLocked(k.pickLocked())
		return
	}
	k.running.chargeLocked()
	if k.rq.ShouldPreempt(&k.running.Sched) {
		k.needResched.Store(true)
	}
}

// switchFromLocked gives up the CPU that t holds to the next runnable task,
// or leaves it idle. t's state must already say where it is going; a task
// that stays runnable must be enqueued first.
//
// Preconditions: Kernel.mu is held; k.running == t.
func (k *Kernel) switchFromLocked(t *Task, why switchReason) {
	if k.running != t {
		panic("kernel: switch from a task that does not hold the CPU")
	}
	t.chargeLocked()
	if t.State() != StateRunnable {
		k.rq.Dequeue(&t.Sched)
	}
	k.running = nil
	next := k.pickLocked()
	if b := k.cfg.Trace; b.Enabled() {
		ev := &trace.Event{Kind: trace.KindSwitch, Time: k.Clock(), Pid: t.Tgid, Tid: t.Tid, Name: why.String()}
		if next != nil {
			ev.Code = int(next.Tid)
		}
		b.Publish(ev)
	}
	if next != nil {
		k.runLocked(next)
	} else if k.cfg.Deterministic {
		k.idleLocked()
	}
}

// switchReason says why a task left the CPU.
type switchReason uint8

const (
	switchPreempted switchReason = iota // its turn ended, or a woken task took precedence: involuntary
	switchBlocked                       // it sleeps on a wait queue or in host I/O: voluntary
	switchYielded                       // sched_yield: voluntary
	switchExited                        // it exited
)

func (r switchReason) String() string {
	return [...]string{"preempted", "blocked", "yielded", "exited"}[r]
}

// makeRunnable starts a new task: on the idle CPU, or on the run queue.
func (k *Kernel) makeRunnable(t *Task) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.wakeLocked(t)
}

// budget is how many instructions t may run before the scheduler looks
// again: the rest of its turn, at most maxBudget.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) budgetLocked(t *Task) uint64 {
	b := max(1, min(k.rq.Slice(&t.Sched), maxBudget))
	if k.cfg.Deterministic {
		b = k.timerBudgetLocked(k.jitterLocked(b))
	}
	return b
}

// ran records that t, the holder, retired n more instructions, and reports
// whether it may go on without asking the scheduler: its budget (which
// run loop keeps) is not spent and nobody asked it to make way. The run
// queue is charged later, in one go (chargeLocked), so that a stretch of
// syscalls costs no lock.
func (k *Kernel) ran(t *Task, n uint64) {
	k.clock.Add(n)
	t.uncharged.Add(n)
	t.tg.cpuUser.Add(n)
}

// chargeLocked charges t's run-queue entity with what it has run since the
// last charge.
//
// Preconditions: Kernel.mu is held.
func (t *Task) chargeLocked() {
	if n := t.uncharged.Swap(0); n > 0 {
		t.k.rq.Charge(&t.Sched, n)
	}
}

// account charges t for what it ran. It reports whether t should
// give the CPU up now — its turn is over and another task is waiting, or a
// task that preempts it has woken — and otherwise how long it may run on.
func (k *Kernel) account(t *Task) (preempt bool, budget uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := &t.Sched
	t.chargeLocked()
	if k.cfg.Deterministic {
		k.fireTimersLocked()
		if k.rq.Len() > 0 {
			return true, 0 // the seed cut the turn here
		}
	}
	if k.needResched.Load() {
		return true, 0
	}
	if k.rq.Slice(e) > 0 {
		if k.rq.Len() > 0 && k.rq.ShouldPreempt(e) {
			return true, 0
		}
		return false, k.budgetLocked(t)
	}
	if k.rq.Len() > 0 {
		return true, 0
	}
	// The turn is over and nobody waits: a new turn, without a switch.
	k.rq.Enqueue(e, false)
	k.rq.Pick()
	return false, k.budgetLocked(t)
}

// preempt puts t back on the run queue and hands the CPU to the next task,
// returning when t runs again (an involuntary context switch) with its
// budget.
func (k *Kernel) preempt(t *Task) uint64 {
	k.mu.Lock()
	k.needResched.Store(false)
	if k.rq.Len() == 0 {
		defer k.mu.Unlock()
		return k.budgetLocked(t)
	}
	k.enqueueLocked(t, false)
	t.InvSwitches++
	k.switchFromLocked(t, switchPreempted)
	k.mu.Unlock()
	<-t.wake
	return t.resumeBudget()
}

// resumeBudget is the budget of a task that has just got the CPU back:
// the one runLocked worked out, or else budgetLocked's. It uses turn up,
// so that the run loop, finding resumed still set at the end of the
// stretch, asks account as it did before runLocked worked budgets out.
func (t *Task) resumeBudget() uint64 {
	if b := t.turn; b > 0 {
		t.turn = 0
		return b
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.k.budgetLocked(t)
}

// Yield is sched_yield(2): t goes behind the other runnable tasks of its
// class, and the CPU to the first of them, if any (a voluntary switch).
func (t *Task) Yield() {
	k := t.k
	k.mu.Lock()
	if k.rq.Len() == 0 {
		k.mu.Unlock()
		return
	}
	k.rq.Yield(&t.Sched)
	k.enqueueLocked(t, false)
	t.VolSwitches++
	k.switchFromLocked(t, switchYielded)
	k.mu.Unlock()
	<-t.wake
}

// newRunQueue builds the run queue from the kernel's configuration.
func newRunQueue(cfg *Config) *sched.RunQueue {
	return sched.NewRunQueue(sched.Config{Latency: cfg.SchedLatency, MinGranularity: cfg.SchedMinGranularity})
}
