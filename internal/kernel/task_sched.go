package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/kernel/sched"
)

// The scheduling syscalls' kernel side: policy, priority and nice, with
// Linux's permission rules. vessel has no capabilities yet; effective uid
// 0 stands for CAP_SYS_NICE.

// getpriority(2) and setpriority(2) "which" values.
const (
	PRIO_PROCESS = 0
	PRIO_PGRP    = 1
	PRIO_USER    = 2
)

// SchedParams is what sched_getscheduler and sched_getparam report.
type SchedParams struct {
	Policy      int
	Nice        int
	RTPrio      int
	ResetOnFork bool
}

// taskByPidLocked finds the task pid names for a scheduling call: the
// caller for 0, ESRCH for none, EINVAL for a negative pid.
//
// Preconditions: Kernel.mu is held.
func (t *Task) taskByPidLocked(pid int32) (*Task, abi.Errno) {
	switch {
	case pid < 0:
		return nil, abi.EINVAL
	case pid == 0:
		return t, 0
	}
	x := t.k.tasks[pid]
	if x == nil || x.State() == StateZombie || x.State() == StateDead {
		return nil, abi.ESRCH
	}
	return x, 0
}

// privileged stands for CAP_SYS_NICE.
func (t *Task) privileged() bool { return t.Creds.EUID == 0 }

// mayChange is Linux's check_same_owner: the caller may change x's
// scheduling when its effective uid is x's real or effective uid.
func (t *Task) mayChange(x *Task) bool {
	return t.privileged() || t.Creds.EUID == x.Creds.UID || t.Creds.EUID == x.Creds.EUID
}

// canNice is Linux's can_nice: lowering nice to n needs RLIMIT_NICE of at
// least 20-n, or the privilege.
func (t *Task) canNice(n int) bool {
	return t.privileged() || uint64(20-n) <= t.Limits[abi.RLIMIT_NICE].Cur
}

// SchedGet returns the scheduling parameters of the task pid names.
func (t *Task) SchedGet(pid int32) (SchedParams, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	x, err := t.taskByPidLocked(pid)
	if err != 0 {
		return SchedParams{}, err
	}
	e := &x.Sched
	return SchedParams{Policy: e.Policy, Nice: e.Nice, RTPrio: e.RTPrio, ResetOnFork: e.ResetOnFork}, 0
}

// SchedSet is sched_setscheduler(2) (and, with the policy unchanged,
// sched_setparam): EINVAL for an invalid policy or priority, EPERM when an
// unprivileged caller asks for a real-time priority above RLIMIT_RTPRIO,
// to leave SCHED_IDLE beyond RLIMIT_NICE, to drop SCHED_RESET_ON_FORK, or
// to change another user's task (Linux's __sched_setscheduler).
func (t *Task) SchedSet(pid int32, policy, rtprio int) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x, err := t.taskByPidLocked(pid)
	if err != 0 {
		return err
	}
	e := &x.Sched
	reset := policy&sched.SCHED_RESET_ON_FORK != 0
	base := policy &^ sched.SCHED_RESET_ON_FORK
	if !t.privileged() {
		if sched.IsRT(base) {
			lim := t.Limits[abi.RLIMIT_RTPRIO].Cur
			if lim == 0 && !sched.IsRT(e.Policy) || uint64(rtprio) > max(lim, uint64(e.RTPrio)) {
				return abi.EPERM
			}
		}
		if e.Policy == sched.SCHED_IDLE && base != sched.SCHED_IDLE && !t.canNice(e.Nice) {
			return abi.EPERM
		}
		if e.ResetOnFork && !reset {
			return abi.EPERM
		}
		if !t.mayChange(x) {
			return abi.EPERM
		}
	}
	nice := e.Nice
	return k.rq.SetPolicy(e, policy, nice, rtprio)
}

// priorityTargetsLocked lists the tasks getpriority and setpriority act on.
//
// Preconditions: Kernel.mu is held.
func (t *Task) priorityTargetsLocked(which, who int32) ([]*Task, abi.Errno) {
	var match func(x *Task) bool
	switch which {
	case PRIO_PROCESS:
		if who == 0 {
			return []*Task{t}, 0
		}
		match = func(x *Task) bool { return x.Tid == who }
	case PRIO_PGRP:
		if who == 0 {
			who = t.Pgid
		}
		match = func(x *Task) bool { return x.Pgid == who }
	case PRIO_USER:
		uid := uint32(who)
		if who == 0 {
			uid = t.Creds.UID
		}
		match = func(x *Task) bool { return x.Creds.UID == uid }
	default:
		return nil, abi.EINVAL
	}
	var out []*Task
	for _, x := range t.k.tasksLocked() {
		if s := x.State(); s != StateZombie && s != StateDead && match(x) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil, abi.ESRCH
	}
	return out, 0
}

// Priority is getpriority(2): the lowest nice among the targets.
func (t *Task) Priority(which, who int32) (int, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	xs, err := t.priorityTargetsLocked(which, who)
	if err != 0 {
		return 0, err
	}
	nice := sched.MaxNice
	for _, x := range xs {
		nice = min(nice, x.Sched.Nice)
	}
	return nice, 0
}

// SetPriority is setpriority(2): nice, clamped to -20..19, for every target;
// EPERM for another user's task, EACCES to lower nice beyond RLIMIT_NICE.
func (t *Task) SetPriority(which, who int32, nice int) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	xs, err := t.priorityTargetsLocked(which, who)
	if err != 0 {
		return err
	}
	nice = max(sched.MinNice, min(sched.MaxNice, nice))
	var last abi.Errno
	for _, x := range xs {
		switch {
		case !t.mayChange(x):
			last = abi.EPERM
		case nice < x.Sched.Nice && !t.canNice(nice):
			last = abi.EACCES
		default:
			e := &x.Sched
			k.rq.SetPolicy(e, e.Policy|resetBit(e), nice, e.RTPrio)
		}
	}
	return last
}

func resetBit(e *sched.Entity) int {
	if e.ResetOnFork {
		return sched.SCHED_RESET_ON_FORK
	}
	return 0
}

// RRInterval is sched_rr_get_interval(2): the round-robin slice of a
// SCHED_RR task, 0 for SCHED_FIFO, and a CFS task's share of the period
// (for the running task, what is left of it).
func (t *Task) RRInterval(pid int32) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x, err := t.taskByPidLocked(pid)
	if err != 0 {
		return 0, err
	}
	switch x.Sched.Policy {
	case sched.SCHED_RR:
		return k.rq.Config().RRSlice, 0
	case sched.SCHED_FIFO:
		return 0, 0
	}
	return k.rq.Slice(&x.Sched), 0 // for the running task, what is left of its turn
}
