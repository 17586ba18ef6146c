package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/ipc"
	"vessel/internal/mm"
)

// System V IPC and POSIX message queues, the kernel's side: package ipc
// keeps the tables and decides; the kernel builds the caller's
// credentials, parks tasks on wait queues while ipc says they wait, maps
// shared memory into address spaces (ipc_shm.go), applies semaphore
// undo lists at exit (ipc_sem.go), and makes queue descriptors (mq.go).
// Everything here is guarded by Kernel.mu, which is also ipc's lock.

// ipcNamespace is one IPC namespace with the kernel's state beside it:
// the segments each address space may map, and the epoll instances
// watching each POSIX queue. vessel has one; CLONE_NEWIPC would give a
// task its own (ipcNS says which a task uses).
type ipcNamespace struct {
	ns       *ipc.Namespace
	attached map[*mm.AddressSpace][]*shmMem // guarded by Kernel.mu: segments each may map
	shmByObj map[any]*shmMem                // guarded by Kernel.mu: segments by page-cache entry
	mqWatch  map[*ipc.MQueue]*mqWatch       // guarded by Kernel.mu
}

// ipcState is the kernel's IPC state: the namespace, and each task's
// semaphore undo list (shared by CLONE_SYSVSEM, so it lives beside the
// task rather than in it). Guarded by Kernel.mu.
type ipcState struct {
	root  *ipcNamespace
	undo  map[*Task]*ipc.UndoList
	clock func() int64 // the guest's wall clock in seconds, for ipc.Caller
}

func newIPCState(k *Kernel) *ipcState {
	return &ipcState{
		clock: func() int64 { return k.cfg.Now().Unix() },
		root: &ipcNamespace{ns: ipc.NewNamespace(), attached: map[*mm.AddressSpace][]*shmMem{},
			shmByObj: map[any]*shmMem{}, mqWatch: map[*ipc.MQueue]*mqWatch{}},
		undo: map[*Task]*ipc.UndoList{},
	}
}

// ipcNS is the IPC namespace t uses.
//
// Preconditions: Kernel.mu is held.
func (t *Task) ipcNS() *ipcNamespace { return t.k.ipc.root }

// ipcCaller describes t to package ipc: its credentials, with every
// capability IPC checks granted to effective uid 0 (vessel has no
// capability sets yet), its limits and the wall clock. The umask is left
// to the one call that needs it (MQOpenFile).
func (t *Task) ipcCaller() *ipc.Caller {
	cr := &t.Creds
	c := &ipc.Caller{
		Pid: t.Tgid, Tid: t.Tid,
		UID: cr.UID, EUID: cr.EUID, FSUID: cr.FSUID,
		EGID: cr.EGID, FSGID: cr.FSGID, Groups: cr.Groups,
		Memlock:  t.Limits[abi.RLIMIT_MEMLOCK].Cur,
		Msgqueue: t.Limits[abi.RLIMIT_MSGQUEUE].Cur,
		Clock:    t.k.ipc.clock,
	}
	if cr.EUID == 0 {
		c.Caps = ipc.CAP_IPC_OWNER | ipc.CAP_SYS_ADMIN | ipc.CAP_SYS_RESOURCE | ipc.CAP_IPC_LOCK |
			ipc.CAP_DAC_OVERRIDE | ipc.CAP_FOWNER
	}
	return c
}

// SysVIPCText is the contents of /proc/sysvipc/KIND, for kind "shm",
// "msg" or "sem", in Linux's format: a header line, then one line per
// segment, queue or set of the IPC namespace of the kernel's first
// process (the only one so far), in id order. It returns nil for another
// kind. The segments' mappings are counted first, so that nattch is
// current after a munmap or a MAP_FIXED.
func (k *Kernel) SysVIPCText(kind string) []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := k.ipc.root
	if kind == "shm" {
		for _, s := range n.ns.Segments() {
			n.shmCountLocked(s)
		}
	}
	return n.ns.Text(kind)
}

// ipcCloneLocked gives a new task its share of t's IPC state, as Linux's
// copy_semundo and dup_mmap: with CLONE_SYSVSEM it shares t's undo list
// (made now if t has none); without CLONE_VM its copy of t's address
// space keeps every mapping of t's segments, each counted once more.
//
// Preconditions: Kernel.mu is held; c.MM is set.
func (k *Kernel) ipcCloneLocked(t, c *Task, flags uint64) {
	if flags&abi.CLONE_SYSVSEM != 0 {
		ul := k.ipc.undo[t]
		if ul == nil {
			ul = ipc.NewUndoList()
			k.ipc.undo[t] = ul
		}
		ul.Get()
		k.ipc.undo[c] = ul
	}
	if flags&abi.CLONE_VM == 0 {
		t.ipcNS().shmForkLocked(t, c.MM)
	}
}

// ipcExitLocked is an exiting task's IPC cleanup: its share of its undo
// list goes, and the last sharer's exit applies the adjustments (Linux's
// exit_sem).
//
// Preconditions: Kernel.mu is held; t's fs context is still set.
func (t *Task) ipcExitLocked() {
	ul := t.k.ipc.undo[t]
	if ul == nil {
		return
	}
	delete(t.k.ipc.undo, t)
	ul.Put(t.ipcCaller())
}

// ipcDropMMLocked detaches every segment attached in as when t, exiting
// or exec'ing, is its last user (Linux's exit_mmap closing the shm VMAs).
//
// Preconditions: Kernel.mu is held; as is still counted as t's.
func (k *Kernel) ipcDropMMLocked(t *Task, as *mm.AddressSpace) {
	if as == nil || k.mmUsers[as] != 1 {
		return
	}
	t.ipcNS().shmDetachAllLocked(t, as)
}
