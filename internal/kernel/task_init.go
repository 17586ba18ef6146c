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
	t, err := k.newProcess(nil)
	if err != nil {
		return nil, err
	}
	if err := t.Exec(p, argv, envp); err != nil {
		k.discard(t)
		return nil, err
	}
	t.start()
	return t, nil
}

// StartWithInit is `vessel run --init`: PID 1 is vessel's own init, which
// runs the program at p as PID 2, reaps every zombie that reaches it and
// exits with the program's status, as tini does for containers (see
// initMain). It returns the program's task.
func (k *Kernel) StartWithInit(p string, argv, envp []string) (*Task, error) {
	init, err := k.newProcess(nil)
	if err != nil {
		return nil, err
	}
	init.Comm, init.Exe = "init", "vessel-init"
	prog, err := k.newProcess(init.tg)
	if err != nil {
		k.discard(init)
		return nil, err
	}
	if err := prog.Exec(p, argv, envp); err != nil {
		k.discard(prog)
		k.discard(init)
		return nil, err
	}
	init.kernelMain = func(t *Task) { t.initMain(prog.tg) }
	init.start()
	prog.start()
	return prog, nil
}

// newProcess makes a process with one task and no program yet: a child of
// parent, or, for nil, PID 1. It starts in its own session and process
// group with the standard streams as descriptors 0, 1 and 2, and with
// vessel's own user and group ids and supplementary groups, as a program
// vessel started on the host would have.
func (k *Kernel) newProcess(parent *ThreadGroup) (*Task, error) {
	uid, gid := uint32(os.Getuid()), uint32(os.Getgid())
	var groups []uint32
	if gs, err := os.Getgroups(); err == nil {
		for _, g := range gs {
			groups = append(groups, uint32(g))
		}
	}
	t := &Task{
		k:      k,
		Creds:  Creds{UID: uid, EUID: uid, SUID: uid, FSUID: uid, GID: gid, EGID: gid, SGID: gid, FSGID: gid, Groups: groups},
		Sig:    &SigHandlers{},
		Limits: defaultLimits,
	}
	t.FS = k.cfg.FS.NewContext()
	if k.cfg.Cwd != "" {
		if err := k.cfg.FS.Chdir(t, k.cfg.Cwd); err != 0 {
			t.FS.DecRef()
			return nil, fmt.Errorf("working directory %s: %v", k.cfg.Cwd, err)
		}
	}
	t.FDs = vfs.NewFDTable()
	t.FDs.SetCloseHook(k.fdClosed)
	for fd, f := range k.cfg.Stdio {
		if f != nil {
			t.FDs.InstallAt(f, int32(fd), false) // the table takes its own reference
		}
	}
	t.Sched.Task = t
	t.tg = &ThreadGroup{Leader: t, threads: []*Task{t}, parent: parent, exitSignal: abi.SIGCHLD}
	k.mu.Lock()
	pid, err := k.allocPidLocked()
	if err != nil {
		release := t.dropResourcesLocked()
		k.mu.Unlock()
		release()
		return nil, err
	}
	defer k.mu.Unlock()
	t.Tid, t.Tgid, t.Pgid, t.Sid = pid, pid, pid, pid
	k.tasks[pid] = t
	if parent == nil {
		k.init = t.tg
		k.cfg.Terminal.startSessionLocked(t) // the session's controlling terminal (tty.go)
	} else {
		t.Pgid, t.Sid = parent.Leader.Pgid, parent.Leader.Sid
		parent.children = append(parent.children, t.tg)
	}
	t.StartTime = k.Clock()
	return t, nil
}

// discard undoes newProcess for a process that never ran.
func (k *Kernel) discard(t *Task) {
	k.mu.Lock()
	delete(k.tasks, t.Tid)
	if k.init == t.tg {
		k.init = nil
	}
	if p := t.tg.parent; p != nil {
		p.removeChildLocked(t.tg)
	}
	release := t.dropResourcesLocked()
	k.mu.Unlock()
	release()
}

// initMain is the built-in init's life: reap every child that exits, and
// when prog does, exit with its status; the rest of the namespace dies with
// init. Analogous to tini's main loop.
func (t *Task) initMain(prog *ThreadGroup) {
	for {
		r, err := t.Waitid(abi.P_ALL, 0, abi.WEXITED|abi.WALL)
		if err == abi.ECHILD || err == abi.EINTR {
			return
		}
		if r.Pid == prog.Pid() {
			t.k.mu.Lock()
			t.k.groupExitLocked(t, r.Status)
			t.k.mu.Unlock()
			return
		}
	}
}

// Signal sends sig to the process pid, as kill(2) from outside the guest
// (vessel's own signal forwarding). ESRCH when there is no such process.
func (k *Kernel) Signal(pid int32, sig int) abi.Errno {
	k.mu.Lock()
	defer k.mu.Unlock()
	t := k.tasks[pid]
	if t == nil || t.tg.Pid() != pid || t.tg.zombie {
		return abi.ESRCH
	}
	k.sendLocked(t.tg, nil, SigInfo{Signo: sig, Code: abi.SI_USER}, true)
	return 0
}

// SignalGroup sends sig to every process of group pgid from outside the
// guest (vessel forwarding a host signal to the foreground group). ESRCH
// when the group is empty.
func (k *Kernel) SignalGroup(pgid int32, sig int) abi.Errno {
	k.mu.Lock()
	defer k.mu.Unlock()
	found := false
	for _, x := range k.tasksLocked() {
		if g := x.tg; x == g.Leader && !g.zombie && x.Pgid == pgid {
			found = true
			k.sendLocked(g, nil, SigInfo{Signo: sig, Code: abi.SI_USER}, true)
		}
	}
	if !found {
		return abi.ESRCH
	}
	return 0
}
