package kernel

import (
	"encoding/binary"
	"maps"
	"slices"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// epollFile is an epoll instance (epoll(7)): an interest list of
// descriptors with the events asked for, level- or edge-triggered, and a
// wait queue for epoll_wait. Guarded by Kernel.mu.
type epollFile struct {
	vfs.FileDefaults
	k        *Kernel
	items    map[int32]*epollItem
	waiters  waitQueue
	watching []*epollFile // epoll instances watching this one
}

type epollItem struct {
	fd     int32
	file   *vfs.File // a reference, dropped at EPOLL_CTL_DEL or close of the epoll
	events uint32    // EPOLL* asked for, with EPOLLET and EPOLLONESHOT
	data   uint64
	armed  bool // edge-triggered: a change has happened since the last report
	off    bool // EPOLLONESHOT: reported, disabled until EPOLL_CTL_MOD
}

// EpollCreate is epoll_create1(2).
func (t *Task) EpollCreate(flags uint32) (int32, abi.Errno) {
	if flags&^abi.EPOLL_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	ep := &epollFile{k: t.k, items: map[int32]*epollItem{}}
	f := vfs.NewStreamFile(ep, abi.O_RDWR, "anon_inode:[eventpoll]")
	fd, err := t.FDs.Install(f, flags&abi.EPOLL_CLOEXEC != 0)
	f.DecRef() // the table holds its own reference
	return fd, err
}

func (ep *epollFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Mode: 0o600, Nlink: 1, Blksize: abi.PageSize}
	return 0
}

// Release drops the files of the interest list.
func (ep *epollFile) Release(f *vfs.File) {
	ep.k.mu.Lock()
	items := ep.items
	ep.items = nil
	for _, it := range items {
		if p, ok := it.file.Impl().(pollable); ok {
			unwatch(p, ep)
		}
	}
	ep.k.mu.Unlock()
	for _, it := range items {
		it.file.DecRef()
	}
}

func (ep *epollFile) readyLocked() uint32 {
	if len(ep.readyItemsLocked(1, false)) > 0 {
		return abi.EPOLLIN | abi.EPOLLRDNORM
	}
	return 0
}

func (ep *epollFile) watchers() *[]*epollFile { return &ep.watching }

func unwatch(p pollable, ep *epollFile) {
	w := p.watchers()
	for i, x := range *w {
		if x == ep {
			*w = append((*w)[:i], (*w)[i+1:]...)
			return
		}
	}
}

// changedLocked hears that a watched file's readiness may have changed:
// edge-triggered items are armed and waiters woken.
//
// Preconditions: Kernel.mu is held.
func (ep *epollFile) changedLocked(p pollable) {
	for _, it := range ep.items {
		if q, ok := it.file.Impl().(pollable); ok && q == p {
			it.armed = true
		}
	}
	ep.k.wakeAllLocked(&ep.waiters)
	ep.k.notifyLocked(ep)
}

// epollable reports whether epoll may watch f: what its kind says
// (vfs.PollSupport), or else any file but a regular file or directory
// whose readiness vessel does not track, as Linux refuses a file without a
// poll operation.
func epollable(f *vfs.File) bool {
	if ps, ok := f.Impl().(vfs.PollSupport); ok {
		return ps.CanPoll()
	}
	if _, own := f.Impl().(pollable); own {
		return true
	}
	var st abi.Stat_t
	return f.Stat(&st) != 0 || st.Mode&abi.S_IFMT != abi.S_IFREG && st.Mode&abi.S_IFMT != abi.S_IFDIR
}

