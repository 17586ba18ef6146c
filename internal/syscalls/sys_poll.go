package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
)

func sysEventfd2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, err := t.Eventfd(uint32(a[0]), uint32(a[1]))
	return uint64(fd), err
}

func sysEpollCreate1(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, err := t.EpollCreate(uint32(a[0]))
	return uint64(fd), err
}

// epoll_ctl(2): struct epoll_event is {u32 events; u64 data} (16 bytes).
func sysEpollCtl(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	op := int(int32(a[1]))
	var events uint32
	var data uint64
	if op != abi.EPOLL_CTL_DEL {
		var b [16]byte
		if err := t.MM.CopyIn(a[3], b[:]); err != 0 {
			return 0, err
		}
		events, data = le.Uint32(b[0:]), le.Uint64(b[8:])
	}
	return 0, t.EpollCtl(int32(a[0]), op, int32(a[2]), events, data)
}

// epoll_pwait(2): timeout in milliseconds, -1 forever; an optional signal
// mask replaces the caller's for the wait, as in sigsuspend.
func sysEpollPwait(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	timeout := time.Duration(-1)
	if ms := int32(a[3]); ms >= 0 {
		timeout = time.Duration(ms) * time.Millisecond
	}
	return epollWait(t, a[0], a[1], a[2], timeout, a[4], a[5])
}

// epoll_pwait2(2): the timeout is a timespec (NULL: forever).
func sysEpollPwait2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	timeout := time.Duration(-1)
	if a[3] != 0 {
		ts, err := copyInTimespec(t, a[3])
		if err != 0 {
			return 0, err
		}
		timeout = time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
	}
	return epollWait(t, a[0], a[1], a[2], timeout, a[4], a[5])
}

func epollWait(t *kernel.Task, epfd, events, max uint64, timeout time.Duration, sigmask, sigsetsize uint64) (uint64, abi.Errno) {
	if sigmask != 0 {
		if sigsetsize != sizeofSigset {
			return 0, abi.EINVAL
		}
		var b [8]byte
		if err := t.MM.CopyIn(sigmask, b[:]); err != 0 {
			return 0, err
		}
		t.TempSigMask(le.Uint64(b[:]))
	}
	evs, err := t.EpollWait(int32(epfd), int(int32(max)), timeout)
	if sigmask != 0 {
		t.RestoreSigMask(err == abi.EINTR)
	}
	if err != 0 {
		return 0, err
	}
	if len(evs) > 0 {
		if err := t.MM.CopyOut(events, kernel.MarshalEpollEvents(evs)); err != 0 {
			return 0, err
		}
	}
	return uint64(len(evs)), 0
}

// pipe2(2): the two descriptors go to int fds[2].
func sysPipe2(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	r, w, err := t.Pipe(uint32(a[1]))
	if err != 0 {
		return 0, err
	}
	var b [8]byte
	le.PutUint32(b[0:], uint32(r))
	le.PutUint32(b[4:], uint32(w))
	if err := t.MM.CopyOut(a[0], b[:]); err != 0 {
		t.FDs.Close(r)
		t.FDs.Close(w)
		return 0, err
	}
	return 0, 0
}

// ppoll(2): struct pollfd is {int fd; short events; short revents}; the
// timeout a timespec (NULL: forever); the signal mask replaces the
// caller's for the wait.
func sysPpoll(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	nfds := a[1]
	if nfds > uint64(t.FDs.Limit()) || nfds > 1<<20 {
		return 0, abi.EINVAL
	}
	b := make([]byte, 8*nfds)
	if err := t.MM.CopyIn(a[0], b); err != 0 {
		return 0, err
	}
	fds := make([]kernel.PollFD, nfds)
	for i := range fds {
		fds[i] = kernel.PollFD{FD: int32(le.Uint32(b[8*i:])), Events: le.Uint16(b[8*i+4:])}
	}
	timeout := time.Duration(-1)
	if a[2] != 0 {
		ts, err := copyInTimespec(t, a[2])
		if err != 0 {
			return 0, err
		}
		timeout = time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
	}
	if a[3] != 0 {
		if a[4] != sizeofSigset {
			return 0, abi.EINVAL
		}
		var m [8]byte
		if err := t.MM.CopyIn(a[3], m[:]); err != 0 {
			return 0, err
		}
		t.TempSigMask(le.Uint64(m[:]))
	}
	n, err := t.Poll(fds, timeout)
	if a[3] != 0 {
		t.RestoreSigMask(err == kernel.ERESTARTNOHAND || err == abi.EINTR)
	}
	if err != 0 {
		return 0, err
	}
	for i := range fds {
		le.PutUint16(b[8*i+6:], fds[i].Revents)
	}
	if err := t.MM.CopyOut(a[0], b); err != 0 {
		return 0, err
	}
	return uint64(n), 0
}

