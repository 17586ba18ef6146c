package kernel

import (
	"encoding/binary"

	"vessel/internal/abi"
)

// The socket ABI of the generic Linux headers (linux/socket.h,
// asm-generic/socket.h, linux/net.h, linux/un.h), which riscv64 uses. They
// are not yet in package abi; they move there with the next regeneration.
const (
	AF_UNSPEC = 0
	AF_UNIX   = 1
	AF_INET   = 2
	AF_INET6  = 10
	AF_MAX    = 46 // NPROTO: families at or above it are EAFNOSUPPORT before any lookup

	SOCK_STREAM    = 1
	SOCK_DGRAM     = 2
	SOCK_RAW       = 3
	SOCK_RDM       = 4
	SOCK_SEQPACKET = 5
	SOCK_PACKET    = 10 // AF_INET's obsolete packet socket: Linux makes it AF_PACKET
	SOCK_MAX       = 11 // types at or above it are EINVAL
	SOCK_TYPE_MASK = 0xf
	SOCK_NONBLOCK  = abi.O_NONBLOCK
	SOCK_CLOEXEC   = abi.O_CLOEXEC

	SOL_SOCKET = 1

	SO_REUSEADDR    = 2
	SO_TYPE         = 3
	SO_ERROR        = 4
	SO_DONTROUTE    = 5
	SO_BROADCAST    = 6
	SO_SNDBUF       = 7
	SO_RCVBUF       = 8
	SO_KEEPALIVE    = 9
	SO_OOBINLINE    = 10
	SO_LINGER       = 13
	SO_REUSEPORT    = 15
	SO_PASSCRED     = 16
	SO_PEERCRED     = 17
	SO_RCVTIMEO     = 20 // SO_RCVTIMEO_OLD: a 64-bit struct timeval on riscv64
	SO_SNDTIMEO     = 21
	SO_ACCEPTCONN   = 30
	SO_SNDBUFFORCE  = 32
	SO_RCVBUFFORCE  = 33
	SO_PROTOCOL     = 38
	SO_DOMAIN       = 39
	SO_RCVTIMEO_NEW = 66 // struct __kernel_sock_timeval: the same layout on riscv64
	SO_SNDTIMEO_NEW = 67

	SCM_RIGHTS      = 1
	SCM_CREDENTIALS = 2

	MSG_OOB          = 0x1
	MSG_PEEK         = 0x2
	MSG_CTRUNC       = 0x8
	MSG_TRUNC        = 0x20
	MSG_DONTWAIT     = 0x40
	MSG_EOR          = 0x80
	MSG_WAITALL      = 0x100
	MSG_ERRQUEUE     = 0x2000
	MSG_NOSIGNAL     = 0x4000
	MSG_WAITFORONE   = 0x10000
	MSG_CMSG_CLOEXEC = 0x40000000

	SHUT_RD   = 0
	SHUT_WR   = 1
	SHUT_RDWR = 2

	SizeofSockaddrUn      = 110 // sa_family_t + char sun_path[108]
	SizeofSockaddrIn      = 16  // {sa_family_t; in_port_t; struct in_addr; unsigned char sin_zero[8]}
	SizeofSockaddrIn6     = 28  // {sa_family_t; in_port_t; uint32_t flowinfo; struct in6_addr; uint32_t scope_id}
	SizeofLinger          = 8   // {int l_onoff; int l_linger}
	SizeofSockaddrStorage = 128 // the most any sockaddr argument may be
	SizeofCmsghdr         = 16  // {size_t cmsg_len; int cmsg_level; int cmsg_type}
	SizeofUcred           = 12  // {pid_t pid; uid_t uid; gid_t gid}
	SizeofMsghdr          = 56  // struct msghdr on LP64
	SizeofMmsghdr         = 64  // struct mmsghdr: a msghdr and unsigned msg_len, padded

	SIOCINQ  = abi.FIONREAD
	SIOCOUTQ = 0x5411 // TIOCOUTQ

	EPOLLWRBAND = 0x200

	scmMaxFD = 253 // SCM_MAX_FD: descriptors one message may carry
)

