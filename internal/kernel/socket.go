package kernel

import (
	"encoding/binary"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Sockets, implemented by vessel between guest processes: Unix domain
// sockets (unix(7); Linux's net/unix/af_unix.c is the specification) and
// Internet sockets over vessel's one network interface, the loopback
// (socket_inet.go). The other address families are EAFNOSUPPORT.
//
// A socket is a sock behind a stream File. Stream sockets carry bytes that
// reads merge; datagram and seqpacket sockets carry messages whose
// boundaries reads keep. Every message (sockMsg) sits in its receiver's
// queue and is charged to its sender's send buffer (Linux's sk_wmem_alloc)
// until it is read, so a fast sender waits for a slow reader. A connection
// is two sockets pointing at each other: socketpair makes both; connect
// makes the server's half (an embryo, with no File) and queues it on the
// listener, where accept gives it a File. A loopback TCP connection is
// such a pair of stream sockets, with Internet addresses; a UDP datagram
// is a message charged to its receiver, as Linux charges it once the
// loopback device has taken it.
//
// Everything is guarded by Kernel.mu, and tasks wait on the sockets' wait
// queues as on a pipe's: receivers and acceptors on rq, senders for room
// in their own send buffer (and TCP connectors) on wq, senders to a full
// datagram queue and Unix connectors to a full backlog on the receiver's
// peerWait. Files are never released under Kernel.mu: what a function
// drops it returns, and the caller drops it after unlocking.
//
// Descriptors sent with SCM_RIGHTS ride in the message as File references
// until they are received or the message is dropped. A socket's File can
// ride in its own queue, or two sockets each in the other's; socket_gc.go
// collects such cycles once nothing else reaches them, as Linux's unix_gc.

// Send-buffer and queue defaults, as Linux's sysctls net.core.wmem_default
// and rmem_default, wmem_max and rmem_max, net.core.somaxconn and
// net.unix.max_dgram_qlen.
const (
	wmemDefault  = 212992
	rmemDefault  = 212992
	wmemMax      = 212992
	rmemMax      = 212992
	somaxconn    = 4096
	maxDgramQlen = 10

	sockMinSndbuf = 4608 // SOCK_MIN_SNDBUF: 2 * (2048 + the size of a struct sk_buff)
	sockMinRcvbuf = 2304 // SOCK_MIN_RCVBUF
)

// Somaxconn is net.core.somaxconn, the most connections a listener's
// backlog holds, as /proc/sys/net/core/somaxconn shows it.
const Somaxconn = somaxconn

// sockState is Linux's sk_state.
type sockState uint8

const (
	sockUnconnected sockState = iota // TCP_CLOSE
	sockListening                    // TCP_LISTEN
	sockConnected                    // TCP_ESTABLISHED (and a TCP socket's CLOSE_WAIT, FIN_WAIT, ...)
	sockConnecting                   // TCP_SYN_SENT: a TCP connect waiting for room in a listener's backlog
)

// sk_shutdown bits.
const (
	rcvShutdown  = 1
	sendShutdown = 2
	shutdownMask = rcvShutdown | sendShutdown
)

// sock is one socket. Its fields other than the immutable ones are guarded
// by Kernel.mu.
type sock struct {
	vfs.FileDefaults
	k        *Kernel
	ns       *netNamespace // immutable
	family   int32         // immutable: AF_UNIX, AF_INET or AF_INET6
	typ      int32         // immutable: SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
	protocol int32         // immutable: 0 for AF_UNIX, IPPROTO_TCP or IPPROTO_UDP
	in       *inetSock     // immutable pointer: an Internet socket's addresses and state; nil for AF_UNIX
	ino      uint64        // immutable
	uid, gid uint32        // the filesystem ids of the task that made the File, for fstat; set before it exists

	file     *vfs.File // the socket's File (not a reference); nil for an embryo not yet accepted
	dead     bool      // the File was released
	state    sockState
	addr     *unixName // the name bound, or an accepted socket's listener's name; nil: unnamed
	peer     *sock     // the other end: both ways for a connection, one way for a Unix datagram socket
	senders  []*sock
	recvq    []*sockMsg // messages not yet read, in order
	acceptq  []*sock    // listening: connected embryos waiting for accept
	backlog  int        // sk_max_ack_backlog: listen's backlog, or max_dgram_qlen
	wmem     int        // truesize of this socket's sent messages not yet read
	shutdown uint8
	err      abi.Errno // sk_err: reported once (ECONNRESET)
	passcred bool      // SO_PASSCRED on a Unix socket
	peerCred *Ucred    // SO_PEERCRED: the peer's (or a listener's own) credentials at connect time
	sndbuf   int       // SO_SNDBUF
	rcvbuf   int       // SO_RCVBUF
	rcvtimeo time.Duration
	sndtimeo time.Duration
	opts     map[sockOpt]int32 // the options kept with no further effect here (intOpts), and SO_REUSEADDR and SO_REUSEPORT
	linger   sockLinger        // SO_LINGER
	inflight int               // references to file riding in messages

	rq, wq, peerWait waitQueue
	watching         []*epollFile
}

// unixName is a bound name: a path (with the inode it made) or an abstract
// name.
type unixName struct {
	addr  UnixAddr
	key   vfs.SocketKey // a path's inode
	pin   *vfs.File     // a path's inode held open, so that the host does not reuse its number while bound
	owner *sock         // the socket bound to it
}

// sockMsg is a message in a receive queue. A stream socket's messages are
// the pieces its writes were cut into.
type sockMsg struct {
	data   []byte
	off    int         // stream: the bytes of data already read
	from   *sock       // the sender: its name is the source address, its wmem pays for the message; nil for UDP
	src    []byte      // UDP: the source address as the receiver's recvfrom gives it
	size   int         // what the message costs in from.wmem, or a UDP receiver's rmem (Linux's skb truesize)
	rights []*vfs.File // SCM_RIGHTS: one reference each
	creds  *Ucred      // the credentials attached (SCM_CREDENTIALS or SO_PASSCRED); nil: none
}

// netNamespace is the socket world of one kernel (Linux keeps it per
// network namespace): the bound Unix names, the sockets in flight, and the
// ports Internet sockets hold. Guarded by Kernel.mu.
type netNamespace struct {
	k          *Kernel
	live       map[*sock]struct{} // every socket not yet released
	paths      map[vfs.SocketKey]*sock
	abstract   map[abstractKey]*sock
	autoNext   uint32
	inflight   map[*sock]struct{} // sockets whose File rides in a message
	collecting bool
	ports      map[portKey][]*sock // Internet sockets holding a local port, in the order they took it
	nextPort   uint32              // where the search for an ephemeral port starts
}

// abstractKey names an abstract binding. Linux hashes the type into the
// name, so a stream and a datagram socket may hold the same name.
type abstractKey struct {
	typ  int32
	name string
}

// netNamespaces maps each kernel to its namespace while it has sockets.
// netNSMu is taken under Kernel.mu and nothing is taken under it.
var (
	netNSMu       sync.Mutex
	netNamespaces = map[*Kernel]*netNamespace{}
	sockInodes    atomic.Uint64
)

// netNamespaceLocked returns k's namespace, making it if k has none.
//
// Preconditions: Kernel.mu is held.
func (k *Kernel) netNamespaceLocked() *netNamespace {
	netNSMu.Lock()
	defer netNSMu.Unlock()
	ns := netNamespaces[k]
	if ns == nil {
		ns = &netNamespace{k: k, live: map[*sock]struct{}{}, paths: map[vfs.SocketKey]*sock{},
			abstract: map[abstractKey]*sock{}, inflight: map[*sock]struct{}{}, ports: map[portKey][]*sock{},
			nextPort: k.randomUint32()}
		netNamespaces[k] = ns
	}
	return ns
}

// forgetLocked drops the namespace once its last socket is gone.
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) forgetLocked() {
	if len(ns.live) > 0 {
		return
	}
	netNSMu.Lock()
	if netNamespaces[ns.k] == ns {
		delete(netNamespaces, ns.k)
	}
	netNSMu.Unlock()
}

