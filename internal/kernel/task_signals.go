package kernel

import (
	"time"

	"vessel/internal/abi"
)

// Signals: generation (sendLocked), the pending sets of each thread and
// process, and the default actions. Delivery to a handler, with the signal
// frame on the guest stack, is in signal_deliver.go.

// sigDefault is a signal's default action (see signal(7)).
type sigDefault uint8

const (
	sigTerm sigDefault = iota
	sigCore
	sigIgnore
	sigStop
)

func defaultAction(sig int) sigDefault {
	switch sig {
	case abi.SIGQUIT, abi.SIGILL, abi.SIGTRAP, abi.SIGABRT, abi.SIGBUS, abi.SIGFPE,
		abi.SIGSEGV, abi.SIGXCPU, abi.SIGXFSZ, abi.SIGSYS:
		return sigCore
	case abi.SIGCHLD, abi.SIGCONT, abi.SIGURG, abi.SIGWINCH:
		return sigIgnore
	case abi.SIGSTOP, abi.SIGTSTP, abi.SIGTTIN, abi.SIGTTOU:
		return sigStop
	}
	return sigTerm
}

// SigInfo is what a handler's siginfo_t says about a signal.
type SigInfo struct {
	Signo  int
	Code   int32 // SI_USER, SI_TKILL, SI_KERNEL, CLD_*, SEGV_*, ...
	Errno  int32
	Pid    int32  // the sender, or the child for SIGCHLD
	UID    uint32 // the sender's real uid
	Status int32  // SIGCHLD: exit code or signal
	Addr   uint64 // faults: the address
	Value  uint64 // sigqueue's value
}

// sigPending is a set of pending signals: a standard signal is pending at
// most once (a second one coalesces with it), a real-time one queues every
// instance with its SigInfo. Guarded by Kernel.mu.
type sigPending struct {
	mask  uint64
	infos []SigInfo // in arrival order
}

func sigBit(sig int) uint64 { return 1 << (sig - 1) }

// add queues info, coalescing a standard signal already pending.
func (p *sigPending) add(info SigInfo) {
	if info.Signo < abi.SIGRTMIN && p.mask&sigBit(info.Signo) != 0 {
		return
	}
	p.mask |= sigBit(info.Signo)
	p.infos = append(p.infos, info)
}

// take removes the first instance of sig.
func (p *sigPending) take(sig int) SigInfo {
	var info SigInfo
	rest := false
	for i, x := range p.infos {
		if x.Signo != sig {
			continue
		}
		if info.Signo == 0 {
			info = x
			p.infos = append(p.infos[:i:i], p.infos[i+1:]...)
			for _, y := range p.infos[i:] {
				rest = rest || y.Signo == sig
			}
			break
		}
	}
	if !rest {
		p.mask &^= sigBit(sig)
	}
	if info.Signo == 0 {
		info.Signo = sig
	}
	return info
}

// drop removes every instance of the signals in set.
func (p *sigPending) drop(set uint64) {
	if p.mask&set == 0 {
		return
	}
	p.mask &^= set
	out := p.infos[:0]
	for _, x := range p.infos {
		if set&sigBit(x.Signo) == 0 {
			out = append(out, x)
		}
	}
	p.infos = out
}

// signalGroupLocked sends sig to process g from the kernel (SIGCHLD,
// PR_SET_PDEATHSIG), as from inside its namespace.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) signalGroupLocked(g *ThreadGroup, sig int) {
	k.sendLocked(g, nil, SigInfo{Signo: sig, Code: abi.SI_KERNEL}, false)
}

