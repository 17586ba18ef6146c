package kernel

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// futexKey names a futex word, as Linux's get_futex_key: a private futex
// (FUTEX_PRIVATE_FLAG), or any in private memory, is its address in one
// address space; a shared one in a MAP_SHARED mapping is its offset in the
// shared object, so that every process mapping it meets there.
type futexKey struct {
	as   *mm.AddressSpace // private: the address space; nil when shared
	obj  any              // shared: the mapping's object
	addr uint64           // private: the address; shared: the offset in obj
}

// privateFutexKey is a private futexKey without its nil obj.
type privateFutexKey struct {
	as   *mm.AddressSpace
	addr uint64
}

// futexTable maps the futex words that have waiters to their wait queues,
// Linux's futex hash table. Private keys, the common case, have a map of
// their own, whose key hashes as plain memory; a key holding an interface
// costs a call through its type to hash. A word's queue goes when its last
// waiter does, and is kept for the next word that gets one, so that a
// wait allocates nothing. Guarded by Kernel.mu.
type futexTable struct {
	private map[privateFutexKey]*waitQueue
	shared  map[futexKey]*waitQueue
	free    []*waitQueue // empty queues, at most maxFreeFutexQueues
}

// maxFreeFutexQueues bounds futexTable.free.
const maxFreeFutexQueues = 64

// add makes a new, empty queue key's and returns it.
func (ft *futexTable) add(key futexKey) *waitQueue {
	var q *waitQueue
	if n := len(ft.free); n > 0 {
		q = ft.free[n-1]
		ft.free = ft.free[:n-1]
	} else {
		q = &waitQueue{}
	}
	ft.put(key, q)
	return q
}

func newFutexTable() futexTable {
	return futexTable{private: map[privateFutexKey]*waitQueue{}, shared: map[futexKey]*waitQueue{}}
}

// get returns key's queue, or nil.
func (ft *futexTable) get(key futexKey) *waitQueue {
	if key.obj == nil {
		return ft.private[privateFutexKey{key.as, key.addr}]
	}
	return ft.shared[key]
}

// put makes q key's queue.
func (ft *futexTable) put(key futexKey, q *waitQueue) {
	if key.obj == nil {
		ft.private[privateFutexKey{key.as, key.addr}] = q
	} else {
		ft.shared[key] = q
	}
}

// remove forgets key's queue, which is empty, and keeps it for add. A
// task that slept on it may still hold it (as Task.waitingOn, or
// FutexWait's q), but only to remove itself, which is then a no-op.
func (ft *futexTable) remove(key futexKey) {
	q := ft.get(key)
	if key.obj == nil {
		delete(ft.private, privateFutexKey{key.as, key.addr})
	} else {
		delete(ft.shared, key)
	}
	if q != nil && len(q.waiters) == 0 && len(ft.free) < maxFreeFutexQueues {
		clear(q.waiters[:cap(q.waiters)]) // no stale task pointers kept alive
		ft.free = append(ft.free, q)
	}
}

// futexKeyOf returns the key of the word at addr: EINVAL when misaligned,
// EFAULT when not mapped.
func (t *Task) futexKeyOf(addr uint64, private bool) (futexKey, abi.Errno) {
	if addr%4 != 0 {
		return futexKey{}, abi.EINVAL
	}
	if private {
		return futexKey{as: t.MM, addr: addr}, 0
	}
	obj, off, err := t.MM.SharedKey(addr)
	if err != 0 {
		return futexKey{}, err
	}
	if obj == nil {
		return futexKey{as: t.MM, addr: addr}, 0
	}
	return futexKey{obj: obj, addr: off}, 0
}

// loadWord reads the 32-bit futex word at addr.
func (t *Task) loadWord(addr uint64) (uint32, abi.Errno) {
	var b [4]byte
	if err := t.MM.CopyIn(addr, b[:]); err != 0 {
		return 0, err
	}
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24, 0
}

