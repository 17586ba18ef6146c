package kernel

import "time"

// Block gives up the CPU while wait runs on the task's goroutine (a host
// sleep, a host read that may block), then waits to be scheduled again. The
// task is in state S meanwhile. wait must not touch guest memory or other
// tasks' state.
func (t *Task) Block(wait func()) {
	k := t.k
	k.mu.Lock()
	if k.running == t {
		k.running = nil
		if len(k.runq) > 0 {
			next := k.runq[0]
			k.runq = k.runq[1:]
			k.running = next
			next.setState(StateRunning)
			next.wake <- struct{}{}
		}
	}
	t.setState(StateSleeping)
	k.mu.Unlock()
	wait()
	t.VolSwitches++
	k.makeRunnable(t)
	<-t.wake
}

// Sleep blocks the task for d.
func (t *Task) Sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t.Block(func() { time.Sleep(d) })
}

// Exiting reports whether the task has begun to exit.
func (t *Task) Exiting() bool { return t.exiting }