// select's event sets, in EPOLL* (= POLL*) bits, as Linux's fs/select.c.
const (
	selectIn  = abi.EPOLLRDNORM | abi.EPOLLIN | abi.EPOLLHUP | abi.EPOLLERR
	selectOut = abi.EPOLLWRNORM | abi.EPOLLOUT | abi.EPOLLERR
	selectEx  = abi.EPOLLPRI
)

// pselect6(2): three fd_set bitmaps of nfds bits, in place; a timespec
// timeout (NULL: forever) updated with the time left; a {sigset *, size}
// pair for the mask during the wait. A descriptor in a set that is not
// open is EBADF.
func sysPselect6(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	nfds := int(int32(a[0]))
	if nfds < 0 || uint64(nfds) > t.FDs.Limit() {
		return 0, abi.EINVAL
	}
	words := (nfds + 63) / 64
	var sets [3][]uint64
	for i, addr := range [3]uint64{a[1], a[2], a[3]} {
		if addr == 0 {
			continue
		}
		b := make([]byte, 8*words)
		if err := t.MM.CopyIn(addr, b); err != 0 {
			return 0, err
		}
		sets[i] = make([]uint64, words)
		for w := range sets[i] {
			sets[i][w] = le.Uint64(b[8*w:])
		}
	}
	var fds []kernel.PollFD
	var in [][3]bool // the sets each entry of fds came from
	for fd := 0; fd < nfds; fd++ {
		var ev uint32
		var from [3]bool
		for i, mask := range [3]uint32{selectIn, selectOut, selectEx} {
			if sets[i] != nil && sets[i][fd/64]&(1<<(fd%64)) != 0 {
				ev |= mask
				from[i] = true
			}
		}
		if ev == 0 {
			continue
		}
		f, err := t.FDs.Get(int32(fd))
		if err != 0 {
			return 0, abi.EBADF
		}
		f.DecRef()
		fds = append(fds, kernel.PollFD{FD: int32(fd), Events: uint16(ev)})
		in = append(in, from)
	}
	timeout := time.Duration(-1)
	var start time.Time
	if a[4] != 0 {
		ts, err := copyInTimespec(t, a[4])
		if err != 0 {
			return 0, err
		}
		timeout = time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
		start = t.Kernel().Now()
	}
	masked := false
	if a[5] != 0 {
		var sm [16]byte
		if err := t.MM.CopyIn(a[5], sm[:]); err != 0 {
			return 0, err
		}
		if ptr := le.Uint64(sm[0:]); ptr != 0 {
			if le.Uint64(sm[8:]) != sizeofSigset {
				return 0, abi.EINVAL
			}
			var m [8]byte
			if err := t.MM.CopyIn(ptr, m[:]); err != 0 {
				return 0, err
			}
			t.TempSigMask(le.Uint64(m[:]))
			masked = true
		}
	}
	_, err := t.Poll(fds, timeout)
	if masked {
		t.RestoreSigMask(err == kernel.ERESTARTNOHAND || err == abi.EINTR)
	}
	if a[4] != 0 {
		left := max(timeout-t.Kernel().Now().Sub(start), 0)
		copyOutTimespec(t, a[4], durationToTimespec(left))
	}
	if err != 0 {
		return 0, err
	}
	for i := range sets {
		clear(sets[i])
	}
	n := 0
	for j, p := range fds {
		for i, mask := range [3]uint32{selectIn, selectOut, selectEx} {
			if in[j][i] && uint32(p.Revents)&mask != 0 {
				sets[i][p.FD/64] |= 1 << (p.FD % 64)
				n++
			}
		}
	}
	for i, addr := range [3]uint64{a[1], a[2], a[3]} {
		if addr == 0 {
			continue
		}
		b := make([]byte, 8*words)
		for w, v := range sets[i] {
			le.PutUint64(b[8*w:], v)
		}
		if err := t.MM.CopyOut(addr, b); err != 0 {
			return 0, err
		}
	}
	return uint64(n), 0
}
