package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// monotonicBase makes CLOCK_MONOTONIC start well above zero, as a booted
// machine's does, so programs that treat 0 as "unset" behave.
const monotonicBase = 1000 * time.Second

// clockNow reads clock id for t. The CPU-time clocks count retired guest
// instructions as nanoseconds (a nominal 1 GHz hart), so they advance only
// while the task runs.
func clockNow(t *kernel.Task, id int32) (time.Duration, abi.Errno) {
	k := t.Kernel()
	clock, pid, cpu, err := cpuClock(id)
	if err != 0 {
		return 0, err
	}
	if cpu && pid != 0 {
		return t.CPUClock(clock, pid)
	}
	switch id = clock; id {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE:
		return time.Duration(k.Now().UnixNano()), 0
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_BOOTTIME:
		return monotonicBase + k.Uptime(), 0
	case abi.CLOCK_THREAD_CPUTIME_ID:
		u := t.ThreadUsage()
		return time.Duration(u.UserNanos + u.SysNanos), 0
	case abi.CLOCK_PROCESS_CPUTIME_ID:
		u := t.ProcessUsage()
		return time.Duration(u.UserNanos + u.SysNanos), 0
	}
	return 0, abi.EINVAL
}

func durationToTimespec(d time.Duration) abi.Timespec {
	return abi.Timespec{Sec: int64(d / time.Second), Nsec: int64(d % time.Second)}
}

func sysClockGettime(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	d, err := clockNow(t, int32(a[0]))
	if err != 0 {
		return 0, err
	}
	return 0, copyOutTimespec(t, a[1], durationToTimespec(d))
}

func sysClockGetres(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if _, err := clockNow(t, int32(a[0])); err != 0 {
		return 0, err
	}
	if a[1] == 0 {
		return 0, 0
	}
	res := abi.Timespec{Nsec: 1}
	if id := int32(a[0]); id == abi.CLOCK_REALTIME_COARSE || id == abi.CLOCK_MONOTONIC_COARSE {
		res.Nsec = 4000000
	}
	return 0, copyOutTimespec(t, a[1], res)
}

// gettimeofday(2): struct timeval {sec, usec}; the timezone is zeroed.
func sysGettimeofday(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[0] != 0 {
		now := t.Kernel().Now()
		var b [16]byte
		le.PutUint64(b[0:], uint64(now.Unix()))
		le.PutUint64(b[8:], uint64(now.Nanosecond()/1000))
		if err := t.MM.CopyOut(a[0], b[:]); err != 0 {
			return 0, err
		}
	}
	if a[1] != 0 {
		var tz [8]byte
		if err := t.MM.CopyOut(a[1], tz[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

// nanosleep(2). A signal ends the sleep early: the time left goes to rem,
// and the call returns EINTR when a handler runs (Linux's
// ERESTART_RESTARTBLOCK; without a handler vessel restarts the sleep).
func sysNanosleep(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	ts, err := copyInTimespec(t, a[0])
	if err != 0 {
		return 0, err
	}
	left := t.Sleep(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	if left == 0 {
		return 0, 0
	}
	if a[1] != 0 {
		if err := copyOutTimespec(t, a[1], durationToTimespec(left)); err != 0 {
			return 0, err
		}
	}
	return 0, kernel.ERESTART_RESTARTBLOCK
}

// clock_nanosleep(2): relative or TIMER_ABSTIME. An absolute sleep that a
// signal interrupts restarts with the same deadline when no handler runs
// (ERESTARTNOHAND); a relative one reports the time left as nanosleep.
func sysClockNanosleep(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	id, flags := int32(a[0]), a[1]
	if id == abi.CLOCK_THREAD_CPUTIME_ID {
		return 0, abi.EINVAL
	}
	now, err := clockNow(t, id)
	if err != 0 {
		return 0, err
	}
	ts, err := copyInTimespec(t, a[2])
	if err != 0 {
		return 0, err
	}
	d := time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
	abs := flags&abi.TIMER_ABSTIME != 0
	if abs {
		d -= now
	}
	left := t.Sleep(d)
	switch {
	case left == 0:
		return 0, 0
	case abs:
		return 0, kernel.ERESTARTNOHAND
	}
	if a[3] != 0 {
		if err := copyOutTimespec(t, a[3], durationToTimespec(left)); err != 0 {
			return 0, err
		}
	}
	return 0, kernel.ERESTART_RESTARTBLOCK
}
