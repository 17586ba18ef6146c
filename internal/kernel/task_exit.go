package kernel

import (
	"fmt"

	"vessel/internal/abi"
	"vessel/internal/trace"
)

// Exit ends the calling thread, as exit(2). When it is the process's last
// thread the process exits with code (its low 8 bits). The run loop
// returns after the current syscall.
func (t *Task) Exit(code int) {
	t.exitCode = int32(code&0xff) << 8
	t.exiting = true
}

// ExitGroup ends every thread of t's process with the given exit code (the
// low 8 bits count), as exit_group(2).
func (t *Task) ExitGroup(code int) {
	k := t.k
	k.mu.Lock()
	k.groupExitLocked(t, int32(code&0xff)<<8)
	k.mu.Unlock()
}

// killGroup ends t's process as if killed by sig.
func (k *Kernel) killGroup(t *Task, sig int) {
	k.mu.Lock()
	k.groupExitLocked(t, t.killStatus(sig))
	k.mu.Unlock()
}

// killStatus is the wait status of t's process killed by sig: the core
// flag is set only when the signal's default action dumps core and
// RLIMIT_CORE allows it, as in Linux (vessel writes no core file).
func (t *Task) killStatus(sig int) int32 {
	status := int32(sig)
	if defaultAction(sig) == sigCore && t.Limits[abi.RLIMIT_CORE].Cur > 0 {
		status |= 0x80
	}
	return status
}

// groupExitLocked starts the exit of t's whole process with the given wait
// status, as Linux's do_group_exit: the first status set wins; every other
// thread is woken to notice and leave.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) groupExitLocked(t *Task, status int32) {
	t.exiting = true
	g := t.tg
	if g.exiting.Load() {
		return
	}
	g.status = status
	g.exiting.Store(true)
	k.wakeThreadsLocked(g, t)
}

// exitThread is the end of a task's life, on its own goroutine while it
// holds the CPU: Linux's do_exit. It clears and wakes the clear-child-tid
// word, lets a vfork parent go, drops the task's share of the address
// space, descriptors and fs context, and, for the last thread, makes the
// process a zombie and tells its parent. Finally the CPU passes on.
func (t *Task) exitThread() {
	k := t.k
	k.mu.Lock()
	var release func()
	hart := t.Hart
	defer func() {
		k.mu.Unlock()
		release() // files may take Kernel.mu to close (epoll, pipes)
		if hart != nil {
			hart.Release() // nothing reaches it now: t.Hart is nil
		}
	}()
	g := t.tg
	t.exitRobustListLocked()
	t.ipcExitLocked() // SEM_UNDO adjustments
	if t.ClearChildTID != 0 && k.mmUsers[t.MM] > 1 {
		// Linux's mm_release: a joiner waits on this word.
		putTID(t, t.ClearChildTID, 0)
		k.futexWakeLocked(t, t.ClearChildTID, 1, abi.FUTEX_BITSET_MATCH_ANY, false)
	}
	t.releaseVforkLocked()
	u := t.threadUsage()
	if len(g.threads) == 1 {
		// The address space's faults and size are the whole
		// process's: they are counted once, as its last thread goes.
		t.addMemoryUsage(&u)
	}
	g.deadThreads.add(u)
	release = t.dropResourcesLocked()
	g.removeThreadLocked(t)
	k.wakeAllLocked(&g.threadExit)
	last := len(g.threads) == 0
	if !last {
		if t != g.Leader {
			delete(k.tasks, t.Tid)
			t.setState(StateDead)
		} else {
			t.setState(StateZombie) // the leader's pid lives on until the group ends
		}
		t.Hart = nil
		k.switchFromLocked(t, switchExited)
		return
	}
	if !g.exiting.Load() {
		g.status = t.exitCode
		g.exiting.Store(true)
	}
	if t != g.Leader {
		delete(k.tasks, t.Tid)
		t.setState(StateDead)
	}
	k.processExitLocked(g)
	t.Hart = nil
	k.switchFromLocked(t, switchExited)
}

// dropResourcesLocked releases what the task holds by reference: the
// address space now, the descriptors and the fs context through the
// function it returns, which the caller runs once it no longer holds
// Kernel.mu (closing a file may need it).
//
// Preconditions: Kernel.mu is held.
func (t *Task) dropResourcesLocked() (release func()) {
	k := t.k
	if t.MM != nil {
		k.ipcDropMMLocked(t, t.MM) // shm detach by the last user
		k.dropMMLocked(t.MM)
		t.MM = nil
	}
	fds, fs := t.FDs, t.FS
	t.FDs, t.FS = nil, nil
	return func() {
		if fds != nil {
			fds.DecRef()
		}
		if fs != nil {
			fs.DecRef()
		}
	}
}

