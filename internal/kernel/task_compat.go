package kernel

import (
	"sync/atomic"

	"vessel/internal/abi"
)

// Per-task and per-address-space state of calls that are mostly
// bookkeeping in vessel: personality(2), membarrier(2) registrations,
// get_robust_list(2)'s access check, and the capability sets of
// capget(2) and capset(2). What clone and exec do with them is here too
// (cloneCompatLocked, execCompatLocked); the I/O priority is in
// task_ioprio.go.

// Personality flags and types (linux/personality.h).
const (
	perMask          = 0x00ff    // PER_MASK: the type, in the low byte
	perLinux32       = 0x0008    // PER_LINUX32
	readImpliesExec  = 0x0400000 // READ_IMPLIES_EXEC
	addrNoRandomize  = 0x0040000 // ADDR_NO_RANDOMIZE
	addrCompatLayout = 0x0200000 // ADDR_COMPAT_LAYOUT
	mmapPageZero     = 0x0100000 // MMAP_PAGE_ZERO
	perClearOnSetID  = readImpliesExec | addrNoRandomize | addrCompatLayout | mmapPageZero
	PersonalityQuery = 0xffffffff // personality(0xffffffff) only reads it
)

// cloneCompatLocked gives c, the new task t's clone makes with flags f,
// what Linux's copy_process gives it of this file's state and of the I/O
// priority: the personality, the capability sets and the keep-capabilities
// flag are copied (a thread
// shares its creator's credentials, a process gets a copy: the same
// values); the membarrier registrations are the address space's, shared
// with CLONE_VM and copied by a fork's copy of the address space (dup_mm
// copies mm->membarrier_state); the I/O context is shared with CLONE_IO,
// and otherwise copied only if its priority is set (copy_io).
//
// Preconditions: Kernel.mu is held.
func (t *Task) cloneCompatLocked(c *Task, f uint64) {
	c.Personality = t.Personality
	c.caps = *t.capsLocked()
	c.KeepCaps = t.KeepCaps // a securebit of the credentials, copied with them
	if f&abi.CLONE_VM != 0 {
		c.membarrier = t.membarrier
	} else {
		c.membarrier = new(membarrierState)
		if t.membarrier != nil {
			c.membarrier.bits.Store(t.membarrier.bits.Load())
		}
	}
	switch {
	case t.ioctx == nil:
	case f&abi.CLONE_IO != 0:
		c.ioctx = t.ioctx
	case t.ioctx.prio>>ioprioClassShift != ioprioClassNone:
		c.ioctx = &ioContext{prio: t.ioctx.prio}
	}
}

// execCompatLocked is what execve does to this file's state, t having its
// new address space:
//
//   - The membarrier registrations go with the old address space
//     (membarrier_exec_mmap).
//   - The capability sets are recomputed as Linux's
//     cap_bprm_creds_from_file does for a file without file capabilities:
//     with a real or effective uid of 0 the permitted set becomes every
//     capability (the bounding set, which vessel keeps full, with the
//     inheritable set), and the effective set the permitted one if the
//     effective uid is 0; otherwise both become empty. The inheritable
//     set stays. prctl's keep-capabilities flag is cleared.
//   - The personality keeps its flags, but those PER_CLEAR_ON_SETID names
//     when the exec gave the task permitted capabilities it did not have
//     (per_clear); the type goes back to PER_LINUX unless it is
//     PER_LINUX32, as riscv64's SET_PERSONALITY does. vessel runs no
//     set-user-id or set-group-id programs as such (their ids are not
//     taken), so that never clears flags.
//
// Preconditions: Kernel.mu is held.
func (t *Task) execCompatLocked() {
	t.membarrier = new(membarrierState)
	old := *t.capsLocked()
	c := &t.caps
	c.eff, c.prm = execCaps(&t.Creds, old.inh)
	if c.prm&^old.prm != 0 {
		t.Personality &^= perClearOnSetID
	}
	t.KeepCaps = 0
	if t.Personality&perMask != perLinux32 {
		t.Personality &^= perMask
	}
}

