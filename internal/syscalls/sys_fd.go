package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
)

func sysDup(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, err := t.FDs.Dup(int32(a[0]))
	return uint64(fd), err
}

func sysDup3(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, err := t.FDs.Dup3(int32(a[0]), int32(a[1]), uint32(a[2]))
	return uint64(fd), err
}

// fcntl(2): descriptor duplication and flags, record locks (sys_lock.go)
// and pipe sizes. Leases, owners and seals are not yet implemented and
// return EINVAL, as Linux does for a command it does not know.
func sysFcntl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, cmd, arg := int32(a[0]), int32(a[1]), a[2]
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		nfd, err := t.FDs.DupFD(fd, int32(arg), cmd == abi.F_DUPFD_CLOEXEC)
		return uint64(nfd), err
	case abi.F_GETFD:
		fl, err := t.FDs.FDFlags(fd)
		return uint64(fl), err
	case abi.F_SETFD:
		return 0, t.FDs.SetFDFlags(fd, uint32(arg))
	}
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	switch cmd {
	case abi.F_GETFL:
		return uint64(f.Flags() &^ abi.O_CLOEXEC), 0
	case abi.F_SETFL:
		if f.IsPath() {
			return 0, abi.EBADF
		}
		return 0, f.SetFlags(uint32(arg))
	case abi.F_GETPIPE_SZ:
		n, err := kernel.PipeSize(f)
		return uint64(n), err
	case abi.F_SETPIPE_SZ:
		n, err := t.SetPipeSize(f, int(int32(arg)))
		return uint64(n), err
	case abi.F_GETLK, abi.F_SETLK, abi.F_SETLKW, abi.F_OFD_GETLK, abi.F_OFD_SETLK, abi.F_OFD_SETLKW:
		return 0, fcntlLock(t, f, cmd, arg)
	case fAddSeals, fGetSeals:
		return fcntlSeals(f, cmd, arg)
	}
	return 0, abi.EINVAL
}

// ioctl(2): FIOCLEX and FIONCLEX set the descriptor's flag; the rest go to
// the file (with the calling task, for a terminal).
func sysIoctl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, req := int32(a[0]), uint32(a[1])
	switch req {
	case abi.FIOCLEX, abi.FIONCLEX:
		var fl uint32
		if req == abi.FIOCLEX {
			fl = abi.FD_CLOEXEC
		}
		return 0, t.FDs.SetFDFlags(fd, fl)
	}
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	// A terminal's ioctls need the caller, for job control (kernel/tty.go).
	if ti, ok := f.Impl().(kernel.TaskIoctler); ok {
		return ti.IoctlTask(t, f, req, a[2])
	}
	return f.Ioctl(t.MM, req, a[2])
}
