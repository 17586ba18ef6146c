package kernel

// The virtual CPU and its run queue. This is a round-robin placeholder with
// the shape the CFS scheduler (internal/kernel/sched) will slot into: the
// CPU is a token handed from task to task through each task's wake channel.

// makeRunnable puts t on the run queue, or gives it the idle CPU.
func (k *Kernel) makeRunnable(t *Task) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.running == nil {
		k.running = t
		t.setState(StateRunning)
		t.wake <- struct{}{}
		return
	}
	t.setState(StateRunnable)
	k.runq = append(k.runq, t)
}

// yield gives the CPU to the next runnable task, if any, and waits to get it
// back. It returns 1 when a switch happened (an involuntary context switch
// for a preempted task), 0 otherwise.
func (k *Kernel) yield(t *Task) uint64 {
	k.mu.Lock()
	if len(k.runq) == 0 {
		k.mu.Unlock()
		return 0
	}
	next := k.runq[0]
	k.runq = append(k.runq[1:], t)
	t.setState(StateRunnable)
	k.running = next
	next.setState(StateRunning)
	next.wake <- struct{}{}
	k.mu.Unlock()
	<-t.wake
	return 1
}

// leaveCPU is called by a task's goroutine as its last act: the CPU passes
// to the next runnable task or goes idle.
func (k *Kernel) leaveCPU(t *Task) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.running != t {
		return
	}
	k.running = nil
	if len(k.runq) > 0 {
		next := k.runq[0]
		k.runq = k.runq[1:]
		k.running = next
		next.setState(StateRunning)
		next.wake <- struct{}{}
	}
}

// advance moves virtual time forward by n retired instructions.
func (k *Kernel) advance(n uint64) { k.clock.Add(n) }