// membarrier(2) commands and flags (linux/membarrier.h).
const (
	membarrierCmdQuery                            = 0
	membarrierCmdGlobal                           = 1 << 0
	membarrierCmdGlobalExpedited                  = 1 << 1
	membarrierCmdRegisterGlobalExpedited          = 1 << 2
	membarrierCmdPrivateExpedited                 = 1 << 3
	membarrierCmdRegisterPrivateExpedited         = 1 << 4
	membarrierCmdPrivateExpeditedSyncCore         = 1 << 5
	membarrierCmdRegisterPrivateExpeditedSyncCore = 1 << 6
	membarrierCmdPrivateExpeditedRseq             = 1 << 7
	membarrierCmdRegisterPrivateExpeditedRseq     = 1 << 8
	membarrierCmdGetRegistrations                 = 1 << 9
	membarrierCmdFlagCPU                          = 1 << 0

	// membarrierCommands is MEMBARRIER_CMD_QUERY's answer: every command
	// but the rseq ones, as a kernel without CONFIG_RSEQ answers
	// (vessel has no rseq(2)).
	membarrierCommands = membarrierCmdGlobal | membarrierCmdGlobalExpedited |
		membarrierCmdRegisterGlobalExpedited | membarrierCmdPrivateExpedited |
		membarrierCmdRegisterPrivateExpedited | membarrierCmdPrivateExpeditedSyncCore |
		membarrierCmdRegisterPrivateExpeditedSyncCore | membarrierCmdGetRegistrations
)

// The registration state of an address space (Linux's
// MEMBARRIER_STATE_* bits of mm->membarrier_state).
const (
	mbPrivateExpeditedReady         = 1 << 0
	mbPrivateExpedited              = 1 << 1
	mbGlobalExpeditedReady          = 1 << 2
	mbGlobalExpedited               = 1 << 3
	mbPrivateExpeditedSyncCoreReady = 1 << 4
	mbPrivateExpeditedSyncCore      = 1 << 5
)

// membarrierState is an address space's membarrier registrations, shared
// by the tasks that share the address space (CLONE_VM). A fresh address
// space, at exec, has none; a fork's copy has its parent's. The tasks
// that use it run one at a time, but it is atomic, as Linux's is, so
// that nothing depends on that.
type membarrierState struct {
	bits atomic.Uint32
}

// Membarrier is membarrier(2) (Linux's kernel/sched/membarrier.c). flags
// must be 0 (MEMBARRIER_CMD_FLAG_CPU is for the rseq command alone);
// unknown commands and the rseq ones are EINVAL, as without CONFIG_RSEQ.
// The expedited private commands are EPERM until the address space has
// registered for them; registering the sync-core kind marks the plain
// kind as being registered as well, and MEMBARRIER_CMD_GET_REGISTRATIONS
// reports it so, as Linux does. vessel has one virtual CPU and runs one
// task at a time, with every memory access of the one before it done, so
// each barrier has nothing to wait for and returns at once, as Linux's do
// when one CPU is online; the sync-core one also drops the decoded
// instructions its address space's harts share, the fence.i that Linux
// makes every core of the process run.
func (t *Task) Membarrier(cmd int32, flags uint32) (uint64, abi.Errno) {
	if cmd == membarrierCmdPrivateExpeditedRseq {
		if flags != 0 && flags != membarrierCmdFlagCPU {
			return 0, abi.EINVAL
		}
	} else if flags != 0 {
		return 0, abi.EINVAL
	}
	ms := t.membarrier
	if ms == nil {
		ms = new(membarrierState) // a task that never exec'd: no registrations
		t.membarrier = ms
	}
	state := ms.bits.Load()
	register := func(set, ready uint32) (uint64, abi.Errno) {
		if state&ready == ready {
			return 0, 0
		}
		ms.bits.Or(set | ready)
		return 0, 0
	}
	switch cmd {
	case membarrierCmdQuery:
		return membarrierCommands, 0
	case membarrierCmdGlobal, membarrierCmdGlobalExpedited:
		return 0, 0
	case membarrierCmdRegisterGlobalExpedited:
		return register(mbGlobalExpedited, mbGlobalExpeditedReady)
	case membarrierCmdPrivateExpedited:
		if state&mbPrivateExpeditedReady == 0 {
			return 0, abi.EPERM
		}
		return 0, 0
	case membarrierCmdRegisterPrivateExpedited:
		return register(mbPrivateExpedited, mbPrivateExpeditedReady)
	case membarrierCmdPrivateExpeditedSyncCore:
		if state&mbPrivateExpeditedSyncCoreReady == 0 {
			return 0, abi.EPERM
		}
		t.Hart.FlushICache()
		return 0, 0
	case membarrierCmdRegisterPrivateExpeditedSyncCore:
		return register(mbPrivateExpedited|mbPrivateExpeditedSyncCore, mbPrivateExpeditedSyncCoreReady)
	case membarrierCmdGetRegistrations:
		var r uint64
		for _, s := range [...]struct {
			bits uint32
			cmd  uint64
		}{
			{mbGlobalExpedited | mbGlobalExpeditedReady, membarrierCmdRegisterGlobalExpedited},
			{mbPrivateExpedited | mbPrivateExpeditedReady, membarrierCmdRegisterPrivateExpedited},
			{mbPrivateExpeditedSyncCore | mbPrivateExpeditedSyncCoreReady, membarrierCmdRegisterPrivateExpeditedSyncCore},
		} {
			if state&s.bits != 0 {
				r |= s.cmd
			}
		}
		return r, 0
	}
	return 0, abi.EINVAL // the rseq commands among them
}

