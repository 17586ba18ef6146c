package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/kernel/sched"
)

// I/O priorities: ioprio_get(2) and ioprio_set(2) with Linux's rules
// (block/ioprio.c). vessel's I/O has no queue to order, so a priority is
// only kept and reported.

// The layout of an I/O priority and the "which" values (linux/ioprio.h):
//
//	|15 class 13|12      hint      3|2 level 0|
const (
	ioprioClassShift = 13
	ioprioClassMask  = 7
	ioprioLevelMask  = 7 // IOPRIO_LEVEL_MASK: 8 levels, IOPRIO_NR_LEVELS

	ioprioClassNone = 0
	ioprioClassRT   = 1
	ioprioClassBE   = 2
	ioprioClassIdle = 3

	IOPRIO_WHO_PROCESS = 1
	IOPRIO_WHO_PGRP    = 2
	IOPRIO_WHO_USER    = 3
)

// ioContext is the part of Linux's struct io_context that vessel keeps: a
// task's I/O priority, as ioprio_set gave it. A task has none until then
// (Linux makes one at its first block I/O, with the same default); a
// fork child gets a copy if the priority has a class, a CLONE_IO child
// shares it. Guarded by Kernel.mu.
type ioContext struct {
	prio uint16 // Linux keeps an unsigned short: higher bits are dropped
}

// ioprioCheckLocked is Linux's ioprio_check_cap: the class must be NONE
// (with level 0), RT or BE (with any level, 0 to 7), or IDLE; else
// EINVAL. RT needs CAP_SYS_ADMIN or CAP_SYS_NICE (EPERM). The hint bits
// are not checked; bits past 15 are ignored here and dropped when stored.
//
// Preconditions: Kernel.mu is held.
func (t *Task) ioprioCheckLocked(prio int32) abi.Errno {
	level := prio & ioprioLevelMask
	switch prio >> ioprioClassShift & ioprioClassMask {
	case ioprioClassRT:
		if !t.capableLocked(capSysAdmin) && !t.capableLocked(capSysNice) {
			return abi.EPERM
		}
	case ioprioClassBE, ioprioClassIdle:
	case ioprioClassNone:
		if level != 0 {
			return abi.EINVAL
		}
	default:
		return abi.EINVAL
	}
	return 0
}

// ioprioTargetsLocked lists the tasks which and who name, as Linux's
// ioprio_get and ioprio_set walk them: the thread with tid who (the caller
// for 0); every thread in process group who (the caller's for 0); every
// thread whose real uid is who. A zombie process's leader is among them,
// as in Linux. For IOPRIO_WHO_USER, who 0 means uid 0 to ioprio_set but
// the caller's real uid to ioprio_get (set false), as Linux's code has it;
// uid -1 is no user. EINVAL for an unknown which; no targets is ESRCH.
//
// Preconditions: Kernel.mu is held.
func (t *Task) ioprioTargetsLocked(which, who int32, get bool) ([]*Task, abi.Errno) {
	var match func(x *Task) bool
	switch which {
	case IOPRIO_WHO_PROCESS:
		x := t
		if who != 0 {
			x = t.k.tasks[who]
		}
		if x == nil {
			return nil, abi.ESRCH
		}
		return []*Task{x}, 0
	case IOPRIO_WHO_PGRP:
		pgid := who
		if who == 0 {
			pgid = t.Pgid
		}
		match = func(x *Task) bool { return x.Pgid == pgid }
	case IOPRIO_WHO_USER:
		uid := uint32(who)
		if who == 0 && get {
			uid = t.Creds.UID
		}
		if uid == noID {
			return nil, abi.ESRCH
		}
		match = func(x *Task) bool { return x.Creds.UID == uid }
	default:
		return nil, abi.EINVAL
	}
	var out []*Task
	for _, x := range t.k.tasksLocked() {
		if x.State() != StateDead && match(x) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil, abi.ESRCH
	}
	return out, 0
}

// exited reports whether t has exited: Linux frees an exiting task's I/O
// context (exit_io_context) and ignores a priority set on it.
func (t *Task) exited() bool {
	s := t.State()
	return s == StateZombie || s == StateDead
}

// IOPrioSet is ioprio_set(2): the priority is checked first
// (ioprioCheckLocked), then set on every target, stopping at the first
// one the caller may not change, EPERM: a task whose real uid is neither
// the caller's real nor its effective uid, without CAP_SYS_NICE (Linux's
// set_task_ioprio).
func (t *Task) IOPrioSet(which, who, prio int32) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := t.ioprioCheckLocked(prio); err != 0 {
		return err
	}
	xs, err := t.ioprioTargetsLocked(which, who, false)
	if err != 0 {
		return err
	}
	for _, x := range xs {
		if x.Creds.UID != t.Creds.EUID && x.Creds.UID != t.Creds.UID && !t.capableLocked(capSysNice) {
			return abi.EPERM
		}
		if x.exited() {
			continue
		}
		if x.ioctx == nil {
			x.ioctx = &ioContext{}
		}
		x.ioctx.prio = uint16(prio)
	}
	return 0
}

// IOPrioGet is ioprio_get(2). For IOPRIO_WHO_PROCESS it is the priority
// as set, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0) for a task that has
// none (get_task_raw_ioprio). For a process group or a user it is the
// best (numerically lowest) of the targets' effective priorities
// (__get_task_ioprio): one without a class is the one its scheduling
// gives it, class IDLE under SCHED_IDLE, RT under a real-time policy, BE
// otherwise, at level (nice+20)/5.
func (t *Task) IOPrioGet(which, who int32) (int32, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	xs, err := t.ioprioTargetsLocked(which, who, true)
	if err != 0 {
		return 0, err
	}
	if which == IOPRIO_WHO_PROCESS {
		if x := xs[0]; x.ioctx != nil && !x.exited() {
			return int32(x.ioctx.prio), 0
		}
		return 0, 0
	}
	best := int32(-1)
	for _, x := range xs {
		prio := uint16(0)
		if x.ioctx != nil && !x.exited() {
			prio = x.ioctx.prio
		}
		if prio>>ioprioClassShift == ioprioClassNone {
			class := ioprioClassBE
			switch {
			case x.Sched.Policy == sched.SCHED_IDLE:
				class = ioprioClassIdle
			case sched.IsRT(x.Sched.Policy):
				class = ioprioClassRT
			}
			prio = uint16(class<<ioprioClassShift | (x.Sched.Nice+20)/5)
		}
		if best < 0 || int32(prio) < best {
			best = int32(prio)
		}
	}
	return best, 0
}
