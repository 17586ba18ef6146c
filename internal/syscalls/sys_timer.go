package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// Timers that signal: setitimer/getitimer, POSIX timers and timerfds.

// readItimerval reads struct itimerval {interval, value}, each a timeval.
func readItimerval(t *kernel.Task, addr uint64) (kernel.Itimer, abi.Errno) {
	var b [32]byte
	if err := t.MM.CopyIn(addr, b[:]); err != 0 {
		return kernel.Itimer{}, err
	}
	tv := func(o int) (time.Duration, bool) {
		sec, usec := int64(le.Uint64(b[o:])), int64(le.Uint64(b[o+8:]))
		return time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond, sec >= 0 && usec >= 0 && usec < 1e6
	}
	iv, ok1 := tv(0)
	v, ok2 := tv(16)
	if !ok1 || !ok2 {
		return kernel.Itimer{}, abi.EINVAL
	}
	return kernel.Itimer{Value: v, Interval: iv}, 0
}

func writeItimerval(t *kernel.Task, addr uint64, it kernel.Itimer) abi.Errno {
	var b [32]byte
	put := func(o int, d time.Duration) {
		le.PutUint64(b[o:], uint64(d/time.Second))
		le.PutUint64(b[o+8:], uint64(d%time.Second/time.Microsecond))
	}
	put(0, it.Interval)
	put(16, it.Value)
	return t.MM.CopyOut(addr, b[:])
}

func sysGetitimer(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	old, err := t.SetItimer(int(int32(a[0])), nil)
	if err != 0 {
		return 0, err
	}
	return 0, writeItimerval(t, a[1], old)
}

func sysSetitimer(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var set *kernel.Itimer
	if a[1] != 0 {
		it, err := readItimerval(t, a[1])
		if err != 0 {
			return 0, err
		}
		set = &it
	} else {
		set = &kernel.Itimer{} // Linux treats NULL as disarming (with a warning)
	}
	old, err := t.SetItimer(int(int32(a[0])), set)
	if err != 0 {
		return 0, err
	}
	if a[2] != 0 {
		return 0, writeItimerval(t, a[2], old)
	}
	return 0, 0
}

// wallClock reports whether id is a clock vessel's timers run on.
func wallClock(id int32) bool {
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME:
		return true
	}
	return false
}

// cpuClock decodes a dynamic CPU clock id (Linux's MAKE_PROCESS_CPUCLOCK
// and MAKE_THREAD_CPUCLOCK: ~pid << 3 | thread << 2 | type, as glibc's
// clock_getcpuclockid and pthread_getcpuclockid make them, and as it
// passes for CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID with pid
// 0) into CLOCK_PROCESS_CPUTIME_ID or CLOCK_THREAD_CPUTIME_ID and the pid
// (0: the caller). ok is false for a plain id. Every type (PROF, VIRT,
// SCHED) counts user and system time; type 3 is EINVAL.
func cpuClock(id int32) (clock, pid int32, ok bool, err abi.Errno) {
	if id >= 0 {
		return id, 0, false, 0
	}
	if id&3 == 3 {
		return 0, 0, true, abi.EINVAL
	}
	pid = ^(id >> 3)
	if id&4 != 0 {
		return abi.CLOCK_THREAD_CPUTIME_ID, pid, true, 0
	}
	return abi.CLOCK_PROCESS_CPUTIME_ID, pid, true, 0
}

