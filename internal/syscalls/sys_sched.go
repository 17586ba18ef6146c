package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/kernel/sched"
)

// getpriority(2): the raw syscall returns 20 - nice, so that it is never
// negative (glibc converts).
func sysGetpriority(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	nice, err := t.Priority(int32(a[0]), int32(a[1]))
	if err != 0 {
		return 0, err
	}
	return uint64(20 - nice), 0
}

func sysSetpriority(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetPriority(int32(a[0]), int32(a[1]), int(int32(a[2])))
}

// readSchedParam reads struct sched_param {int sched_priority}.
func readSchedParam(t *kernel.Task, addr uint64) (int, abi.Errno) {
	if addr == 0 {
		return 0, abi.EINVAL
	}
	var b [4]byte
	if err := t.MM.CopyIn(addr, b[:]); err != 0 {
		return 0, err
	}
	return int(int32(le.Uint32(b[:]))), 0
}

func sysSchedSetscheduler(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	prio, err := readSchedParam(t, a[2])
	if err != 0 {
		return 0, err
	}
	if int32(a[0]) < 0 || int32(a[1]) < 0 {
		return 0, abi.EINVAL
	}
	return 0, t.SchedSet(int32(a[0]), int(int32(a[1])), prio)
}

func sysSchedGetscheduler(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	p, err := t.SchedGet(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	policy := p.Policy
	if p.ResetOnFork {
		policy |= sched.SCHED_RESET_ON_FORK
	}
	return uint64(policy), 0
}

func sysSchedSetparam(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	prio, err := readSchedParam(t, a[1])
	if err != 0 {
		return 0, err
	}
	p, err := t.SchedGet(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	policy := p.Policy
	if p.ResetOnFork {
		policy |= sched.SCHED_RESET_ON_FORK
	}
	return 0, t.SchedSet(int32(a[0]), policy, prio)
}

func sysSchedGetparam(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[1] == 0 || int32(a[0]) < 0 {
		return 0, abi.EINVAL
	}
	p, err := t.SchedGet(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	var b [4]byte
	le.PutUint32(b[:], uint32(p.RTPrio))
	return 0, t.MM.CopyOut(a[1], b[:])
}

func sysSchedGetPriorityMax(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return priorityBound(int32(a[0]), sched.MaxRTPrio)
}

func sysSchedGetPriorityMin(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return priorityBound(int32(a[0]), sched.MinRTPrio)
}

// priorityBound is rt for the real-time policies, 0 for the others that
// exist (SCHED_DEADLINE included), EINVAL for the rest.
func priorityBound(policy int32, rt int) (uint64, abi.Errno) {
	switch policy {
	case sched.SCHED_FIFO, sched.SCHED_RR:
		return uint64(rt), 0
	case sched.SCHED_NORMAL, sched.SCHED_BATCH, sched.SCHED_IDLE, schedDeadline:
		return 0, 0
	}
	return 0, abi.EINVAL
}

// schedDeadline is SCHED_DEADLINE, which vessel knows the name of only.
const schedDeadline = 6

func sysSchedRRGetInterval(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	ns, err := t.RRInterval(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	return 0, copyOutTimespec(t, a[1], durationToTimespec(time.Duration(ns)))
}

// cpuMaskSize is the kernel's cpumask size in bytes for vessel's one
// virtual CPU: one unsigned long.
const cpuMaskSize = 8

// sched_getaffinity(2): the raw syscall returns the mask's size. The length
// must cover the CPUs and be a multiple of the word size.
func sysSchedGetaffinity(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if _, err := t.SchedGet(int32(a[0])); err != 0 {
		return 0, err
	}
	if a[1] < cpuMaskSize || a[1]%8 != 0 {
		return 0, abi.EINVAL
	}
	var b [cpuMaskSize]byte
	b[0] = 1 // CPU 0
	return cpuMaskSize, t.MM.CopyOut(a[2], b[:])
}

// sched_setaffinity(2): the mask must include the one virtual CPU.
func sysSchedSetaffinity(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if _, err := t.SchedGet(int32(a[0])); err != 0 {
		return 0, err
	}
	if a[1] == 0 {
		return 0, abi.EINVAL
	}
	var b [1]byte
	if err := t.MM.CopyIn(a[2], b[:]); err != 0 {
		return 0, err
	}
	if b[0]&1 == 0 {
		return 0, abi.EINVAL
	}
	return 0, 0
}
