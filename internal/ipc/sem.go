package ipc

import (
	"slices"

	"vessel/internal/abi"
)

// System V semaphores: limits, flags and commands (Linux's
// include/uapi/linux/sem.h).
const (
	SEMMNI = 32000 // sets
	SEMMSL = 32000 // semaphores per set
	SEMMNS = SEMMNI * SEMMSL
	SEMOPM = 500   // operations per semop
	SEMVMX = 32767 // the largest value
	SEMAEM = SEMVMX
	SEMUME = SEMOPM
	SEMMNU = SEMMNS
	SEMMAP = SEMMNS
	SEMUSZ = 20

	SEM_UNDO = 0x1000 // semop: undo the operation when the process exits

	GETPID       = 11
	GETVAL       = 12
	GETALL       = 13
	GETNCNT      = 14
	GETZCNT      = 15
	SETVAL       = 16
	SETALL       = 17
	SEM_STAT     = 18
	SEM_INFO     = 19
	SEM_STAT_ANY = 20
)

// Sembuf is one operation of a semop call: struct sembuf.
type Sembuf struct {
	Num uint16 // the semaphore
	Op  int16  // > 0: add; < 0: wait until it can be subtracted; 0: wait until zero
	Flg int16  // IPC_NOWAIT, SEM_UNDO
}

// Sem is one semaphore: its value and the last process to change it.
type Sem struct {
	Val int
	Pid int32
}

// SemSet is a System V semaphore set: Linux's struct sem_array, with its
// queue of pending operations and the undo entries that refer to it.
type SemSet struct {
	Perm
	Sems  []Sem
	Otime int64 // last completed semop
	Ctime int64 // creation, IPC_SET, SETVAL or SETALL

	ns      *Namespace
	pending []*SemWaiter // in arrival order
	undos   []*Undo      // every undo entry for this set (Linux's list_id)
}

// SemidDS is what IPC_STAT reports: struct semid64_ds.
type SemidDS struct {
	Perm         Perm
	Otime, Ctime int64
	Nsems        uint64
}

// Seminfo is IPC_INFO's and SEM_INFO's answer: struct seminfo.
type Seminfo struct {
	Semmap, Semmni, Semmns, Semmnu, Semmsl, Semopm, Semume, Semusz, Semvmx, Semaem int32
}

// SemWaiter is a semop parked until its operations can all be done
// together. Whoever changes the set retries it and, once it succeeds (or
// fails with ERANGE, or the set is removed: EIDRM), sets Done and Err and
// calls Wake. A waiter that gives up (a signal, a timeout) calls Cancel.
type SemWaiter struct {
	Done bool
	Err  abi.Errno
	Wake func()

	set      *SemSet
	ops      []Sembuf
	undo     *Undo
	pid      int32
	alter    bool
	blocking int // the operation that blocked, for GETNCNT and GETZCNT
}

// UndoList is a process's semaphore adjustments (Linux's struct
// sem_undo_list): one Undo per set it used SEM_UNDO on. Threads made with
// CLONE_SYSVSEM share it; the last of them to exit applies it (Exit).
type UndoList struct {
	refs  int
	undos []*Undo
}

// Undo is the adjustments of one UndoList for one set: struct sem_undo.
// set is nil once the set is removed.
type Undo struct {
	set *SemSet
	adj []int
}

// NewUndoList returns an empty undo list with one reference.
func NewUndoList() *UndoList { return &UndoList{refs: 1} }

// Get takes another reference (a clone with CLONE_SYSVSEM).
func (ul *UndoList) Get() { ul.refs++ }

// forSet returns ul's entry for s, making it (Linux's find_alloc_undo).
func (ul *UndoList) forSet(s *SemSet) *Undo {
	ul.undos = slices.DeleteFunc(ul.undos, func(u *Undo) bool { return u.set == nil })
	for _, u := range ul.undos {
		if u.set == s {
			return u
		}
	}
	u := &Undo{set: s, adj: make([]int, len(s.Sems))}
	ul.undos = append(ul.undos, u)
	s.undos = append(s.undos, u)
	return u
}

// Put drops a reference. The last one applies the adjustments, as Linux's
// exit_sem: each semaphore gets its adjustment added, clamped to [0,
// SEMVMX], and c's pid as the last to change it; then operations waiting
// on those sets are retried.
func (ul *UndoList) Put(c *Caller) {
	if ul.refs--; ul.refs > 0 {
		return
	}
	for _, u := range ul.undos {
		s := u.set
		if s == nil {
			continue
		}
		s.undos = slices.DeleteFunc(s.undos, func(x *Undo) bool { return x == u })
		for i, a := range u.adj {
			if a == 0 {
				continue
			}
			v := s.Sems[i].Val + a
			v = max(0, min(v, SEMVMX))
			s.Sems[i].Val = v
			s.Sems[i].Pid = c.Pid
		}
		s.Otime = c.time()
		s.update(c)
	}
	ul.undos = nil
}