// sendLocked generates signal info.Signo for process g, or, for a
// thread-directed signal (tkill, tgkill, a fault), for thread t of it, as
// Linux's send_signal and complete_signal. The init of a namespace gets
// only the signals it has a handler for, unless the sender is outside the
// namespace (vessel forwarding a host signal) and the signal is SIGKILL or
// SIGSTOP. An ignored signal is discarded; SIGCONT and the stop signals
// cancel each other's pending instances; a signal that will kill the
// process by its default action and that the receiving thread does not
// block ends the process at once; the rest are queued and the thread that
// will take them is woken from an interruptible sleep.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) sendLocked(g *ThreadGroup, t *Task, info SigInfo, fromOutside bool) {
	sig := info.Signo
	if sig <= 0 || sig > abi.NSIG || g.zombie || g.exiting.Load() {
		return
	}
	leader := g.Leader
	act := leader.Sig.Actions[sig]
	unblockable := sig == abi.SIGKILL || sig == abi.SIGSTOP
	caught := !unblockable && act.Handler != abi.SIG_DFL && act.Handler != abi.SIG_IGN
	if defaultAction(sig) == sigStop {
		g.dropPending(sigBit(abi.SIGCONT))
	}
	if sig == abi.SIGCONT {
		g.dropPending(sigBit(abi.SIGSTOP) | sigBit(abi.SIGTSTP) | sigBit(abi.SIGTTIN) | sigBit(abi.SIGTTOU))
		k.continueLocked(g)
	}
	// The thread that takes it: t, or one that does not block it.
	target := t
	if target == nil {
		target = g.wantsSignal(sig)
	}
	blocked := target == nil || target.SigMask&sigBit(sig) != 0
	waited := target != nil && target.waitSet&sigBit(sig) != 0 // rt_sigtimedwait takes it
	if unblockable {
		blocked, waited = false, false
	}
	// Init takes no signal it has no handler for unless it blocks it (it
	// may yet wait for it or install one); a sender outside the namespace
	// may still stop or kill it (Linux's SIGNAL_UNKILLABLE).
	tid := g.Pid()
	if t != nil {
		tid = t.Tid
	}
	k.signalEvent(g.Pid(), tid, sig, "generated")
	if g == k.init && !caught && !blocked && !waited && !(fromOutside && unblockable) {
		k.signalEvent(g.Pid(), tid, sig, "ignored")
		return
	}
	ignored := !unblockable && (act.Handler == abi.SIG_IGN || act.Handler == abi.SIG_DFL && defaultAction(sig) == sigIgnore)
	if ignored && !blocked && !waited {
		k.signalEvent(g.Pid(), tid, sig, "ignored")
		return
	}
	if !caught && !blocked && !waited {
		switch defaultAction(sig) {
		case sigTerm, sigCore:
			g.status = leader.killStatus(sig)
			g.exiting.Store(true)
			k.wakeThreadsLocked(g, nil)
			return
		case sigStop:
			if sig != abi.SIGSTOP && k.stopsDiscardedLocked(g) {
				// Linux's get_signal: an orphaned group is not stopped
				// by the terminal's stop signals.
				k.signalEvent(g.Pid(), tid, sig, "ignored")
				return
			}
			k.stopLocked(g, sig)
			return
		}
	}
	if t != nil {
		t.pending.add(info)
	} else {
		g.pending.add(info)
	}
	k.notifySignalfdsLocked(g, sig)
	if target != nil && (!blocked || waited) {
		target.sigHint.Store(true)
		k.interruptLocked(target)
	} else {
		k.signalEvent(g.Pid(), tid, sig, "blocked")
	}
}

// wantsSignal picks the thread of g that takes a process-directed sig: the
// leader if it does not block it, else the first thread that does not,
// else nil (the signal waits in the shared set until a thread unblocks it).
//
// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) wantsSignal(sig int) *Task {
	for _, x := range g.threads {
		if (x.SigMask&sigBit(sig) == 0 || x.waitSet&sigBit(sig) != 0) && !x.exiting {
			return x
		}
	}
	return nil
}

// dropPending discards the signals in set from every pending set of g.
//
// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) dropPending(set uint64) {
	g.pending.drop(set)
	for _, x := range g.threads {
		x.pending.drop(set)
	}
}

// interruptLocked wakes t from an interruptible sleep so that it takes a
// signal: the sleep ends as signalled (the syscall returns ERESTARTSYS or
// EINTR). A task running, runnable or blocked in host I/O notices at its
// next return to guest code.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) interruptLocked(t *Task) {
	if t.interruptible && t.State() == StateSleeping && t.waitingOn != nil {
		t.waitingOn.remove(t)
		t.waitingOn = nil
		t.sigWoken = true
		k.wakeLocked(t)
	}
}

// signalPendingLocked reports whether t has a signal it does not block
// (Linux's signal_pending after recalc_sigpending).
//
// Preconditions: Kernel.mu is held.
func (t *Task) signalPendingLocked() bool {
	return (t.pending.mask|t.tg.pending.mask)&^t.SigMask != 0
}

// PendingSignals is rt_sigpending(2)'s set: the signals pending for t or
// its process that t blocks.
func (t *Task) PendingSignals() uint64 {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return (t.pending.mask | t.tg.pending.mask) & t.SigMask
}

// SetSigMask sets t's blocked set (SIGKILL and SIGSTOP are never blocked)
// and makes t look again for signals it may now take.
func (t *Task) SetSigMask(mask uint64) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	t.SigMask = mask &^ (sigBit(abi.SIGKILL) | sigBit(abi.SIGSTOP))
	if t.signalPendingLocked() {
		t.sigHint.Store(true)
	}
}

