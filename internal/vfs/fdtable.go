package vfs

import (
	"math"
	"sync"
	"sync/atomic"

	"vessel/internal/abi"
)

// DefaultNOFILE is the soft RLIMIT_NOFILE a new descriptor table starts with.
const DefaultNOFILE = 1024

// close_range(2) flags (linux/close_range.h; not yet in package abi).
const (
	closeRangeUnshare = 1 << 1 // CLOSE_RANGE_UNSHARE
	closeRangeCloexec = 1 << 2 // CLOSE_RANGE_CLOEXEC
)

// FDTable is a process's file descriptor table (Linux's files_struct): a
// map from small non-negative numbers to Files, each with its close-on-exec
// flag. Tasks made with CLONE_FILES share one table (IncRef, DecRef at
// exit); fork gives the child a copy (Fork) that shares the Files.
//
// Files are released outside mu: a table never calls into a File while it
// holds its lock, so a File's release may take any lock it likes.
type FDTable struct {
	refs atomic.Int32 // tasks sharing the table

	mu      sync.Mutex
	files   []*File // guarded by mu: files[fd] holds a reference; nil is free
	cloexec []bool  // guarded by mu: close-on-exec flag of each fd
	limit   int32   // guarded by mu: soft RLIMIT_NOFILE; fds are below it
	minFree int32   // guarded by mu: no free fd is below it

	onClose func(t *FDTable, f *File) // immutable after SetCloseHook; inherited by Fork
}

// SetCloseHook makes fn run, outside the table's lock, each time a
// descriptor of t (or of a table forked from it) stops naming File f,
// before the table drops its reference: the kernel releases the process's
// POSIX record locks on f's inode there, as Linux's filp_close does. Set it
// before the table is shared.
func (t *FDTable) SetCloseHook(fn func(t *FDTable, f *File)) { t.onClose = fn }

// drop gives up the table's reference to f, a descriptor just closed.
func (t *FDTable) drop(f *File) {
	if t.onClose != nil {
		t.onClose(t, f)
	}
	f.DecRef()
}

// NewFDTable returns an empty table with limit DefaultNOFILE.
func NewFDTable() *FDTable {
	t := &FDTable{limit: DefaultNOFILE}
	t.refs.Store(1)
	return t
}

// IncRef records one more task sharing t (CLONE_FILES).
func (t *FDTable) IncRef() {
	if t.refs.Add(1) <= 1 {
		panic("vfs: IncRef of a released FDTable")
	}
}

// DecRef drops a sharer; the last one closes every descriptor, as Linux's
// put_files_struct.
func (t *FDTable) DecRef() {
	switch n := t.refs.Add(-1); {
	case n == 0:
		t.mu.Lock()
		files := t.files
		t.files, t.cloexec, t.minFree = nil, nil, 0
		t.mu.Unlock()
		for _, f := range files {
			if f != nil {
				t.drop(f)
			}
		}
	case n < 0:
		panic("vfs: DecRef of a released FDTable")
	}
}

// Shared reports whether more than one task shares t.
func (t *FDTable) Shared() bool { return t.refs.Load() > 1 }

// Unshare returns a table t's caller can change alone: t itself when no
// other task shares it, else a copy, with the caller's share of t dropped.
// execve and unshare(CLONE_FILES) use it.
func (t *FDTable) Unshare() *FDTable {
	if !t.Shared() {
		return t
	}
	n := t.Fork()
	t.DecRef()
	return n
}

// Fork returns a copy of t for a child process: the same descriptors naming
// the same Files (each gains a reference), the same close-on-exec flags and
// limit.
func (t *FDTable) Fork() *FDTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := &FDTable{
		files:   make([]*File, len(t.files)),
		cloexec: make([]bool, len(t.cloexec)),
		limit:   t.limit,
		minFree: t.minFree,
		onClose: t.onClose,
	}
	n.refs.Store(1)
	copy(n.cloexec, t.cloexec)
	for i, f := range t.files {
		if f != nil {
			f.IncRef()
			n.files[i] = f
		}
	}
	return n
}

// Limit returns the soft RLIMIT_NOFILE the table enforces.
func (t *FDTable) Limit() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return uint64(t.limit)
}

