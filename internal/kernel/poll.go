package kernel

import (
	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Readiness for epoll. A file kind the kernel implements (eventfd, epoll
// itself) says what it is ready for and tells its watchers when that may
// have changed; a host file is asked the host (a regular file is always
// ready; a terminal or host pipe is polled without waiting).

// pollable is a file kind that knows its readiness and wakes watchers.
//
// Preconditions of every method: Kernel.mu is held.
type pollable interface {
	readyLocked() uint32
	watchers() *[]*epollFile
}

// readiness returns f's EPOLL* readiness.
//
// Preconditions: Kernel.mu is held.
func readinessLocked(f *vfs.File) uint32 {
	if p, ok := f.Impl().(pollable); ok {
		return p.readyLocked()
	}
	return vfs.HostReadiness(f)
}

// notifyLocked tells the epoll instances watching p that its readiness may
// have changed.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) notifyLocked(p pollable) {
	for _, ep := range *p.watchers() {
		ep.changedLocked(p)
	}
}

// TaskFile is a file kind whose reads and writes may sleep in the kernel
// (an eventfd): the syscall layer calls these instead of File.Read and
// File.Write, with the task that waits.
type TaskFile interface {
	ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno)
	WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno)
}