// FutexWait is FUTEX_WAIT and FUTEX_WAIT_BITSET: if the word at addr still
// holds val, sleep until a wake whose bitset meets bitset, or until the
// deadline (zero: none). EAGAIN when the word differs, ETIMEDOUT, EINTR
// when the process must exit. The check and the sleep are atomic with
// respect to wakers, who take the same lock.
func (t *Task) FutexWait(addr uint64, val, bitset uint32, deadline time.Time, private bool) abi.Errno {
	if bitset == 0 {
		return abi.EINVAL
	}
	key, err := t.futexKeyOf(addr, private)
	if err != 0 {
		return err
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	cur, err := t.loadWord(addr)
	if err != 0 {
		return err
	}
	if cur != val {
		return abi.EAGAIN
	}
	q := k.futexes.get(key)
	if q == nil {
		q = k.futexes.add(key)
	}
	t.futexBitset = bitset
	out := t.sleepLocked(q, deadline)
	if len(q.waiters) == 0 && k.futexes.get(key) == q {
		k.futexes.remove(key)
	}
	switch out {
	case timedOut:
		return abi.ETIMEDOUT
	case interrupted:
		return abi.EINTR
	case signalled:
		if deadline.IsZero() {
			return ERESTARTSYS
		}
		return ERESTART_RESTARTBLOCK
	}
	return 0
}

// FutexWake is FUTEX_WAKE and FUTEX_WAKE_BITSET: it wakes up to n waiters
// on addr whose bitset meets bitset and returns how many it woke.
func (t *Task) FutexWake(addr uint64, n int, bitset uint32, private bool) (int, abi.Errno) {
	if bitset == 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.futexWakeLocked(t, addr, n, bitset, private)
}

// Preconditions: Kernel.mu is held.
func (k *Kernel) futexWakeLocked(t *Task, addr uint64, n int, bitset uint32, private bool) (int, abi.Errno) {
	key, err := t.futexKeyOf(addr, private)
	if err != 0 {
		return 0, err
	}
	return k.wakeKeyLocked(key, n, bitset), 0
}

// Preconditions: Kernel.mu is held.
func (k *Kernel) wakeKeyLocked(key futexKey, n int, bitset uint32) int {
	q := k.futexes.get(key)
	if q == nil {
		return 0
	}
	woken := 0
	for i := 0; i < len(q.waiters) && woken < n; {
		w := q.waiters[i]
		if w.futexBitset&bitset == 0 {
			i++
			continue
		}
		q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
		w.waitingOn = nil
		k.wakeLocked(w)
		woken++
	}
	if len(q.waiters) == 0 {
		k.futexes.remove(key)
	}
	return woken
}

// FutexRequeue is FUTEX_REQUEUE and, with cmp, FUTEX_CMP_REQUEUE: wake up
// to n waiters on addr and move up to n2 of the rest to addr2. With cmp,
// EAGAIN unless the word at addr holds val. It returns the number woken
// plus, for CMP_REQUEUE, the number moved.
func (t *Task) FutexRequeue(addr, addr2 uint64, n, n2 int, cmp bool, val uint32, private bool) (int, abi.Errno) {
	key, err := t.futexKeyOf(addr, private)
	if err != 0 {
		return 0, err
	}
	key2, err := t.futexKeyOf(addr2, private)
	if err != 0 {
		return 0, err
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if cmp {
		cur, err := t.loadWord(addr)
		if err != 0 {
			return 0, err
		}
		if cur != val {
			return 0, abi.EAGAIN
		}
	}
	woken := k.wakeKeyLocked(key, n, abi.FUTEX_BITSET_MATCH_ANY)
	moved := 0
	if q := k.futexes.get(key); q != nil && key != key2 {
		q2 := k.futexes.get(key2)
		if q2 == nil {
			q2 = k.futexes.add(key2)
		}
		for len(q.waiters) > 0 && moved < n2 {
			w := q.waiters[0]
			q.waiters = q.waiters[1:]
			q2.waiters = append(q2.waiters, w)
			w.waitingOn = q2
			moved++
		}
		if len(q.waiters) == 0 {
			k.futexes.remove(key)
		}
	}
	if cmp {
		return woken + moved, 0
	}
	return woken, 0
}

// FutexWakeOp is FUTEX_WAKE_OP: atomically apply the operation encoded in
// op to the word at addr2, wake up to n waiters on addr, and, if the old
// value of addr2 passes op's comparison, up to n2 on addr2.
//
//	|op:4|cmp:4|oparg:12|cmparg:12|   (op bit 3: oparg is a shift count)
func (t *Task) FutexWakeOp(addr, addr2 uint64, n, n2 int, op uint32, private bool) (int, abi.Errno) {
	key, err := t.futexKeyOf(addr, private)
	if err != 0 {
		return 0, err
	}
	key2, err := t.futexKeyOf(addr2, private)
	if err != 0 {
		return 0, err
	}
	code, cmp := op>>28&7, op>>24&15
	oparg, cmparg := int32(op<<8)>>20, int32(op<<20)>>20
	if op>>28&8 != 0 {
		if oparg < 0 || oparg > 31 {
			oparg &= 31 // Linux warns and masks
		}
		oparg = 1 << oparg
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	old, err := t.loadWord(addr2)
	if err != 0 {
		return 0, err
	}
	var nv uint32
	switch code {
	case 0: // FUTEX_OP_SET
		nv = uint32(oparg)
	case 1: // FUTEX_OP_ADD
		nv = old + uint32(oparg)
	case 2: // FUTEX_OP_OR
		nv = old | uint32(oparg)
	case 3: // FUTEX_OP_ANDN
		nv = old &^ uint32(oparg)
	case 4: // FUTEX_OP_XOR
		nv = old ^ uint32(oparg)
	default:
		return 0, abi.ENOSYS
	}
	b := [4]byte{byte(nv), byte(nv >> 8), byte(nv >> 16), byte(nv >> 24)}
	if err := t.MM.CopyOut(addr2, b[:]); err != 0 {
		return 0, err
	}
	var ok bool
	o, c := int32(old), cmparg
	switch cmp {
	case 0:
		ok = o == c
	case 1:
		ok = o != c
	case 2:
		ok = o < c
	case 3:
		ok = o <= c
	case 4:
		ok = o > c
	case 5:
		ok = o >= c
	default:
		return 0, abi.ENOSYS
	}
	woken := k.wakeKeyLocked(key, n, abi.FUTEX_BITSET_MATCH_ANY)
	if ok {
		woken += k.wakeKeyLocked(key2, n2, abi.FUTEX_BITSET_MATCH_ANY)
	}
	return woken, 0
}

// robustListLimit bounds the robust list walk, Linux's ROBUST_LIST_LIMIT.
const robustListLimit = 2048

// exitRobustListLocked walks t's robust futex list (set_robust_list) as
// Linux's exit_robust_list: every lock t still holds gets FUTEX_OWNER_DIED
// and one waiter is woken, so a robust mutex's next locker learns its owner
// died. The head is struct robust_list_head {next, futex_offset,
// list_op_pending}; an entry's low bit marks a PI futex.
//
// Preconditions: Kernel.mu is held; t's address space is still mapped.
func (t *Task) exitRobustListLocked() {
	if t.RobustList == 0 || t.MM == nil {
		return
	}
	head := t.RobustList
	var b [24]byte
	if t.MM.CopyIn(head, b[:]) != 0 {
		return
	}
	u64 := func(i int) uint64 {
		var v uint64
		for j := 7; j >= 0; j-- {
			v = v<<8 | uint64(b[i+j])
		}
		return v
	}
	next, offset, pending := u64(0), int64(u64(8)), u64(16)
	for n := 0; next != head && n < robustListLimit; n++ {
		entry := next &^ 1
		var e [8]byte
		if t.MM.CopyIn(entry, e[:]) != 0 {
			return
		}
		next = uint64(e[0]) | uint64(e[1])<<8 | uint64(e[2])<<16 | uint64(e[3])<<24 |
			uint64(e[4])<<32 | uint64(e[5])<<40 | uint64(e[6])<<48 | uint64(e[7])<<56
		if entry != pending&^1 {
			t.futexOwnerDiedLocked(entry + uint64(offset))
		}
	}
	if pending != 0 {
		t.futexOwnerDiedLocked(pending&^1 + uint64(offset))
	}
}

// futexOwnerDiedLocked is Linux's handle_futex_death for the word at addr.
//
// Preconditions: Kernel.mu is held.
func (t *Task) futexOwnerDiedLocked(addr uint64) {
	if addr%4 != 0 {
		return
	}
	v, err := t.loadWord(addr)
	if err != 0 || int32(v&abi.FUTEX_TID_MASK) != t.Tid {
		return
	}
	nv := v&abi.FUTEX_WAITERS | abi.FUTEX_OWNER_DIED
	b := [4]byte{byte(nv), byte(nv >> 8), byte(nv >> 16), byte(nv >> 24)}
	if t.MM.CopyOut(addr, b[:]) != 0 {
		return
	}
	if v&abi.FUTEX_WAITERS != 0 {
		t.k.futexWakeLocked(t, addr, 1, abi.FUTEX_BITSET_MATCH_ANY, false)
	}
}