// SetLimit sets the soft RLIMIT_NOFILE. Descriptors at or above a lowered
// limit stay open, as on Linux; the caller checks the hard limit and
// nr_open (EPERM).
func (t *FDTable) SetLimit(n uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.limit = int32(min(n, math.MaxInt32))
}

// Get returns the File fd names, with a reference the caller must drop
// (DecRef) when done, so that a concurrent close cannot release it
// mid-call, as Linux's fdget/fdput. EBADF when fd is not open.
func (t *FDTable) Get(fd int32) (*File, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.getLocked(fd)
	if f == nil {
		return nil, abi.EBADF
	}
	f.IncRef()
	return f, 0
}

// Preconditions: t.mu is held.
func (t *FDTable) getLocked(fd int32) *File {
	if fd < 0 || int(fd) >= len(t.files) {
		return nil
	}
	return t.files[fd]
}

// Install gives f the lowest free descriptor, with close-on-exec set as
// asked, and returns it. The table takes its own reference: the caller
// keeps (and eventually drops) its own. EMFILE when every descriptor below
// the limit is in use.
func (t *FDTable) Install(f *File, cloexec bool) (int32, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.installLocked(f, 0, cloexec)
}

// InstallAt is Install from descriptor min up, for F_DUPFD and
// F_DUPFD_CLOEXEC: EINVAL when min is negative or not below the limit.
func (t *FDTable) InstallAt(f *File, min int32, cloexec bool) (int32, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if min < 0 || min >= t.limit {
		return -1, abi.EINVAL
	}
	return t.installLocked(f, min, cloexec)
}

// Preconditions: t.mu is held.
func (t *FDTable) installLocked(f *File, min int32, cloexec bool) (int32, abi.Errno) {
	fd := max(min, t.minFree)
	for int(fd) < len(t.files) && t.files[fd] != nil {
		fd++
	}
	if fd >= t.limit {
		return -1, abi.EMFILE
	}
	t.setLocked(fd, f, cloexec)
	if min <= t.minFree {
		t.minFree = fd + 1
	}
	return fd, 0
}

// setLocked puts f at fd, taking a reference, and returns what was there
// (whose reference passes to the caller, to drop after unlocking).
//
// Preconditions: t.mu is held.
func (t *FDTable) setLocked(fd int32, f *File, cloexec bool) *File {
	for int(fd) >= len(t.files) {
		t.files = append(t.files, nil)
		t.cloexec = append(t.cloexec, false)
	}
	f.IncRef()
	old := t.files[fd]
	t.files[fd] = f
	t.cloexec[fd] = cloexec
	return old
}

// removeLocked frees fd and returns its File, whose reference passes to the
// caller.
//
// Preconditions: t.mu is held; fd is open.
func (t *FDTable) removeLocked(fd int32) *File {
	f := t.files[fd]
	t.files[fd] = nil
	t.cloexec[fd] = false
	t.minFree = min(t.minFree, fd)
	return f
}

// Dup is dup(2): the lowest free descriptor comes to name old's File,
// without close-on-exec.
func (t *FDTable) Dup(old int32) (int32, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.getLocked(old)
	if f == nil {
		return -1, abi.EBADF
	}
	return t.installLocked(f, 0, false)
}

// DupFD is fcntl's F_DUPFD (cloexec false) and F_DUPFD_CLOEXEC: the lowest
// free descriptor at or above min comes to name old's File. EBADF for a
// closed old, EINVAL for min out of range, EMFILE when none is free.
func (t *FDTable) DupFD(old, min int32, cloexec bool) (int32, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.getLocked(old)
	if f == nil {
		return -1, abi.EBADF
	}
	if min < 0 || min >= t.limit {
		return -1, abi.EINVAL
	}
	return t.installLocked(f, min, cloexec)
}

