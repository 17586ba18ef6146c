package syscalls

import (
	"encoding/binary"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

var le = binary.LittleEndian

// copyOutTimespec writes ts to the guest at addr.
func copyOutTimespec(t *kernel.Task, addr uint64, ts abi.Timespec) abi.Errno {
	var b [abi.SizeofTimespec]byte
	ts.Marshal(b[:])
	return t.MM.CopyOut(addr, b[:])
}

// copyInTimespec reads a timespec and checks it as Linux's timespec64_valid:
// EINVAL for a negative second count or nanoseconds outside [0, 1e9).
func copyInTimespec(t *kernel.Task, addr uint64) (abi.Timespec, abi.Errno) {
	var b [abi.SizeofTimespec]byte
	if err := t.MM.CopyIn(addr, b[:]); err != 0 {
		return abi.Timespec{}, err
	}
	ts := abi.UnmarshalTimespec(b[:])
	if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
		return ts, abi.EINVAL
	}
	return ts, 0
}
