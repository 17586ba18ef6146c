package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// futex(2): uaddr, op, val, timeout (or val2), uaddr2, val3. PI futexes
// are not implemented (ENOSYS, as a kernel without CONFIG_FUTEX_PI).
func sysFutex(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	addr, op, val, addr2, val3 := a[0], uint32(a[1]), uint32(a[2]), a[4], uint32(a[5])
	private := op&abi.FUTEX_PRIVATE_FLAG != 0
	cmd := op &^ (abi.FUTEX_PRIVATE_FLAG | abi.FUTEX_CLOCK_REALTIME)
	if op&abi.FUTEX_CLOCK_REALTIME != 0 && cmd != abi.FUTEX_WAIT_BITSET && cmd != abi.FUTEX_WAIT {
		return 0, abi.ENOSYS
	}
	switch cmd {
	case abi.FUTEX_WAIT, abi.FUTEX_WAIT_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAIT_BITSET {
			bitset = val3
		}
		var deadline time.Time
		if a[3] != 0 {
			ts, err := copyInTimespec(t, a[3])
			if err != 0 {
				return 0, err
			}
			d := time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
			if cmd == abi.FUTEX_WAIT {
				// Relative, on CLOCK_MONOTONIC.
				deadline = t.Kernel().Now().Add(d)
			} else {
				// Absolute, on CLOCK_MONOTONIC or, with FUTEX_CLOCK_REALTIME,
				// CLOCK_REALTIME.
				clock := int32(abi.CLOCK_MONOTONIC)
				if op&abi.FUTEX_CLOCK_REALTIME != 0 {
					clock = abi.CLOCK_REALTIME
				}
				now, _ := clockNow(t, clock)
				deadline = t.Kernel().Now().Add(d - now)
				if d <= now {
					deadline = t.Kernel().Now().Add(-1)
				}
			}
		}
		return 0, t.FutexWait(addr, val, bitset, deadline, private)
	case abi.FUTEX_WAKE, abi.FUTEX_WAKE_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAKE_BITSET {
			bitset = val3
		}
		n, err := t.FutexWake(addr, int(int32(val)), bitset, private)
		return uint64(n), err
	case abi.FUTEX_REQUEUE, abi.FUTEX_CMP_REQUEUE:
		if int32(val) < 0 || int32(a[3]) < 0 {
			return 0, abi.EINVAL
		}
		n, err := t.FutexRequeue(addr, addr2, int(int32(val)), int(int32(a[3])), cmd == abi.FUTEX_CMP_REQUEUE, val3, private)
		return uint64(n), err
	case abi.FUTEX_WAKE_OP:
		n, err := t.FutexWakeOp(addr, addr2, int(int32(val)), int(int32(a[3])), val3, private)
		return uint64(n), err
	}
	return 0, abi.ENOSYS
}
