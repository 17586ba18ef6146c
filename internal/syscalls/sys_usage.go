package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// getrusage(2) who values.
const (
	rusageSelf     = 0
	rusageChildren = -1
	rusageThread   = 1
)

// putRusage writes u as a struct rusage (144 bytes): ru_utime and ru_stime
// as timevals, then ru_maxrss, ..., ru_minflt at 64, ru_nvcsw at 128 and
// ru_nivcsw at 136.
func putRusage(t *kernel.Task, addr uint64, u kernel.Usage) abi.Errno {
	var b [144]byte
	le.PutUint64(b[0:], u.UserNanos/1e9)
	le.PutUint64(b[8:], u.UserNanos%1e9/1e3)
	le.PutUint64(b[16:], u.SysNanos/1e9)
	le.PutUint64(b[24:], u.SysNanos%1e9/1e3)
	le.PutUint64(b[32:], u.MaxRSSKB)
	le.PutUint64(b[64:], u.MinorFaults)
	le.PutUint64(b[128:], u.VolSwitches)
	le.PutUint64(b[136:], u.InvSwitches)
	return t.MM.CopyOut(addr, b[:])
}

func sysGetrusage(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var u kernel.Usage
	switch int32(a[0]) {
	case rusageSelf:
		u = t.ProcessUsage()
	case rusageChildren:
		u = t.ChildrenUsage()
	case rusageThread:
		u = t.ThreadUsage()
	default:
		return 0, abi.EINVAL
	}
	return 0, putRusage(t, a[1], u)
}

// clockTicks is USER_HZ, the unit of times(2) (and AT_CLKTCK).
const clockTicks = 100

// times(2): struct tms {utime, stime, cutime, cstime} in clock ticks; the
// result is the ticks since boot.
func sysTimes(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[0] != 0 {
		self, children := t.ProcessUsage(), t.ChildrenUsage()
		var b [32]byte
		const tick = 1e9 / clockTicks
		le.PutUint64(b[0:], self.UserNanos/tick)
		le.PutUint64(b[8:], self.SysNanos/tick)
		le.PutUint64(b[16:], children.UserNanos/tick)
		le.PutUint64(b[24:], children.SysNanos/tick)
		if err := t.MM.CopyOut(a[0], b[:]); err != 0 {
			return 0, err
		}
	}
	up, _ := clockNow(t, abi.CLOCK_BOOTTIME)
	return uint64(up.Nanoseconds() / (1e9 / clockTicks)), 0
}
