package syscalls

import (
	"golang.org/x/sys/unix"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// Calls whose work is done by the nature of vessel: a guest's data goes to
// the host (or to vessel's memory) at once, its pages are never swapped,
// and there is one CPU.

// sync(2): the host flushes its filesystems.
func sysSync(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	unix.Sync()
	return 0, 0
}

// syncfs(2): the host filesystem that holds a host file is flushed; vessel's
// own filesystems hold nothing to flush.
func sysSyncfs(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, vfs.SyncFS(f)
}

// fadvise64(2): advice is checked (EINVAL, ESPIPE for a pipe or socket)
// and has nothing to change.
func sysFadvise64(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	if kernel.IsPipe(f) {
		return 0, abi.ESPIPE
	}
	if advice := a[3]; advice > 5 || int64(a[2]) < 0 {
		return 0, abi.EINVAL // POSIX_FADV_NORMAL ... POSIX_FADV_NOREUSE are 0..5
	}
	return 0, 0
}

// getcpu(2): vessel has one virtual CPU, 0, on node 0.
func sysGetcpu(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var zero [4]byte
	for _, p := range a[:2] {
		if p != 0 {
			if err := t.MM.CopyOut(p, zero[:]); err != 0 {
				return 0, err
			}
		}
	}
	return 0, 0
}

// mlock(2), mlock2 and munlock: vessel never pages a guest's memory out,
// so every page is as locked as it can be; the range is checked as Linux
// does (EINVAL for flags, ENOMEM for an unmapped range).
func sysMlock(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return 0, mlockRange(t, a[0], a[1])
}

func sysMlock2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[2]&^1 != 0 { // MLOCK_ONFAULT
		return 0, abi.EINVAL
	}
	return 0, mlockRange(t, a[0], a[1])
}

func mlockRange(t *kernel.Task, addr, length uint64) abi.Errno {
	start := addr &^ (abi.PageSize - 1)
	end := (addr + length + abi.PageSize - 1) &^ (abi.PageSize - 1)
	if end < start {
		return abi.EINVAL
	}
	regions := t.MM.Regions()
	for p := start; p < end; {
		covered := false
		for _, r := range regions {
			if r.Start <= p && p < r.End {
				p, covered = r.End, true
				break
			}
		}
		if !covered {
			return abi.ENOMEM
		}
	}
	return 0
}

// mlockall(2) and munlockall: MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT.
func sysMlockall(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	if a[0] == 0 || a[0]&^7 != 0 || a[0] == 4 {
		return 0, abi.EINVAL
	}
	return 0, 0
}

func sysMunlockall(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) { return 0, 0 }
