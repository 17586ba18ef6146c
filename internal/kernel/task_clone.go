package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/trace"
)

// CloneArgs are clone(2)'s and clone3(2)'s arguments.
type CloneArgs struct {
	Flags      uint64 // CLONE_* without the exit signal
	ExitSignal int    // the signal the parent gets when the child exits (SIGCHLD for fork)
	Stack      uint64 // the child's stack pointer; 0 keeps the parent's
	ParentTID  uint64 // CLONE_PARENT_SETTID: where the parent gets the child's tid
	ChildTID   uint64 // CLONE_CHILD_SETTID and CLONE_CHILD_CLEARTID: the child's word
	TLS        uint64 // CLONE_SETTLS: the child's thread pointer (tp)
	Pidfd      uint64 // CLONE_PIDFD: where the parent gets the pidfd (clone: ParentTID's word)
}

// cloneNamespaces are the flags that make new namespaces; vessel does not
// make them yet.
const cloneNamespaces = abi.CLONE_NEWNS | abi.CLONE_NEWUTS | abi.CLONE_NEWIPC | abi.CLONE_NEWUSER |
	abi.CLONE_NEWPID | abi.CLONE_NEWNET | abi.CLONE_NEWCGROUP

// Clone makes a new task from t, as clone(2): a thread of t's process
// (CLONE_THREAD), or a new process that shares what the flags ask for and
// copies the rest — the address space copy-on-write. It returns the
// child's tid. The flag checks are Linux's copy_process.
func (t *Task) Clone(args CloneArgs) (int32, abi.Errno) {
	f := args.Flags
	switch {
	case f&cloneNamespaces != 0:
		return 0, abi.EINVAL // namespaces are a later issue
	case f&abi.CLONE_PIDFD != 0 && f&(abi.CLONE_THREAD|abi.CLONE_DETACHED) != 0:
		return 0, abi.EINVAL
	case f&abi.CLONE_THREAD != 0 && f&abi.CLONE_SIGHAND == 0:
		return 0, abi.EINVAL
	case f&abi.CLONE_SIGHAND != 0 && f&abi.CLONE_VM == 0:
		return 0, abi.EINVAL
	case args.ExitSignal < 0 || args.ExitSignal > abi.NSIG:
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	if f&abi.CLONE_PARENT != 0 && t.tg == k.init {
		k.mu.Unlock()
		return 0, abi.EINVAL // init may not make siblings
	}
	if t.mustExitLocked() {
		k.mu.Unlock()
		return 0, abi.EINTR
	}
	tid, err := k.allocPidLocked()
	if err != nil {
		k.mu.Unlock()
		return 0, abi.EAGAIN
	}
	c := &Task{
		k:         k,
		Tid:       tid,
		Pgid:      t.Pgid,
		Sid:       t.Sid,
		Creds:     t.Creds,
		Comm:      t.Comm,
		Exe:       t.Exe,
		Args:      t.Args,
		Envs:      t.Envs,
		Auxv:      t.Auxv,
		SigMask:   t.SigMask,
		sigreturn: t.sigreturn,
		AltStack:  t.AltStack,
		Limits:    t.Limits,
		StartTime: k.Clock(),
	}
	c.Creds.Groups = append([]uint32(nil), t.Creds.Groups...)
	t.cloneCompatLocked(c, f) // personality, capabilities, membarrier, I/O priority (task_compat.go)
	c.Sched.Task = c
	k.rq.PlaceNew(&c.Sched, &t.Sched)
	if f&abi.CLONE_VM != 0 && f&abi.CLONE_VFORK == 0 {
		c.AltStack = AltStack{} // a thread's stack is not its creator's (Linux's copy_process)
	}

	// What the child shares and what it copies.
	if f&abi.CLONE_VM != 0 {
		c.MM = t.MM
	} else {
		c.MM = t.MM.Fork()
		t.Hart.FlushTLBKeepCode() // the parent's private pages are now copy-on-write
	}
	// One address space, or the same frames copy-on-write: the same code,
	// decoded once for both.
	c.Hart = t.Hart.Clone(c.MM)
	c.Hart.X[10] = 0 // the child's clone returns 0
	if args.Stack != 0 {
		c.Hart.X[2] = args.Stack
	}
	if f&abi.CLONE_SETTLS != 0 {
		c.Hart.X[4] = args.TLS
	}
	k.useMMLocked(c.MM)
	k.ipcCloneLocked(t, c, f) // SEM_UNDO lists (CLONE_SYSVSEM), shm attachments
	if f&abi.CLONE_FILES != 0 {
		t.FDs.IncRef()
		c.FDs = t.FDs
	} else {
		c.FDs = t.FDs.Fork()
	}
	if f&abi.CLONE_FS != 0 {
		t.FS.IncRef()
		c.FS = t.FS
	} else {
		c.FS = t.FS.Fork()
	}
	if f&abi.CLONE_SIGHAND != 0 {
		c.Sig = t.Sig
	} else {
		sig := *t.Sig
		c.Sig = &sig
	}

	// The process it belongs to.
	if f&abi.CLONE_THREAD != 0 {
		c.Tgid = t.Tgid
		c.tg = t.tg
		t.tg.threads = append(t.tg.threads, c)
	} else {
		c.Tgid = tid
		parent := t.tg
		if f&abi.CLONE_PARENT != 0 {
			parent = t.tg.parent
		}
		c.tg = &ThreadGroup{Leader: c, threads: []*Task{c}, parent: parent, exitSignal: args.ExitSignal}
		if parent != nil {
			parent.children = append(parent.children, c.tg)
		}
		k.terminalForkLocked(t.tg, c.tg)
	}
	if f&abi.CLONE_CHILD_CLEARTID != 0 {
		c.ClearChildTID = args.ChildTID
	}
	k.tasks[tid] = c
	c.wake = make(chan struct{}, 1)
	c.setState(StateNew)
	k.mu.Unlock()

	if f&abi.CLONE_PIDFD != 0 {
		// Linux opens the pidfd before the child can run; here the child
		// has not run yet either (it has no CPU until the wake below).
		fd, err := t.installPidfd(c.tg, 0)
		if err == 0 {
			putTID(t, args.Pidfd, fd)
		}
	}
	if f&abi.CLONE_PARENT_SETTID != 0 {
		putTID(t, args.ParentTID, tid)
	}
	if f&abi.CLONE_CHILD_SETTID != 0 {
		putTID(c, args.ChildTID, tid)
	}
	if b := k.cfg.Trace; b.Enabled() {
		b.Publish(&trace.Event{Kind: trace.KindClone, Time: k.Clock(), Pid: t.Tgid, Tid: t.Tid, Code: int(tid), Text: cloneText(f)})
	}

	goTask(c.run)
	k.mu.Lock()
	if f&abi.CLONE_VFORK != 0 {
		c.vforkParent = t
	}
	k.wakeLocked(c)
	if f&abi.CLONE_VFORK != 0 {
		// The parent sleeps until the child execs or exits: Linux's
		// wait_for_vfork_done, killable only.
		for c.vforkParent != nil {
			if t.sleepKillableLocked(&c.vforkDone) == interrupted {
				break
			}
		}
	}
	k.mu.Unlock()
	return tid, 0
}

// putTID stores a tid into the 32-bit word at addr in t's memory; a bad
// address is ignored, as Linux's put_user in clone.
func putTID(t *Task, addr uint64, tid int32) {
	var b [4]byte
	b[0], b[1], b[2], b[3] = byte(tid), byte(tid>>8), byte(tid>>16), byte(tid>>24)
	t.MM.CopyOut(addr, b[:])
}

// releaseVforkLocked lets a vfork parent go on: the child has exec'd or
// exited and no longer borrows its memory.
//
// Preconditions: Kernel.mu is held.
func (t *Task) releaseVforkLocked() {
	if t.vforkParent == nil {
		return
	}
	t.vforkParent = nil
	t.k.wakeAllLocked(&t.vforkDone)
}

func cloneText(f uint64) string {
	switch {
	case f&abi.CLONE_THREAD != 0:
		return "thread"
	case f&abi.CLONE_VFORK != 0:
		return "vfork"
	}
	return "fork"
}
