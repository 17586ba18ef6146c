package kernel

import (
	"encoding/binary"
	"fmt"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Names and connections: bind, listen, connect, accept, shutdown,
// getsockname and getpeername (Linux's unix_bind, unix_listen,
// unix_stream_connect, unix_dgram_connect, unix_accept, unix_shutdown,
// unix_getname).

// unixTarget is an address a socket connects or sends to, resolved as far
// as it can be without Kernel.mu: a path's inode is looked up in the
// filesystem first.
type unixTarget struct {
	addr UnixAddr
	key  vfs.SocketKey
}

// resolve looks up the inode of a path address (ENOENT, EACCES,
// ECONNREFUSED for a file that is not a socket, ...).
func (t *Task) resolve(a UnixAddr) (unixTarget, abi.Errno) {
	if a.Abstract || a.Name == "" {
		return unixTarget{addr: a}, 0
	}
	key, err := t.k.cfg.FS.LookupSocket(t.FS, nil, a.Name)
	return unixTarget{addr: a, key: key}, err
}

// findLocked is unix_find_other: the socket of type typ bound to tg.
// ECONNREFUSED when none is (a stale socket file, an abstract name nobody
// holds); EPROTOTYPE for a path bound by a socket of another type.
//
// Preconditions: Kernel.mu is held.
func (ns *netNamespace) findLocked(tg unixTarget, typ int32) (*sock, abi.Errno) {
	switch {
	case tg.addr.Abstract:
		if s := ns.abstract[abstractKey{typ, tg.addr.Name}]; s != nil {
			return s, 0
		}
	case tg.addr.Name != "":
		if s := ns.paths[tg.key]; s != nil {
			if s.typ != typ {
				return nil, abi.EPROTOTYPE
			}
			return s, 0
		}
	}
	return nil, abi.ECONNREFUSED
}

// autobindLocked gives an unnamed socket a name in the abstract namespace:
// five hex digits, as Linux's unix_autobind.
//
// Preconditions: Kernel.mu is held.
func (s *sock) autobindLocked() abi.Errno {
	if s.addr != nil {
		return 0
	}
	for range 1 << 20 {
		name := fmt.Sprintf("%05x", s.ns.autoNext&0xfffff)
		s.ns.autoNext++
		key := abstractKey{s.typ, name}
		if s.ns.abstract[key] == nil {
			s.addr = &unixName{addr: UnixAddr{Name: name, Abstract: true}, owner: s}
			s.ns.abstract[key] = s
			return 0
		}
	}
	return abi.ENOSPC
}

// Bind is bind(2) on a Unix socket: the family alone autobinds; a path
// makes a socket file there (EADDRINUSE if the name exists, even a stale
// socket file; the mode is 0777 less the umask); an abstract name is
// EADDRINUSE if a socket of the same type holds it. EINVAL if s is
// already bound.
func (t *Task) Bind(f *vfs.File, addr []byte) abi.Errno {
	s, err := socketOf(f)
	if err != 0 {
		return err
	}
	if s.in != nil {
		return t.bindInet(s, addr)
	}
	k := t.k
	if len(addr) == sunPathOff && binary.LittleEndian.Uint16(addr) == AF_UNIX {
		k.mu.Lock()
		defer k.mu.Unlock()
		return s.autobindLocked()
	}
	a, err := DecodeUnixAddr(addr)
	if err != 0 {
		return err
	}
	if a.Abstract {
		k.mu.Lock()
		defer k.mu.Unlock()
		key := abstractKey{s.typ, a.Name}
		switch {
		case s.addr != nil:
			return abi.EINVAL
		case s.ns.abstract[key] != nil:
			return abi.EADDRINUSE
		}
		s.addr = &unixName{addr: a, owner: s}
		s.ns.abstract[key] = s
		return 0
	}
	fs := k.cfg.FS
	key, err := fs.BindSocket(t.FS, nil, a.Name, 0o777)
	if err != 0 {
		return err
	}
	pin, perr := fs.Openat(t.FS, nil, a.Name, abi.O_PATH|abi.O_NOFOLLOW, 0)
	if perr != 0 {
		pin = nil
	}
	k.mu.Lock()
	if s.addr != nil {
		k.mu.Unlock()
		fs.Unlinkat(t.FS, nil, a.Name, 0) // Linux removes what it made
		if pin != nil {
			pin.DecRef()
		}
		return abi.EINVAL
	}
	s.addr = &unixName{addr: a, key: key, pin: pin, owner: s}
	s.ns.paths[key] = s
	k.mu.Unlock()
	return 0
}

// Listen is listen(2): a bound stream or seqpacket socket starts taking
// connections, backlog of them waiting (more than somaxconn, or negative,
// is somaxconn). EOPNOTSUPP for a datagram socket, EINVAL for an unbound
// or connected one. The listener's credentials become its connectors'
// SO_PEERCRED. A TCP socket listens as listenInet says.
func (t *Task) Listen(f *vfs.File, backlog int32) abi.Errno {
	s, err := socketOf(f)
	if err != 0 {
		return err
	}
	if s.typ == SOCK_DGRAM {
		return abi.EOPNOTSUPP
	}
	if s.in != nil {
		return t.listenInet(s, backlog)
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if s.addr == nil || s.state == sockConnected {
		return abi.EINVAL
	}
	n := int(backlog)
	if uint32(backlog) > somaxconn {
		n = somaxconn
	}
	if n > s.backlog {
		k.wakeAllLocked(&s.peerWait)
	}
	s.backlog = n
	s.state = sockListening
	s.peerCred = t.ucred()
	k.notifyLocked(s)
	return 0
}

// Connect is connect(2). A stream or seqpacket socket connects to a
// listener of its type: ECONNREFUSED if nothing listens there; when the
// backlog is full, EAGAIN for a non-blocking socket, else it waits.
// A datagram socket sets (AF_UNSPEC: clears) the peer it sends to by
// default and alone receives from. Internet sockets connect as connectInet
// says.
func (t *Task) Connect(f *vfs.File, addr []byte) abi.Errno {
	s, err := socketOf(f)
	if err != 0 {
		return err
	}
	if s.in != nil {
		return t.connectInet(s, f, addr)
	}
	if s.typ == SOCK_DGRAM {
		return t.connectDgram(s, addr)
	}
	a, err := DecodeUnixAddr(addr)
	if err != 0 {
		return err
	}
	tg, err := t.resolve(a)
	if err != 0 {
		return err
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if s.passcred && s.addr == nil {
		if err := s.autobindLocked(); err != 0 {
			return err
		}
	}
	timeo := s.sndtimeo
	deadline := s.deadline(timeo)
	var l *sock
	for {
		if l, err = s.ns.findLocked(tg, s.typ); err != 0 {
			return err
		}
		if l.state != sockListening || l.shutdown&rcvShutdown != 0 {
			return abi.ECONNREFUSED
		}
		if !l.recvqFullLocked() {
			break
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return abi.EAGAIN
		}
		if err := waitErr(t.sleepLocked(&l.peerWait, deadline), timeo); err != 0 {
			return err
		}
	}
	switch s.state {
	case sockConnected:
		return abi.EISCONN
	case sockListening:
		return abi.EINVAL
	}
	e := t.newSocketLocked(AF_UNIX, s.typ, 0)
	e.state, e.peer, e.peerCred, e.addr = sockConnected, s, t.ucred(), l.addr
	s.state, s.peer, s.peerCred = sockConnected, e, l.peerCred
	l.acceptq = append(l.acceptq, e)
	k.wakeAllLocked(&l.rq)
	k.notifyLocked(l)
	k.notifyLocked(s)
	return 0
}

// connectDgram is unix_dgram_connect. Connecting elsewhere drops what
// was queued for s (and tells a peer that was connected back ECONNRESET).
func (t *Task) connectDgram(s *sock, addr []byte) abi.Errno {
	if len(addr) < sunPathOff {
		return abi.EINVAL
	}
	var tg unixTarget
	unspec := binary.LittleEndian.Uint16(addr) == AF_UNSPEC
	if !unspec {
		a, err := DecodeUnixAddr(addr)
		if err != 0 {
			return err
		}
		if tg, err = t.resolve(a); err != 0 {
			return err
		}
	}
	k := t.k
	k.mu.Lock()
	var other *sock
	if !unspec {
		if s.passcred && s.addr == nil {
			if err := s.autobindLocked(); err != 0 {
				k.mu.Unlock()
				return err
			}
		}
		var err abi.Errno
		if other, err = s.ns.findLocked(tg, s.typ); err != 0 {
			k.mu.Unlock()
			return err
		}
		if !s.maySendLocked(other) {
			k.mu.Unlock()
			return abi.EPERM
		}
		s.state = sockConnected
	}
	drop := s.setPeerLocked(other)
	k.mu.Unlock()
	for _, f := range drop {
		f.DecRef()
	}
	return 0
}

// maySendLocked is unix_may_send: other takes datagrams from s unless it
// is connected to another socket.
//
// Preconditions: Kernel.mu is held.
func (s *sock) maySendLocked(other *sock) bool {
	return other.peer == nil || other.peer == s
}

// setPeerLocked makes other (nil: none) the datagram socket s is
// connected to, and returns the Files of the messages this drops.
//
// Preconditions: Kernel.mu is held.
func (s *sock) setPeerLocked(other *sock) []*vfs.File {
	old := s.peer
	s.peer = other
	if other == nil {
		s.state = sockUnconnected
	} else {
		other.senders = append(other.senders, s)
	}
	var drop []*vfs.File
	if old != nil {
		old.removeSender(s)
		if old != other {
			drop = s.dgramDisconnectedLocked(old)
		}
	}
	s.k.notifyLocked(s)
	return drop
}

// dgramDisconnectedLocked is unix_dgram_disconnected: s, no longer
// connected to old, drops its queue, and old, if it was connected back,
// learns that messages were lost (ECONNRESET).
//
// Preconditions: Kernel.mu is held.
func (s *sock) dgramDisconnectedLocked(old *sock) []*vfs.File {
	if len(s.recvq) == 0 {
		return nil
	}
	drop := s.purgeLocked(nil)
	s.k.wakeAllLocked(&s.peerWait)
	if !old.dead && old.peer == s {
		old.err = abi.ECONNRESET
		old.wakeLocked()
	}
	s.k.notifyLocked(s)
	return drop
}

// Accept is accept4(2): the first connection waiting on listener f, as a
// new File (O_NONBLOCK per flags; SOCK_CLOEXEC is the caller's), and its
// peer's address. EINVAL if f does not listen, EAGAIN if nothing waits and
// f is non-blocking; otherwise it waits.
func (t *Task) Accept(f *vfs.File, flags uint32) (*vfs.File, []byte, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return nil, nil, err
	}
	if s.typ == SOCK_DGRAM {
		return nil, nil, abi.EOPNOTSUPP
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if s.state != sockListening {
		return nil, nil, abi.EINVAL
	}
	timeo := s.rcvtimeo
	deadline := s.deadline(timeo)
	for len(s.acceptq) == 0 {
		if err := s.takeErrLocked(); err != 0 {
			return nil, nil, err
		}
		if s.shutdown&rcvShutdown != 0 || s.state != sockListening {
			return nil, nil, abi.EINVAL
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			return nil, nil, abi.EAGAIN
		}
		if err := waitErr(t.sleepLocked(&s.rq, deadline), timeo); err != 0 {
			return nil, nil, err
		}
	}
	e := s.acceptq[0]
	s.acceptq = append(s.acceptq[:0], s.acceptq[1:]...)
	k.wakeAllLocked(&s.peerWait)
	if s.in != nil {
		t.synAcceptLocked(s) // room for a TCP connect that waits
	}
	k.notifyLocked(s)
	e.passcred = s.passcred
	e.uid, e.gid = t.Creds.FSUID, t.Creds.FSGID // Linux's sock_alloc in accept: the acceptor's
	nf := e.openLocked(flags)
	if e.in != nil {
		return nf, e.sockaddr(e.in.remote), 0
	}
	return nf, e.peer.name(), 0
}

// name is s's address as getsockname gives it.
//
// Preconditions: Kernel.mu is held.
func (s *sock) name() []byte {
	if s.in != nil {
		return s.sockaddr(s.in.local)
	}
	if s.addr == nil {
		return UnixAddr{}.Marshal()
	}
	return s.addr.addr.Marshal()
}

// Getsockname is getsockname(2): the socket's own address.
func (t *Task) Getsockname(f *vfs.File) ([]byte, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return nil, err
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return s.name(), 0
}

// Getpeername is getpeername(2): the peer's address; ENOTCONN without one
// (and for a TCP socket not, or no longer, connected).
func (t *Task) Getpeername(f *vfs.File) ([]byte, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return nil, err
	}
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	if s.in != nil {
		if !s.in.remote.IsValid() || s.state != sockConnected {
			return nil, abi.ENOTCONN
		}
		return s.sockaddr(s.in.remote), 0
	}
	if s.peer == nil {
		return nil, abi.ENOTCONN
	}
	return s.peer.name(), 0
}

// Shutdown is shutdown(2): SHUT_RD, SHUT_WR or SHUT_RDWR. On a stream or
// seqpacket connection the peer sees the other half: after SHUT_WR it
// reads end of file, after SHUT_RD its writes get EPIPE. Internet sockets
// shut down as shutdownInetLocked says.
func (t *Task) Shutdown(f *vfs.File, how int32) abi.Errno {
	s, err := socketOf(f)
	if err != 0 {
		return err
	}
	if how < SHUT_RD || how > SHUT_RDWR {
		return abi.EINVAL
	}
	mode := uint8(how+1) & shutdownMask
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if s.in != nil {
		return s.shutdownInetLocked(mode)
	}
	s.shutdown |= mode
	s.wakeLocked()
	k.wakeAllLocked(&s.peerWait)
	if o := s.peer; o != nil && s.typ != SOCK_DGRAM {
		var peerMode uint8
		if mode&rcvShutdown != 0 {
			peerMode |= sendShutdown
		}
		if mode&sendShutdown != 0 {
			peerMode |= rcvShutdown
		}
		o.shutdown |= peerMode
		o.wakeLocked()
	}
	return 0
}
