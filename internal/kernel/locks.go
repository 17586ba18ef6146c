package kernel

import (
	"cmp"
	"math"
	"slices"
	"sync/atomic"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Advisory file locks, as Linux's fs/locks.c: POSIX record locks (fcntl
// F_SETLK, F_SETLKW, F_GETLK), their open-file-description variants
// (F_OFD_*), and flock(2). They live in the kernel, keyed by the file's
// inode (vfs.LockKey), so every process that reaches one file meets the
// same locks, whichever way it opened it.
//
// Owners: a POSIX lock belongs to the descriptor table (Linux's
// files_struct, so the threads of a process share them) and goes when the
// process closes any descriptor of the file or exits; an OFD lock and a
// flock belong to the open file description and go with its last
// reference. A process's own POSIX locks never conflict with each other;
// a new one replaces, splits or merges with what it overlaps. flock locks
// and record locks do not see each other, as on Linux.
//
// A F_SETLKW that would wait on a process that is itself waiting, through
// a chain of POSIX locks, for the caller fails with EDEADLK instead.
//
// Everything here is guarded by Kernel.mu.

// offsetMax is the last byte a lock can cover (OFFSET_MAX).
const offsetMax = math.MaxInt64

// recordLock is one byte range locked by one owner.
type recordLock struct {
	owner      any   // *vfs.FDTable (POSIX) or *vfs.File (OFD)
	pid        int32 // F_GETLK's l_pid: the locker's process, -1 for OFD
	write      bool
	start, end int64 // inclusive
}

func (l *recordLock) overlaps(start, end int64) bool { return l.start <= end && start <= l.end }

// flockLock is one flock(2) lock.
type flockLock struct {
	owner *vfs.File
	write bool
}

// inodeLocks are the locks of one file.
type inodeLocks struct {
	records []recordLock
	flocks  []flockLock
	waitq   waitQueue // tasks waiting for a lock to go
}

// lockState is the kernel's lock table.
type lockState struct {
	inodes  map[any]*inodeLocks
	waiting map[any]any        // a POSIX owner waiting -> the owner it waits for
	hooked  map[*vfs.File]bool // Files whose release drops their locks
	posix   atomic.Int64       // POSIX record locks held anywhere: close skips the table at 0
}

// inodeLocked returns the locks of key, made when create.
//
// Preconditions: k.mu is held.
func (k *Kernel) inodeLocked(key any, create bool) *inodeLocks {
	if k.locks.inodes == nil {
		k.locks.inodes = map[any]*inodeLocks{}
		k.locks.waiting = map[any]any{}
		k.locks.hooked = map[*vfs.File]bool{}
	}
	il := k.locks.inodes[key]
	if il == nil && create {
		il = &inodeLocks{}
		k.locks.inodes[key] = il
	}
	return il
}

// tidyLocked wakes the waiters of key's locks and forgets them when none
// are left. A woken waiter looks its inode up again (inodeLocked).
//
// Preconditions: k.mu is held.
func (k *Kernel) tidyLocked(key any, il *inodeLocks) {
	k.wakeAllLocked(&il.waitq)
	if len(il.records) == 0 && len(il.flocks) == 0 {
		delete(k.locks.inodes, key)
	}
}

// hookLocked makes f's last reference drop the locks it owns.
//
// Preconditions: k.mu is held.
func (k *Kernel) hookLocked(f *vfs.File) {
	if k.locks.hooked[f] {
		return
	}
	k.locks.hooked[f] = true
	key := vfs.LockKey(f)
	f.OnRelease(func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		delete(k.locks.hooked, f)
		if il := k.inodeLocked(key, false); il != nil {
			k.removeOwnerLocked(il, f)
			il.flocks = slices.DeleteFunc(il.flocks, func(l flockLock) bool { return l.owner == f })
			k.tidyLocked(key, il)
		}
	})
}

// removeOwnerLocked drops every record lock of owner.
//
// Preconditions: k.mu is held.
func (k *Kernel) removeOwnerLocked(il *inodeLocks, owner any) {
	n := 0
	for _, l := range il.records {
		if l.owner == owner {
			if _, posix := owner.(*vfs.FDTable); posix {
				k.locks.posix.Add(-1)
			}
			continue
		}
		il.records[n] = l
		n++
	}
	il.records = il.records[:n]
}

// fdClosed is the descriptor tables' close hook: a process that closes a
// descriptor of a file loses its POSIX locks on that file (filp_close),
// and of a message queue its notification (mqueue_flush_file).
func (k *Kernel) fdClosed(t *vfs.FDTable, f *vfs.File) {
	if mf, ok := f.Impl().(*mqFile); ok {
		mf.closedBy(t)
	}
	if k.locks.posix.Load() == 0 {
		return
	}
	key := vfs.LockKey(f)
	k.mu.Lock()
	defer k.mu.Unlock()
	if il := k.inodeLocked(key, false); il != nil {
		k.removeOwnerLocked(il, t)
		k.tidyLocked(key, il)
	}
}

