package syscalls

import (
	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// fcntlLock is fcntl's record-lock commands: F_GETLK, F_SETLK, F_SETLKW
// and their open-file-description forms, whose l_pid must be 0 (EINVAL).
func fcntlLock(t *kernel.Task, f *vfs.File, cmd int32, arg uint64) abi.Errno {
	if f.IsPath() {
		return abi.EBADF
	}
	var b [abi.SizeofFlock]byte
	if e := t.MM.CopyIn(arg, b[:]); e != 0 {
		return e
	}
	l := abi.UnmarshalFlock(b[:])
	ofd := cmd == abi.F_OFD_GETLK || cmd == abi.F_OFD_SETLK || cmd == abi.F_OFD_SETLKW
	if ofd && l.Pid != 0 {
		return abi.EINVAL
	}
	r, e := kernel.FlockRange(f, &l)
	if e != 0 {
		return e
	}
	switch cmd {
	case abi.F_GETLK, abi.F_OFD_GETLK:
		out, e := t.GetLock(f, r, ofd)
		if e != 0 {
			return e
		}
		out.Marshal(b[:])
		return t.MM.CopyOut(arg, b[:])
	}
	return t.SetLock(f, r, ofd, cmd == abi.F_SETLKW || cmd == abi.F_OFD_SETLKW)
}

// flock(2): whole-file locks of the open file description.
func sysFlock(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, t.Flock(f, int(int32(a[1])))
}
