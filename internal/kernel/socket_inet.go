package kernel

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"maps"
	"net/netip"
	"slices"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Internet sockets (ip(7), ipv6(7), tcp(7), udp(7)) on vessel's one
// network interface, the loopback: 127.0.0.0/8 and ::1. A guest has no
// route anywhere else (ENETUNREACH), so nothing it does reaches the host's
// network; guest processes talk to each other over it as over Linux's lo.
// Linux's net/ipv4 and net/ipv6 are the specification for what a program
// sees: the calls' checks in Linux's order, the errors, the addresses
// getsockname and getpeername give, and poll's bits.
//
// A TCP connection is a pair of connected stream sockets, as a Unix
// stream connection is (socket.go); its bytes move as a Unix stream's do.
// A connect completes at once when a listener has room in its backlog, as
// the handshake completes on Linux's loopback before connect returns; a
// non-blocking connect still says EINPROGRESS, as Linux's does, and leaves
// the socket writable and SO_ERROR 0 (or ECONNREFUSED), which Go's net
// package relies on. A connect to a full backlog waits (non-blocking: in
// the background) until an accept makes room, where Linux would drop the
// SYN and retry it after a second or more. Closing a socket sends a FIN
// (the peer reads end of file) or, with data left unread or SO_LINGER of
// zero seconds, a reset (the peer gets ECONNRESET); data sent to a closed
// peer is answered with a reset, so the write after it fails with EPIPE.
//
// A UDP datagram is delivered when it is sent, to the socket bound to its
// destination that matches it best (Linux's compute_score: a connected
// socket only from its peer, an address before a wildcard, IPv4 before
// IPv6), or dropped when that socket's receive buffer is full; a datagram
// to a port nobody holds gives a connected sender ECONNREFUSED on its next
// call, as the ICMP error does on Linux, and is otherwise lost.
//
// Ports live in one table per namespace, TCP's apart from UDP's. Binding
// follows Linux's conflict rules (inet_bind_conflict, udp_lib_lport_inuse):
// two sockets share a port when their addresses do not overlap, when both
// set SO_REUSEADDR (for TCP: and the one there first does not listen), or
// when both set SO_REUSEPORT and belong to one user. An IPv6 socket on ::
// without IPV6_V6ONLY (the default, net.ipv6.bindv6only 0) also holds the
// IPv4 addresses, and takes IPv4 connections and datagrams as IPv4-mapped
// ones.
//
// Simplified or left out: TIME_WAIT (a closed connection's port is free at
// once, so SO_REUSEADDR is never needed to rebind it); SO_REUSEPORT groups
// do not balance (the first listener found takes every connection, the
// most recently bound UDP socket every datagram); urgent data (MSG_OOB);
// the IP-level control messages (a send's IP_TTL or IP_PKTINFO are
// ignored, and no IP_RECV* option exists); multicast membership
// (ENOPROTOOPT); raw and packet sockets; Linux's 127.0.0.6, the IPv4
// address of an IPv6 socket bound to ::1, is used only as such a socket's
// IPv4 source. Unsent data counts as acknowledged once it is in the peer's
// queue (SIOCOUTQ is 0).

// The ports, as Linux's sysctls net.ipv4.ip_local_port_range and
// ip_unprivileged_port_start, and a new TCP socket's buffers (tcp_wmem[1]
// and tcp_rmem[1]).
const (
	LocalPortFirst  = 32768
	LocalPortLast   = 60999
	unprivPortStart = 1024
	tcpWmemDefault  = 16384
	tcpRmemDefault  = 131072
	udpMaxPayload4  = 65507 // 65535 less the IPv4 and UDP headers
	udpMaxPayload6  = 65527 // 65535 less the UDP header: the IPv6 one is not counted
)

// portKey names a port in the namespace's table.
type portKey struct {
	proto int32 // IPPROTO_TCP or IPPROTO_UDP
	port  uint16
}

// Socket-layer states (Linux's socket_state, beside sk_state): a connect
// that returned EINPROGRESS leaves its socket connecting until a later
// connect reports the outcome (0, or the error).
const (
	ssUnconnected = iota
	ssConnecting
	ssConnected
)

// inetSock is what an Internet socket has beyond a Unix one. Guarded by
// Kernel.mu.
type inetSock struct {
	local    netip.AddrPort // the local address (a wildcard until bound or connected) and port (0: none yet)
	remote   netip.AddrPort // the peer: a TCP connection's, a connected UDP socket's; the zero value: none
	hashed   bool           // holds local's port in the namespace's table (Linux's inet_num != 0)
	addrLock bool           // bind chose the address (SOCK_BINDADDR_LOCK): disconnecting keeps it
	portLock bool           // bind chose the port (SOCK_BINDPORT_LOCK): closing the connection keeps it
	v6only   bool           // IPV6_V6ONLY
	ss       uint8          // ssUnconnected, ssConnecting or ssConnected
	fin      bool           // TCP: the peer's FIN arrived (SOCK_DONE); reads see end of file
	synWait  *sock          // TCP connecting: the listener whose full backlog it waits on
	synq     []*sock        // TCP listening: connects waiting for room in the backlog
	rmem     int            // UDP: the truesize of the datagrams queued
}

// Addresses a socket uses.
var (
	loopback4     = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	loopback4IPv6 = netip.AddrFrom4([4]byte{127, 0, 0, 6}) // LOOPBACK4_IPV6
	loopback6     = netip.IPv6Loopback()
)

// initInet gives a new Internet socket its addresses and, for TCP, its
// buffer sizes.
func (s *sock) initInet() {
	s.in = &inetSock{local: netip.AddrPortFrom(anyAddr(s.family), 0)}
	if s.protocol == IPPROTO_TCP {
		s.sndbuf, s.rcvbuf = tcpWmemDefault, tcpRmemDefault
	}
}

// randomUint32 is a random number from the kernel's source of randomness.
func (k *Kernel) randomUint32() uint32 {
	r := k.cfg.Random
	if r == nil {
		r = rand.Reader
	}
	var b [4]byte
	io.ReadFull(r, b[:])
	return binary.LittleEndian.Uint32(b[:])
}

