package kernel

import (
	"encoding/binary"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// signalFile is a signalfd (signalfd(2)): reading it takes pending signals
// of its mask, as rt_sigtimedwait does, each as a 128-byte
// signalfd_siginfo. It is readable while the reader (Linux: the caller;
// vessel: the task that made it, for epoll) has one pending.
type signalFile struct {
	vfs.FileDefaults
	k        *Kernel
	owner    *Task
	mask     uint64 // guarded by Kernel.mu
	readers  waitQueue
	watching []*epollFile
}

// Signalfd is signalfd4(2): a new signalfd (fd -1) or a new mask for an
// existing one.
func (t *Task) Signalfd(fd int32, mask uint64, flags uint32) (int32, abi.Errno) {
	if flags&^(abi.O_CLOEXEC|abi.O_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	mask &^= sigBit(abi.SIGKILL) | sigBit(abi.SIGSTOP)
	k := t.k
	if fd != -1 {
		f, err := t.FDs.Get(fd)
		if err != 0 {
			return 0, err
		}
		defer f.DecRef()
		sf, ok := f.Impl().(*signalFile)
		if !ok {
			return 0, abi.EINVAL
		}
		k.mu.Lock()
		sf.mask = mask
		k.mu.Unlock()
		return fd, 0
	}
	sf := &signalFile{k: k, owner: t, mask: mask}
	f := vfs.NewStreamFile(sf, abi.O_RDWR|flags&abi.O_NONBLOCK, "anon_inode:[signalfd]")
	k.mu.Lock()
	t.tg.signalfds = append(t.tg.signalfds, sf)
	k.mu.Unlock()
	nfd, err := t.FDs.Install(f, flags&abi.O_CLOEXEC != 0)
	f.DecRef() // the table holds its own reference
	return nfd, err
}

func (sf *signalFile) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Mode: 0o600, Nlink: 1, Blksize: abi.PageSize}
	return 0
}

func (sf *signalFile) readyLocked() uint32 {
	if (sf.owner.pending.mask|sf.owner.tg.pending.mask)&sf.mask != 0 {
		return abi.EPOLLIN | abi.EPOLLRDNORM
	}
	return 0
}

func (sf *signalFile) watchers() *[]*epollFile { return &sf.watching }

// Release forgets the signalfd.
func (sf *signalFile) Release(f *vfs.File) {
	k := sf.k
	k.mu.Lock()
	defer k.mu.Unlock()
	g := sf.owner.tg
	for i, x := range g.signalfds {
		if x == sf {
			g.signalfds = append(g.signalfds[:i], g.signalfds[i+1:]...)
			break
		}
	}
}

// ReadTask takes as many pending signals of the mask as dst has room for,
// waiting for one unless non-blocking (EAGAIN).
func (sf *signalFile) ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno) {
	const size = 128
	if len(dst) < size {
		return 0, abi.EINVAL
	}
	k := sf.k
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	var q waitQueue
	for {
		for n+size <= len(dst) {
			info, ok := t.takeLocked(sf.mask)
			if !ok {
				break
			}
			marshalSignalfdInfo(dst[n:n+size], info)
			n += size
		}
		if n > 0 {
			return n, 0
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return 0, abi.EAGAIN
		}
		t.waitSet = sf.mask
		out := t.sleepLocked(&q, zeroTime)
		t.waitSet = 0
		switch out {
		case interrupted:
			return 0, abi.EINTR
		case signalled:
			if (t.pending.mask|t.tg.pending.mask)&sf.mask == 0 {
				return 0, ERESTARTSYS
			}
		}
	}
}

// WriteTask: a signalfd cannot be written.
func (sf *signalFile) WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno) {
	return 0, abi.EINVAL
}

// takeLocked removes the lowest pending signal of set, thread-directed
// first.
//
// Preconditions: Kernel.mu is held.
func (t *Task) takeLocked(set uint64) (SigInfo, bool) {
	for _, p := range [...]*sigPending{&t.pending, &t.tg.pending} {
		if avail := p.mask & set; avail != 0 {
			for s := 1; s <= abi.NSIG; s++ {
				if avail&sigBit(s) != 0 {
					info := p.take(s)
					t.timerTakenLocked(&info)
					return info, true
				}
			}
		}
	}
	return SigInfo{}, false
}

// notifySignalfdsLocked tells g's signalfds whose mask holds sig that it
// is pending.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) notifySignalfdsLocked(g *ThreadGroup, sig int) {
	for _, sf := range g.signalfds {
		if sf.mask&sigBit(sig) != 0 {
			k.wakeAllLocked(&sf.readers)
			k.notifyLocked(sf)
		}
	}
}

// marshalSignalfdInfo writes struct signalfd_siginfo.
func marshalSignalfdInfo(b []byte, info SigInfo) {
	clear(b)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(info.Signo))
	le.PutUint32(b[4:], uint32(info.Errno))
	le.PutUint32(b[8:], uint32(info.Code))
	le.PutUint32(b[12:], uint32(info.Pid))
	le.PutUint32(b[16:], info.UID)
	le.PutUint32(b[40:], uint32(info.Status))
	le.PutUint32(b[44:], uint32(info.Value))
	le.PutUint64(b[48:], info.Value)
	le.PutUint64(b[72:], info.Addr)
}