// sockType checks socket(2)'s arguments in Linux's order (__sys_socket,
// __sock_create, then unix_create or inet_create) and returns the socket
// type, the protocol and the SOCK_NONBLOCK and SOCK_CLOEXEC flags. A Unix
// SOCK_RAW is a datagram socket.
func sockType(domain, typ, protocol int32, priv bool) (int32, int32, uint32, abi.Errno) {
	flags := uint32(typ) &^ SOCK_TYPE_MASK
	if flags&^(SOCK_CLOEXEC|SOCK_NONBLOCK) != 0 {
		return 0, 0, 0, abi.EINVAL
	}
	typ &= SOCK_TYPE_MASK
	switch {
	case domain < 0 || domain >= AF_MAX:
		return 0, 0, 0, abi.EAFNOSUPPORT
	case typ >= SOCK_MAX:
		return 0, 0, 0, abi.EINVAL
	case domain == AF_INET || domain == AF_INET6:
		proto, err := inetSockType(domain, typ, protocol, priv)
		return typ, proto, flags, err
	case domain != AF_UNIX:
		return 0, 0, 0, abi.EAFNOSUPPORT
	case protocol != 0 && protocol != AF_UNIX:
		return 0, 0, 0, abi.EPROTONOSUPPORT
	}
	switch typ {
	case SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET:
	case SOCK_RAW:
		typ = SOCK_DGRAM
	default:
		return 0, 0, 0, abi.ESOCKTNOSUPPORT
	}
	return typ, 0, flags, 0
}

