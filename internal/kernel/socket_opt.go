package kernel

import (
	"encoding/binary"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Socket options of level SOL_SOCKET that mean something for a Unix socket
// (Linux's sk_getsockopt and sk_setsockopt). Another level is EOPNOTSUPP,
// as for Linux's Unix sockets, which have no options of their own; an
// option vessel does not know is ENOPROTOOPT.

// Getsockopt is getsockopt(2): the option's value, which the caller
// truncates to the guest's buffer.
func (t *Task) Getsockopt(f *vfs.File, level, name int32) ([]byte, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return nil, err
	}
	if level != SOL_SOCKET {
		return nil, abi.EOPNOTSUPP
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var v int32
	switch name {
	case SO_TYPE:
		v = s.typ
	case SO_DOMAIN:
		v = AF_UNIX
	case SO_PROTOCOL:
		v = 0
	case SO_ERROR:
		v = int32(s.takeErrLocked())
	case SO_SNDBUF:
		v = int32(s.sndbuf)
	case SO_RCVBUF:
		v = int32(s.rcvbuf)
	case SO_PASSCRED:
		v = boolInt(s.passcred)
	case SO_ACCEPTCONN:
		v = boolInt(s.state == sockListening)
	case SO_REUSEADDR, SO_KEEPALIVE:
		v = s.opts[name]
	case SO_PEERCRED:
		c := noUcred
		if s.peerCred != nil {
			c = *s.peerCred
		}
		return c.marshal(), 0
	case SO_RCVTIMEO, SO_RCVTIMEO_NEW:
		return marshalTimeval(s.rcvtimeo), 0
	case SO_SNDTIMEO, SO_SNDTIMEO_NEW:
		return marshalTimeval(s.sndtimeo), 0
	default:
		return nil, abi.ENOPROTOOPT
	}
	return binary.LittleEndian.AppendUint32(nil, uint32(v)), 0
}

// Setsockopt is setsockopt(2) with the option's value val. SO_SNDBUF and
// SO_RCVBUF store twice the value asked, capped at wmem_max and rmem_max
// (not for uid 0 with the *FORCE variants) and at least the minimum.
// EINVAL for a value shorter than the option's.
func (t *Task) Setsockopt(f *vfs.File, level, name int32, val []byte) abi.Errno {
	s, err := socketOf(f)
	if err != 0 {
		return err
	}
	if level != SOL_SOCKET {
		return abi.EOPNOTSUPP
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	switch name {
	case SO_RCVTIMEO, SO_RCVTIMEO_NEW, SO_SNDTIMEO, SO_SNDTIMEO_NEW:
		d, err := unmarshalTimeval(val)
		if err != 0 {
			return err
		}
		if name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW {
			s.rcvtimeo = d
		} else {
			s.sndtimeo = d
		}
		return 0
	}
	if len(val) < 4 {
		return abi.EINVAL
	}
	v := int32(binary.LittleEndian.Uint32(val))
	switch name {
	case SO_SNDBUF, SO_SNDBUFFORCE:
		if name == SO_SNDBUFFORCE && !t.privileged() {
			return abi.EPERM
		}
		n := max(int(v), 0)
		if name == SO_SNDBUF {
			n = min(int(uint32(v)), wmemMax)
		}
		s.sndbuf = max(min(n, 1<<30)*2, sockMinSndbuf)
		s.wakeLocked()
	case SO_RCVBUF, SO_RCVBUFFORCE:
		if name == SO_RCVBUFFORCE && !t.privileged() {
			return abi.EPERM
		}
		n := max(int(v), 0)
		if name == SO_RCVBUF {
			n = min(int(uint32(v)), rmemMax)
		}
		s.rcvbuf = max(min(n, 1<<30)*2, sockMinRcvbuf)
	case SO_PASSCRED:
		s.passcred = v != 0
	case SO_REUSEADDR, SO_KEEPALIVE:
		if s.opts == nil {
			s.opts = map[int32]int32{}
		}
		s.opts[name] = boolInt(v != 0)
	case SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR, SO_ACCEPTCONN, SO_PEERCRED:
		return abi.ENOPROTOOPT // read-only
	default:
		return abi.ENOPROTOOPT
	}
	return 0
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// marshalTimeval is a socket timeout as struct timeval (64-bit seconds
// and microseconds on riscv64).
func marshalTimeval(d time.Duration) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(d/time.Second))
	return binary.LittleEndian.AppendUint64(b, uint64(d%time.Second/time.Microsecond))
}

// unmarshalTimeval reads a socket timeout, as Linux's sock_set_timeout:
// EINVAL if short or with microseconds out of range; a negative time is
// no wait at all, and zero no timeout.
func unmarshalTimeval(b []byte) (time.Duration, abi.Errno) {
	if len(b) < 16 {
		return 0, abi.EINVAL
	}
	sec, usec := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
	if usec < 0 || usec >= 1000000 {
		return 0, abi.EDOM
	}
	if sec < 0 {
		return time.Nanosecond, 0 // Linux: a zero timeout, so the call does not wait
	}
	if sec > int64(1<<62/time.Second) {
		return 0, 0
	}
	return time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond, 0
}
