package kernel

// The virtual CPU and its run queue. The CPU is a token handed from task to
// task through each task's wake channel (buffered, one slot): the holder is
// k.running; the rest are on k.runq, asleep on a wait queue, or blocked in
// host I/O. Round-robin for now; the CFS run queue of internal/kernel/sched
// slots in behind enqueueLocked and pickLocked.

// enqueueLocked puts a runnable task on the run queue.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) enqueueLocked(t *Task) {
	t.setState(StateRunnable)
	k.runq = append(k.runq, t)
}

// pickLocked takes the next task to run off the run queue, or nil.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) pickLocked() *Task {
	if len(k.runq) == 0 {
		return nil
	}
	t := k.runq[0]
	k.runq = k.runq[1:]
	return t
}

// runLocked gives the CPU to t.
//
// Preconditions: Kernel.mu is held; the CPU is free.
func (k *Kernel) runLocked(t *Task) {
	k.running = t
	t.setState(StateRunning)
	k.switches++
	t.wake <- struct{}{}
}

// wakeLocked makes a sleeping or new task runnable, giving it the CPU at
// once when the CPU is idle. Waking a task that is not asleep does
// nothing.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) wakeLocked(t *Task) {
	switch t.State() {
	case StateSleeping, StateDisk, StateNew:
	default:
		return
	}
	if k.running == nil {
		k.runLocked(t)
		return
	}
	k.enqueueLocked(t)
}

// switchFromLocked gives up the CPU that t holds to the next runnable task,
// or leaves it idle. t's state must already say where it is going.
//
// Preconditions: Kernel.mu is held; k.running == t.
func (k *Kernel) switchFromLocked(t *Task) {
	if k.running != t {
		panic("kernel: switch from a task that does not hold the CPU")
	}
	k.running = nil
	if next := k.pickLocked(); next != nil {
		k.runLocked(next)
	}
}

// makeRunnable starts a new task: on the idle CPU, or on the run queue.
func (k *Kernel) makeRunnable(t *Task) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.wakeLocked(t)
}

// yield gives the CPU to the next runnable task, if any, and waits to get it
// back. It returns 1 when a switch happened (a context switch the caller
// counts as voluntary or involuntary), 0 otherwise.
func (k *Kernel) yield(t *Task) uint64 {
	k.mu.Lock()
	if len(k.runq) == 0 {
		k.mu.Unlock()
		return 0
	}
	k.enqueueLocked(t)
	k.switchFromLocked(t)
	k.mu.Unlock()
	<-t.wake
	return 1
}

// Yield is sched_yield(2): the CPU goes to another runnable task, if any.
func (t *Task) Yield() { t.VolSwitches += t.k.yield(t) }

// leaveCPU is called by a task's goroutine as its last act: the CPU passes
// to the next runnable task or goes idle.
func (k *Kernel) leaveCPU(t *Task) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.running == t {
		k.switchFromLocked(t)
	}
}

// advance moves virtual time forward by n retired instructions.
func (k *Kernel) advance(n uint64) { k.clock.Add(n) }