// LockRange is a lock request in absolute terms: F_RDLCK, F_WRLCK or
// F_UNLCK over bytes start to end inclusive.
type LockRange struct {
	Type       int16
	Start, End int64
}

// FlockRange turns a guest struct flock into absolute terms for file f:
// l_whence SEEK_SET, SEEK_CUR (f's offset) or SEEK_END (its size); a
// negative l_len locks the bytes before l_start; 0 means to the end of any
// file. EINVAL for a bad whence or a range before byte 0, EOVERFLOW past
// the largest offset.
func FlockRange(f *vfs.File, l *abi.Flock) (LockRange, abi.Errno) {
	var base int64
	switch l.Whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		base = f.Pos()
	case abi.SEEK_END:
		var st abi.Stat_t
		if e := f.Stat(&st); e != 0 {
			return LockRange{}, e
		}
		base = st.Size
	default:
		return LockRange{}, abi.EINVAL
	}
	if l.Start > 0 && base > offsetMax-l.Start {
		return LockRange{}, abi.EOVERFLOW
	}
	start := base + l.Start
	if start < 0 {
		return LockRange{}, abi.EINVAL
	}
	r := LockRange{Type: l.Type, Start: start, End: offsetMax}
	switch {
	case l.Len > 0:
		if l.Len-1 > offsetMax-start {
			return LockRange{}, abi.EOVERFLOW
		}
		r.End = start + l.Len - 1
	case l.Len < 0:
		r.End = start - 1
		r.Start = start + l.Len
		if r.Start < 0 {
			return LockRange{}, abi.EINVAL
		}
	}
	return r, 0
}

// lockOwner returns who owns a record lock t takes through f.
func (t *Task) lockOwner(f *vfs.File, ofd bool) (any, int32) {
	if ofd {
		return f, -1
	}
	return t.FDs, t.Tgid
}

// GetLock is F_GETLK and F_OFD_GETLK: the first lock another owner holds
// that would stop r, as a struct flock (l_whence SEEK_SET), or l_type
// F_UNLCK when there is none.
func (t *Task) GetLock(f *vfs.File, r LockRange, ofd bool) (abi.Flock, abi.Errno) {
	if r.Type != abi.F_RDLCK && r.Type != abi.F_WRLCK {
		return abi.Flock{}, abi.EINVAL
	}
	owner, _ := t.lockOwner(f, ofd)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if il := k.inodeLocked(vfs.LockKey(f), false); il != nil {
		if c := conflict(il, owner, r); c != nil {
			out := abi.Flock{Type: abi.F_RDLCK, Start: c.start, Pid: c.pid}
			if c.write {
				out.Type = abi.F_WRLCK
			}
			if c.end != offsetMax {
				out.Len = c.end - c.start + 1
			}
			return out, 0
		}
	}
	return abi.Flock{Type: abi.F_UNLCK, Start: r.Start, Len: lenOf(r)}, 0
}

func lenOf(r LockRange) int64 {
	if r.End == offsetMax {
		return 0
	}
	return r.End - r.Start + 1
}

// conflict returns a lock of another owner that overlaps r where one of
// the two writes, or nil.
func conflict(il *inodeLocks, owner any, r LockRange) *recordLock {
	for i := range il.records {
		l := &il.records[i]
		if l.owner != owner && l.overlaps(r.Start, r.End) && (l.write || r.Type == abi.F_WRLCK) {
			return l
		}
	}
	return nil
}

// SetLock is F_SETLK and F_SETLKW (and the F_OFD_ forms): it takes, changes
// or drops the caller's lock over r. Without wait a conflict is EAGAIN;
// with it the task waits (interruptibly) for the conflict to go, or fails
// with EDEADLK when waiting would close a cycle of POSIX lock waiters. A
// read lock needs f open for reading, a write lock for writing (EBADF).
func (t *Task) SetLock(f *vfs.File, r LockRange, ofd, wait bool) abi.Errno {
	switch r.Type {
	case abi.F_RDLCK:
		if !f.Readable() {
			return abi.EBADF
		}
	case abi.F_WRLCK:
		if !f.Writable() {
			return abi.EBADF
		}
	case abi.F_UNLCK:
	default:
		return abi.EINVAL
	}
	owner, pid := t.lockOwner(f, ofd)
	key := vfs.LockKey(f)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	il := k.inodeLocked(key, true)
	defer func() { k.tidyLocked(key, il) }()
	if r.Type != abi.F_UNLCK {
		for {
			c := conflict(il, owner, r)
			if c == nil {
				break
			}
			if !wait {
				return abi.EAGAIN
			}
			if !ofd && k.deadlockLocked(owner, c.owner) {
				return abi.EDEADLK
			}
			if !ofd {
				k.locks.waiting[owner] = c.owner
			}
			outcome := t.sleepLocked(&il.waitq, zeroTime)
			delete(k.locks.waiting, owner)
			il = k.inodeLocked(key, true)
			switch outcome {
			case interrupted:
				return abi.EINTR
			case signalled:
				return ERESTARTSYS
			}
		}
	}
	if ofd {
		k.hookLocked(f)
	}
	k.applyLocked(il, recordLock{owner: owner, pid: pid, write: r.Type == abi.F_WRLCK, start: r.Start, end: r.End}, r.Type == abi.F_UNLCK)
	return 0
}

