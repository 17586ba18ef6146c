package kernel

import (
	"encoding/binary"
	"math"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Socket options (Linux's sk_getsockopt and sk_setsockopt for level
// SOL_SOCKET; do_tcp_setsockopt, do_ip_setsockopt and do_ipv6_setsockopt
// for an Internet socket's levels). A Unix socket has no level but
// SOL_SOCKET (EOPNOTSUPP, as Linux's); a level an Internet socket lacks is
// ENOPROTOOPT, but EOPNOTSUPP for getsockopt on an IPv4 one (Linux's
// ip_getsockopt); an option vessel does not know is ENOPROTOOPT.
//
// Most options are numbers that vessel keeps and gives back (intOpts):
// SO_REUSEADDR and SO_REUSEPORT, which bind reads, and the ones whose
// effect a loopback that loses nothing cannot show — keep-alive timers,
// TTLs and hop limits, TOS and traffic class, Nagle's algorithm.

// sockOpt names a socket option: its level and name.
type sockOpt struct{ level, name int32 }

// intOpt is an integer option kept in sock.opts.
type intOpt struct {
	def    int32 // what getsockopt gives before any set
	lo, hi int32 // the values a set takes (others are EINVAL); both 0: a flag, kept as 0 or 1
	unset  bool  // a set of -1 restores def
	proto  int32 // only sockets of this protocol have it (others ENOPROTOOPT); 0: every socket of its level
	dgram  bool  // a stream socket's set is EINVAL (the IPv4 multicast options)
}

// intOpts are the integer options, with Linux's defaults (the sysctls'
// defaults for the TCP timers, ip_default_ttl and the IPv6 hop limit) and
// ranges (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT,
// MAX_TCP_SYNCNT).
var intOpts = map[sockOpt]intOpt{
	{SOL_SOCKET, SO_REUSEADDR}: {},
	{SOL_SOCKET, SO_REUSEPORT}: {},
	{SOL_SOCKET, SO_KEEPALIVE}: {},
	{SOL_SOCKET, SO_BROADCAST}: {},
	{SOL_SOCKET, SO_OOBINLINE}: {},
	{SOL_SOCKET, SO_DONTROUTE}: {},

	{IPPROTO_TCP, TCP_NODELAY}:      {proto: IPPROTO_TCP},
	{IPPROTO_TCP, TCP_KEEPIDLE}:     {def: 7200, lo: 1, hi: 32767, proto: IPPROTO_TCP},
	{IPPROTO_TCP, TCP_KEEPINTVL}:    {def: 75, lo: 1, hi: 32767, proto: IPPROTO_TCP},
	{IPPROTO_TCP, TCP_KEEPCNT}:      {def: 9, lo: 1, hi: 127, proto: IPPROTO_TCP},
	{IPPROTO_TCP, TCP_SYNCNT}:       {def: 6, lo: 1, hi: 127, proto: IPPROTO_TCP},
	{IPPROTO_TCP, TCP_USER_TIMEOUT}: {def: 0, lo: 0, hi: math.MaxInt32, proto: IPPROTO_TCP},

	{IPPROTO_IP, IP_TOS}:            {def: 0, lo: math.MinInt32, hi: math.MaxInt32},
	{IPPROTO_IP, IP_TTL}:            {def: 64, lo: 1, hi: 255, unset: true},
	{IPPROTO_IP, IP_MULTICAST_TTL}:  {def: 1, lo: 0, hi: 255, unset: true, dgram: true},
	{IPPROTO_IP, IP_MULTICAST_LOOP}: {def: 1, dgram: true},

	{IPPROTO_IPV6, IPV6_UNICAST_HOPS}:   {def: 64, lo: 0, hi: 255, unset: true},
	{IPPROTO_IPV6, IPV6_MULTICAST_HOPS}: {def: 1, lo: 0, hi: 255, unset: true},
	{IPPROTO_IPV6, IPV6_MULTICAST_LOOP}: {def: 1, lo: 0, hi: 1},
	{IPPROTO_IPV6, IPV6_TCLASS}:         {def: 0, lo: 0, hi: 255, unset: true},
}

// sockLinger is SO_LINGER's struct linger.
type sockLinger struct {
	on   bool
	secs int32
}

// optLocked is o's value on s.
//
// Preconditions: Kernel.mu is held.
func (s *sock) optLocked(o sockOpt) int32 {
	if v, ok := s.opts[o]; ok {
		return v
	}
	return intOpts[o].def
}

// levelOK reports whether s has options of level (other than SOL_SOCKET):
// IPPROTO_TCP on a TCP socket, IPPROTO_UDP on a UDP one (vessel knows none
// of its options), IPPROTO_IP on any Internet socket (an IPv6 one's
// IPv4-mapped traffic uses them), IPPROTO_IPV6 on an IPv6 socket.
func (s *sock) levelOK(level int32) bool {
	switch level {
	case IPPROTO_TCP, IPPROTO_UDP:
		return s.protocol == level
	case IPPROTO_IP:
		return s.in != nil
	case IPPROTO_IPV6:
		return s.family == AF_INET6
	}
	return false
}

// Getsockopt is getsockopt(2): the option's value, which the caller
// truncates to the guest's buffer.
func (t *Task) Getsockopt(f *vfs.File, level, name int32) ([]byte, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return nil, err
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if level != SOL_SOCKET {
		switch {
		case s.in == nil || !s.levelOK(level) && s.family == AF_INET:
			return nil, abi.EOPNOTSUPP // unix_getsockopt; do_ip_getsockopt for a level not its own
		case !s.levelOK(level):
			return nil, abi.ENOPROTOOPT // ipv6_getsockopt
		case level == IPPROTO_IPV6 && name == IPV6_V6ONLY:
			return binary.LittleEndian.AppendUint32(nil, uint32(boolInt(s.in.v6only))), 0
		}
	}
	var v int32
	switch o := (sockOpt{level, name}); {
	case level != SOL_SOCKET:
		d, ok := intOpts[o]
		if !ok || d.proto != 0 && d.proto != s.protocol {
			return nil, abi.ENOPROTOOPT
		}
		v = s.optLocked(o)
	case name == SO_TYPE:
		v = s.typ
	case name == SO_DOMAIN:
		v = s.family
	case name == SO_PROTOCOL:
		v = s.protocol
	case name == SO_ERROR:
		v = int32(s.takeErrLocked())
	case name == SO_SNDBUF:
		v = int32(s.sndbuf)
	case name == SO_RCVBUF:
		v = int32(s.rcvbuf)
	case name == SO_PASSCRED && s.in == nil:
		v = boolInt(s.passcred)
	case name == SO_PASSCRED:
		v = s.opts[o] // kept, and meaningless for an Internet socket, as on Linux
	case name == SO_ACCEPTCONN:
		v = boolInt(s.state == sockListening)
	case name == SO_LINGER:
		b := binary.LittleEndian.AppendUint32(nil, uint32(boolInt(s.linger.on)))
		return binary.LittleEndian.AppendUint32(b, uint32(s.linger.secs)), 0
	case name == SO_PEERCRED:
		c := noUcred // an Internet socket has no peer credentials
		if s.peerCred != nil {
			c = *s.peerCred
		}
		return c.marshal(), 0
	case name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW:
		return marshalTimeval(s.rcvtimeo), 0
	case name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW:
		return marshalTimeval(s.sndtimeo), 0
	default:
		if _, ok := intOpts[o]; !ok {
			return nil, abi.ENOPROTOOPT
		}
		v = s.optLocked(o)
	}
	return binary.LittleEndian.AppendUint32(nil, uint32(v)), 0
}

// Setsockopt is setsockopt(2) with the option's value val. SO_SNDBUF and
// SO_RCVBUF store twice the value asked, capped at wmem_max and rmem_max
// (not for uid 0 with the *FORCE variants) and at least the minimum.
// EINVAL for a value shorter than the option's (an int, except that
// IPPROTO_IP takes a single byte too) or out of the option's range.
// IPV6_V6ONLY changes only before the socket is bound (EINVAL).
func (t *Task) Setsockopt(f *vfs.File, level, name int32, val []byte) abi.Errno {
	s, err := socketOf(f)
	if err != 0 {
		return err
	}
	if level != SOL_SOCKET {
		switch {
		case s.in == nil:
			return abi.EOPNOTSUPP
		case !s.levelOK(level):
			return abi.ENOPROTOOPT
		}
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case level != SOL_SOCKET:
		return s.setInetOptLocked(level, name, val)
	case name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW || name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW:
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
	case name == SO_LINGER:
		if len(val) < SizeofLinger {
			return abi.EINVAL
		}
		if s.linger.on = binary.LittleEndian.Uint32(val) != 0; s.linger.on {
			s.linger.secs = int32(binary.LittleEndian.Uint32(val[4:]))
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
		if p := s.peer; p != nil && s.protocol == IPPROTO_TCP {
			p.wakeLocked() // its window changed
		}
	case SO_PASSCRED:
		if s.in == nil {
			s.passcred = v != 0
		} else {
			s.setOptLocked(sockOpt{SOL_SOCKET, name}, boolInt(v != 0))
		}
	case SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR, SO_ACCEPTCONN, SO_PEERCRED:
		return abi.ENOPROTOOPT // read-only
	default:
		o := sockOpt{SOL_SOCKET, name}
		if _, ok := intOpts[o]; !ok {
			return abi.ENOPROTOOPT
		}
		s.setOptLocked(o, boolInt(v != 0))
	}
	return 0
}

// setInetOptLocked sets an option of level IPPROTO_TCP, IPPROTO_IP or
// IPPROTO_IPV6, which s has.
//
// Preconditions: Kernel.mu is held.
func (s *sock) setInetOptLocked(level, name int32, val []byte) abi.Errno {
	var v int32
	switch {
	case len(val) >= 4:
		v = int32(binary.LittleEndian.Uint32(val))
	case len(val) >= 1 && level == IPPROTO_IP:
		v = int32(val[0]) // do_ip_setsockopt takes an unsigned char too
	default:
		return abi.EINVAL
	}
	if level == IPPROTO_IPV6 && name == IPV6_V6ONLY {
		if s.in.hashed {
			return abi.EINVAL
		}
		s.in.v6only = v != 0
		return 0
	}
	o := sockOpt{level, name}
	d, ok := intOpts[o]
	switch {
	case !ok || d.proto != 0 && d.proto != s.protocol:
		return abi.ENOPROTOOPT
	case d.dgram && s.typ == SOCK_STREAM:
		return abi.EINVAL
	case d.unset && v == -1:
		v = d.def
	case d.lo == 0 && d.hi == 0:
		v = boolInt(v != 0)
	case v < d.lo || v > d.hi:
		return abi.EINVAL
	}
	if o == (sockOpt{IPPROTO_IP, IP_TOS}) {
		v &= 0xff // a u8; TCP keeps its own ECN bits
		if s.typ == SOCK_STREAM {
			v = v&^3 | s.optLocked(o)&3
		}
	}
	s.setOptLocked(o, v)
	return 0
}

// setOptLocked stores option o's value.
//
// Preconditions: Kernel.mu is held.
func (s *sock) setOptLocked(o sockOpt, v int32) {
	if s.opts == nil {
		s.opts = map[sockOpt]int32{}
	}
	s.opts[o] = v
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
