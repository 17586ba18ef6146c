package syscalls

import (
	"time"

	"vessel/internal/abi"
	"vessel/internal/ipc"
	"vessel/internal/kernel"
)

// POSIX message queues. struct mq_attr is four longs and four reserved
// ones (64 bytes): mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs. struct
// sigevent (64 bytes) is sigev_value @0, sigev_signo i32 @8,
// sigev_notify i32 @12. Names come without glibc's leading slash; the
// timeouts are absolute, on CLOCK_REALTIME.

const (
	sizeofMQAttr   = 64
	sizeofSigevent = 64
	notifyCookie   = 32 // NOTIFY_COOKIE_LEN: SIGEV_THREAD's cookie at sigev_value
)

// mqNameArg reads a queue name as Linux's getname: EFAULT, ENAMETOOLONG,
// and ENOENT for the empty string.
func mqNameArg(t *kernel.Task, addr uint64) (string, abi.Errno) {
	name, err := pathArg(t, addr)
	if err == 0 && name == "" {
		err = abi.ENOENT
	}
	return name, err
}

// mqDeadline reads an absolute CLOCK_REALTIME timeout (NULL: none) as
// Linux's prepare_timeout: EFAULT, EINVAL.
func mqDeadline(t *kernel.Task, addr uint64) (time.Time, abi.Errno) {
	if addr == 0 {
		return time.Time{}, 0
	}
	ts, err := copyInTimespec(t, addr)
	if err != 0 {
		return time.Time{}, err
	}
	return time.Unix(ts.Sec, ts.Nsec), 0
}

// mq_open(2).
func sysMqOpen(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var attr *kernel.MQAttr
	if a[3] != 0 {
		var b [sizeofMQAttr]byte
		if err := t.MM.CopyIn(a[3], b[:]); err != 0 {
			return 0, err
		}
		attr = &kernel.MQAttr{Flags: int64(le.Uint64(b[0:])), Maxmsg: int64(le.Uint64(b[8:])),
			Msgsize: int64(le.Uint64(b[16:])), Curmsgs: int64(le.Uint64(b[24:]))}
	}
	name, err := mqNameArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	fd, err := t.MQOpen(name, uint32(a[1]), uint32(uint16(a[2])), attr)
	return uint64(fd), err
}

// mq_unlink(2).
func sysMqUnlink(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	name, err := mqNameArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	return 0, t.MQUnlink(name)
}

// mq_timedsend(2): EINVAL for a priority of MQ_PRIO_MAX or more, EBADF
// for a descriptor that is not a queue open for writing, EMSGSIZE for a
// message longer than mq_msgsize.
func sysMqTimedsend(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	deadline, err := mqDeadline(t, a[4])
	if err != 0 {
		return 0, err
	}
	prio := uint32(a[3])
	if prio >= ipc.MQ_PRIO_MAX {
		return 0, abi.EINVAL
	}
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	attr, ok := kernel.MQueueOf(f)
	if !ok || !f.Writable() {
		return 0, abi.EBADF
	}
	if a[2] > uint64(attr.Msgsize) {
		return 0, abi.EMSGSIZE
	}
	data := make([]byte, a[2])
	if err := t.MM.CopyIn(a[1], data); err != 0 {
		return 0, err
	}
	return 0, t.MQSend(f, data, prio, deadline)
}

// mq_timedreceive(2): EBADF for a descriptor that is not a queue open for
// reading, EMSGSIZE for a buffer shorter than mq_msgsize; the priority
// goes to *msg_prio if it is not NULL, and the result is the length.
func sysMqTimedreceive(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	deadline, err := mqDeadline(t, a[4])
	if err != 0 {
		return 0, err
	}
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	attr, ok := kernel.MQueueOf(f)
	if !ok || !f.Readable() {
		return 0, abi.EBADF
	}
	if a[2] < uint64(attr.Msgsize) {
		return 0, abi.EMSGSIZE
	}
	m, err := t.MQReceive(f, deadline)
	if err != 0 {
		return 0, err
	}
	if a[3] != 0 {
		var b [4]byte
		le.PutUint32(b[:], m.Prio)
		if err := t.MM.CopyOut(a[3], b[:]); err != 0 {
			return 0, err
		}
	}
	if err := t.MM.CopyOut(a[1], m.Data); err != 0 {
		return 0, err
	}
	return uint64(len(m.Data)), 0
}

// mq_notify(2): SIGEV_SIGNAL and SIGEV_NONE register the caller's
// process; NULL removes its registration. SIGEV_THREAD names a netlink
// socket in sigev_signo (glibc makes one), and vessel has no netlink
// sockets, so it fails as Linux does for any other descriptor: EFAULT
// for an unreadable cookie, EBADF, ENOTSOCK, or EINVAL for a socket of
// another family.
func sysMqNotify(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var notify, signo int
	var value uint64
	register := a[1] != 0
	if register {
		var b [sizeofSigevent]byte
		if err := t.MM.CopyIn(a[1], b[:]); err != 0 {
			return 0, err
		}
		value, signo, notify = le.Uint64(b[0:]), int(int32(le.Uint32(b[8:]))), int(int32(le.Uint32(b[12:])))
		switch notify {
		case abi.SIGEV_NONE:
		case abi.SIGEV_SIGNAL:
			if uint32(signo) > abi.NSIG {
				return 0, abi.EINVAL
			}
		case abi.SIGEV_THREAD:
			var cookie [notifyCookie]byte
			if err := t.MM.CopyIn(value, cookie[:]); err != 0 {
				return 0, err
			}
			sock, err := fileArg(t, uint64(uint32(signo)))
			if err != 0 {
				return 0, err
			}
			defer sock.DecRef()
			var st abi.Stat_t
			if sock.Stat(&st) == 0 && st.Mode&abi.S_IFMT == abi.S_IFSOCK {
				return 0, abi.EINVAL // not AF_NETLINK
			}
			return 0, abi.ENOTSOCK
		default:
			return 0, abi.EINVAL
		}
	}
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, t.MQNotify(f, notify, signo, value, register)
}

// mq_getsetattr(2): with a new attribute structure, the descriptor's
// O_NONBLOCK changes (EINVAL for any other flag); the old one gets the
// queue's attributes and the flags before the change.
func sysMqGetsetattr(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	var flags int64
	if a[1] != 0 {
		var b [sizeofMQAttr]byte
		if err := t.MM.CopyIn(a[1], b[:]); err != 0 {
			return 0, err
		}
		flags = int64(le.Uint64(b[:]))
		if flags&^abi.O_NONBLOCK != 0 {
			return 0, abi.EINVAL
		}
	}
	f, err := fileArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	old, ok := kernel.MQueueOf(f)
	if !ok {
		return 0, abi.EBADF
	}
	if a[1] != 0 {
		if err := kernel.MQSetFlags(f, flags); err != 0 {
			return 0, err
		}
	}
	if a[2] != 0 {
		var b [sizeofMQAttr]byte
		le.PutUint64(b[0:], uint64(old.Flags))
		le.PutUint64(b[8:], uint64(old.Maxmsg))
		le.PutUint64(b[16:], uint64(old.Msgsize))
		le.PutUint64(b[24:], uint64(old.Curmsgs))
		if err := t.MM.CopyOut(a[2], b[:]); err != 0 {
			return 0, err
		}
	}
	return 0, 0
}
