package kernel

import (
	"encoding/binary"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// eventFile is an eventfd (eventfd(2)): a 64-bit counter that write adds
// to and read takes (all of it, or 1 with EFD_SEMAPHORE), readable while
// it is not zero, writable while another add fits below 2^64-1.
type eventFile struct {
	vfs.FileDefaults
	k         *Kernel
	count     uint64       // guarded by Kernel.mu
	semaphore bool         // EFD_SEMAPHORE
	readers   waitQueue    // tasks waiting for a non-zero count
	writers   waitQueue    // tasks waiting for room
	watching  []*epollFile // guarded by Kernel.mu
}

const eventMax = ^uint64(0) - 1

// Eventfd is eventfd2(2): a new eventfd with initial value initval.
func (t *Task) Eventfd(initval uint32, flags uint32) (int32, abi.Errno) {
	if flags&^(abi.EFD_SEMAPHORE|abi.EFD_CLOEXEC|abi.EFD_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	e := &eventFile{k: t.k, count: uint64(initval), semaphore: flags&abi.EFD_SEMAPHORE != 0}
	f := vfs.NewStreamFile(e, abi.O_RDWR|flags&abi.O_NONBLOCK, "anon_inode:[eventfd]")
	fd, err := t.FDs.Install(f, flags&abi.EFD_CLOEXEC != 0)
	f.DecRef() // the table holds its own reference
	return fd, err
}

func (e *eventFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Mode: 0o600, Nlink: 1, Blksize: abi.PageSize}
	return 0
}

func (e *eventFile) readyLocked() uint32 {
	var r uint32
	if e.count > 0 {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if e.count < eventMax {
		r |= abi.EPOLLOUT | abi.EPOLLWRNORM
	}
	return r
}

func (e *eventFile) watchers() *[]*epollFile { return &e.watching }

// ReadTask reads the counter into dst (8 bytes at least, else EINVAL),
// sleeping while it is zero unless the file is non-blocking (EAGAIN).
func (e *eventFile) ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno) {
	if len(dst) < 8 {
		return 0, abi.EINVAL
	}
	k := e.k
	k.mu.Lock()
	defer k.mu.Unlock()
	for e.count == 0 {
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return 0, abi.EAGAIN
		}
		switch t.sleepLocked(&e.readers, zeroTime) {
		case interrupted:
			return 0, abi.EINTR
		case signalled:
			return 0, ERESTARTSYS
		}
	}
	v := e.count
	if e.semaphore {
		v = 1
	}
	e.count -= v
	binary.LittleEndian.PutUint64(dst, v)
	k.wakeAllLocked(&e.writers)
	k.notifyLocked(e)
	return 8, 0
}

// WriteTask adds the 8-byte value in src (EINVAL for 2^64-1 or a short
// buffer), sleeping while it would overflow unless non-blocking (EAGAIN).
func (e *eventFile) WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno) {
	if len(src) < 8 {
		return 0, abi.EINVAL
	}
	v := binary.LittleEndian.Uint64(src)
	if v == ^uint64(0) {
		return 0, abi.EINVAL
	}
	k := e.k
	k.mu.Lock()
	defer k.mu.Unlock()
	for eventMax-e.count < v {
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return 0, abi.EAGAIN
		}
		switch t.sleepLocked(&e.writers, zeroTime) {
		case interrupted:
			return 0, abi.EINTR
		case signalled:
			return 0, ERESTARTSYS
		}
	}
	e.count += v
	if v > 0 {
		k.wakeAllLocked(&e.readers)
		k.notifyLocked(e)
	}
	return 8, 0
}