// inetSockType is inet_create's and inet6_create's check of socket(2)'s
// type and protocol: TCP for a stream (protocol 0 or IPPROTO_TCP), UDP for
// a datagram socket (0 or IPPROTO_UDP); EINVAL for a protocol out of
// range; EPROTONOSUPPORT for another protocol (vessel has no UDP-Lite,
// SCTP or MPTCP); ESOCKTNOSUPPORT for another type. A ping socket
// (SOCK_DGRAM with ICMP) is EACCES, as the default net.ipv4.ping_group_range
// of no group makes it; SOCK_RAW is EPERM without privilege (CAP_NET_RAW)
// and EPROTONOSUPPORT with it, as vessel has no raw sockets. AF_INET's
// SOCK_PACKET is AF_PACKET's, which vessel lacks (EAFNOSUPPORT).
func inetSockType(domain, typ, protocol int32, priv bool) (int32, abi.Errno) {
	if domain == AF_INET && typ == SOCK_PACKET {
		return 0, abi.EAFNOSUPPORT
	}
	if protocol < 0 || protocol >= IPPROTO_MAX {
		return 0, abi.EINVAL
	}
	ping := int32(IPPROTO_ICMP)
	if domain == AF_INET6 {
		ping = IPPROTO_ICMPV6
	}
	switch typ {
	case SOCK_STREAM:
		if protocol == 0 || protocol == IPPROTO_TCP {
			return IPPROTO_TCP, 0
		}
	case SOCK_DGRAM:
		switch protocol {
		case 0, IPPROTO_UDP:
			return IPPROTO_UDP, 0
		case ping:
			return 0, abi.EACCES
		}
	case SOCK_RAW:
		if protocol != 0 && !priv {
			return 0, abi.EPERM
		}
	default:
		return 0, abi.ESOCKTNOSUPPORT
	}
	return 0, abi.EPROTONOSUPPORT
}

// anyAddr is the family's wildcard address.
func anyAddr(family int32) netip.Addr {
	if family == AF_INET {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// isAny reports whether a is a wildcard: 0.0.0.0, ::, or ::ffff:0.0.0.0.
func isAny(a netip.Addr) bool { return a.Unmap().IsUnspecified() }

// inFamily is address a as a socket of family holds it: an IPv6 socket's
// IPv4 addresses are IPv4-mapped.
func inFamily(family int32, a netip.Addr) netip.Addr {
	if family == AF_INET6 && a.Is4() {
		return netip.AddrFrom16(a.As16())
	}
	return a.Unmap()
}

// sockaddr4 reads the address and port of a struct sockaddr_in of at
// least 16 bytes, whatever its family says.
func sockaddr4(b []byte) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), binary.BigEndian.Uint16(b[2:]))
}

// sockaddr6 reads the address and port of a struct sockaddr_in6 of at
// least 24 bytes. The address stays as given, IPv4-mapped or not.
func sockaddr6(b []byte) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom16([16]byte(b[8:24])), binary.BigEndian.Uint16(b[2:]))
}

// MarshalInet is ap as a struct sockaddr_in (16 bytes) for family
// AF_INET, or a sockaddr_in6 (28 bytes, IPv4 addresses mapped, no flow
// label or scope) for AF_INET6.
func MarshalInet(family int32, ap netip.AddrPort) []byte {
	if family == AF_INET {
		b := make([]byte, SizeofSockaddrIn)
		binary.LittleEndian.PutUint16(b, AF_INET)
		binary.BigEndian.PutUint16(b[2:], ap.Port())
		a := ap.Addr().Unmap().As4()
		copy(b[4:], a[:])
		return b
	}
	b := make([]byte, SizeofSockaddrIn6)
	binary.LittleEndian.PutUint16(b, AF_INET6)
	binary.BigEndian.PutUint16(b[2:], ap.Port())
	a := ap.Addr().As16()
	copy(b[8:], a[:])
	return b
}

// sockaddr is ap as s's family gives addresses.
func (s *sock) sockaddr(ap netip.AddrPort) []byte { return MarshalInet(s.family, ap) }

// route resolves destination d (unmapped) as Linux's routing does with lo
// as the only interface: 0.0.0.0 and :: mean the loopback (a BSD habit
// Linux keeps), 127.0.0.0/8 and ::1 are local, and anything else has no
// route (ENETUNREACH).
func route(d netip.Addr) (netip.Addr, abi.Errno) {
	switch {
	case d == netip.IPv4Unspecified():
		return loopback4, 0
	case d == netip.IPv6Unspecified():
		return loopback6, 0
	case d.Is4() && d.As4()[0] == 127, d == loopback6:
		return d, 0
	}
	return d, abi.ENETUNREACH
}