// newSocketLocked makes a socket of the given family, type and protocol
// for t, without a File.
//
// Preconditions: Kernel.mu is held.
func (t *Task) newSocketLocked(family, typ, protocol int32) *sock {
	k := t.k
	s := &sock{k: k, ns: k.netNamespaceLocked(), family: family, typ: typ, protocol: protocol, ino: sockInodes.Add(1),
		uid: t.Creds.FSUID, gid: t.Creds.FSGID, backlog: maxDgramQlen, sndbuf: wmemDefault, rcvbuf: rmemDefault}
	if family != AF_UNIX {
		s.initInet()
	}
	s.ns.live[s] = struct{}{}
	return s
}

// openLocked gives s its File, with O_NONBLOCK from flags.
//
// Preconditions: Kernel.mu is held.
func (s *sock) openLocked(flags uint32) *vfs.File {
	f := vfs.NewStreamFile(s, abi.O_RDWR|flags&abi.O_NONBLOCK, "socket:["+strconv.FormatUint(s.ino, 10)+"]")
	s.file = f
	return f
}

// ucred returns t's credentials as a peer sees them: the process id and
// the effective ids (Linux's cred_to_ucred).
func (t *Task) ucred() *Ucred {
	return &Ucred{Pid: t.Tgid, UID: t.Creds.EUID, GID: t.Creds.EGID}
}

// Socket is socket(2): AF_UNIX, and AF_INET and AF_INET6 with TCP and
// UDP; every other family is EAFNOSUPPORT.
func (t *Task) Socket(domain, typ, protocol int32) (int32, abi.Errno) {
	stype, proto, flags, err := sockType(domain, typ, protocol, t.privileged())
	if err != 0 {
		return 0, err
	}
	t.k.mu.Lock()
	f := t.newSocketLocked(domain, stype, proto).openLocked(flags)
	t.k.mu.Unlock()
	fd, err := t.FDs.Install(f, flags&SOCK_CLOEXEC != 0)
	f.DecRef() // the table holds its own reference
	return fd, err
}

// Socketpair is socketpair(2): two connected Unix sockets, each with the
// creator's credentials as its peer's. Internet sockets come in no pairs
// (EOPNOTSUPP, after socket(2)'s checks).
func (t *Task) Socketpair(domain, typ, protocol int32) ([2]int32, abi.Errno) {
	stype, _, flags, err := sockType(domain, typ, protocol, t.privileged())
	if err != 0 {
		return [2]int32{}, err
	}
	if domain != AF_UNIX {
		return [2]int32{}, abi.EOPNOTSUPP
	}
	k := t.k
	k.mu.Lock()
	a, b := t.newSocketLocked(AF_UNIX, stype, 0), t.newSocketLocked(AF_UNIX, stype, 0)
	a.peer, b.peer = b, a
	a.state, b.state = sockConnected, sockConnected
	a.peerCred, b.peerCred = t.ucred(), t.ucred()
	fa, fb := a.openLocked(flags), b.openLocked(flags)
	k.mu.Unlock()
	defer fa.DecRef() // the table holds its own references
	defer fb.DecRef()
	cloexec := flags&SOCK_CLOEXEC != 0
	var fds [2]int32
	if fds[0], err = t.FDs.Install(fa, cloexec); err != 0 {
		return fds, err
	}
	if fds[1], err = t.FDs.Install(fb, cloexec); err != 0 {
		t.FDs.Close(fds[0])
		return fds, err
	}
	return fds, 0
}

// IsSocket reports whether f is a socket.
func IsSocket(f *vfs.File) bool {
	_, ok := f.Impl().(*sock)
	return ok
}

// socketOf returns f's socket, or ENOTSOCK.
func socketOf(f *vfs.File) (*sock, abi.Errno) {
	s, ok := f.Impl().(*sock)
	if !ok {
		return nil, abi.ENOTSOCK
	}
	return s, 0
}

