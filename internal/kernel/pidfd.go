package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// A pidfd is a descriptor that names a process (pidfd_open(2), clone's
// CLONE_PIDFD): waitid(P_PIDFD) waits for it and pidfd_send_signal
// signals it, without the races of a pid that may be reused.

// pidFile is the open file behind a pidfd.
type pidFile struct {
	vfs.FileDefaults
	tg *ThreadGroup
}

// Stat reports an anonymous inode, as Linux's pidfs-less pidfds do.
func (p *pidFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Mode: abi.S_IFREG | 0o600, Nlink: 1, Blksize: abi.PageSize}
	return 0
}

// pidfdNonblock is PIDFD_NONBLOCK, which is O_NONBLOCK.
const pidfdNonblock = abi.O_NONBLOCK

// installPidfd opens a pidfd for g in t's descriptor table, close-on-exec.
func (t *Task) installPidfd(g *ThreadGroup, flags uint32) (int32, abi.Errno) {
	f := vfs.NewFile(&pidFile{tg: g}, abi.O_RDWR|flags, "anon_inode:[pidfd]")
	fd, err := t.FDs.Install(f, true)
	f.DecRef() // the table holds its own reference
	return fd, err
}

// PidfdOpen is pidfd_open(2): a pidfd for process pid, which must be a
// thread-group leader (ENOENT-like ESRCH otherwise, EINVAL for a thread).
func (t *Task) PidfdOpen(pid int32, flags uint32) (int32, abi.Errno) {
	if flags&^pidfdNonblock != 0 || pid <= 0 {
		return 0, abi.EINVAL
	}
	t.k.mu.Lock()
	x := t.k.tasks[pid]
	var g *ThreadGroup
	if x != nil && x.tg.Pid() == pid && !x.tg.reaped {
		g = x.tg
	}
	t.k.mu.Unlock()
	if x != nil && g == nil {
		return 0, abi.EINVAL
	}
	if g == nil {
		return 0, abi.ESRCH
	}
	return t.installPidfd(g, flags)
}

// pidfdGroup returns the process behind pidfd fd: EBADF when fd is not
// open or not a pidfd, as Linux's pidfd_get_pid.
func (t *Task) pidfdGroup(fd int32) (*ThreadGroup, bool, abi.Errno) {
	f, err := t.FDs.Get(fd)
	if err != 0 {
		return nil, false, err
	}
	defer f.DecRef()
	p, ok := f.Impl().(*pidFile)
	if !ok {
		return nil, false, abi.EBADF
	}
	return p.tg, f.Flags()&abi.O_NONBLOCK != 0, 0
}

// PidfdSendSignal is pidfd_send_signal(2) without siginfo: it sends sig to
// the process behind fd (0 checks that it could). ESRCH once the process
// has exited.
func (t *Task) PidfdSendSignal(fd int32, sig int, flags uint32) abi.Errno {
	if flags != 0 || sig < 0 || sig > abi.NSIG {
		return abi.EINVAL
	}
	g, _, err := t.pidfdGroup(fd)
	if err != 0 {
		return err
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	if g.zombie || g.reaped {
		return abi.ESRCH
	}
	if sig != 0 {
		t.k.sendLocked(g, nil, t.userInfo(sig, abi.SI_USER), false)
	}
	return 0
}