// SemGet is semget(2): the id of the set key names, made with nsems
// semaphores (all zero) when IPC_CREAT asks or key is IPC_PRIVATE. EINVAL
// for nsems out of [0, semmsl], 0 for a new set, or more than an existing
// set has; ENOSPC past semmns or semmni; ENOENT, EEXIST, EACCES.
func (ns *Namespace) SemGet(c *Caller, key Key, nsems int, flags int) (int32, abi.Errno) {
	if nsems < 0 || nsems > ns.SemMSL {
		return 0, abi.EINVAL
	}
	check := func(o object) abi.Errno {
		if nsems > len(o.(*SemSet).Sems) {
			return abi.EINVAL
		}
		return 0
	}
	make := func() (object, abi.Errno) {
		if nsems == 0 {
			return nil, abi.EINVAL
		}
		if ns.usedSems+nsems > ns.SemMNS || ns.sem.full() {
			return nil, abi.ENOSPC
		}
		ns.usedSems += nsems
		return &SemSet{ns: ns, Sems: make([]Sem, nsems), Ctime: c.time()}, 0
	}
	return ns.sem.get(c, key, flags, check, make)
}

// SemSet returns the set with the given id: EINVAL if there is none.
func (ns *Namespace) SemSet(id int32) (*SemSet, abi.Errno) {
	o, err := ns.sem.find(id)
	if err != 0 {
		return nil, err
	}
	return o.(*SemSet), 0
}

// Semop is semop(2) and semtimedop(2) for c, whose undo list is ul (nil
// when it has none yet and no operation asks for SEM_UNDO): all of ops
// are done at once, or none. EINVAL for no set; EFBIG for a semaphore
// number past the set; EACCES without read (ops that only wait for zero)
// or write permission; ERANGE when a value would pass SEMVMX or an
// adjustment SEMAEM; when an operation cannot be done now, EAGAIN if it
// has IPC_NOWAIT, else a waiter to park (Park) until another call
// completes it. The caller checks the count of operations first (EINVAL,
// E2BIG).
func (ns *Namespace) Semop(c *Caller, id int32, ops []Sembuf, ul *UndoList) (*SemWaiter, abi.Errno) {
	s, err := ns.SemSet(id)
	if err != 0 {
		return nil, err
	}
	w := &SemWaiter{set: s, ops: ops, pid: c.Pid}
	undo := false
	for _, op := range ops {
		if int(op.Num) >= len(s.Sems) {
			return nil, abi.EFBIG
		}
		if op.Op != 0 {
			w.alter = true
		}
		if op.Flg&SEM_UNDO != 0 {
			undo = true
		}
	}
	flag := uint32(S_IRUGO)
	if w.alter {
		flag = S_IWUGO
	}
	if !s.permits(c, flag) {
		return nil, abi.EACCES
	}
	if undo {
		if ul == nil {
			return nil, abi.EINVAL // the caller supplies a list when SEM_UNDO is asked for
		}
		w.undo = ul.forSet(s)
	}
	blocked, err := s.perform(w)
	switch {
	case err != 0:
		return nil, err
	case blocked:
		return w, 0
	}
	s.Otime = c.time()
	if w.alter {
		s.update(c)
	}
	return nil, 0
}

// Park queues w (from Semop) on its set; wake is called when it is done.
func (w *SemWaiter) Park(wake func()) {
	w.Wake = wake
	w.set.pending = append(w.set.pending, w)
}

// Cancel takes w off its set's queue if it is not done.
func (w *SemWaiter) Cancel() {
	if i := slices.Index(w.set.pending, w); i >= 0 {
		w.set.pending = slices.Delete(w.set.pending, i, i+1)
	}
}

