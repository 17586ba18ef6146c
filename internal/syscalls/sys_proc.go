package syscalls

import (
	"errors"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/loader"
)

// clone(2), riscv64 argument order: flags, stack, parent_tid, tls,
// child_tid. The low byte of flags is the exit signal.
func sysClone(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[0]&abi.CLONE_PIDFD != 0 && a[0]&abi.CLONE_PARENT_SETTID != 0 {
		return 0, abi.EINVAL // both would use parent_tid
	}
	tid, err := t.Clone(kernel.CloneArgs{
		Flags:      a[0] &^ abi.CSIGNAL,
		ExitSignal: int(a[0] & abi.CSIGNAL),
		Stack:      a[1],
		ParentTID:  a[2],
		Pidfd:      a[2],
		TLS:        a[3],
		ChildTID:   a[4],
	})
	return uint64(tid), err
}

// clone3(2) reads struct clone_args: flags, pidfd, child_tid, parent_tid,
// exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup
// (8 bytes each). The stack is given by its lowest address and size.
func sysClone3(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	size := a[1]
	const ver0, maxSize = 64, 88
	if size < ver0 || size > abi.PageSize {
		return 0, abi.EINVAL
	}
	b := make([]byte, size)
	if err := t.MM.CopyIn(a[0], b); err != 0 {
		return 0, err
	}
	for _, c := range b[min(size, maxSize):] {
		if c != 0 {
			return 0, abi.E2BIG // a newer struct with fields vessel does not know
		}
	}
	var f [11]uint64
	for i := range f {
		if 8*i+8 <= len(b) {
			f[i] = le.Uint64(b[8*i:])
		}
	}
	flags, exitSig, stack, stackSize := f[0], f[4], f[5], f[6]
	if flags&abi.CSIGNAL != 0 || exitSig > abi.NSIG || f[9] != 0 {
		return 0, abi.EINVAL // set_tid needs PID namespaces
	}
	if (stack == 0) != (stackSize == 0) {
		return 0, abi.EINVAL
	}
	sp := uint64(0)
	if stack != 0 {
		sp = stack + stackSize
	}
	tid, err := t.Clone(kernel.CloneArgs{Flags: flags, ExitSignal: int(exitSig), Stack: sp,
		Pidfd: f[1], ParentTID: f[3], ChildTID: f[2], TLS: f[7]})
	return uint64(tid), err
}

// Linux's limits on execve's arguments.
const (
	maxArgStrlen = 32 * abi.PageSize // MAX_ARG_STRLEN: one string with its NUL
	maxArgCount  = 0x7fffffff        // MAX_ARG_STRINGS
)

// stringVector reads a NULL-terminated array of strings (argv, envp). A
// NULL array is empty. E2BIG when one string or the total is too long.
func stringVector(t *kernel.Task, addr uint64, budget *uint64) ([]string, abi.Errno) {
	if addr == 0 {
		return nil, 0
	}
	var out []string
	for i := uint64(0); ; i++ {
		var p [8]byte
		if err := t.MM.CopyIn(addr+8*i, p[:]); err != 0 {
			return nil, err
		}
		ptr := le.Uint64(p[:])
		if ptr == 0 {
			return out, 0
		}
		if i >= maxArgCount {
			return nil, abi.E2BIG
		}
		s, err := t.MM.CopyInString(ptr, maxArgStrlen)
		if err == abi.ENAMETOOLONG {
			return nil, abi.E2BIG
		}
		if err != 0 {
			return nil, err
		}
		cost := uint64(len(s)) + 1 + 8
		if cost > *budget {
			return nil, abi.E2BIG
		}
		*budget -= cost
		out = append(out, s)
	}
}

// execve(2). The argument strings may use a quarter of the stack limit, as
// Linux allows. On success the new program's registers are in place.
func sysExecve(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return execveat(t, atFDCWD, a[0], a[1], a[2], 0)
}

// atFDCWD is AT_FDCWD as a syscall argument register holds it.
const atFDCWD = ^uint64(-abi.AT_FDCWD - 1)

// execveat(2): the program is found from dirfd, or is dirfd itself with
// AT_EMPTY_PATH.
func sysExecveat(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return execveat(t, a[0], a[1], a[2], a[3], uint32(a[4]))
}