// SetSigAction changes the disposition of sig in t's (shared) table, as
// rt_sigaction(2): setting SIG_IGN, or SIG_DFL for a signal whose default
// is to ignore it, discards its pending instances (POSIX).
func (t *Task) SetSigAction(sig int, act SigAction) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	t.Sig.Actions[sig] = act
	if act.Handler == abi.SIG_IGN || act.Handler == abi.SIG_DFL && defaultAction(sig) == sigIgnore {
		t.tg.dropPending(sigBit(sig))
	}
}

// stopLocked begins a group stop of g by sig: every thread stops (state
// T) at its next return from the CPU or from its current syscall, and the
// parent is told, once, for wait's WUNTRACED (Linux's do_signal_stop).
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) stopLocked(g *ThreadGroup, sig int) {
	if g.stopping.Load() {
		return
	}
	g.stopSig = sig
	g.stopping.Store(true)
	k.signalEvent(g.Pid(), g.Pid(), sig, "stopped")
	g.stopNotify, g.contNotify = true, false
	k.notifyParentLocked(g, abi.CLD_STOPPED)
	k.cfg.Terminal.stoppedLocked(g) // may suspend vessel as a job (tty.go)
	// Threads asleep interruptibly wake to stop, as Linux's signal_wake_up:
	// their calls restart once the group is continued (or, for the few
	// Linux lets fail so, return EINTR).
	for _, x := range g.threads {
		k.interruptLocked(x)
	}
}

// stopsDiscardedLocked reports whether SIGTSTP, SIGTTIN and SIGTTOU are
// discarded for g: its process group is orphaned. The group of the first
// program, which has no parent inside vessel, counts as tied to the
// session by whatever started vessel, as a program run from a shell is.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) stopsDiscardedLocked(g *ThreadGroup) bool {
	pgid := g.Leader.Pgid
	for _, x := range k.tasks {
		if x == x.tg.Leader && x.Pgid == pgid && x.tg.parent == nil {
			return false
		}
	}
	return k.orphanedPgrpLocked(pgid, nil)
}

// continueLocked resumes a stopped g and tells the parent, once, for
// wait's WCONTINUED.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) continueLocked(g *ThreadGroup) {
	if !g.stopping.Load() {
		return
	}
	g.stopping.Store(false)
	g.stopNotify, g.contNotify = false, true
	k.signalEvent(g.Pid(), g.Pid(), abi.SIGCONT, "continued")
	k.wakeAllLocked(&g.stopped)
	k.notifyParentLocked(g, abi.CLD_CONTINUED)
}

// notifyParentLocked sends g's parent SIGCHLD for a stop or continue,
// unless it asked not to (SA_NOCLDSTOP), and wakes its waiters.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) notifyParentLocked(g *ThreadGroup, code int) {
	p := g.parent
	if p == nil {
		return
	}
	if p.Leader.Sig.Actions[abi.SIGCHLD].Flags&abi.SA_NOCLDSTOP == 0 {
		k.signalGroupLocked(p, abi.SIGCHLD)
	}
	k.wakeAllLocked(&p.childExit)
}

