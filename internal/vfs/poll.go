package vfs

import (
	"golang.org/x/sys/unix"

	"vessel/internal/abi"
)

// defaultPollMask is what a file without a poll operation of its own is
// (Linux's DEFAULT_POLLMASK): ready to read and to write.
const defaultPollMask = abi.EPOLLIN | abi.EPOLLOUT | abi.EPOLLRDNORM | abi.EPOLLWRNORM

// Readier is a kind of file of the vfs's own that is not always ready for
// both reading and writing: Ready says, in EPOLL* bits, what it is now.
type Readier interface {
	Ready(f *File) uint32
}

// HostReadiness is what epoll reports for a file vessel does not implement
// itself, in EPOLL* bits: a regular file or directory is always ready for
// reading and writing (as Linux says of them); a host stream, FIFO, socket
// or device is asked the host with poll(2), without waiting.
func HostReadiness(f *File) uint32 {
	fd := -1
	switch impl := f.impl.(type) {
	case *hostStream:
		fd = impl.fd
	case *hostFile:
		if impl.positioned() || impl.kind == abi.S_IFDIR {
			return abi.EPOLLIN | abi.EPOLLOUT | abi.EPOLLRDNORM | abi.EPOLLWRNORM
		}
		fd = impl.fd
	default:
		if r, ok := f.impl.(Readier); ok {
			return r.Ready(f)
		}
		return defaultPollMask
	}
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN | unix.POLLOUT | unix.POLLPRI | unix.POLLRDHUP}}
	if n, err := unix.Poll(pfd, 0); err != nil || n == 0 {
		return 0
	}
	var r uint32
	for _, m := range [...]struct {
		host  int16
		guest uint32
	}{
		{unix.POLLIN, abi.EPOLLIN | abi.EPOLLRDNORM}, {unix.POLLOUT, abi.EPOLLOUT | abi.EPOLLWRNORM},
		{unix.POLLPRI, abi.EPOLLPRI}, {unix.POLLERR, abi.EPOLLERR}, {unix.POLLHUP, abi.EPOLLHUP},
		{unix.POLLRDHUP, abi.EPOLLRDHUP},
	} {
		if pfd[0].Revents&m.host != 0 {
			r |= m.guest
		}
	}
	return r
}
