package kernel

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/ipc"
)

// System V semaphores: semop and semtimedop wait until their operations
// can all be done; whoever changes the set does them for the sleeper
// (ipc.SemSet's update) and wakes it. A signal ends the wait with EINTR
// and a timeout with EAGAIN; Linux never restarts semop (semop(2)).

// Semget is semget(2).
func (t *Task) Semget(key ipc.Key, nsems int, flags int) (int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemGet(t.ipcCaller(), key, nsems, flags)
}

// SemOpMax is the most operations one semop call may make (semopm).
func (t *Task) SemOpMax() int {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemOPM
}

// Semop is semop(2), and semtimedop(2) with a deadline (zero: none): ops
// are done all at once or not at all, waiting until they can be. EINVAL,
// EFBIG, EACCES, ERANGE, EAGAIN (IPC_NOWAIT, or the deadline passed),
// EIDRM when the set is removed while it waits, EINTR on a signal.
func (t *Task) Semop(id int32, ops []ipc.Sembuf, deadline time.Time) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	ul := k.ipc.undo[t]
	if ul == nil {
		for _, op := range ops {
			if op.Flg&ipc.SEM_UNDO != 0 {
				ul = ipc.NewUndoList()
				k.ipc.undo[t] = ul
				break
			}
		}
	}
	w, err := t.ipcNS().ns.Semop(t.ipcCaller(), id, ops, ul)
	if w == nil {
		return err
	}
	var wq waitQueue
	w.Park(func() { k.wakeAllLocked(&wq) })
	for {
		out := t.sleepLocked(&wq, deadline)
		if w.Done {
			return w.Err
		}
		switch out {
		case timedOut:
			w.Cancel()
			return abi.EAGAIN
		case interrupted, signalled:
			w.Cancel()
			return abi.EINTR
		}
	}
}

// SemCtl is semctl(2) GETVAL, GETPID, GETNCNT and GETZCNT.
func (t *Task) SemCtl(id int32, num int, cmd int) (int, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemCtl(t.ipcCaller(), id, num, cmd)
}

// SemCount is the number of semaphores in set id, for GETALL (write
// false) and SETALL to size their arrays, with their permission check.
func (t *Task) SemCount(id int32, write bool) (int, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemCount(t.ipcCaller(), id, write)
}

// SemGetAll is semctl(2) GETALL.
func (t *Task) SemGetAll(id int32) ([]uint16, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemGetAll(t.ipcCaller(), id)
}

// SemSetVal is semctl(2) SETVAL.
func (t *Task) SemSetVal(id int32, num int, val int) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemSetVal(t.ipcCaller(), id, num, val)
}

// SemSetAll is semctl(2) SETALL.
func (t *Task) SemSetAll(id int32, vals []uint16) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemSetAll(t.ipcCaller(), id, vals)
}

// SemStat is semctl(2) IPC_STAT, SEM_STAT and SEM_STAT_ANY.
func (t *Task) SemStat(id int32, cmd int) (ipc.SemidDS, int32, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemStat(t.ipcCaller(), id, cmd)
}

// SemSetPerm is semctl(2) IPC_SET.
func (t *Task) SemSetPerm(id int32, set ipc.PermSet) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemSetPerm(t.ipcCaller(), id, set)
}

// SemRemove is semctl(2) IPC_RMID.
func (t *Task) SemRemove(id int32) abi.Errno {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemRemove(t.ipcCaller(), id)
}

// SemInfo is semctl(2) IPC_INFO (info false) and SEM_INFO.
func (t *Task) SemInfo(info bool) (ipc.Seminfo, int32) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.ipcNS().ns.SemInfo(info)
}