func (s *sock) Stat(f *vfs.File, st *abi.Stat_t) abi.Errno {
	*st = abi.Stat_t{Mode: abi.S_IFSOCK | 0o777, Nlink: 1, Ino: s.ino, Uid: s.uid, Gid: s.gid, Blksize: abi.PageSize}
	return 0
}

// Release closes the socket, as Linux's unix_release_sock: its name is
// unbound (the file stays), a connected peer sees end of file and a broken
// pipe (and ECONNRESET if this end left data unread), connections waiting
// to be accepted are reset, and what was queued is dropped. An Internet
// socket closes as releaseInetLocked says.
func (s *sock) Release(f *vfs.File) {
	k := s.k
	k.mu.Lock()
	drop := s.releaseLocked(false, nil)
	drop = s.ns.collectLocked(drop)
	s.ns.forgetLocked()
	k.mu.Unlock()
	for _, f := range drop {
		f.DecRef()
	}
}

// releaseLocked takes s down; embryo says it is a connection nobody
// accepted. It returns drop with the Files s held added.
//
// Preconditions: Kernel.mu is held.
func (s *sock) releaseLocked(embryo bool, drop []*vfs.File) []*vfs.File {
	k := s.k
	s.dead = true
	delete(s.ns.live, s)
	if s.in != nil {
		return s.releaseInetLocked(embryo, drop)
	}
	if n := s.addr; n != nil && n.owner == s {
		if n.addr.Abstract {
			delete(s.ns.abstract, abstractKey{s.typ, n.addr.Name})
		} else if s.ns.paths[n.key] == s {
			delete(s.ns.paths, n.key)
		}
		if n.pin != nil {
			drop = append(drop, n.pin)
			n.pin = nil
		}
	}
	if p := s.peer; p != nil {
		if s.typ != SOCK_DGRAM {
			p.shutdown = shutdownMask
			if len(s.recvq) > 0 || embryo {
				p.err = abi.ECONNRESET
			}
			p.wakeLocked()
		}
		p.removeSender(s)
		s.peer = nil
	}
	for _, x := range s.senders {
		k.notifyLocked(x) // their next send fails (ECONNREFUSED)
	}
	k.wakeAllLocked(&s.peerWait)
	drop = s.purgeLocked(drop)
	for _, e := range s.acceptq {
		drop = e.releaseLocked(true, drop)
	}
	s.acceptq = nil
	return drop
}

// removeSender forgets datagram socket x as connected to s.
//
// Preconditions: Kernel.mu is held.
func (s *sock) removeSender(x *sock) {
	for i, y := range s.senders {
		if y == x {
			s.senders = append(s.senders[:i], s.senders[i+1:]...)
			return
		}
	}
}

// purgeLocked drops every message queued on s and returns drop with the
// Files they carried added.
//
// Preconditions: Kernel.mu is held.
func (s *sock) purgeLocked(drop []*vfs.File) []*vfs.File {
	for _, m := range s.recvq {
		s.dequeuedLocked(m)
		for _, f := range m.rights {
			s.ns.landedLocked(f)
			drop = append(drop, f)
		}
	}
	s.recvq = nil
	return drop
}

// wakeLocked wakes every task waiting on s and tells its watchers that its
// readiness may have changed.
//
// Preconditions: Kernel.mu is held.
func (s *sock) wakeLocked() {
	s.k.wakeAllLocked(&s.rq)
	s.k.wakeAllLocked(&s.wq)
	s.k.notifyLocked(s)
}

// dequeuedLocked gives back what message m, taken off s's queue, cost:
// its sender's send buffer, or a UDP socket's receive buffer.
//
// Preconditions: Kernel.mu is held.
func (s *sock) dequeuedLocked(m *sockMsg) {
	if m.from != nil {
		m.from.unchargeLocked(m)
	} else if s.in != nil {
		s.in.rmem -= m.size
	}
}