// perform tries w's operations in order, as Linux's
// perform_atomic_semop_slow: each against the values the earlier ones
// left, all undone at the first that cannot be done. It reports blocked
// for an operation that must wait (recorded in w.blocking), unless that
// operation has IPC_NOWAIT (EAGAIN); ERANGE for a value past SEMVMX or an
// adjustment past SEMAEM.
func (s *SemSet) perform(w *SemWaiter) (blocked bool, err abi.Errno) {
	i := 0
	for ; i < len(w.ops); i++ {
		op := w.ops[i]
		cur := &s.Sems[op.Num]
		v := cur.Val
		if op.Op == 0 && v != 0 {
			break
		}
		v += int(op.Op)
		if v < 0 {
			break
		}
		if v > SEMVMX {
			err = abi.ERANGE
			break
		}
		if op.Flg&SEM_UNDO != 0 {
			a := w.undo.adj[op.Num] - int(op.Op)
			if a < -SEMAEM-1 || a > SEMAEM {
				err = abi.ERANGE
				break
			}
			w.undo.adj[op.Num] = a
		}
		cur.Val = v
	}
	if i == len(w.ops) {
		for _, op := range w.ops {
			s.Sems[op.Num].Pid = w.pid
		}
		return false, 0
	}
	if err == 0 {
		w.blocking = i
		if w.ops[i].Flg&IPC_NOWAIT != 0 {
			err = abi.EAGAIN
		} else {
			blocked = true
		}
	}
	for i--; i >= 0; i-- {
		op := w.ops[i]
		s.Sems[op.Num].Val -= int(op.Op)
		if op.Flg&SEM_UNDO != 0 {
			w.undo.adj[op.Num] += int(op.Op)
		}
	}
	return blocked, err
}

// update retries the pending operations in arrival order after the set
// changed, completing every one that can now be done (or fails with
// ERANGE); after a completed operation that changed values it starts
// again from the first, as Linux's update_queue with check_restart.
func (s *SemSet) update(c *Caller) {
again:
	for i := 0; i < len(s.pending); i++ {
		w := s.pending[i]
		blocked, err := s.perform(w)
		if blocked {
			continue
		}
		s.pending = slices.Delete(s.pending, i, i+1)
		w.Done, w.Err = true, err
		if err == 0 {
			s.Otime = c.time()
		}
		w.Wake()
		if err == 0 && w.alter {
			goto again
		}
		i--
	}
}

// count is Linux's count_semcnt: the waiters blocked on semaphore num to
// become zero (zero) or to be decremented.
func (s *SemSet) count(num int, zero bool) int {
	n := 0
	for _, w := range s.pending {
		op := w.ops[w.blocking]
		if int(op.Num) != num {
			continue
		}
		if zero && op.Op == 0 || !zero && op.Op < 0 {
			n++
		}
	}
	return n
}

// SemCtl is semctl GETVAL, GETPID, GETNCNT and GETZCNT for semaphore num:
// EINVAL for no set or a number out of range, EACCES without read
// permission.
func (ns *Namespace) SemCtl(c *Caller, id int32, num int, cmd int) (int, abi.Errno) {
	s, err := ns.SemSet(id)
	if err != 0 {
		return 0, err
	}
	if !s.permits(c, S_IRUGO) {
		return 0, abi.EACCES
	}
	if num < 0 || num >= len(s.Sems) {
		return 0, abi.EINVAL
	}
	switch cmd {
	case GETVAL:
		return s.Sems[num].Val, 0
	case GETPID:
		return int(s.Sems[num].Pid), 0
	case GETNCNT:
		return s.count(num, false), 0
	case GETZCNT:
		return s.count(num, true), 0
	}
	return 0, abi.EINVAL
}

// SemCount is the number of semaphores in the set, for GETALL and SETALL
// to size their arrays: EINVAL, EACCES without read (or, for write, write)
// permission.
func (ns *Namespace) SemCount(c *Caller, id int32, write bool) (int, abi.Errno) {
	s, err := ns.SemSet(id)
	if err != 0 {
		return 0, err
	}
	flag := uint32(S_IRUGO)
	if write {
		flag = S_IWUGO
	}
	if !s.permits(c, flag) {
		return 0, abi.EACCES
	}
	return len(s.Sems), 0
}

// SemGetAll is semctl GETALL: every value. EINVAL, EACCES.
func (ns *Namespace) SemGetAll(c *Caller, id int32) ([]uint16, abi.Errno) {
	if _, err := ns.SemCount(c, id, false); err != 0 {
		return nil, err
	}
	s, _ := ns.SemSet(id)
	out := make([]uint16, len(s.Sems))
	for i, x := range s.Sems {
		out[i] = uint16(x.Val)
	}
	return out, 0
}