// bindable4 is inet_addr_valid_or_nonlocal for vessel's addresses: the
// wildcard, the loopback's 127.0.0.0/8, and the multicast and broadcast
// addresses (0.0.0.0/8 is "this network", a broadcast type to Linux).
func bindable4(a netip.Addr) bool {
	b := a.As4()
	return b[0] == 0 || b[0] == 127 || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// source is the address s sends from to destination dst (unmapped): the
// unicast address it is bound to, else the loopback's own (127.0.0.1 or
// ::1, the preferred source of Linux's local routes). An IPv6 socket bound
// to an IPv6 address sends IPv4 from 127.0.0.6, as Linux's.
//
// Preconditions: Kernel.mu is held.
func (s *sock) source(dst netip.Addr) netip.Addr {
	a := s.in.local.Addr()
	u := a.Unmap()
	if dst.Is4() {
		switch {
		case u.Is4() && u.As4()[0] == 127:
			return u
		case a.Is6() && !a.Is4In6() && !a.IsUnspecified():
			return loopback4IPv6
		}
		return loopback4
	}
	return loopback6
}

// eq4 is ipv4_rcv_saddr_equal with wildcards matching.
func eq4(a, b netip.Addr) bool { return a == b || a.IsUnspecified() || b.IsUnspecified() }

// overlap is Linux's inet_rcv_saddr_equal with wildcards matching: whether
// two sockets on one port, of families fa and fb, bound to a and b, with
// IPV6_V6ONLY a6 and b6, share an address. An IPv6 socket on :: holds
// every IPv4 address too unless it is IPv6-only; one on an IPv4-mapped
// address holds that IPv4 address.
func overlap(fa int32, a netip.Addr, a6 bool, fb int32, b netip.Addr, b6 bool) bool {
	if fa == AF_INET && fb == AF_INET6 {
		fa, a, a6, fb, b, b6 = fb, b, b6, fa, a, a6
	}
	switch {
	case fa == AF_INET:
		return eq4(a, b)
	case fb == AF_INET: // a is IPv6, b IPv4
		switch {
		case a6:
			return false
		case a.IsUnspecified():
			return true
		case !a.Is4In6():
			return false
		}
		return eq4(a.Unmap(), b)
	case a.Is4In6() && b.Is4In6():
		return eq4(a.Unmap(), b.Unmap())
	case a.IsUnspecified() && b.IsUnspecified():
		return true
	case b.IsUnspecified():
		return !(b6 && a.Is4In6())
	case a.IsUnspecified():
		return !(a6 && b.Is4In6())
	}
	return a == b
}

// conflictLocked is inet_csk_bind_conflict and udp_lib_lport_inuse: some
// other socket holds port at an address overlapping a, and the two may not
// share it.
//
// Preconditions: Kernel.mu is held.
func (s *sock) conflictLocked(a netip.Addr, port uint16) bool {
	reuse := s.optLocked(sockOpt{SOL_SOCKET, SO_REUSEADDR}) != 0
	reuseport := s.optLocked(sockOpt{SOL_SOCKET, SO_REUSEPORT}) != 0
	for _, o := range s.ns.ports[portKey{s.protocol, port}] {
		if o == s || !overlap(s.family, a, s.in.v6only, o.family, o.in.local.Addr(), o.in.v6only) {
			continue
		}
		if reuse && o.optLocked(sockOpt{SOL_SOCKET, SO_REUSEADDR}) != 0 && (s.protocol == IPPROTO_UDP || o.state != sockListening) {
			continue
		}
		if reuseport && o.optLocked(sockOpt{SOL_SOCKET, SO_REUSEPORT}) != 0 && o.uid == s.uid {
			continue
		}
		return true
	}
	return false
}

// hashLocked gives s port (0: a free ephemeral one) at address a, as
// inet_csk_get_port and udp_lib_get_port. EADDRINUSE when the port is
// held by a socket it may not share with, or no ephemeral port is free.
//
// Preconditions: Kernel.mu is held; s holds no port.
func (s *sock) hashLocked(a netip.Addr, port uint16) abi.Errno {
	ns := s.ns
	if port == 0 {
		const n = LocalPortLast - LocalPortFirst + 1
		for i := range uint32(n) {
			p := uint16(LocalPortFirst + (ns.nextPort+i)%n)
			if len(ns.ports[portKey{s.protocol, p}]) == 0 {
				port = p
				ns.nextPort += i + 1
				break
			}
		}
		if port == 0 {
			return abi.EADDRINUSE
		}
	} else if s.conflictLocked(a, port) {
		return abi.EADDRINUSE
	}
	s.in.local = netip.AddrPortFrom(a, port)
	key := portKey{s.protocol, port}
	ns.ports[key] = append(ns.ports[key], s)
	s.in.hashed = true
	return 0
}

// unhashLocked gives s's port back.
//
// Preconditions: Kernel.mu is held.
func (s *sock) unhashLocked() {
	if !s.in.hashed {
		return
	}
	key := portKey{s.protocol, s.in.local.Port()}
	list := s.ns.ports[key]
	if i := slices.Index(list, s); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.ns.ports, key)
	} else {
		s.ns.ports[key] = list
	}
	s.in.hashed = false
}

// rcvScore is how well socket c, on the destination's port, matches a
// packet to dst (unmapped), as Linux's compute_score: -1 for no match; an
// IPv4 socket before an IPv6 one for IPv4, a bound address before a
// wildcard.
//
// Preconditions: Kernel.mu is held.
func (c *sock) rcvScore(dst netip.Addr) int {
	a := c.in.local.Addr()
	score := 1
	switch {
	case dst.Is4() && c.family == AF_INET:
		score = 2
	case dst.Is4() && (c.in.v6only || !a.Is4In6() && !a.IsUnspecified()):
		return -1
	case dst.Is6() && (c.family != AF_INET6 || a.Is4In6()):
		return -1
	}
	if !isAny(a) {
		if a.Unmap() != dst {
			return -1
		}
		score += 4
	}
	return score
}

// listenerLocked is __inet_lookup_listener: the TCP listener a connection
// to dst (unmapped) reaches, or nil.
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) listenerLocked(dst netip.AddrPort) *sock {
	var best *sock
	bestScore := -1
	for _, c := range ns.ports[portKey{IPPROTO_TCP, dst.Port()}] {
		if c.state != sockListening {
			continue
		}
		if sc := c.rcvScore(dst.Addr()); sc > bestScore {
			best, bestScore = c, sc
		}
	}
	return best
}

// udpReceiverLocked is __udp4_lib_lookup: the socket a datagram from src
// to dst (both unmapped) reaches, or nil. A connected socket takes only
// its peer's datagrams, and before any other; among equals the one bound
// last, as Linux's hash chains put it first.
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) udpReceiverLocked(src, dst netip.AddrPort) *sock {
	var best *sock
	bestScore := -1
	list := ns.ports[portKey{IPPROTO_UDP, dst.Port()}]
	for i := len(list) - 1; i >= 0; i-- {
		c := list[i]
		sc := c.rcvScore(dst.Addr())
		if sc < 0 {
			continue
		}
		if r := c.in.remote; c.state == sockConnected && r.IsValid() {
			if r.Addr().Unmap() != src.Addr() || r.Port() != src.Port() {
				continue
			}
			sc += 8
		}
		if sc > bestScore {
			best, bestScore = c, sc
		}
	}
	return best
}