// processExitLocked makes g, whose threads have all exited, a zombie:
// its children go to a new reaper, its parent is woken (or reaps it at
// once when it ignores SIGCHLD), and the death of init ends the kernel's
// run, killing every other process as the end of a PID namespace does.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) processExitLocked(g *ThreadGroup) {
	g.zombie = true
	g.stopTimersLocked()
	g.Leader.setState(StateZombie)
	children := append([]*ThreadGroup(nil), g.children...)
	k.reparentChildrenLocked(g)
	k.orphanCheckLocked(g, children)
	if b := k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindExit, Time: k.Clock(), Pid: g.Pid(), Tid: g.Leader.Tid, Code: int(g.status), Text: statusText(g.status)})
	}
	if g == k.init {
		k.status = g.status
		for _, t := range k.tasksLocked() {
			if t.tg != g && !t.tg.exiting.Load() {
				t.tg.status = abi.SIGKILL
				t.tg.exiting.Store(true)
				k.wakeThreadsLocked(t.tg, nil)
			}
		}
		close(k.done)
		return
	}
	p := g.parent
	if p == nil {
		k.reapLocked(g)
		return
	}
	if g.exitSignal != 0 {
		info := SigInfo{Signo: g.exitSignal, Code: abi.CLD_EXITED, Pid: g.Pid(), UID: g.Leader.Creds.UID, Status: g.status >> 8 & 0xff}
		if sig := g.status & 0x7f; sig != 0 {
			info.Code, info.Status = abi.CLD_KILLED, sig
			if g.status&0x80 != 0 {
				info.Code = abi.CLD_DUMPED
			}
		}
		k.sendLocked(p, nil, info, false)
	}
	if p.autoReaps() {
		k.reapLocked(g)
	}
	k.wakeAllLocked(&p.childExit)
}

// autoReaps reports whether g's children are reaped as they exit: g
// ignores SIGCHLD or set SA_NOCLDWAIT (see wait(2), NOTES).
func (g *ThreadGroup) autoReaps() bool {
	a := g.Leader.Sig.Actions[abi.SIGCHLD]
	return a.Handler == abi.SIG_IGN || a.Flags&abi.SA_NOCLDWAIT != 0
}

// reparentChildrenLocked gives g's children to the nearest living
// ancestor that is a child subreaper, or else to init, as Linux's
// find_new_reaper. A zombie among them wakes its new parent.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) reparentChildrenLocked(g *ThreadGroup) {
	if len(g.children) == 0 {
		return
	}
	for _, c := range g.children {
		for _, x := range c.threads {
			if x.PdeathSig != 0 {
				k.signalGroupLocked(c, x.PdeathSig) // PR_SET_PDEATHSIG
			}
		}
	}
	reaper := k.init
	for a := g.parent; a != nil; a = a.parent {
		if a.subreaper && !a.exiting.Load() {
			reaper = a
			break
		}
	}
	if reaper == g || reaper == nil {
		for _, c := range g.children {
			c.parent = nil
			if c.zombie {
				k.reapLocked(c)
			}
		}
		g.children = nil
		return
	}
	for _, c := range g.children {
		c.parent = reaper
		reaper.children = append(reaper.children, c)
		if c.zombie {
			k.wakeAllLocked(&reaper.childExit)
		}
	}
	g.children = nil
}

// reapLocked removes the zombie g for good: its pid is free again.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) reapLocked(g *ThreadGroup) {
	if g.reaped {
		return
	}
	g.reaped = true
	if g.parent != nil {
		g.parent.removeChildLocked(g)
		g.parent.reapedChildren.add(g.deadThreads)
		g.parent.reapedChildren.add(g.reapedChildren)
	}
	delete(k.tasks, g.Leader.Tid)
	g.Leader.setState(StateDead)
	if b := k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindReap, Time: k.Clock(), Pid: g.Pid(), Tid: g.Leader.Tid, Code: int(g.status)})
	}
}

// statusText is a wait status in strace's words.
func statusText(status int32) string {
	if status&0x7f == 0 {
		return fmt.Sprintf("exited with %d", status>>8&0xff)
	}
	text := "killed by " + abi.SignalName(int(status&0x7f))
	if status&0x80 != 0 {
		text += " (core dumped)"
	}
	return text
}