// EpollCtl is epoll_ctl(2). EPERM for a file epoll cannot watch (a regular
// file or directory, as Linux), EINVAL for the epoll itself, EEXIST,
// ENOENT.
func (t *Task) EpollCtl(epfd int32, op int, fd int32, events uint32, data uint64) abi.Errno {
	epf, err := t.FDs.Get(epfd)
	if err != 0 {
		return err
	}
	defer epf.DecRef()
	ep, ok := epf.Impl().(*epollFile)
	if !ok {
		return abi.EINVAL
	}
	f, err := t.FDs.Get(fd)
	if err != 0 {
		return err
	}
	if f == epf {
		f.DecRef()
		return abi.EINVAL
	}
	if !epollable(f) {
		f.DecRef()
		return abi.EPERM
	}
	k := t.k
	k.mu.Lock()
	it := ep.items[fd]
	var drop *vfs.File
	switch op {
	case abi.EPOLL_CTL_ADD:
		if it != nil {
			err = abi.EEXIST
			drop = f
			break
		}
		ep.items[fd] = &epollItem{fd: fd, file: f, events: events, data: data, armed: true}
		if p, ok := f.Impl().(pollable); ok {
			*p.watchers() = append(*p.watchers(), ep)
		}
	case abi.EPOLL_CTL_MOD:
		drop = f
		if it == nil {
			err = abi.ENOENT
			break
		}
		it.events, it.data, it.armed, it.off = events, data, true, false
	case abi.EPOLL_CTL_DEL:
		drop = f
		if it == nil {
			err = abi.ENOENT
			break
		}
		delete(ep.items, fd)
		if p, ok := it.file.Impl().(pollable); ok {
			unwatch(p, ep)
		}
		defer it.file.DecRef()
	default:
		drop = f
		err = abi.EINVAL
	}
	if err == 0 {
		k.wakeAllLocked(&ep.waiters)
	}
	k.mu.Unlock()
	if drop != nil {
		drop.DecRef()
	}
	return err
}

// EpollEvent is one reported event.
type EpollEvent struct {
	Events uint32
	Data   uint64
}

// readyItemsLocked lists up to max events ready now; with take, it
// consumes edge-triggered and one-shot reports.
//
// Preconditions: Kernel.mu is held.
func (ep *epollFile) readyItemsLocked(max int, take bool) []EpollEvent {
	var out []EpollEvent
	for _, fd := range sortedFDs(ep.items) {
		if len(out) == max {
			break
		}
		it := ep.items[fd]
		if it.off || it.events&abi.EPOLLET != 0 && !it.armed {
			continue
		}
		r := readinessLocked(it.file) & (it.events | abi.EPOLLERR | abi.EPOLLHUP)
		if r == 0 {
			continue
		}
		out = append(out, EpollEvent{Events: r, Data: it.data})
		if take {
			if it.events&abi.EPOLLET != 0 {
				it.armed = false
			}
			if it.events&abi.EPOLLONESHOT != 0 {
				it.off = true
			}
		}
	}
	return out
}

// sortedFDs lists the interest list's descriptors in order, so that
// reports come in the same order on every run.
func sortedFDs(items map[int32]*epollItem) []int32 {
	return slices.Sorted(maps.Keys(items))
}

// hostPollInterval is how often a waiter looks again at host streams,
// whose readiness the host does not push to vessel.
const hostPollInterval = 10 * time.Millisecond