// bindInet is bind(2) on an Internet socket, with inet_bind's and
// inet6_bind's checks in their order: EINVAL for a short address, a
// socket already bound or connected, an IPv4-mapped address on an
// IPv6-only socket or an IPv6 multicast one on a stream; EAFNOSUPPORT for
// another family (AF_UNSPEC with 0.0.0.0 passes as AF_INET);
// EADDRNOTAVAIL for an address that is not the loopback's (or a wildcard,
// multicast or broadcast one); EACCES for a port below 1024 without
// privilege (CAP_NET_BIND_SERVICE); EADDRINUSE as hashLocked says. Port 0
// takes an ephemeral port.
func (t *Task) bindInet(s *sock, b []byte) abi.Errno {
	priv := t.privileged()
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	bound := s.in.hashed || s.state != sockUnconnected
	var ap netip.AddrPort
	if s.family == AF_INET {
		if len(b) < SizeofSockaddrIn {
			return abi.EINVAL
		}
		fam := binary.LittleEndian.Uint16(b)
		ap = sockaddr4(b)
		switch {
		case fam != AF_INET && (fam != AF_UNSPEC || !ap.Addr().IsUnspecified()):
			return abi.EAFNOSUPPORT
		case !bindable4(ap.Addr()):
			return abi.EADDRNOTAVAIL
		case ap.Port() != 0 && ap.Port() < unprivPortStart && !priv:
			return abi.EACCES
		case bound:
			return abi.EINVAL
		}
	} else {
		if len(b) < sin6LenRFC2133 {
			return abi.EINVAL
		}
		if binary.LittleEndian.Uint16(b) != AF_INET6 {
			return abi.EAFNOSUPPORT
		}
		ap = sockaddr6(b)
		a := ap.Addr()
		switch {
		case a.IsMulticast() && s.typ == SOCK_STREAM:
			return abi.EINVAL
		case ap.Port() != 0 && ap.Port() < unprivPortStart && !priv:
			return abi.EACCES
		case bound:
			return abi.EINVAL
		case a.Is4In6() && s.in.v6only:
			return abi.EINVAL
		case a.Is4In6() && !bindable4(a.Unmap()):
			return abi.EADDRNOTAVAIL
		case !a.Is4In6() && !a.IsUnspecified() && a != loopback6 && !a.IsMulticast():
			return abi.EADDRNOTAVAIL
		}
	}
	if err := s.hashLocked(ap.Addr(), ap.Port()); err != 0 {
		return err
	}
	s.in.addrLock = !isAny(ap.Addr())
	s.in.portLock = ap.Port() != 0
	return 0
}

// connectDestLocked decodes the address connect(2) gives Internet socket
// s, as tcp_v4_connect, tcp_v6_connect, __ip4_datagram_connect and
// ip6_datagram_connect read it: EINVAL for a short one, EAFNOSUPPORT for
// another family (an IPv6 UDP socket takes a sockaddr_in too, unless
// IPv6-only); an IPv4-mapped address on an IPv6-only socket, like any
// address off the loopback, has no route (ENETUNREACH). The result is
// unmapped, a wildcard made the loopback.
//
// Preconditions: Kernel.mu is held; len(b) >= 2.
func (s *sock) connectDestLocked(b []byte) (netip.AddrPort, abi.Errno) {
	fam := binary.LittleEndian.Uint16(b)
	if s.family == AF_INET || fam == AF_INET && s.protocol == IPPROTO_UDP {
		switch {
		case s.in.v6only:
			return netip.AddrPort{}, abi.EAFNOSUPPORT
		case len(b) < SizeofSockaddrIn:
			return netip.AddrPort{}, abi.EINVAL
		case fam != AF_INET:
			return netip.AddrPort{}, abi.EAFNOSUPPORT
		}
		return routeTo(sockaddr4(b))
	}
	switch {
	case len(b) < sin6LenRFC2133:
		return netip.AddrPort{}, abi.EINVAL
	case fam != AF_INET6:
		return netip.AddrPort{}, abi.EAFNOSUPPORT
	}
	return s.routeTo6Locked(sockaddr6(b))
}

// sendDestLocked decodes the address sendto(2) gives UDP socket s, as
// udp_sendmsg and udpv6_sendmsg read it: EINVAL for a short one or port
// 0; an IPv4 socket takes AF_INET and AF_UNSPEC (else EAFNOSUPPORT), an
// IPv6 one AF_INET6, AF_INET and AF_UNSPEC (else EINVAL), where AF_UNSPEC
// means no address (none). IPv4 from an IPv6-only socket, or off the
// loopback, has no route (ENETUNREACH).
//
// Preconditions: Kernel.mu is held.
func (s *sock) sendDestLocked(to []byte) (dst netip.AddrPort, none bool, err abi.Errno) {
	var fam uint16
	if len(to) >= 2 {
		fam = binary.LittleEndian.Uint16(to)
	}
	v4 := s.family == AF_INET
	if !v4 {
		switch {
		case len(to) < 2:
			return dst, false, abi.EINVAL
		case fam == AF_UNSPEC:
			return dst, true, 0
		case fam == AF_INET && s.in.v6only:
			return dst, false, abi.ENETUNREACH
		case fam == AF_INET:
			v4 = true
		case fam != AF_INET6:
			return dst, false, abi.EINVAL
		case len(to) < sin6LenRFC2133:
			return dst, false, abi.EINVAL
		}
	}
	if v4 {
		switch {
		case len(to) < SizeofSockaddrIn:
			return dst, false, abi.EINVAL
		case fam != AF_INET && fam != AF_UNSPEC:
			return dst, false, abi.EAFNOSUPPORT
		}
		dst = sockaddr4(to)
	} else {
		dst = sockaddr6(to)
		if dst.Addr().Is4In6() && s.in.v6only {
			return dst, false, abi.ENETUNREACH
		}
	}
	if dst.Port() == 0 {
		return dst, false, abi.EINVAL
	}
	if !v4 {
		dst, err = s.routeTo6Locked(dst)
		return dst, false, err
	}
	dst, err = routeTo(dst)
	return dst, false, err
}