func execveat(t *kernel.Task, dirfd, pathAddr, argvAddr, envpAddr uint64, flags uint32) (uint64, abi.Errno) {
	if flags&^(abi.AT_EMPTY_PATH|abi.AT_SYMLINK_NOFOLLOW) != 0 {
		return 0, abi.EINVAL
	}
	dir, path, done, err := pathAt(t, dirfd, pathAddr, flags)
	if err != 0 {
		return 0, err
	}
	defer done()
	if path == "" && (flags&abi.AT_EMPTY_PATH == 0 || dir == nil && int32(dirfd) != abi.AT_FDCWD) {
		return 0, abi.ENOENT
	}
	if path == "" && dir == nil {
		return 0, abi.EACCES // the working directory: a directory
	}
	budget := max(t.Limits[abi.RLIMIT_STACK].Cur/4, 32*abi.PageSize)
	argv, err := stringVector(t, argvAddr, &budget)
	if err != 0 {
		return 0, err
	}
	envp, err := stringVector(t, envpAddr, &budget)
	if err != 0 {
		return 0, err
	}
	if dir == nil {
		path = t.SysrootPath(path)
	}
	if e := t.ExecAt(dir, path, flags, argv, envp); e != nil {
		var le *loader.Error
		if errors.As(e, &le) && le.Errno != 0 {
			return 0, le.Errno
		}
		return 0, abi.ENOEXEC
	}
	return 0, kernel.EJUSTRETURN
}

// wait4(2): the status word and the rusage of the child reaped.
func sysWait4(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	r, err := t.Wait4(int32(a[0]), int(uint32(a[2])))
	if err != 0 {
		return 0, err
	}
	if r.Pid != 0 && a[1] != 0 {
		var b [4]byte
		le.PutUint32(b[:], uint32(r.Status))
		if err := t.MM.CopyOut(a[1], b[:]); err != 0 {
			return 0, err
		}
	}
	if a[3] != 0 {
		if err := putRusage(t, a[3], r.Usage); err != 0 {
			return 0, err
		}
	}
	return uint64(r.Pid), 0
}

// waitid(2) fills a siginfo_t for SIGCHLD: si_signo, si_errno, si_code at
// 0, 4, 8; si_pid, si_uid, si_status at 16, 20, 24. With WNOHANG and no
// child ready it is zeroed.
func sysWaitid(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	r, err := t.Waitid(int(int32(a[0])), int32(a[1]), int(uint32(a[3])))
	if err != 0 {
		return 0, err
	}
	if a[2] != 0 {
		var si [128]byte
		if r.Pid != 0 {
			code, status := abi.CLD_EXITED, r.Status>>8&0xff
			switch sig := r.Status & 0x7f; {
			case r.Status == 0xffff:
				code, status = abi.CLD_CONTINUED, abi.SIGCONT
			case sig == 0x7f:
				code = abi.CLD_STOPPED
			case sig != 0:
				code, status = abi.CLD_KILLED, sig
				if r.Status&0x80 != 0 {
					code = abi.CLD_DUMPED
				}
			}
			le.PutUint32(si[0:], abi.SIGCHLD)
			le.PutUint32(si[8:], uint32(code))
			le.PutUint32(si[16:], uint32(r.Pid))
			le.PutUint32(si[20:], r.UID)
			le.PutUint32(si[24:], uint32(status))
		}
		if err := t.MM.CopyOut(a[2], si[:]); err != 0 {
			return 0, err
		}
	}
	if a[4] != 0 {
		if err := putRusage(t, a[4], r.Usage); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}

func sysSchedYield(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	t.Yield()
	return 0, 0
}

func sysPidfdOpen(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, err := t.PidfdOpen(int32(a[0]), uint32(a[1]))
	return uint64(fd), err
}

// pidfd_send_signal(2). A siginfo argument is not yet supported (EINVAL),
// as it needs queued signal information.
func sysPidfdSendSignal(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[2] != 0 {
		return 0, abi.EINVAL
	}
	return 0, t.PidfdSendSignal(int32(a[0]), int(int32(a[1])), uint32(a[3]))
}

func sysKill(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.Kill(int32(a[0]), int(int32(a[1])))
}

func sysTgkill(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if int32(a[0]) <= 0 {
		return 0, abi.EINVAL
	}
	return 0, t.Tgkill(int32(a[0]), int32(a[1]), int(int32(a[2])))
}

func sysTkill(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, t.Tgkill(-1, int32(a[0]), int(int32(a[1])))
}