// stopIfAsked is called by t's run loop between stretches of guest code:
// while its process is stopped, t waits in state T.
func (t *Task) stopIfAsked() {
	if !t.tg.stopping.Load() {
		return
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	for t.tg.stopping.Load() && !t.mustExitLocked() {
		if t.waitLocked(&t.tg.stopped, zeroTime, StateStopped, false) == interrupted {
			return
		}
	}
}

// Kill is kill(2): pid > 0 that process; 0 the caller's process group; -1
// every process the caller may signal but init and itself; < -1 process
// group -pid. Signal 0 only checks. ESRCH when nothing matched, EPERM when
// nothing matched that the caller may signal.
func (t *Task) Kill(pid int32, sig int) abi.Errno {
	if sig < 0 || sig > abi.NSIG {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var match func(g *ThreadGroup) bool
	switch {
	case pid > 0:
		match = func(g *ThreadGroup) bool { return g.Pid() == pid }
	case pid == 0:
		pg := t.Pgid
		match = func(g *ThreadGroup) bool { return g.Leader.Pgid == pg }
	case pid == -1:
		match = func(g *ThreadGroup) bool { return g != k.init && g != t.tg }
	default:
		match = func(g *ThreadGroup) bool { return g.Leader.Pgid == -pid }
	}
	found, allowed := false, false
	for _, x := range k.tasksLocked() {
		g := x.tg
		if x != g.Leader || g.zombie || !match(g) {
			continue
		}
		found = true
		if !t.maySignal(g.Leader, sig) {
			continue
		}
		allowed = true
		k.sendLocked(g, nil, t.userInfo(sig, abi.SI_USER), false)
	}
	switch {
	case !found:
		return abi.ESRCH
	case !allowed:
		return abi.EPERM
	}
	return 0
}

// Tgkill is tgkill(2) (and, with tgid -1, tkill): sig for thread tid of
// process tgid.
func (t *Task) Tgkill(tgid, tid int32, sig int) abi.Errno {
	if sig < 0 || sig > abi.NSIG || tid <= 0 || tgid == 0 || tgid < -1 {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x := k.tasks[tid]
	if x == nil || x.exiting || x.State() == StateZombie || x.State() == StateDead || tgid > 0 && x.Tgid != tgid {
		return abi.ESRCH
	}
	if !t.maySignal(x, sig) {
		return abi.EPERM
	}
	if sig != 0 {
		k.sendLocked(x.tg, x, t.userInfo(sig, abi.SI_TKILL), false)
	}
	return 0
}

// userInfo is the siginfo of a signal t sends with kill or tkill.
func (t *Task) userInfo(sig int, code int32) SigInfo {
	return SigInfo{Signo: sig, Code: code, Pid: t.Tgid, UID: t.Creds.UID}
}

// maySignal is Linux's kill_ok_by_cred: the sender's real or effective uid
// is the target's real or saved uid, or the sender is privileged; SIGCONT
// may also go to any process of the sender's session.
func (t *Task) maySignal(x *Task, sig int) bool {
	c, d := &t.Creds, &x.Creds
	return c.EUID == 0 || c.EUID == d.UID || c.EUID == d.SUID || c.UID == d.UID || c.UID == d.SUID ||
		sig == abi.SIGCONT && t.Sid == x.Sid
}

// SigTimedWait is rt_sigtimedwait(2): it takes a pending signal of set
// (blocked or not), waiting for one until the deadline (zero: none);
// EAGAIN when the time runs out, EINTR when another signal the task takes
// arrives first. The signals of set wake it meanwhile even though they are
// blocked, and do not kill by default, as Linux's real_blocked.
func (t *Task) SigTimedWait(set uint64, deadline time.Time, poll bool) (SigInfo, abi.Errno) {
	set &^= sigBit(abi.SIGKILL) | sigBit(abi.SIGSTOP)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var q waitQueue
	for {
		for _, p := range [...]*sigPending{&t.pending, &t.tg.pending} {
			if avail := p.mask & set; avail != 0 {
				for s := 1; s <= abi.NSIG; s++ {
					if avail&sigBit(s) != 0 {
						info := p.take(s)
						t.timerTakenLocked(&info)
						return info, 0
					}
				}
			}
		}
		if poll {
			return SigInfo{}, abi.EAGAIN
		}
		t.waitSet = set
		out := t.sleepLocked(&q, deadline)
		t.waitSet = 0
		switch out {
		case timedOut:
			return SigInfo{}, abi.EAGAIN
		case interrupted:
			return SigInfo{}, abi.EINTR
		case signalled:
			if (t.pending.mask|t.tg.pending.mask)&set == 0 {
				return SigInfo{}, abi.EINTR
			}
		}
	}
}

// SigQueue is rt_sigqueueinfo(2) (tid 0) and rt_tgsigqueueinfo(2): sig
// with the caller's siginfo for process tgid, or thread tid of it. A
// process may not forge the kernel's codes (si_code >= 0, or SI_TKILL)
// for anyone but itself (EPERM).
func (t *Task) SigQueue(tgid, tid int32, info SigInfo) abi.Errno {
	sig := info.Signo
	if sig < 0 || sig > abi.NSIG {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var g *ThreadGroup
	var x *Task
	if tid != 0 {
		x = k.tasks[tid]
		if x == nil || x.Tgid != tgid || x.exiting {
			return abi.ESRCH
		}
		g = x.tg
	} else {
		x = k.tasks[tgid]
		if x == nil || x.tg.Pid() != tgid || x.tg.zombie {
			return abi.ESRCH
		}
		g, x = x.tg, nil
	}
	if (info.Code >= 0 || info.Code == abi.SI_TKILL) && g != t.tg {
		return abi.EPERM
	}
	if !t.maySignal(g.Leader, sig) {
		return abi.EPERM
	}
	if sig != 0 {
		k.sendLocked(g, x, info, false)
	}
	return 0
}
