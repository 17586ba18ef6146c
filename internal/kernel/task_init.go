package kernel

import (
	"fmt"
	"os"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// defaultLimits are a fresh Linux login's resource limits.
var defaultLimits = func() (l [abi.RLIM_NLIMITS]abi.Rlimit) {
	inf := abi.RLIM_INFINITY
	for i := range l {
		l[i] = abi.Rlimit{Cur: inf, Max: inf}
	}
	l[abi.RLIMIT_STACK] = abi.Rlimit{Cur: 8 << 20, Max: inf}
	l[abi.RLIMIT_CORE] = abi.Rlimit{Cur: 0, Max: inf}
	l[abi.RLIMIT_NPROC] = abi.Rlimit{Cur: 63535, Max: 63535}
	l[abi.RLIMIT_NOFILE] = abi.Rlimit{Cur: 1024, Max: 524288}
	l[abi.RLIMIT_MEMLOCK] = abi.Rlimit{Cur: 8 << 20, Max: 8 << 20}
	l[abi.RLIMIT_SIGPENDING] = abi.Rlimit{Cur: 63535, Max: 63535}
	l[abi.RLIMIT_MSGQUEUE] = abi.Rlimit{Cur: 819200, Max: 819200}
	l[abi.RLIMIT_NICE] = abi.Rlimit{}
	l[abi.RLIMIT_RTPRIO] = abi.Rlimit{}
	return l
}()

// StartInit creates the first process, PID 1 of the root namespace,
// running the program at guest path p, and lets it run. Its credentials are
// those of the user running vessel, as under qemu-riscv64; its working
// directory is vessel's own when the guest sees the host's root, and / when
// it is confined to a root directory.
func (k *Kernel) StartInit(p string, argv, envp []string) (*Task, error) {
	uid, gid := uint32(os.Getuid()), uint32(os.Getgid())
	t := &Task{
		k:      k,
		Creds:  Creds{UID: uid, EUID: uid, SUID: uid, FSUID: uid, GID: gid, EGID: gid, SGID: gid, FSGID: gid},
		Sig:    &SigHandlers{},
		Limits: defaultLimits,
	}
	t.FS = k.cfg.FS.NewContext()
	if k.cfg.Cwd != "" {
		if err := k.cfg.FS.Chdir(t.FS, k.cfg.Cwd); err != 0 {
			t.FS.DecRef()
			return nil, fmt.Errorf("working directory %s: %v", k.cfg.Cwd, err)
		}
	}
	t.FDs = vfs.NewFDTable()
	for fd, f := range k.cfg.Stdio {
		if f != nil {
			f.IncRef()
			t.FDs.InstallAt(f, int32(fd), false)
		}
	}
	t.Sched.Task = t
	t.tg = &ThreadGroup{Leader: t, threads: []*Task{t}, exitSignal: abi.SIGCHLD}
	k.mu.Lock()
	pid, err := k.allocPidLocked()
	if err == nil {
		t.Tid, t.Tgid, t.Pgid, t.Sid = pid, pid, pid, pid
		k.tasks[pid] = t
		k.init = t.tg
	}
	k.mu.Unlock()
	if err != nil {
		return nil, err
	}
	t.StartTime = k.Clock()
	if err := t.Exec(p, argv, envp); err != nil {
		k.mu.Lock()
		delete(k.tasks, t.Tid)
		k.init = nil
		t.dropResourcesLocked()
		k.mu.Unlock()
		return nil, err
	}
	t.start()
	return t, nil
}
