package kernel

import "vessel/internal/abi"

// nrOpen is fs.nr_open, the most descriptors a process may be allowed
// (RLIMIT_NOFILE's ceiling).
const nrOpen = 1 << 20

// Prlimit is prlimit64(2): it returns the resource limit res of the
// process of thread pid (0: the caller's) and, when set is not nil,
// changes it, as Linux's do_prlimit with check_prlimit_permission, whose
// order the errors follow: EINVAL for an unknown resource or a soft limit
// above the hard one, EPERM for RLIMIT_NOFILE past nr_open, ESRCH for no
// such thread, EPERM for another user's process, EPERM for raising a hard
// limit without privilege. Limits belong to the process: a change reaches
// every thread. The soft
// RLIMIT_NOFILE is what the descriptor table enforces from then on.
func (t *Task) Prlimit(pid int32, res int, set *abi.Rlimit) (abi.Rlimit, abi.Errno) {
	switch {
	case res < 0 || res >= abi.RLIM_NLIMITS:
		return abi.Rlimit{}, abi.EINVAL
	case set != nil && set.Cur > set.Max:
		return abi.Rlimit{}, abi.EINVAL
	case set != nil && res == abi.RLIMIT_NOFILE && set.Max > nrOpen:
		return abi.Rlimit{}, abi.EPERM
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x := t
	if pid != 0 {
		if x = k.tasks[pid]; x == nil {
			return abi.Rlimit{}, abi.ESRCH
		}
	}
	if x.tg != t.tg && !t.mayPrlimitLocked(x) {
		return abi.Rlimit{}, abi.EPERM
	}
	old := x.Limits[res]
	if set == nil {
		return old, 0
	}
	if set.Max > old.Max && !t.privileged() {
		return old, abi.EPERM
	}
	for _, th := range x.tg.threads {
		th.Limits[res] = *set
	}
	if res == abi.RLIMIT_NOFILE && x.FDs != nil {
		x.FDs.SetLimit(set.Cur)
	}
	return old, 0
}

// mayPrlimitLocked is Linux's check_prlimit_permission for another
// process: the caller's real uid is the target's real, effective and
// saved uid and its real gid the target's three gids, or it is
// privileged (CAP_SYS_RESOURCE, which an effective uid of 0 stands for).
//
// Preconditions: Kernel.mu is held.
func (t *Task) mayPrlimitLocked(x *Task) bool {
	c, xc := &t.Creds, &x.Creds
	return t.privileged() ||
		c.UID == xc.UID && c.UID == xc.EUID && c.UID == xc.SUID &&
			c.GID == xc.GID && c.GID == xc.EGID && c.GID == xc.SGID
}
