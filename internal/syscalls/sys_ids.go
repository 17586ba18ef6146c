package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
)

func sysGetpid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return uint64(t.Tgid), 0 }
func sysGettid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return uint64(t.Tid), 0 }

// getppid(2): 0 for PID 1, whose parent is outside its namespace.
func sysGetppid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return uint64(t.Ppid()), 0
}

func sysGetuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno)  { return uint64(t.Creds.UID), 0 }
func sysGeteuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return uint64(t.Creds.EUID), 0 }
func sysGetgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno)  { return uint64(t.Creds.GID), 0 }
func sysGetegid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return uint64(t.Creds.EGID), 0 }

// getgroups(2): size 0 asks for the count; a smaller buffer is EINVAL.
func sysGetgroups(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	size, list := int32(a[0]), a[1]
	n := len(t.Creds.Groups)
	if size == 0 {
		return uint64(n), 0
	}
	if size < 0 || int(size) < n {
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*n)
	for i, g := range t.Creds.Groups {
		le.PutUint32(b[4*i:], g)
	}
	if err := t.MM.CopyOut(list, b); err != 0 {
		return 0, err
	}
	return uint64(n), 0
}

// set_tid_address(2) records where to clear and futex-wake the tid at exit.
func sysSetTidAddress(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	t.ClearChildTID = a[0]
	return uint64(t.Tid), 0
}

// set_robust_list(2) records the robust futex list head; the size must be
// that of struct robust_list_head (24 bytes).
func sysSetRobustList(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[1] != 24 {
		return 0, abi.EINVAL
	}
	t.RobustList, t.RobustListSize = a[0], a[1]
	return 0, 0
}

// PR_GET_KEEPCAPS and PR_SET_KEEPCAPS (linux/prctl.h).
const (
	prGetKeepcaps = 7
	prSetKeepcaps = 8
)

// prctl(2): the name, the keep-capabilities flag (recorded: vessel has no
// capabilities yet), the parent-death signal and the child subreaper
// flag; other options give EINVAL, as Linux does for options it does not
// know.
func sysPrctl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	switch a[0] {
	case abi.PR_SET_NAME:
		var b [16]byte
		// The name may sit at the end of a mapping: copy byte by byte up to 16.
		n := 0
		for ; n < 15; n++ {
			if err := t.MM.CopyIn(a[1]+uint64(n), b[n:n+1]); err != 0 {
				return 0, err
			}
			if b[n] == 0 {
				break
			}
		}
		t.Comm = string(b[:n])
		return 0, 0
	case abi.PR_GET_NAME:
		var b [16]byte
		copy(b[:15], t.Comm)
		return 0, t.MM.CopyOut(a[1], b[:])
	case prGetKeepcaps:
		return uint64(t.KeepCaps), 0
	case prSetKeepcaps:
		if a[1] > 1 {
			return 0, abi.EINVAL
		}
		t.KeepCaps = int(a[1])
		return 0, 0
	case abi.PR_SET_PDEATHSIG:
		if a[1] > abi.NSIG {
			return 0, abi.EINVAL
		}
		t.PdeathSig = int(a[1])
		return 0, 0
	case abi.PR_GET_PDEATHSIG:
		var b [4]byte
		le.PutUint32(b[:], uint32(t.PdeathSig))
		return 0, t.MM.CopyOut(a[1], b[:])
	case abi.PR_SET_CHILD_SUBREAPER:
		t.SetChildSubreaper(a[1] != 0)
		return 0, 0
	case abi.PR_GET_CHILD_SUBREAPER:
		var b [4]byte
		if t.ChildSubreaper() {
			b[0] = 1
		}
		return 0, t.MM.CopyOut(a[1], b[:])
	}
	return 0, abi.EINVAL
}

func sysSetpgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.Setpgid(int32(a[0]), int32(a[1]))
}

func sysGetpgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	pgid, err := t.Getpgid(int32(a[0]))
	return uint64(pgid), err
}

func sysGetsid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	sid, err := t.Getsid(int32(a[0]))
	return uint64(sid), err
}

func sysSetsid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	sid, err := t.Setsid()
	return uint64(sid), err
}

func sysSetuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetID(false, uint32(a[0]))
}

func sysSetgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetID(true, uint32(a[0]))
}

func sysSetreuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetREID(false, uint32(a[0]), uint32(a[1]))
}

func sysSetregid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetREID(true, uint32(a[0]), uint32(a[1]))
}

func sysSetresuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetRESID(false, uint32(a[0]), uint32(a[1]), uint32(a[2]))
}

func sysSetresgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.SetRESID(true, uint32(a[0]), uint32(a[1]), uint32(a[2]))
}

// getresuid(2) and getresgid(2) write three 32-bit ids.
func getresid(t *kernel.Task, a *[6]uint64, gid bool) (uint64, abi.Errno) {
	r, e, s := t.GetRESID(gid)
	for i, id := range [...]uint32{r, e, s} {
		var b [4]byte
		le.PutUint32(b[:], id)
		if err := t.MM.CopyOut(a[i], b[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

func sysGetresuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return getresid(t, a, false) }
func sysGetresgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return getresid(t, a, true) }

func sysSetfsuid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return uint64(t.SetFSID(false, uint32(a[0]))), 0
}

func sysSetfsgid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return uint64(t.SetFSID(true, uint32(a[0]))), 0
}

// setgroups(2): size groups from list; a negative size is EINVAL.
func sysSetgroups(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	size := int32(a[0])
	if size < 0 || size > 65536 {
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*int(size))
	if err := t.MM.CopyIn(a[1], b); err != 0 {
		return 0, err
	}
	groups := make([]uint32, size)
	for i := range groups {
		groups[i] = le.Uint32(b[4*i:])
	}
	return 0, t.SetGroups(groups)
}