// Dup3 is dup3(2): descriptor new comes to name old's File, closing what
// new named before. flags may hold only O_CLOEXEC (else EINVAL); old == new
// is EINVAL; new at or above the limit is EBADF, as Linux's ksys_dup3.
func (t *FDTable) Dup3(old, new int32, flags uint32) (int32, abi.Errno) {
	if flags&^abi.O_CLOEXEC != 0 || old == new {
		return -1, abi.EINVAL
	}
	t.mu.Lock()
	if new < 0 || new >= t.limit {
		t.mu.Unlock()
		return -1, abi.EBADF
	}
	f := t.getLocked(old)
	if f == nil {
		t.mu.Unlock()
		return -1, abi.EBADF
	}
	prev := t.setLocked(new, f, flags&abi.O_CLOEXEC != 0)
	if t.minFree == new {
		t.minFree++
	}
	t.mu.Unlock()
	if prev != nil {
		t.drop(prev)
	}
	return new, 0
}

// Close is close(2): fd is freed and its File loses the table's reference.
// EBADF when fd is not open.
func (t *FDTable) Close(fd int32) abi.Errno {
	t.mu.Lock()
	if t.getLocked(fd) == nil {
		t.mu.Unlock()
		return abi.EBADF
	}
	f := t.removeLocked(fd)
	t.mu.Unlock()
	t.drop(f)
	return 0
}

// FDFlags is fcntl's F_GETFD: FD_CLOEXEC or 0.
func (t *FDTable) FDFlags(fd int32) (uint32, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.getLocked(fd) == nil {
		return 0, abi.EBADF
	}
	if t.cloexec[fd] {
		return abi.FD_CLOEXEC, 0
	}
	return 0, 0
}

// SetFDFlags is fcntl's F_SETFD (and ioctl's FIOCLEX, FIONCLEX): only
// FD_CLOEXEC means anything.
func (t *FDTable) SetFDFlags(fd int32, flags uint32) abi.Errno {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.getLocked(fd) == nil {
		return abi.EBADF
	}
	t.cloexec[fd] = flags&abi.FD_CLOEXEC != 0
	return 0
}

// CloseOnExec closes every descriptor marked close-on-exec, for execve.
// The caller makes the table its own first (Unshare), as Linux's
// begin_new_exec does.
func (t *FDTable) CloseOnExec() {
	var drop []*File
	t.mu.Lock()
	for fd, ce := range t.cloexec {
		if ce && t.files[fd] != nil {
			drop = append(drop, t.removeLocked(int32(fd)))
		}
	}
	t.mu.Unlock()
	for _, f := range drop {
		t.drop(f)
	}
}

// CloseRange is close_range(2): it closes the open descriptors from first
// to last inclusive, or with CLOSE_RANGE_CLOEXEC (4) marks them
// close-on-exec. With CLOSE_RANGE_UNSHARE (2) the caller first gets a table
// of its own. It returns the table the caller uses from now on — t, or that
// new one, which the caller must install in place of t. EINVAL for unknown
// flags or first > last.
func (t *FDTable) CloseRange(first, last uint32, flags uint32) (*FDTable, abi.Errno) {
	if flags&^(closeRangeUnshare|closeRangeCloexec) != 0 || first > last {
		return t, abi.EINVAL
	}
	if flags&closeRangeUnshare != 0 {
		t = t.Unshare()
	}
	var drop []*File
	t.mu.Lock()
	for fd := uint64(first); fd <= uint64(last) && fd < uint64(len(t.files)); fd++ {
		if t.files[fd] == nil {
			continue
		}
		if flags&closeRangeCloexec != 0 {
			t.cloexec[fd] = true
		} else {
			drop = append(drop, t.removeLocked(int32(fd)))
		}
	}
	t.mu.Unlock()
	for _, f := range drop {
		t.drop(f)
	}
	return t, 0
}

// FDInfo is one open descriptor, for /proc/PID/fd and the web UI.
type FDInfo struct {
	FD      int32
	File    *File // with a reference the receiver drops
	Cloexec bool
}

// Snapshot lists the open descriptors in increasing order. Each File comes
// with a reference the caller must drop (DecRef).
func (t *FDTable) Snapshot() []FDInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []FDInfo
	for fd, f := range t.files {
		if f != nil {
			f.IncRef()
			out = append(out, FDInfo{FD: int32(fd), File: f, Cloexec: t.cloexec[fd]})
		}
	}
	return out
}