// SemSetVal is semctl SETVAL: ERANGE for a value out of [0, SEMVMX],
// EINVAL, EACCES without write permission. Every process's adjustment
// for the semaphore is cleared, and waiting operations retried.
func (ns *Namespace) SemSetVal(c *Caller, id int32, num int, val int) abi.Errno {
	if val < 0 || val > SEMVMX {
		return abi.ERANGE
	}
	s, err := ns.SemSet(id)
	if err != 0 {
		return err
	}
	if num < 0 || num >= len(s.Sems) {
		return abi.EINVAL
	}
	if !s.permits(c, S_IWUGO) {
		return abi.EACCES
	}
	for _, u := range s.undos {
		u.adj[num] = 0
	}
	s.Sems[num] = Sem{Val: val, Pid: c.Pid}
	s.Ctime = c.time()
	s.update(c)
	return 0
}

// SemSetAll is semctl SETALL: vals holds one value per semaphore.
// ERANGE for a value past SEMVMX, EINVAL (also for the wrong count),
// EACCES. Every adjustment for the set is cleared, and waiting operations
// retried.
func (ns *Namespace) SemSetAll(c *Caller, id int32, vals []uint16) abi.Errno {
	if _, err := ns.SemCount(c, id, true); err != 0 {
		return err
	}
	s, _ := ns.SemSet(id)
	if len(vals) != len(s.Sems) {
		return abi.EINVAL
	}
	for _, v := range vals {
		if v > SEMVMX {
			return abi.ERANGE
		}
	}
	for i, v := range vals {
		s.Sems[i] = Sem{Val: int(v), Pid: c.Pid}
	}
	for _, u := range s.undos {
		clear(u.adj)
	}
	s.Ctime = c.time()
	s.update(c)
	return 0
}

// SemStat is semctl IPC_STAT, SEM_STAT and SEM_STAT_ANY (see ShmStat).
func (ns *Namespace) SemStat(c *Caller, id int32, cmd int) (SemidDS, int32, abi.Errno) {
	var s *SemSet
	ret := int32(0)
	if cmd == IPC_STAT {
		var err abi.Errno
		if s, err = ns.SemSet(id); err != 0 {
			return SemidDS{}, 0, err
		}
	} else {
		o := ns.sem.at(int(id))
		if id < 0 || o == nil {
			return SemidDS{}, 0, abi.EINVAL
		}
		s = o.(*SemSet)
		ret = s.ID
	}
	if cmd != SEM_STAT_ANY && !s.permits(c, S_IRUGO) {
		return SemidDS{}, 0, abi.EACCES
	}
	return SemidDS{Perm: s.Perm, Otime: s.Otime, Ctime: s.Ctime, Nsems: uint64(len(s.Sems))}, ret, 0
}

// SemSetPerm is semctl IPC_SET: owner and mode. EINVAL, EPERM.
func (ns *Namespace) SemSetPerm(c *Caller, id int32, set PermSet) abi.Errno {
	s, err := ns.SemSet(id)
	if err != 0 {
		return err
	}
	if !s.controls(c) {
		return abi.EPERM
	}
	if !s.set(set) {
		return abi.EINVAL
	}
	s.Ctime = c.time()
	return 0
}

// SemRemove is semctl IPC_RMID, Linux's freeary: the set goes, its
// waiting operations fail with EIDRM and the undo entries for it are
// void. EINVAL, EPERM.
func (ns *Namespace) SemRemove(c *Caller, id int32) abi.Errno {
	s, err := ns.SemSet(id)
	if err != 0 {
		return err
	}
	if !s.controls(c) {
		return abi.EPERM
	}
	for _, u := range s.undos {
		u.set = nil
	}
	s.undos = nil
	ns.sem.remove(s)
	ns.usedSems -= len(s.Sems)
	pending := s.pending
	s.pending = nil
	for _, w := range pending {
		w.Done, w.Err = true, abi.EIDRM
		w.Wake()
	}
	return 0
}

// SemInfo is semctl IPC_INFO (info false) and SEM_INFO: the limits, with
// SEM_INFO's counts of sets and semaphores in place of two of them, and
// the highest index in use (0 for none).
func (ns *Namespace) SemInfo(info bool) (Seminfo, int32) {
	si := Seminfo{Semmni: SEMMNI, Semmns: int32(ns.SemMNS), Semmsl: int32(ns.SemMSL), Semopm: int32(ns.SemOPM),
		Semvmx: SEMVMX, Semmnu: SEMMNU, Semmap: SEMMAP, Semume: SEMUME, Semusz: SEMUSZ, Semaem: SEMAEM}
	if info {
		si.Semusz = int32(ns.sem.inUse)
		si.Semaem = int32(ns.usedSems)
	}
	return si, int32(max(ns.sem.maxIdx(), 0))
}

// SemSets lists the semaphore sets in index order.
func (ns *Namespace) SemSets() []*SemSet {
	var out []*SemSet
	ns.sem.each(func(o object) { out = append(out, o.(*SemSet)) })
	return out
}
