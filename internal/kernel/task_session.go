package kernel

import "vessel/internal/abi"

// Process groups and sessions (see credentials(7), setpgid(2), setsid(2)).
// The ids live on every task of a process; Kernel.mu guards changes.

// processLocked finds process pid for a group or session call: the
// caller's for 0, ESRCH for none.
//
// Preconditions: Kernel.mu is held.
func (t *Task) processLocked(pid int32) (*ThreadGroup, abi.Errno) {
	if pid == 0 {
		return t.tg, 0
	}
	x := t.k.tasks[pid]
	if x == nil || x.tg.Pid() != pid || x.tg.reaped || x.tg.zombie {
		return nil, abi.ESRCH
	}
	return x.tg, 0
}

// setGroupIDsLocked sets the process group and session of every thread of g.
//
// Preconditions: Kernel.mu is held.
func (g *ThreadGroup) setGroupIDsLocked(pgid, sid int32) {
	for _, x := range g.threads {
		x.Pgid, x.Sid = pgid, sid
	}
	g.Leader.Pgid, g.Leader.Sid = pgid, sid
}

// Setpgid is setpgid(2) with Linux's rules: the target is the caller or a
// child of it (ESRCH) that has not exec'd (EACCES), in the caller's
// session (EPERM) and not a session leader (EPERM); the group joined is
// the target's own or one that exists in the session (EPERM).
func (t *Task) Setpgid(pid, pgid int32) abi.Errno {
	if pgid < 0 {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g, err := t.processLocked(pid)
	if err != 0 {
		return err
	}
	if g != t.tg {
		if g.parent != t.tg {
			return abi.ESRCH
		}
		if g.execed {
			return abi.EACCES
		}
		if g.Leader.Sid != t.Sid {
			return abi.EPERM
		}
	}
	if pgid == 0 {
		pgid = g.Pid()
	}
	if g.Leader.Sid == g.Pid() {
		return abi.EPERM
	}
	if pgid != g.Pid() {
		found := false
		for _, x := range k.tasks {
			if x.tg.Leader == x && x.Pgid == pgid && x.Sid == t.Sid && !x.tg.zombie {
				found = true
				break
			}
		}
		if !found {
			return abi.EPERM
		}
	}
	g.setGroupIDsLocked(pgid, g.Leader.Sid)
	return 0
}

// Getpgid is getpgid(2).
func (t *Task) Getpgid(pid int32) (int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	g, err := t.processLocked(pid)
	if err != 0 {
		return 0, err
	}
	return g.Leader.Pgid, 0
}

// Getsid is getsid(2).
func (t *Task) Getsid(pid int32) (int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	g, err := t.processLocked(pid)
	if err != 0 {
		return 0, err
	}
	return g.Leader.Sid, 0
}

// Setsid is setsid(2): the caller leads a new session and process group,
// unless it already leads a process group (EPERM).
func (t *Task) Setsid() (int32, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	pid := t.tg.Pid()
	for _, x := range k.tasks {
		if x.Pgid == pid && !x.tg.zombie {
			return 0, abi.EPERM
		}
	}
	t.tg.setGroupIDsLocked(pid, pid)
	return pid, 0
}

// orphanedPgrpLocked reports whether process group pgid is orphaned, as
// POSIX defines it, if process gone has left: no member has a parent in
// another group of the same session.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) orphanedPgrpLocked(pgid int32, gone *ThreadGroup) bool {
	for _, x := range k.tasks {
		g := x.tg
		if x != g.Leader || g == gone || g.zombie || x.Pgid != pgid {
			continue
		}
		if p := g.parent; p != nil && p != gone && !p.zombie && p.Leader.Pgid != pgid && p.Leader.Sid == x.Sid {
			return false
		}
	}
	return true
}

// hupOrphanedLocked sends SIGHUP and then SIGCONT to process group pgid
// if it has a stopped member: a group left orphaned with stopped jobs
// would otherwise never be continued (POSIX; Linux's kill_orphaned_pgrp).
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) hupOrphanedLocked(pgid int32) {
	var members []*ThreadGroup
	stopped := false
	for _, x := range k.tasksLocked() {
		if g := x.tg; x == g.Leader && !g.zombie && x.Pgid == pgid {
			members = append(members, g)
			stopped = stopped || g.stopping.Load()
		}
	}
	if !stopped {
		return
	}
	for _, sig := range [...]int{abi.SIGHUP, abi.SIGCONT} {
		for _, g := range members {
			k.sendLocked(g, nil, SigInfo{Signo: sig, Code: abi.SI_KERNEL}, false)
		}
	}
}

// orphanCheckLocked runs at g's exit, once its children (given) have their
// new parent, as Linux's exit_notify: g's own group, when g's parent tied
// it to the session, and each child's group in g's session but not g's
// group, may have become orphaned (a group already orphaned, or still tied
// through a new parent, is left alone).
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) orphanCheckLocked(g *ThreadGroup, children []*ThreadGroup) {
	k.terminalExitLocked(g) // a session leader's exit releases its terminal (tty.go)
	pg, sid := g.Leader.Pgid, g.Leader.Sid
	var check []int32
	if p := g.parent; p != nil && p.Leader.Pgid != pg && p.Leader.Sid == sid && k.orphanedPgrpLocked(pg, g) {
		check = append(check, pg) // g was its group's link to the session
	}
	for _, c := range children {
		if cp := c.Leader.Pgid; !c.zombie && cp != pg && c.Leader.Sid == sid && k.orphanedPgrpLocked(cp, g) {
			check = append(check, cp)
		}
	}
	for _, pgid := range check {
		k.hupOrphanedLocked(pgid)
	}
}
