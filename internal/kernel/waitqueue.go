package kernel

import "time"

// waitQueue is a set of tasks sleeping until some condition may hold (a
// child exits, a futex word is woken). The waker wakes them; each re-checks
// its condition. Guarded by Kernel.mu.
type waitQueue struct {
	waiters []*Task
}

// Preconditions: Kernel.mu is held.
func (q *waitQueue) remove(t *Task) {
	if q == nil {
		return
	}
	for i, x := range q.waiters {
		if x == t {
			q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
			return
		}
	}
}

// wakeAllLocked makes every waiter runnable.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) wakeAllLocked(q *waitQueue) {
	for _, t := range q.waiters {
		t.waitingOn = nil
		k.wakeLocked(t)
	}
	q.waiters = q.waiters[:0]
}

// wakeThreadsLocked wakes every sleeping thread of g but t, so that each
// notices its process is going away.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) wakeThreadsLocked(g *ThreadGroup, t *Task) {
	for _, x := range g.threads {
		if s := x.State(); x != t && (s == StateSleeping || s == StateDisk || s == StateStopped) && x.waitingOn != nil {
			x.waitingOn.remove(x)
			x.waitingOn = nil
			k.wakeLocked(x)
		}
	}
}

// zeroTime is the deadline of a sleep without one.
var zeroTime time.Time

// sleepOutcome says why sleepLocked returned.
type sleepOutcome int

const (
	wokenUp     sleepOutcome = iota // a waker (or a spurious wake-up): re-check the condition
	timedOut                        // the deadline passed
	interrupted                     // the task must exit
	signalled                       // a signal the task takes arrived (interruptible sleeps only)
)

// sleepLocked puts t, which holds the CPU, to sleep on q until it is woken,
// until the deadline (zero: none) passes, until a signal it takes arrives,
// or until it is told to exit. The CPU goes to the next runnable task
// meanwhile. It is Linux's prepare_to_wait + schedule in
// TASK_INTERRUPTIBLE, and the caller loops on its condition.
//
// Preconditions: Kernel.mu is held; it is held again on return.
func (t *Task) sleepLocked(q *waitQueue, deadline time.Time) sleepOutcome {
	return t.waitLocked(q, deadline, StateSleeping, true)
}

// sleepKillableLocked is sleepLocked that only the death of the process
// ends early, not a signal (TASK_KILLABLE, shown as D): vfork's wait for
// the child, exec's wait for the other threads.
//
// Preconditions: Kernel.mu is held; it is held again on return.
func (t *Task) sleepKillableLocked(q *waitQueue) sleepOutcome {
	return t.waitLocked(q, zeroTime, StateDisk, false)
}

// waitLocked is sleepLocked in the given state (S, D, or T for a stopped
// task), interruptible by signals or not.
//
// Preconditions: Kernel.mu is held; it is held again on return.
func (t *Task) waitLocked(q *waitQueue, deadline time.Time, state State, interruptible bool) sleepOutcome {
	k := t.k
	if t.mustExitLocked() {
		return interrupted
	}
	if interruptible && t.signalPendingLocked() {
		return signalled
	}
	t.interruptible = interruptible
	t.sigWoken = false
	q.waiters = append(q.waiters, t)
	t.waitingOn = q
	t.sleepSeq++
	seq := t.sleepSeq
	t.timedOut = false
	var timer *time.Timer
	if !deadline.IsZero() {
		d := deadline.Sub(k.cfg.Now())
		if d <= 0 {
			q.remove(t)
			t.waitingOn = nil
			return timedOut
		}
		if k.cfg.Deterministic {
			k.armLocked(t, deadline)
		} else {
			timer = time.AfterFunc(d, func() {
				k.mu.Lock()
				defer k.mu.Unlock()
				k.timeoutLocked(t, seq)
			})
		}
	}
	t.setState(state)
	t.VolSwitches++
	k.switchFromLocked(t, switchBlocked)
	k.mu.Unlock()
	<-t.wake
	k.mu.Lock()
	if timer != nil {
		timer.Stop()
	}
	t.waitingOn.remove(t) // a timeout, a signal or an exit woke it, not the queue's waker
	t.waitingOn = nil
	t.interruptible = false
	switch {
	case t.mustExitLocked():
		return interrupted
	case t.timedOut:
		return timedOut
	case t.sigWoken:
		t.sigWoken = false
		return signalled
	}
	return wokenUp
}

// timeoutLocked ends t's sleep number seq, if it still sleeps it, because
// its deadline passed.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) timeoutLocked(t *Task, seq uint64) {
	if t.sleepSeq == seq && t.State() == StateSleeping && t.waitingOn != nil {
		t.timedOut = true
		t.waitingOn.remove(t)
		k.wakeLocked(t)
	}
}

// mustExitLocked reports whether t's process is going away (exit_group by
// another thread, a fatal signal, the death of its namespace's init).
//
// Preconditions: Kernel.mu is held.
func (t *Task) mustExitLocked() bool { return t.exiting || t.tg.exiting.Load() }
