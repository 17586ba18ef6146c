package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

// sizeofSigset is the kernel's sigset_t: 64 signals in 8 bytes.
const sizeofSigset = 8

// unblockable signals cannot be masked.
const unblockable = 1<<(abi.SIGKILL-1) | 1<<(abi.SIGSTOP-1)

// rt_sigaction(2). riscv64 has no sa_restorer, so the kernel's struct
// sigaction is {u64 sa_handler; u64 sa_flags; u64 sa_mask} (24 bytes);
// handlers return through vessel's trampoline, as through Linux's vDSO.
func sysRtSigaction(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	sig, act, oact, size := int(a[0]), a[1], a[2], a[3]
	if size != sizeofSigset {
		return 0, abi.EINVAL
	}
	if sig < 1 || sig > abi.NSIG {
		return 0, abi.EINVAL
	}
	old := t.Sig.Actions[sig]
	if act != 0 {
		if sig == abi.SIGKILL || sig == abi.SIGSTOP {
			return 0, abi.EINVAL
		}
		var b [24]byte
		if err := t.MM.CopyIn(act, b[:]); err != 0 {
			return 0, err
		}
		t.SetSigAction(sig, kernel.SigAction{
			Handler: le.Uint64(b[0:]),
			Flags:   le.Uint64(b[8:]),
			Mask:    le.Uint64(b[16:]) &^ unblockable,
		})
	}
	if oact != 0 {
		var b [24]byte
		le.PutUint64(b[0:], old.Handler)
		le.PutUint64(b[8:], old.Flags)
		le.PutUint64(b[16:], old.Mask)
		if err := t.MM.CopyOut(oact, b[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

// rt_sigprocmask(2) maintains the mask; SIGKILL and SIGSTOP are never masked.
func sysRtSigprocmask(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	how, set, oset, size := a[0], a[1], a[2], a[3]
	if size != sizeofSigset {
		return 0, abi.EINVAL
	}
	old := t.SigMask
	if set != 0 {
		var b [8]byte
		if err := t.MM.CopyIn(set, b[:]); err != 0 {
			return 0, err
		}
		s := le.Uint64(b[:])
		switch how {
		case abi.SIG_BLOCK:
			t.SetSigMask(old | s)
		case abi.SIG_UNBLOCK:
			t.SetSigMask(old &^ s)
		case abi.SIG_SETMASK:
			t.SetSigMask(s)
		default:
			return 0, abi.EINVAL
		}
	}
	if oset != 0 {
		var b [8]byte
		le.PutUint64(b[:], old)
		if err := t.MM.CopyOut(oset, b[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

// rt_sigreturn(2): the registers come back from the frame; a0 is the
// interrupted code's.
func sysRtSigreturn(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	t.SigReturn()
	return 0, kernel.EJUSTRETURN
}

// rt_sigpending(2): the pending signals the caller blocks.
func sysRtSigpending(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[1] > sizeofSigset {
		return 0, abi.EINVAL
	}
	var b [8]byte
	le.PutUint64(b[:], t.PendingSignals())
	return 0, t.MM.CopyOut(a[0], b[:a[1]])
}

// rt_sigsuspend(2): wait for a signal with a temporary mask; returns EINTR
// after the handler.
func sysRtSigsuspend(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[1] != sizeofSigset {
		return 0, abi.EINVAL
	}
	var b [8]byte
	if err := t.MM.CopyIn(a[0], b[:]); err != 0 {
		return 0, err
	}
	return 0, t.SigSuspend(le.Uint64(b[:]))
}

// sigaltstack(2): stack_t is {ss_sp u64, ss_flags i32 (+4), ss_size u64}.
func sysSigaltstack(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var ss *kernel.AltStack
	if a[0] != 0 {
		var b [24]byte
		if err := t.MM.CopyIn(a[0], b[:]); err != 0 {
			return 0, err
		}
		ss = &kernel.AltStack{SP: le.Uint64(b[0:]), Flags: le.Uint32(b[8:]), Size: le.Uint64(b[16:])}
	}
	old, err := t.SetAltStack(ss)
	if err != 0 {
		return 0, err
	}
	if a[1] != 0 {
		var b [24]byte
		le.PutUint64(b[0:], old.SP)
		le.PutUint32(b[8:], old.Flags)
		le.PutUint64(b[16:], old.Size)
		return 0, t.MM.CopyOut(a[1], b[:])
	}
	return 0, 0
}

// rt_sigtimedwait(2): the signal's number, its siginfo to info.
func sysRtSigtimedwait(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[3] != sizeofSigset {
		return 0, abi.EINVAL
	}
	var b [8]byte
	if err := t.MM.CopyIn(a[0], b[:]); err != 0 {
		return 0, err
	}
	var deadline time.Time
	poll := false
	if a[2] != 0 {
		ts, err := copyInTimespec(t, a[2])
		if err != 0 {
			return 0, err
		}
		d := time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
		poll = d == 0
		deadline = t.Kernel().Now().Add(d)
	}
	info, err := t.SigTimedWait(le.Uint64(b[:]), deadline, poll)
	if err != 0 {
		return 0, err
	}
	if a[1] != 0 {
		if err := t.MM.CopyOut(a[1], kernel.MarshalSigInfo(info)); err != 0 {
			return 0, err
		}
	}
	return uint64(info.Signo), 0
}

// readSigInfo reads the siginfo_t a sigqueue caller passes: si_code,
// si_pid, si_uid and si_value.
func readSigInfo(t *kernel.Task, addr uint64, sig int) (kernel.SigInfo, abi.Errno) {
	var b [128]byte
	if err := t.MM.CopyIn(addr, b[:]); err != 0 {
		return kernel.SigInfo{}, err
	}
	return kernel.SigInfo{Signo: sig, Errno: int32(le.Uint32(b[4:])), Code: int32(le.Uint32(b[8:])),
		Pid: int32(le.Uint32(b[16:])), UID: le.Uint32(b[20:]), Value: le.Uint64(b[24:])}, 0
}

func sysRtSigqueueinfo(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	info, err := readSigInfo(t, a[2], int(int32(a[1])))
	if err != 0 {
		return 0, err
	}
	return 0, t.SigQueue(int32(a[0]), 0, info)
}

func sysRtTgsigqueueinfo(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if int32(a[0]) <= 0 || int32(a[1]) <= 0 {
		return 0, abi.EINVAL
	}
	info, err := readSigInfo(t, a[3], int(int32(a[2])))
	if err != 0 {
		return 0, err
	}
	return 0, t.SigQueue(int32(a[0]), int32(a[1]), info)
}

// signalfd4(2).
func sysSignalfd4(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[2] != sizeofSigset {
		return 0, abi.EINVAL
	}
	var b [8]byte
	if err := t.MM.CopyIn(a[1], b[:]); err != 0 {
		return 0, err
	}
	fd, err := t.Signalfd(int32(a[0]), le.Uint64(b[:]), uint32(a[3]))
	return uint64(fd), err
}