// readyLocked is Linux's unix_poll (streams) and unix_dgram_poll
// (datagram and seqpacket sockets); tcp_poll and udp_poll for Internet
// sockets.
//
// Preconditions: Kernel.mu is held.
func (s *sock) readyLocked() uint32 {
	switch s.protocol {
	case IPPROTO_TCP:
		return s.tcpReadyLocked()
	case IPPROTO_UDP:
		return s.udpReadyLocked()
	}
	var r uint32
	if s.err != 0 {
		r |= abi.EPOLLERR
	}
	if s.shutdown == shutdownMask {
		r |= abi.EPOLLHUP
	}
	if s.shutdown&rcvShutdown != 0 {
		r |= abi.EPOLLRDHUP | abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if len(s.recvq) > 0 || len(s.acceptq) > 0 {
		r |= abi.EPOLLIN | abi.EPOLLRDNORM
	}
	if s.typ != SOCK_DGRAM && s.state == sockUnconnected {
		r |= abi.EPOLLHUP
	}
	writable := s.writableLocked()
	if o := s.peer; writable && s.typ != SOCK_STREAM && o != nil && o.peer != s && o.recvqFullLocked() {
		writable = false
	}
	if writable {
		r |= abi.EPOLLOUT | abi.EPOLLWRNORM | EPOLLWRBAND
	}
	return r
}

// writableLocked is unix_writable: at most a quarter of the send buffer
// is in flight.
//
// Preconditions: Kernel.mu is held.
func (s *sock) writableLocked() bool {
	return s.state != sockListening && s.wmem<<2 <= s.sndbuf
}

// recvqFullLocked is unix_recvq_full: a listener's backlog, or a datagram
// socket's queue, is over its limit.
//
// Preconditions: Kernel.mu is held.
func (s *sock) recvqFullLocked() bool {
	if s.state == sockListening {
		return len(s.acceptq) > s.backlog
	}
	return len(s.recvq) > s.backlog
}

func (s *sock) watchers() *[]*epollFile { return &s.watching }

// Ioctl answers SIOCINQ (FIONREAD), the bytes a read would see: all that
// is queued on a stream or seqpacket socket, the first message on a
// datagram socket; and SIOCOUTQ, what is sent but not yet read — for an
// Internet socket, not yet acknowledged, which on the loopback is nothing:
// what a send took is in the peer's queue. A TCP listener has neither
// (EINVAL).
func (s *sock) Ioctl(f *vfs.File, io vfs.IOCtx, req uint32, arg uint64) (uint64, abi.Errno) {
	k := s.k
	k.mu.Lock()
	var n int
	switch req {
	case SIOCINQ:
		if s.state == sockListening {
			k.mu.Unlock()
			return 0, abi.EINVAL
		}
		for _, m := range s.recvq {
			n += len(m.data) - m.off
			if s.typ == SOCK_DGRAM {
				break
			}
		}
	case SIOCOUTQ:
		if s.in != nil {
			if s.state == sockListening {
				k.mu.Unlock()
				return 0, abi.EINVAL
			}
			break
		}
		n = s.wmem
	default:
		k.mu.Unlock()
		return 0, abi.ENOTTY
	}
	k.mu.Unlock()
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(n))
	return 0, io.CopyOut(arg, b[:])
}

// ReadTask is read(2) on a socket: recv with no flags. An empty read
// returns 0 at once, as Linux's sock_read_iter.
func (s *sock) ReadTask(t *Task, f *vfs.File, dst []byte) (int, abi.Errno) {
	if len(dst) == 0 {
		return 0, 0
	}
	r, err := t.recv(s, f, recvBuf{dst: dst, max: len(dst)}, false, 0, 0)
	return r.N, err
}

// WriteTask is write(2) on a socket: send with no flags.
func (s *sock) WriteTask(t *Task, f *vfs.File, src []byte) (int, abi.Errno) {
	return t.send(s, f, src, nil, nil, 0)
}

// deadline is when a wait with timeout timeo (0: none) ends.
//
// Preconditions: Kernel.mu is held.
func (s *sock) deadline(timeo time.Duration) time.Time {
	if timeo <= 0 {
		return zeroTime
	}
	return s.k.cfg.Now().Add(timeo)
}

// sockIntr is Linux's sock_intr_errno: a wait without a timeout is
// restarted after a handler with SA_RESTART, one with a timeout is EINTR.
func sockIntr(timeo time.Duration) abi.Errno {
	if timeo > 0 {
		return abi.EINTR
	}
	return ERESTARTSYS
}

// waitErr turns a sleep's outcome into the error that ends the wait, or 0
// to look again; a timeout is EAGAIN.
func waitErr(o sleepOutcome, timeo time.Duration) abi.Errno {
	switch o {
	case interrupted:
		return abi.EINTR
	case signalled:
		return sockIntr(timeo)
	case timedOut:
		return abi.EAGAIN
	}
	return 0
}

// takeErrLocked is sock_error: the pending error, cleared.
//
// Preconditions: Kernel.mu is held.
func (s *sock) takeErrLocked() abi.Errno {
	e := s.err
	if e != 0 {
		s.err = 0
		s.k.notifyLocked(s)
	}
	return e
}
