package kernel

// Usage is CPU time and counts as getrusage(2) reports them. Virtual time:
// one retired guest instruction is one nanosecond of user time; system
// time is SyscallCost per syscall.
type Usage struct {
	UserNanos   uint64
	SysNanos    uint64
	MinorFaults uint64 // pages first touched or copied on write
	VolSwitches uint64 // the task blocked or yielded
	InvSwitches uint64 // the task was preempted
	MaxRSSKB    uint64 // the largest resident set, in KiB
	IO          IOUsage
}

// IOUsage is Linux's task_io_accounting, /proc/PID/io: bytes and calls of
// the read and write families (read, readv, pread64, write, ..., and
// sendfile, splice, copy_file_range, which do both). vessel has no block
// layer, so storage bytes are not counted.
type IOUsage struct {
	RChar, WChar uint64 // bytes read and written
	SysCR, SysCW uint64 // read and write calls
}

func (u *Usage) add(v Usage) {
	u.UserNanos += v.UserNanos
	u.SysNanos += v.SysNanos
	u.MinorFaults += v.MinorFaults
	u.VolSwitches += v.VolSwitches
	u.InvSwitches += v.InvSwitches
	u.MaxRSSKB = max(u.MaxRSSKB, v.MaxRSSKB)
	u.IO.RChar += v.IO.RChar
	u.IO.WChar += v.IO.WChar
	u.IO.SysCR += v.IO.SysCR
	u.IO.SysCW += v.IO.SysCW
}

// threadUsage is t's own usage, without memory figures.
func (t *Task) threadUsage() Usage {
	return Usage{UserNanos: t.UserInsns, SysNanos: t.SysNanos, VolSwitches: t.VolSwitches, InvSwitches: t.InvSwitches, IO: t.io}
}

// CountRead records a read-family call that moved n bytes; CountWrite a
// write-family one. Only the task's own goroutine calls them.
func (t *Task) CountRead(n uint64)  { t.io.RChar += n; t.io.SysCR++ }
func (t *Task) CountWrite(n uint64) { t.io.WChar += n; t.io.SysCW++ }

// ThreadUsage is getrusage(RUSAGE_THREAD).
func (t *Task) ThreadUsage() Usage {
	u := t.threadUsage()
	t.addMemoryUsage(&u)
	return u
}

// ProcessUsage is getrusage(RUSAGE_SELF): every thread of t's process,
// living or gone.
func (t *Task) ProcessUsage() Usage {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.tg.usageLocked()
}

// usageLocked is g's usage: its dead threads' (with, once the last is
// gone, the address space's faults and size), its living threads', and
// while one lives the address space's.
//
// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) usageLocked() Usage {
	u := g.deadThreads
	for _, x := range g.threads {
		u.add(x.threadUsage())
	}
	if len(g.threads) > 0 {
		g.threads[0].addMemoryUsage(&u)
	}
	return u
}

// ChildrenUsage is getrusage(RUSAGE_CHILDREN): the reaped descendants.
func (t *Task) ChildrenUsage() Usage {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.tg.reapedChildren
}

// addMemoryUsage adds the address space's fault count and resident size.
func (t *Task) addMemoryUsage(u *Usage) {
	if t.MM == nil {
		return
	}
	st := t.MM.Stats()
	u.MinorFaults += st.MinorFaults
	u.MaxRSSKB = max(u.MaxRSSKB, st.ResidentPages*4)
}
