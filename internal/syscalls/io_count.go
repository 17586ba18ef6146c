package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// The I/O accounting of /proc/PID/io (Linux's add_rchar, inc_syscr and
// their write twins): the table wraps the handlers of the read and write
// families, which count every call and the bytes of a successful one.

func countedRead(h handler) handler {
	return func(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
		r, err := h(t, a)
		if err != 0 {
			r = 0
		}
		t.CountRead(r)
		return r, err
	}
}

func countedWrite(h handler) handler {
	return func(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
		r, err := h(t, a)
		if err != 0 {
			r = 0
		}
		t.CountWrite(r)
		return r, err
	}
}

// countedBoth is for the calls that read one file and write another.
func countedBoth(h handler) handler {
	return func(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
		r, err := h(t, a)
		if err != 0 {
			r = 0
		}
		t.CountRead(r)
		t.CountWrite(r)
		return r, err
	}
}