// RobustListHead is get_robust_list(2) (Linux's kernel/futex/syscalls.c):
// the robust-futex list head that thread pid (0: the caller) registered
// with set_robust_list. ESRCH when no thread has that id; EPERM when the
// caller may not read the thread as ptrace's PTRACE_MODE_READ_REALCREDS
// would let it: a thread of its own process always, another when the
// caller's real uid and gid are the target's real, effective and saved
// ones, or when the caller holds CAP_SYS_PTRACE. vessel keeps no
// dumpable flag, so the check that a task that changed its ids is not
// dumpable is not made.
func (t *Task) RobustListHead(pid int32) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x := t
	if pid != 0 {
		if x = k.tasks[pid]; x == nil {
			return 0, abi.ESRCH
		}
	}
	if x.tg != t.tg {
		me, c := &t.Creds, &x.Creds
		same := me.UID == c.UID && me.UID == c.EUID && me.UID == c.SUID &&
			me.GID == c.GID && me.GID == c.EGID && me.GID == c.SGID
		if !same && !t.capableLocked(capSysPtrace) {
			return 0, abi.EPERM
		}
	}
	return x.RobustList, 0
}

// Capabilities (linux/capability.h) that vessel's calls check, and the
// sets' bounds.
const (
	capChown                = 0
	capDacOverride          = 1
	capDacReadSearch        = 2
	capFowner               = 3
	capFsetid               = 4
	capSetpcap              = 8
	capSysPtrace            = 19
	capSysAdmin             = 21
	capSysNice              = 23
	capMacOverride          = 32
	capLastCap              = 40 // CAP_LAST_CAP: CAP_CHECKPOINT_RESTORE, Linux 6.x's last
	capValid         uint64 = 1<<(capLastCap+1) - 1

	// capFSMask are the capabilities a filesystem uid of 0 stands for
	// (CAP_FS_MASK): they follow setfsuid.
	capFSMask uint64 = 1<<capChown | 1<<capDacOverride | 1<<capDacReadSearch |
		1<<capFowner | 1<<capFsetid | 1<<capMacOverride
)

// CapSets are a task's capability sets, one bit per capability.
type CapSets struct {
	Effective, Permitted, Inheritable uint64
}

// capState is a task's capability sets (Linux's cred cap_effective,
// cap_permitted and cap_inheritable) with the uids they were last
// brought up to date with. The set*id calls (task_creds.go) call
// capsLocked before and after they change the uids, and capsLocked
// applies Linux's rules for what that change does to the sets
// (cap_emulate_setxuid, and for the filesystem uid cap_task_fix_setuid).
// The zero value is sets not yet computed: capsLocked makes them what an
// exec with the task's ids would (all for root, none for others).
//
// The bounding set is every capability and the ambient set is empty:
// vessel has neither prctl(PR_CAPBSET_DROP) nor PR_CAP_AMBIENT. The sets
// are what capget and capset see and what vessel's own checks in this
// file and in task_ioprio.go use; its older checks elsewhere (set*id,
// scheduling, files) stand for a capability by an effective uid of 0.
//
// Guarded by Kernel.mu.
type capState struct {
	valid                   bool
	eff, prm, inh           uint64
	ruid, euid, suid, fsuid uint32
}