// EpollWait is epoll_pwait(2): up to max events, waiting until one is ready,
// until timeout (negative: forever) or until a signal (ERESTARTNOHAND ->
// EINTR, as Linux's epoll_wait never restarts after a handler).
func (t *Task) EpollWait(epfd int32, max int, timeout time.Duration) ([]EpollEvent, abi.Errno) {
	if max <= 0 || max > 1<<20 {
		return nil, abi.EINVAL
	}
	epf, err := t.FDs.Get(epfd)
	if err != 0 {
		return nil, err
	}
	defer epf.DecRef()
	ep, ok := epf.Impl().(*epollFile)
	if !ok {
		return nil, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var deadline time.Time
	if timeout >= 0 {
		deadline = k.cfg.Now().Add(timeout)
	}
	for {
		if evs := ep.readyItemsLocked(max, true); len(evs) > 0 || timeout == 0 {
			return evs, 0
		}
		wake := ep.wakeAtLocked(deadline)
		switch t.sleepLocked(&ep.waiters, wake) {
		case interrupted:
			return nil, abi.EINTR
		case signalled:
			return nil, abi.EINTR
		case timedOut:
			if !deadline.IsZero() && !k.cfg.Now().Before(deadline) {
				return ep.readyItemsLocked(max, true), 0
			}
		}
	}
}

// wakeAtLocked is when a waiter must look again: the deadline, or sooner
// when host files whose readiness vessel polls for are watched.
//
// Preconditions: Kernel.mu is held.
func (ep *epollFile) wakeAtLocked(deadline time.Time) time.Time {
	if !ep.watchesHostLocked() {
		return deadline
	}
	if next := ep.k.cfg.Now().Add(hostPollInterval); deadline.IsZero() || next.Before(deadline) {
		return next
	}
	return deadline
}

// watchesHostLocked reports whether the interest list has a file whose
// readiness vessel must poll for.
//
// Preconditions: Kernel.mu is held.
func (ep *epollFile) watchesHostLocked() bool {
	for _, it := range ep.items {
		if _, ok := it.file.Impl().(pollable); !ok {
			return true
		}
	}
	return false
}

// MarshalEpollEvents writes events as riscv64's struct epoll_event array
// ({u32 events; u64 data}, 16 bytes, not packed as on x86-64).
func MarshalEpollEvents(evs []EpollEvent) []byte {
	b := make([]byte, 16*len(evs))
	for i, e := range evs {
		binary.LittleEndian.PutUint32(b[16*i:], e.Events)
		binary.LittleEndian.PutUint64(b[16*i+8:], e.Data)
	}
	return b
}

// PollFD is one entry of ppoll's array; Revents is filled in.
type PollFD struct {
	FD      int32
	Events  uint16
	Revents uint16
}

// pollNval is POLLNVAL: the descriptor is not open.
const pollNval = 0x20

// Poll is ppoll(2) (and pselect6's core): it fills each entry's revents
// with the events that hold, waiting until one does, until timeout
// (negative: forever) or until a signal (ERESTARTNOHAND). It returns the
// number of entries with events. The POLL* bits are the EPOLL* ones.
func (t *Task) Poll(fds []PollFD, timeout time.Duration) (int, abi.Errno) {
	k := t.k
	ep := &epollFile{k: k, items: map[int32]*epollItem{}}
	files := make([]*vfs.File, len(fds))
	for i, p := range fds {
		if p.FD < 0 {
			continue
		}
		if f, err := t.FDs.Get(p.FD); err == 0 {
			files[i] = f
		}
	}
	k.mu.Lock()
	for i, f := range files {
		if f == nil {
			continue
		}
		ep.items[int32(i)] = &epollItem{fd: int32(i), file: f}
		if p, ok := f.Impl().(pollable); ok {
			*p.watchers() = append(*p.watchers(), ep)
		}
	}
	defer func() {
		for _, it := range ep.items {
			if p, ok := it.file.Impl().(pollable); ok {
				unwatch(p, ep)
			}
		}
		k.mu.Unlock()
		for _, f := range files {
			if f != nil {
				f.DecRef()
			}
		}
	}()
	var deadline time.Time
	if timeout >= 0 {
		deadline = k.cfg.Now().Add(timeout)
	}
	for {
		n := 0
		for i := range fds {
			fds[i].Revents = 0
			switch {
			case fds[i].FD < 0:
				continue
			case files[i] == nil:
				fds[i].Revents = pollNval
			default:
				fds[i].Revents = uint16(readinessLocked(files[i]) & (uint32(fds[i].Events) | abi.EPOLLERR | abi.EPOLLHUP))
			}
			if fds[i].Revents != 0 {
				n++
			}
		}
		if n > 0 || timeout == 0 {
			return n, 0
		}
		wake := ep.wakeAtLocked(deadline)
		switch t.sleepLocked(&ep.waiters, wake) {
		case interrupted:
			return 0, abi.EINTR
		case signalled:
			return 0, ERESTARTNOHAND
		case timedOut:
			if !deadline.IsZero() && !k.cfg.Now().Before(deadline) {
				timeout = 0 // one last look, then 0
			}
		}
	}
}
