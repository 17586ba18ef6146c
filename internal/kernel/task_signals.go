package kernel

import "vessel/internal/abi"

// Signals, as far as the process model needs them today: a signal sent to a
// process is either acted on at once by its default action — termination,
// with or without core, for a process that has neither a handler nor an
// ignore for it — or discarded when ignored, or else recorded as pending
// for the handler delivery of the signals issue. Stops are recorded too,
// until job control lands.

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

// signalGroupLocked sends sig to process g from inside its namespace. The
// init of a namespace gets only the signals it has a handler for, as
// Linux's SIGNAL_UNKILLABLE; SIGKILL and SIGSTOP are never ignored or
// caught elsewhere.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) signalGroupLocked(g *ThreadGroup, sig int) {
	k.sendLocked(g, nil, sig, false)
}

// sendLocked delivers sig to process g, or, for a thread-directed signal
// (tkill, tgkill), to thread t of it. A sender outside the namespace
// (vessel itself, forwarding a host signal) may also stop or kill its init.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) sendLocked(g *ThreadGroup, t *Task, sig int, fromOutside bool) {
	if sig <= 0 || sig > abi.NSIG || g.zombie || g.exiting.Load() {
		return
	}
	leader := g.Leader
	if t == nil {
		t = leader
	}
	act := leader.Sig.Actions[sig]
	caught := act.Handler != abi.SIG_DFL && act.Handler != abi.SIG_IGN
	unblockable := sig == abi.SIGKILL || sig == abi.SIGSTOP
	if unblockable {
		caught = false
	}
	if g == k.init && !caught && !(fromOutside && unblockable) {
		return
	}
	// Stop and continue signals cancel each other's pending instances,
	// and SIGCONT resumes a stopped process whatever its disposition
	// (Linux's prepare_signal).
	if defaultAction(sig) == sigStop {
		g.pendingCont(false)
	}
	if sig == abi.SIGCONT {
		g.clearPendingStops()
		k.continueLocked(g)
	}
	switch {
	case caught:
		t.SigPending |= 1 << (sig - 1)
	case act.Handler == abi.SIG_IGN && !unblockable:
	case defaultAction(sig) == sigIgnore:
	case defaultAction(sig) == sigStop:
		k.stopLocked(g, sig)
	default:
		status := int32(sig)
		if defaultAction(sig) == sigCore && leader.Limits[abi.RLIMIT_CORE].Cur > 0 {
			status |= 0x80
		}
		g.status = status
		g.exiting.Store(true)
		k.wakeThreadsLocked(g, nil)
	}
}

// pendingCont drops a pending SIGCONT (a stop signal cancels it).
func (g *ThreadGroup) pendingCont(keep bool) {
	if !keep {
		for _, x := range g.threads {
			x.SigPending &^= 1 << (abi.SIGCONT - 1)
		}
	}
}

// clearPendingStops drops pending stop signals (SIGCONT cancels them).
func (g *ThreadGroup) clearPendingStops() {
	for _, x := range g.threads {
		for _, s := range [...]int{abi.SIGSTOP, abi.SIGTSTP, abi.SIGTTIN, abi.SIGTTOU} {
			x.SigPending &^= 1 << (s - 1)
		}
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
	g.stopNotify, g.contNotify = true, false
	k.notifyParentLocked(g, abi.CLD_STOPPED)
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
		if t.waitLocked(&t.tg.stopped, zeroTime, StateStopped) == interrupted {
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
		k.sendLocked(g, nil, sig, false)
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
	k.sendLocked(x.tg, x, sig, false)
	return 0
}

// maySignal is Linux's kill_ok_by_cred: the sender's real or effective uid
// is the target's real or saved uid, or the sender is privileged; SIGCONT
// may also go to any process of the sender's session.
func (t *Task) maySignal(x *Task, sig int) bool {
	c, d := &t.Creds, &x.Creds
	return c.EUID == 0 || c.EUID == d.UID || c.EUID == d.SUID || c.UID == d.UID || c.UID == d.SUID ||
		sig == abi.SIGCONT && t.Sid == x.Sid
}