// execCaps are the effective and permitted sets an exec gives credentials
// cr with inheritable set inh (see execCompatLocked).
func execCaps(cr *Creds, inh uint64) (eff, prm uint64) {
	if cr.UID == 0 || cr.EUID == 0 {
		prm = capValid | inh
	}
	if cr.EUID == 0 {
		eff = prm
	}
	return eff, prm
}

// capsLocked returns t's capability sets, brought up to date with its
// ids (see capState).
//
// Preconditions: Kernel.mu is held.
func (t *Task) capsLocked() *capState {
	c, cr := &t.caps, &t.Creds
	switch {
	case !c.valid:
		c.eff, c.prm = execCaps(cr, 0)
		c.inh, c.valid = 0, true
	case c.ruid != cr.UID || c.euid != cr.EUID || c.suid != cr.SUID:
		// cap_emulate_setxuid.
		if (c.ruid == 0 || c.euid == 0 || c.suid == 0) && cr.UID != 0 && cr.EUID != 0 && cr.SUID != 0 && t.KeepCaps == 0 {
			c.prm, c.eff = 0, 0
		}
		if c.euid == 0 && cr.EUID != 0 {
			c.eff = 0
		}
		if c.euid != 0 && cr.EUID == 0 {
			c.eff = c.prm
		}
	case c.fsuid != cr.FSUID:
		// cap_task_fix_setuid's LSM_SETID_FS.
		if c.fsuid == 0 {
			c.eff &^= capFSMask
		} else if cr.FSUID == 0 {
			c.eff |= c.prm & capFSMask
		}
	}
	c.ruid, c.euid, c.suid, c.fsuid = cr.UID, cr.EUID, cr.SUID, cr.FSUID
	return c
}

// capableLocked reports whether t's effective set holds capability c.
//
// Preconditions: Kernel.mu is held.
func (t *Task) capableLocked(c uint) bool { return t.capsLocked().eff&(1<<c) != 0 }

// Capabilities returns the capability sets of t, as /proc/PID/status
// would show them.
func (t *Task) Capabilities() CapSets {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	c := t.capsLocked()
	return CapSets{c.eff, c.prm, c.inh}
}

// Capget is capget(2)'s lookup (Linux's cap_get_target_pid): the sets of
// thread pid, the caller for 0 or its own tid; EINVAL for a negative pid,
// ESRCH for no such thread (a zombie's are still there, as in Linux).
func (t *Task) Capget(pid int32) (CapSets, abi.Errno) {
	if pid < 0 {
		return CapSets{}, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	x := t
	if pid != 0 && pid != t.Tid {
		if x = k.tasks[pid]; x == nil {
			return CapSets{}, abi.ESRCH
		}
	}
	c := x.capsLocked()
	return CapSets{c.eff, c.prm, c.inh}, 0
}

// Capset is capset(2)'s change (Linux's cap_capset): only the caller's
// own sets (pid 0 or its own tid, else EPERM). Bits past CAP_LAST_CAP are
// dropped; then, each refusal EPERM: the new inheritable set must lie
// within the old inheritable and permitted sets unless the caller holds
// CAP_SETPCAP (and within the old inheritable and bounding sets, which it
// always does here, the bounding set being full); the new permitted set
// within the old one; the new effective set within the new permitted one.
func (t *Task) Capset(pid int32, s CapSets) abi.Errno {
	if pid != 0 && pid != t.Tid {
		return abi.EPERM
	}
	eff, prm, inh := s.Effective&capValid, s.Permitted&capValid, s.Inheritable&capValid
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	old := t.capsLocked()
	switch {
	case old.eff&(1<<capSetpcap) == 0 && inh&^(old.inh|old.prm) != 0:
		return abi.EPERM
	case prm&^old.prm != 0:
		return abi.EPERM
	case eff&^prm != 0:
		return abi.EPERM
	}
	old.eff, old.prm, old.inh = eff, prm, inh
	return 0
}