// routeTo is route for an address and port.
func routeTo(ap netip.AddrPort) (netip.AddrPort, abi.Errno) {
	d, err := route(ap.Addr().Unmap())
	return netip.AddrPortFrom(d, ap.Port()), err
}

// routeTo6Locked routes an IPv6 destination of s: :: is the loopback of
// s's kind (IPv4 for a socket bound to an IPv4-mapped address), and an
// IPv4-mapped address on an IPv6-only socket has no route.
//
// Preconditions: Kernel.mu is held.
func (s *sock) routeTo6Locked(ap netip.AddrPort) (netip.AddrPort, abi.Errno) {
	a := ap.Addr()
	switch {
	case a.IsUnspecified() && s.in.local.Addr().Is4In6():
		return netip.AddrPortFrom(loopback4, ap.Port()), 0
	case a.Is4In6() && s.in.v6only:
		return ap, abi.ENETUNREACH
	}
	return routeTo(ap)
}

// connectSourceLocked gives s, about to reach dst (unmapped), its local
// address: an ephemeral port if it holds none (noPort when none is free),
// and the source address when it is bound to a wildcard.
//
// Preconditions: Kernel.mu is held.
func (s *sock) connectSourceLocked(dst netip.Addr, noPort abi.Errno) abi.Errno {
	src := inFamily(s.family, s.source(dst))
	if !s.in.hashed {
		if s.hashLocked(src, 0) != 0 {
			return noPort
		}
	} else if isAny(s.in.local.Addr()) {
		s.in.local = netip.AddrPortFrom(src, s.in.local.Port())
	}
	return 0
}

// connectInet is connect(2) on an Internet socket: EINVAL without a
// family; AF_UNSPEC disconnects (disconnectInetLocked); TCP connects as
// connectTCPLocked says, UDP as connectUDPLocked.
func (t *Task) connectInet(s *sock, f *vfs.File, addr []byte) abi.Errno {
	if len(addr) < 2 {
		return abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if binary.LittleEndian.Uint16(addr) == AF_UNSPEC {
		s.disconnectInetLocked()
		return 0
	}
	if s.protocol == IPPROTO_UDP {
		return s.connectUDPLocked(addr)
	}
	return t.connectTCPLocked(s, f, addr)
}

// connectTCPLocked is __inet_stream_connect. An unconnected socket takes
// an ephemeral port and connects: at once to a listener with room (0, or
// EINPROGRESS for a non-blocking socket, whose next connect says 0); to a
// full listener's backlog it waits, or says EINPROGRESS and waits in the
// background; with no listener it is refused (ECONNREFUSED, or EINPROGRESS
// and the error in SO_ERROR). A socket connected, or listening, is
// EISCONN; one still connecting EALREADY, or, blocking, it waits. A wait
// that times out (SO_SNDTIMEO) says EINPROGRESS.
//
// Preconditions: Kernel.mu is held.
func (t *Task) connectTCPLocked(s *sock, f *vfs.File, addr []byte) abi.Errno {
	var err abi.Errno
	switch {
	case s.in.ss == ssConnected:
		return abi.EISCONN
	case s.in.ss == ssConnecting:
		err = abi.EALREADY
	case s.state != sockUnconnected:
		return abi.EISCONN
	default:
		dst, derr := s.connectDestLocked(addr)
		if derr != 0 {
			return derr
		}
		if derr := s.connectSourceLocked(dst.Addr(), abi.EADDRNOTAVAIL); derr != 0 {
			return derr
		}
		s.in.remote = netip.AddrPortFrom(inFamily(s.family, dst.Addr()), dst.Port())
		s.in.ss = ssConnecting
		s.shutdown, s.in.fin = 0, false
		s.state = sockConnecting
		t.synLocked(s, dst)
		err = abi.EINPROGRESS
	}
	if s.state == sockConnecting {
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return err
		}
		timeo := s.sndtimeo
		deadline := s.deadline(timeo)
		for s.state == sockConnecting {
			switch o := t.sleepLocked(&s.wq, deadline); o {
			case timedOut:
				return err
			case interrupted, signalled:
				return waitErr(o, timeo)
			}
		}
	} else if err == abi.EINPROGRESS && f.Flags()&abi.O_NONBLOCK != 0 {
		return err // done, but Linux's handshake completes after connect returns
	}
	if s.state == sockUnconnected { // refused or reset
		e := s.takeErrLocked()
		if e == 0 {
			e = abi.ECONNABORTED
		}
		s.tcpDisconnectLocked()
		s.in.ss = ssUnconnected
		return e
	}
	s.in.ss = ssConnected
	return 0
}

// synLocked sends connecting socket s's SYN to dst (unmapped): a listener
// with room accepts it at once, a full one keeps it waiting, and without
// a listener it is refused.
//
// Preconditions: Kernel.mu is held.
func (t *Task) synLocked(s *sock, dst netip.AddrPort) {
	l := s.ns.listenerLocked(dst)
	switch {
	case l == nil || l.shutdown&rcvShutdown != 0:
		s.resetLocked()
	case l.recvqFullLocked():
		s.in.synWait = l
		l.in.synq = append(l.in.synq, s)
	default:
		t.establishLocked(s, l)
	}
}

// synAcceptLocked lets the connects waiting on listener l in while its
// backlog has room.
//
// Preconditions: Kernel.mu is held.
func (t *Task) synAcceptLocked(l *sock) {
	for len(l.in.synq) > 0 && !l.recvqFullLocked() {
		c := l.in.synq[0]
		l.in.synq = slices.Delete(l.in.synq, 0, 1)
		c.in.synWait = nil
		t.establishLocked(c, l)
	}
}