// The Internet protocols and their option levels and names (linux/in.h,
// linux/in6.h, linux/tcp.h).
const (
	IPPROTO_IP     = 0
	IPPROTO_ICMP   = 1
	IPPROTO_TCP    = 6
	IPPROTO_UDP    = 17
	IPPROTO_IPV6   = 41
	IPPROTO_ICMPV6 = 58
	IPPROTO_MAX    = 263 // protocols at or above it (and negative ones) are EINVAL

	IP_TOS            = 1
	IP_TTL            = 2
	IP_MULTICAST_TTL  = 33
	IP_MULTICAST_LOOP = 34

	IPV6_UNICAST_HOPS   = 16
	IPV6_MULTICAST_HOPS = 18
	IPV6_MULTICAST_LOOP = 19
	IPV6_V6ONLY         = 26
	IPV6_TCLASS         = 67

	TCP_NODELAY      = 1
	TCP_KEEPIDLE     = 4
	TCP_KEEPINTVL    = 5
	TCP_KEEPCNT      = 6
	TCP_SYNCNT       = 7
	TCP_USER_TIMEOUT = 18

	sin6LenRFC2133 = 24 // SIN6_LEN_RFC2133: a sockaddr_in6 without sin6_scope_id, the least bind and connect take
)

// sunPathOff is offsetof(struct sockaddr_un, sun_path): the family's size.
const sunPathOff = 2

// UnixAddr is a Unix socket's name (unix(7)): unnamed (the zero value), a
// path in the filesystem, or a name in the abstract namespace.
type UnixAddr struct {
	Name     string // the path, or the abstract name without its leading NUL
	Abstract bool
}

// DecodeUnixAddr reads a struct sockaddr_un of len(b) bytes as bind(2) and
// connect(2) get it: EINVAL for a family other than AF_UNIX, for fewer
// bytes than the family or more than sockaddr_un holds (Linux's
// unix_validate_addr). A path ends at its first NUL (unix_mkname_bsd); an
// abstract name (a leading NUL) is every byte after it. Just the family
// (len 2) decodes as the zero value, which bind takes as autobind.
func DecodeUnixAddr(b []byte) (UnixAddr, abi.Errno) {
	if len(b) < sunPathOff || len(b) > SizeofSockaddrUn || binary.LittleEndian.Uint16(b) != AF_UNIX {
		return UnixAddr{}, abi.EINVAL
	}
	p := b[sunPathOff:]
	switch {
	case len(p) == 0:
		return UnixAddr{}, 0
	case p[0] == 0:
		return UnixAddr{Name: string(p[1:]), Abstract: true}, 0
	}
	for i, c := range p {
		if c == 0 {
			p = p[:i]
			break
		}
	}
	return UnixAddr{Name: string(p)}, 0
}

// Unnamed reports whether a is the zero address.
func (a UnixAddr) Unnamed() bool { return a.Name == "" && !a.Abstract }

// Marshal returns a as the struct sockaddr_un getsockname(2) gives, of the
// length Linux records for it: the family alone when unnamed; the family, the
// path and its NUL; or the family, the NUL and the abstract name.
func (a UnixAddr) Marshal() []byte {
	b := make([]byte, sunPathOff, sunPathOff+1+len(a.Name))
	binary.LittleEndian.PutUint16(b, AF_UNIX)
	switch {
	case a.Abstract:
		b = append(b, 0)
		b = append(b, a.Name...)
	case a.Name != "":
		b = append(b, a.Name...)
		b = append(b, 0)
	}
	return b
}

// Ucred is struct ucred: the credentials of SO_PEERCRED and
// SCM_CREDENTIALS.
type Ucred struct {
	Pid      int32
	UID, GID uint32
}

// noUcred is what SO_PEERCRED reports for a socket that has no peer
// credentials: pid 0 and ids of -1.
var noUcred = Ucred{UID: ^uint32(0), GID: ^uint32(0)}

// overflowID is the id SCM_CREDENTIALS shows for a message that carried
// none (the kernel's overflowuid and overflowgid).
const overflowID = 65534

func (u Ucred) marshal() []byte {
	var b [SizeofUcred]byte
	binary.LittleEndian.PutUint32(b[0:], uint32(u.Pid))
	binary.LittleEndian.PutUint32(b[4:], u.UID)
	binary.LittleEndian.PutUint32(b[8:], u.GID)
	return b[:]
}

// cmsgAlign is CMSG_ALIGN: control messages are aligned to 8 bytes.
func cmsgAlign(n int) int { return (n + 7) &^ 7 }

// cmsgSpace is CMSG_SPACE(n) and cmsgLen CMSG_LEN(n).
func cmsgSpace(n int) int { return SizeofCmsghdr + cmsgAlign(n) }
func cmsgLen(n int) int   { return SizeofCmsghdr + n }
