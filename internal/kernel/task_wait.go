package kernel

import "vessel/internal/abi"

// WaitResult is what wait4 and waitid report about a child.
type WaitResult struct {
	Pid    int32  // 0 with WNOHANG when no child has changed
	Status int32  // the wait status (see wait(2))
	UID    uint32 // the child's real uid, for siginfo
	// Usage is the child's and its reaped descendants', for wait4's rusage.
	Usage Usage
}

// Wait options wait4 accepts, and waitid's.
const (
	wait4Options  = abi.WNOHANG | abi.WUNTRACED | abi.WCONTINUED | abi.WNOTHREAD | abi.WCLONE | abi.WALL
	waitidOptions = abi.WNOHANG | abi.WNOWAIT | abi.WEXITED | abi.WSTOPPED | abi.WCONTINUED | abi.WNOTHREAD | abi.WCLONE | abi.WALL
)

// Wait4 is wait4(2)'s choice of child: pid > 0 that process, 0 any in the
// caller's process group, -1 any, < -1 any in process group -pid.
func (t *Task) Wait4(pid int32, options int) (WaitResult, abi.Errno) {
	if options&^wait4Options != 0 {
		return WaitResult{}, abi.EINVAL
	}
	options |= abi.WEXITED
	switch {
	case pid > 0:
		return t.Waitid(abi.P_PID, pid, options)
	case pid == -1:
		return t.Waitid(abi.P_ALL, 0, options)
	case pid == 0:
		return t.Waitid(abi.P_PGID, 0, options)
	}
	return t.Waitid(abi.P_PGID, -pid, options)
}

// Waitid waits for a child selected by idtype and id to change state, as
// waitid(2) (see Linux's do_wait): an exit (WEXITED), a stop (WSTOPPED,
// once per stop) or a continue (WCONTINUED, once); ECHILD when there is no
// such child, EINTR when the caller must exit first.
func (t *Task) Waitid(idtype int, id int32, options int) (WaitResult, abi.Errno) {
	if options&^waitidOptions != 0 || options&(abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED) == 0 {
		return WaitResult{}, abi.EINVAL
	}
	switch idtype {
	case abi.P_ALL, abi.P_PID, abi.P_PGID:
	case abi.P_PIDFD:
		g, nonblock, err := t.pidfdGroup(id)
		if err != 0 {
			return WaitResult{}, err
		}
		if nonblock && options&abi.WNOHANG == 0 {
			// A non-blocking pidfd never waits (Linux 5.10): EAGAIN
			// instead of sleeping.
			r, err := t.Waitid(abi.P_PID, g.Pid(), options|abi.WNOHANG)
			if err == 0 && r.Pid == 0 {
				return r, abi.EAGAIN
			}
			return r, err
		}
		idtype, id = abi.P_PID, g.Pid()
	default:
		return WaitResult{}, abi.EINVAL
	}
	if idtype == abi.P_PGID && id == 0 {
		id = t.Pgid
	}
	if idtype != abi.P_ALL && id <= 0 {
		return WaitResult{}, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g := t.tg
	for {
		found := false
		for _, c := range g.children {
			if !c.eligible(idtype, id, options) {
				continue
			}
			found = true
			r := WaitResult{Pid: c.Pid(), UID: c.Leader.Creds.UID}
			switch {
			case c.zombie && options&abi.WEXITED != 0:
				r.Status, r.Usage = c.status, c.deadThreads
				r.Usage.add(c.reapedChildren)
				if options&abi.WNOWAIT == 0 {
					k.reapLocked(c)
				}
				return r, 0
			case c.zombie:
			case c.stopNotify && options&abi.WSTOPPED != 0:
				// Stopped: 0x7f with the signal above it (WIFSTOPPED).
				r.Status = int32(c.stopSig)<<8 | 0x7f
				if options&abi.WNOWAIT == 0 {
					c.stopNotify = false
				}
				return r, 0
			case c.contNotify && options&abi.WCONTINUED != 0:
				r.Status = 0xffff // WIFCONTINUED
				if options&abi.WNOWAIT == 0 {
					c.contNotify = false
				}
				return r, 0
			}
		}
		if !found {
			return WaitResult{}, abi.ECHILD
		}
		if options&abi.WNOHANG != 0 {
			return WaitResult{}, 0
		}
		switch t.sleepLocked(&g.childExit, zeroTime) {
		case interrupted:
			return WaitResult{}, abi.EINTR
		case signalled:
			return WaitResult{}, ERESTARTSYS
		}
	}
}

// eligible reports whether wait's idtype, id and options select c. A
// "clone" child (one that signals its parent with other than SIGCHLD) is
// waited for only with __WCLONE or __WALL, as Linux's eligible_child.
//
// Preconditions: Kernel.mu is held.
func (c *ThreadGroup) eligible(idtype int, id int32, options int) bool {
	switch idtype {
	case abi.P_PID:
		if c.Pid() != id {
			return false
		}
	case abi.P_PGID:
		if c.Leader.Pgid != id {
			return false
		}
	}
	if options&abi.WALL != 0 {
		return true
	}
	return (c.exitSignal != abi.SIGCHLD) == (options&abi.WCLONE != 0)
}