// establishLocked connects c to listener l: the server's half, an embryo
// with l's options (Linux's sk_clone_lock copies them) that holds l's
// port, waits on l to be accepted.
//
// Preconditions: Kernel.mu is held.
func (t *Task) establishLocked(c, l *sock) {
	k := t.k
	e := t.newSocketLocked(l.family, SOCK_STREAM, IPPROTO_TCP)
	dst := c.in.remote
	e.in.local = netip.AddrPortFrom(inFamily(l.family, dst.Addr()), dst.Port())
	e.in.remote = netip.AddrPortFrom(inFamily(l.family, c.in.local.Addr()), c.in.local.Port())
	key := portKey{IPPROTO_TCP, dst.Port()}
	e.ns.ports[key] = append(e.ns.ports[key], e)
	e.in.hashed, e.in.v6only, e.in.ss = true, l.in.v6only, ssConnected
	e.opts, e.linger = maps.Clone(l.opts), l.linger
	e.sndbuf, e.rcvbuf, e.rcvtimeo, e.sndtimeo = l.sndbuf, l.rcvbuf, l.rcvtimeo, l.sndtimeo
	e.state, c.state = sockConnected, sockConnected
	e.peer, c.peer = c, e
	l.acceptq = append(l.acceptq, e)
	k.wakeAllLocked(&l.rq)
	k.notifyLocked(l)
	c.wakeLocked()
}

// resetLocked is tcp_reset: a reset arrived. A connecting socket is
// refused (ECONNREFUSED), one whose peer had finished sending gets EPIPE,
// any other ECONNRESET; then it is closed (tcpDoneLocked).
//
// Preconditions: Kernel.mu is held.
func (s *sock) resetLocked() {
	switch {
	case s.state == sockUnconnected:
		return
	case s.state == sockConnecting:
		s.err = abi.ECONNREFUSED
	case s.in.fin:
		s.err = abi.EPIPE
	default:
		s.err = abi.ECONNRESET
	}
	s.tcpDoneLocked()
}

// tcpDoneLocked is tcp_done: the connection is over, both directions shut,
// and the port given back unless bind chose it.
//
// Preconditions: Kernel.mu is held.
func (s *sock) tcpDoneLocked() {
	if l := s.in.synWait; l != nil {
		if i := slices.Index(l.in.synq, s); i >= 0 {
			l.in.synq = slices.Delete(l.in.synq, i, i+1)
		}
		s.in.synWait = nil
	}
	s.state = sockUnconnected
	s.shutdown = shutdownMask
	s.peer = nil
	if !s.in.portLock {
		s.unhashLocked()
	}
	s.wakeLocked()
}

// finLocked is tcp_fin: the peer sends no more, so reads end.
//
// Preconditions: Kernel.mu is held.
func (s *sock) finLocked() {
	if s.state != sockConnected {
		return
	}
	s.in.fin = true
	s.shutdown |= rcvShutdown
	s.wakeLocked()
}

// stopListeningLocked is inet_csk_listen_stop: the connections waiting to
// be accepted are reset, the connects waiting for room refused.
//
// Preconditions: Kernel.mu is held.
func (s *sock) stopListeningLocked() {
	for _, e := range s.acceptq {
		e.releaseLocked(true, nil) // TCP messages carry no descriptors
	}
	s.acceptq = nil
	for len(s.in.synq) > 0 {
		s.in.synq[0].resetLocked()
	}
	s.state = sockUnconnected
	s.wakeLocked()
}

// tcpDisconnectLocked is tcp_disconnect: a listener stops, a connection
// is reset (ECONNRESET here and at the peer), what was queued is dropped,
// and the socket may connect or listen again, its address and port given
// back unless bind chose them.
//
// Preconditions: Kernel.mu is held.
func (s *sock) tcpDisconnectLocked() {
	switch s.state {
	case sockListening:
		s.stopListeningLocked()
	case sockConnecting:
		s.tcpDoneLocked()
		s.err = abi.ECONNRESET
	case sockConnected:
		if p := s.peer; p != nil && !p.dead {
			p.resetLocked()
		}
		s.tcpDoneLocked()
		s.err = abi.ECONNRESET
	}
	s.purgeLocked(nil) // TCP messages carry no descriptors
	s.state, s.shutdown, s.in.fin = sockUnconnected, 0, false
	s.in.remote = netip.AddrPort{}
	if !s.in.addrLock {
		s.in.local = netip.AddrPortFrom(anyAddr(s.family), s.in.local.Port())
	}
	if !s.in.portLock {
		s.unhashLocked()
	}
	s.wakeLocked()
}

// disconnectInetLocked is connect(2) with AF_UNSPEC: a TCP socket
// disconnects (tcpDisconnectLocked); a UDP socket forgets its peer and
// gives back the address and port it took for it (__udp_disconnect).
//
// Preconditions: Kernel.mu is held.
func (s *sock) disconnectInetLocked() {
	if s.protocol == IPPROTO_TCP {
		s.tcpDisconnectLocked()
		s.in.ss = ssUnconnected
		return
	}
	s.state = sockUnconnected
	s.in.remote = netip.AddrPort{}
	a, port := s.in.local.Addr(), s.in.local.Port()
	if !s.in.addrLock {
		a = anyAddr(s.family)
	}
	if !s.in.portLock {
		s.unhashLocked()
		port = 0
	}
	s.in.local = netip.AddrPortFrom(a, port)
	s.k.notifyLocked(s)
}

// connectUDPLocked is inet_dgram_connect: the socket takes an ephemeral
// port first (EAGAIN when none is free), then its peer, to which sends go
// by default and from which alone it receives; a UDP peer need not exist.
//
// Preconditions: Kernel.mu is held.
func (s *sock) connectUDPLocked(addr []byte) abi.Errno {
	if !s.in.hashed && s.hashLocked(s.in.local.Addr(), 0) != 0 {
		return abi.EAGAIN
	}
	dst, err := s.connectDestLocked(addr)
	if err != 0 {
		return err
	}
	s.connectSourceLocked(dst.Addr(), abi.EAGAIN) // it holds a port: this cannot fail
	s.in.remote = netip.AddrPortFrom(inFamily(s.family, dst.Addr()), dst.Port())
	s.state = sockConnected
	s.k.notifyLocked(s)
	return 0
}

