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

// signalGroupLocked sends sig to process g. The init of a namespace gets
// only the signals it has a handler for (and none it cannot block), as
// Linux's SIGNAL_UNKILLABLE; SIGKILL and SIGSTOP are never ignored or caught
// elsewhere.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) signalGroupLocked(g *ThreadGroup, sig int) {
	if sig <= 0 || sig > abi.NSIG || g.zombie || g.exiting.Load() {
		return
	}
	leader := g.Leader
	act := leader.Sig.Actions[sig]
	caught := act.Handler != abi.SIG_DFL && act.Handler != abi.SIG_IGN
	if sig == abi.SIGKILL || sig == abi.SIGSTOP {
		caught = false
	}
	if g == k.init && !caught {
		return
	}
	switch {
	case caught:
		leader.SigPending |= 1 << (sig - 1)
	case act.Handler == abi.SIG_IGN && sig != abi.SIGKILL && sig != abi.SIGSTOP:
	case defaultAction(sig) == sigIgnore:
	case defaultAction(sig) == sigStop:
		leader.SigPending |= 1 << (sig - 1)
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
