package kernel

import "time"

// Block gives up the CPU while wait runs on the task's goroutine (a host
// sleep, a host read that may block), then waits to be scheduled again. The
// task is in state S meanwhile. wait must not touch guest memory or other
// tasks' state.
func (t *Task) Block(wait func()) {
	k := t.k
	k.mu.Lock()
	t.setState(StateSleeping)
	t.VolSwitches++
	k.switchFromLocked(t, switchBlocked)
	k.mu.Unlock()
	wait()
	k.mu.Lock()
	k.wakeLocked(t)
	k.mu.Unlock()
	<-t.wake
}

// Sleep blocks the task for d, or until a signal it takes arrives or its
// process must exit. It returns the time left: 0 when the whole time
// passed.
func (t *Task) Sleep(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	k := t.k
	var q waitQueue
	k.mu.Lock()
	defer k.mu.Unlock()
	deadline := k.cfg.Now().Add(d)
	for {
		switch t.sleepLocked(&q, deadline) {
		case timedOut:
			return 0
		case signalled, interrupted:
			return max(deadline.Sub(k.cfg.Now()), 1)
		}
	}
}

// Exiting reports whether the task has begun to exit.
func (t *Task) Exiting() bool { return t.exiting }