// listenInet is inet_listen: EINVAL for a socket connected or connecting;
// an unbound one takes an ephemeral port, a bound one checks its port
// again now that it listens (EADDRINUSE). Listening again changes the
// backlog only.
func (t *Task) listenInet(s *sock, backlog int32) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if s.in.ss != ssUnconnected || s.state != sockUnconnected && s.state != sockListening {
		return abi.EINVAL
	}
	if s.state != sockListening {
		if !s.in.hashed {
			if s.hashLocked(s.in.local.Addr(), 0) != 0 {
				return abi.EADDRINUSE
			}
		} else if s.conflictLocked(s.in.local.Addr(), s.in.local.Port()) {
			return abi.EADDRINUSE
		}
		s.state = sockListening
	}
	s.backlog = int(backlog)
	if uint32(backlog) > somaxconn {
		s.backlog = somaxconn
	}
	t.synAcceptLocked(s)
	k.notifyLocked(s)
	return 0
}

// shutdownInetLocked is inet_shutdown with mode's sk_shutdown bits. A
// socket not connected is ENOTCONN, with the bits set all the same; a
// listener shut for reading stops listening, and a connecting socket gives
// up (both as tcp_disconnect). A TCP connection shut for writing sends its
// FIN: the peer reads end of file. Shutting for reading tells the peer
// nothing: what it sends still arrives and is read.
//
// Preconditions: Kernel.mu is held.
func (s *sock) shutdownInetLocked(mode uint8) abi.Errno {
	if s.in.ss == ssConnecting && s.state == sockConnected {
		s.in.ss = ssConnected
	}
	var err abi.Errno
	switch s.state {
	case sockListening:
		if mode&rcvShutdown != 0 {
			s.tcpDisconnectLocked()
			s.in.ss = ssUnconnected
		}
	case sockConnecting:
		s.tcpDisconnectLocked()
		s.in.ss = ssUnconnected
	case sockUnconnected:
		err = abi.ENOTCONN
		s.shutdown |= mode
	default:
		s.shutdown |= mode
		if p := s.peer; p != nil && !p.dead && s.protocol == IPPROTO_TCP && mode&sendShutdown != 0 {
			p.finLocked()
		}
	}
	s.wakeLocked()
	return err
}

// releaseInetLocked closes an Internet socket (tcp_close, udp_lib_close):
// a listener's waiting connections are reset; a connection ends with a
// reset when data was left unread, when it was never accepted, or with
// SO_LINGER of zero seconds, else with a FIN; the port is given back.
//
// Preconditions: Kernel.mu is held.
func (s *sock) releaseInetLocked(embryo bool, drop []*vfs.File) []*vfs.File {
	if s.protocol == IPPROTO_TCP {
		switch s.state {
		case sockListening:
			s.stopListeningLocked()
		case sockConnecting:
			s.tcpDoneLocked()
		case sockConnected:
			if p := s.peer; p != nil && !p.dead {
				if len(s.recvq) > 0 || embryo || s.linger.on && s.linger.secs == 0 {
					p.resetLocked()
				} else {
					p.finLocked()
				}
			}
		}
	}
	s.unhashLocked()
	s.k.wakeAllLocked(&s.peerWait)
	return s.purgeLocked(drop)
}

// tcpSendLimitLocked is how much a TCP socket may have sent and not yet
// read: its send buffer, and the peer's receive buffer (its window).
//
// Preconditions: Kernel.mu is held.
func (s *sock) tcpSendLimitLocked() int {
	n := s.sndbuf
	if p := s.peer; p != nil {
		n += p.rcvbuf
	}
	return n
}

// sendTCP is tcp_sendmsg: it waits for a connect under way (EAGAIN if
// non-blocking), then sends the data to the peer in pieces, waiting for
// room. A socket not connected, or shut for writing, is EPIPE with
// SIGPIPE (not with MSG_NOSIGNAL), after a pending error (ECONNRESET)
// reported once; once something is sent the call returns what was sent.
// Data to a peer that is closed, or shut both ways, is taken and answered
// with a reset (tcp_rcv_state_process in FIN_WAIT). The destination
// address of sendto is ignored, as Linux's TCP ignores it.
func (t *Task) sendTCP(s *sock, data []byte, flags uint32) (int, abi.Errno) {
	if flags&MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	timeo := s.sndtimeo
	deadline := s.deadline(timeo)
	for s.state == sockConnecting { // sk_stream_wait_connect
		if flags&MSG_DONTWAIT != 0 {
			return 0, abi.EAGAIN
		}
		if err := waitErr(t.sleepLocked(&s.wq, deadline), timeo); err != 0 {
			return 0, err
		}
	}
	sent := 0
	for {
		if s.err != 0 || s.shutdown&sendShutdown != 0 || s.state != sockConnected {
			if sent > 0 {
				return sent, 0
			}
			if err := s.takeErrLocked(); err != 0 {
				return 0, err
			}
			return t.pipeErrLocked(0, flags)
		}
		if sent == len(data) {
			return sent, 0
		}
		other := s.peer
		if other.dead || other.shutdown == shutdownMask {
			// The peer is closed, or shut both ways (FIN_WAIT with
			// RCV_SHUTDOWN): it takes no data and resets both ends.
			sent = len(data)
			if !other.dead {
				other.resetLocked()
			}
			s.resetLocked()
			continue
		}
		if s.wmem >= s.tcpSendLimitLocked() {
			if flags&MSG_DONTWAIT != 0 {
				return sentOr(sent, abi.EAGAIN)
			}
			if err := waitErr(t.sleepLocked(&s.wq, deadline), timeo); err != 0 {
				return sentOr(sent, err)
			}
			continue
		}
		size := min(len(data)-sent, streamSkbMax)
		other.enqueueLocked(t, &sockMsg{data: slices.Clone(data[sent : sent+size]), from: s, size: truesize(size, true)})
		sent += size
	}
}