// timer_create(2): sigevent is {sigev_value u64, sigev_signo i32,
// sigev_notify i32, union {tid i32, ...}}; NULL means SIGALRM with the
// timer's id as the value.
func sysTimerCreate(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	clock, pid, _, err := cpuClock(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	if !wallClock(clock) && clock != abi.CLOCK_PROCESS_CPUTIME_ID && clock != abi.CLOCK_THREAD_CPUTIME_ID {
		return 0, abi.EINVAL
	}
	notify, signo, value, tid := abi.SIGEV_SIGNAL, abi.SIGALRM, uint64(0), int32(0)
	if a[1] != 0 {
		var b [24]byte
		if err := t.MM.CopyIn(a[1], b[:]); err != 0 {
			return 0, err
		}
		value, signo, notify, tid = le.Uint64(b[0:]), int(int32(le.Uint32(b[8:]))), int(int32(le.Uint32(b[12:]))), int32(le.Uint32(b[16:]))
	}
	id, err := t.TimerCreate(clock, pid, notify, signo, value, tid, a[1] == 0)
	if err != 0 {
		return 0, err
	}
	var b [4]byte
	le.PutUint32(b[:], uint32(id))
	if err := t.MM.CopyOut(a[2], b[:]); err != 0 {
		t.TimerDelete(id)
		return 0, err
	}
	return 0, 0
}

// readItimerspec reads struct itimerspec {interval, value} of timespecs;
// with abs, value is a time on clock and becomes the time until it.
func readItimerspec(t *kernel.Task, addr uint64, abs bool, clock int32) (kernel.Itimer, abi.Errno) {
	iv, err := copyInTimespec(t, addr)
	if err != 0 {
		return kernel.Itimer{}, err
	}
	v, err := copyInTimespec(t, addr+abi.SizeofTimespec)
	if err != 0 {
		return kernel.Itimer{}, err
	}
	it := kernel.Itimer{
		Interval: time.Duration(iv.Sec)*time.Second + time.Duration(iv.Nsec),
		Value:    time.Duration(v.Sec)*time.Second + time.Duration(v.Nsec),
	}
	if abs && it.Value > 0 {
		now, err := clockNow(t, clock)
		if err != 0 {
			return kernel.Itimer{}, err
		}
		it.Value = max(it.Value-now, 1) // a past time fires at once
	}
	return it, 0
}

func writeItimerspec(t *kernel.Task, addr uint64, it kernel.Itimer) abi.Errno {
	if err := copyOutTimespec(t, addr, durationToTimespec(it.Interval)); err != 0 {
		return err
	}
	return copyOutTimespec(t, addr+abi.SizeofTimespec, durationToTimespec(it.Value))
}

func sysTimerSettime(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, flags := int32(a[0]), a[1]
	if flags&^abi.TIMER_ABSTIME != 0 {
		return 0, abi.EINVAL
	}
	clock, err := t.TimerClock(id)
	if err != 0 {
		return 0, err
	}
	set, err := readItimerspec(t, a[2], flags&abi.TIMER_ABSTIME != 0, clock)
	if err != 0 {
		return 0, err
	}
	old, err := t.TimerSet(id, set)
	if err != 0 {
		return 0, err
	}
	if a[3] != 0 {
		return 0, writeItimerspec(t, a[3], old)
	}
	return 0, 0
}

func sysTimerGettime(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	it, err := t.TimerGet(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	return 0, writeItimerspec(t, a[1], it)
}

func sysTimerGetoverrun(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	n, err := t.TimerOverrun(int32(a[0]))
	return uint64(n), err
}

func sysTimerDelete(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.TimerDelete(int32(a[0]))
}

func sysTimerfdCreate(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	clock := int32(a[0])
	if !wallClock(clock) {
		return 0, abi.EINVAL
	}
	fd, err := t.TimerfdCreate(clock, uint32(a[1]))
	return uint64(fd), err
}

func sysTimerfdSettime(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, flags := int32(a[0]), a[1]
	if flags&^(abi.TFD_TIMER_ABSTIME|abi.TFD_TIMER_CANCEL_ON_SET) != 0 {
		return 0, abi.EINVAL
	}
	clock, err := t.TimerfdClock(fd)
	if err != 0 {
		return 0, err
	}
	set, err := readItimerspec(t, a[2], flags&abi.TFD_TIMER_ABSTIME != 0, clock)
	if err != 0 {
		return 0, err
	}
	old, err := t.TimerfdSet(fd, set)
	if err != 0 {
		return 0, err
	}
	if a[3] != 0 {
		return 0, writeItimerspec(t, a[3], old)
	}
	return 0, 0
}

func sysTimerfdGettime(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	it, err := t.TimerfdGet(int32(a[0]))
	if err != 0 {
		return 0, err
	}
	return 0, writeItimerspec(t, a[1], it)
}