// deadlockLocked reports whether owner waiting for blocker would close a
// cycle: blocker is (through the owners it waits for) waiting for owner.
//
// Preconditions: k.mu is held.
func (k *Kernel) deadlockLocked(owner, blocker any) bool {
	for range 64 { // Linux's MAX_DEADLK_ITERATIONS is 10; a longer chain is no cycle through us
		if blocker == owner {
			return true
		}
		next, ok := k.locks.waiting[blocker]
		if !ok {
			return false
		}
		blocker = next
	}
	return false
}

// applyLocked makes nl the owner's lock over its range (or, with unlock,
// clears the range): the owner's locks it overlaps are cut back, and those
// of the same type that overlap or touch it merge into it. As in Linux's
// list, an owner's locks stay together, in order of their start, where its
// first one was (a new owner's at the end), which is the order F_GETLK
// finds conflicts in.
//
// Preconditions: k.mu is held.
func (k *Kernel) applyLocked(il *inodeLocks, nl recordLock, unlock bool) {
	var others, mine []recordLock
	at := -1 // where the owner's locks go among the others
	for _, l := range il.records {
		if l.owner != nl.owner {
			others = append(others, l)
			continue
		}
		if at < 0 {
			at = len(others)
		}
		touches := l.start <= satInc(nl.end) && nl.start <= satInc(l.end)
		if !unlock && l.write == nl.write && touches {
			nl.start, nl.end = min(nl.start, l.start), max(nl.end, l.end)
			continue
		}
		if !l.overlaps(nl.start, nl.end) {
			mine = append(mine, l)
			continue
		}
		if l.start < nl.start {
			left := l
			left.end = nl.start - 1
			mine = append(mine, left)
		}
		if l.end > nl.end {
			right := l
			right.start = nl.end + 1
			mine = append(mine, right)
		}
	}
	if !unlock {
		mine = append(mine, nl)
	}
	slices.SortFunc(mine, func(a, b recordLock) int { return cmp.Compare(a.start, b.start) })
	if at < 0 {
		at = len(others)
	}
	if _, posix := nl.owner.(*vfs.FDTable); posix {
		k.locks.posix.Add(int64(len(mine) + len(others) - len(il.records)))
	}
	il.records = slices.Concat(others[:at], mine, others[at:])
}

func satInc(x int64) int64 {
	if x == offsetMax {
		return x
	}
	return x + 1
}

// Flock is flock(2): LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB not to
// wait (EWOULDBLOCK). A lock held through f is converted by dropping it
// first, as Linux does, so a conversion is not atomic.
func (t *Task) Flock(f *vfs.File, op int) abi.Errno {
	nb := op&abi.LOCK_NB != 0
	op &^= abi.LOCK_NB
	if op != abi.LOCK_SH && op != abi.LOCK_EX && op != abi.LOCK_UN {
		return abi.EINVAL
	}
	if f.IsPath() {
		return abi.EBADF
	}
	key := vfs.LockKey(f)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	il := k.inodeLocked(key, true)
	defer func() { k.tidyLocked(key, il) }()
	mine := -1
	for i, l := range il.flocks {
		if l.owner == f {
			mine = i
		}
	}
	write := op == abi.LOCK_EX
	if mine >= 0 {
		if op != abi.LOCK_UN && il.flocks[mine].write == write {
			return 0
		}
		il.flocks = append(il.flocks[:mine], il.flocks[mine+1:]...)
		k.wakeAllLocked(&il.waitq)
	}
	if op == abi.LOCK_UN {
		return 0
	}
	for {
		busy := false
		for _, l := range il.flocks {
			if l.owner != f && (l.write || write) {
				busy = true
			}
		}
		if !busy {
			break
		}
		if nb {
			return abi.EAGAIN
		}
		outcome := t.sleepLocked(&il.waitq, zeroTime)
		il = k.inodeLocked(key, true)
		switch outcome {
		case interrupted:
			return abi.EINTR
		case signalled:
			return ERESTARTSYS
		}
	}
	k.hookLocked(f)
	il.flocks = append(il.flocks, flockLock{owner: f, write: write})
	return 0
}