// sendUDP is udp_sendmsg and udpv6_sendmsg: the socket takes an ephemeral
// port if it has none (EAGAIN when none is free), and the datagram goes
// to the address given (sendDestLocked; to is nil for none, empty for an
// address of length 0), or to the peer (EDESTADDRREQ without one).
// EMSGSIZE beyond what one IP packet holds; then a pending error
// (ECONNREFUSED) is reported; EPIPE, without SIGPIPE, once shut for
// writing. The datagram is delivered at once (deliverUDPLocked).
func (t *Task) sendUDP(s *sock, data, to []byte, flags uint32) (int, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if !s.in.hashed && s.hashLocked(s.in.local.Addr(), 0) != 0 {
		return 0, abi.EAGAIN
	}
	if flags&MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	var dst netip.AddrPort
	none := to == nil
	if !none {
		var err abi.Errno
		if dst, none, err = s.sendDestLocked(to); err != 0 {
			return 0, err
		}
	}
	if none {
		if s.state != sockConnected {
			return 0, abi.EDESTADDRREQ
		}
		dst = netip.AddrPortFrom(s.in.remote.Addr().Unmap(), s.in.remote.Port())
	}
	switch {
	case len(data) > udpMaxPayload6 || dst.Addr().Is4() && len(data) > udpMaxPayload4:
		return 0, abi.EMSGSIZE
	case s.err != 0:
		return 0, s.takeErrLocked() // sock_alloc_send_pskb: a pending error first
	case s.shutdown&sendShutdown != 0:
		return 0, abi.EPIPE
	}
	s.deliverUDPLocked(data, dst)
	return len(data), 0
}

// deliverUDPLocked hands a datagram from s to dst (unmapped) to the socket
// bound there (udpReceiverLocked), or drops it when that socket's receive
// buffer is full, as __udp_enqueue_schedule_skb. When nobody holds the
// port, a connected s learns ECONNREFUSED (the ICMP port unreachable of
// Linux's loopback arrives before sendto returns).
//
// Preconditions: Kernel.mu is held.
func (s *sock) deliverUDPLocked(data []byte, dst netip.AddrPort) {
	src := netip.AddrPortFrom(s.source(dst.Addr()), s.in.local.Port())
	r := s.ns.udpReceiverLocked(src, dst)
	switch {
	case r == nil:
		if s.state == sockConnected {
			s.err = abi.ECONNREFUSED
			s.wakeLocked()
		}
	case r.in.rmem > r.rcvbuf:
		// dropped: the receive buffer is full
	default:
		m := &sockMsg{data: slices.Clone(data), src: MarshalInet(r.family, src), size: truesize(len(data), false)}
		r.in.rmem += m.size
		r.recvq = append(r.recvq, m)
		r.k.wakeAllLocked(&r.rq)
		r.k.notifyLocked(r)
	}
}

// tcpReadyLocked is tcp_poll: a listener is readable with a connection to
// accept; a closed socket (never connected, refused, reset) hangs up; the
// peer's FIN makes it readable (EPOLLRDHUP); while connecting it is
// neither readable nor writable; writable while a third of the send room
// is free, or once shut for writing (the write then fails at once).
//
// Preconditions: Kernel.mu is held.
func (s *sock) tcpReadyLocked() uint32 {
	if s.state == sockListening {
		if len(s.acceptq) > 0 {
			return abi.EPOLLIN | abi.EPOLLRDNORM
		}
		return 0
	}
	var r uint32
	if s.shutdown == shutdownMask || s.state == sockUnconnected {
		r |= abi.EPOLLHUP
	}
	if s.shutdown&rcvShutdown != 0 {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM | abi.EPOLLRDHUP
	}
	if s.state != sockConnecting {
		if len(s.recvq) > 0 {
			r |= abi.EPOLLIN | abi.EPOLLRDNORM
		}
		if limit := s.tcpSendLimitLocked(); s.shutdown&sendShutdown != 0 || limit-s.wmem >= s.wmem/2 {
			r |= abi.EPOLLOUT | abi.EPOLLWRNORM
		}
	}
	if s.err != 0 {
		r |= abi.EPOLLERR
	}
	return r
}

// udpReadyLocked is udp_poll (datagram_poll): readable with a datagram
// queued or once shut for reading; always writable, as the loopback frees
// what a send charged at once.
//
// Preconditions: Kernel.mu is held.
func (s *sock) udpReadyLocked() uint32 {
	r := uint32(abi.EPOLLOUT | abi.EPOLLWRNORM | EPOLLWRBAND)
	if s.err != 0 {
		r |= abi.EPOLLERR
	}
	if s.shutdown&rcvShutdown != 0 {
		r |= abi.EPOLLRDHUP | abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if s.shutdown == shutdownMask {
		r |= abi.EPOLLHUP
	}
	if len(s.recvq) > 0 {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM
	}
	return r
}

// checkInetControl checks the control messages of a send on an Internet
// socket as __sock_cmsg_send: EINVAL for a malformed header or one of
// level SOL_SOCKET but SCM_RIGHTS and SCM_CREDENTIALS, which Linux takes
// and ignores ("semantically in SOL_UNIX"); vessel has none of SO_MARK,
// SO_TIMESTAMPING or SCM_TXTIME. Those of other levels (IP_TTL,
// IP_PKTINFO, ...) are ignored.
func checkInetControl(b []byte) abi.Errno {
	for off := 0; len(b)-off >= SizeofCmsghdr; {
		h := b[off:]
		clen := binary.LittleEndian.Uint64(h)
		if clen < SizeofCmsghdr || clen > uint64(len(b)-off) {
			return abi.EINVAL
		}
		level, typ := int32(binary.LittleEndian.Uint32(h[8:])), int32(binary.LittleEndian.Uint32(h[12:]))
		if level == SOL_SOCKET && typ != SCM_RIGHTS && typ != SCM_CREDENTIALS {
			return abi.EINVAL
		}
		next := off + cmsgAlign(int(clen))
		if next <= off || next > len(b) {
			break
		}
		off = next
	}
	return 0
}
