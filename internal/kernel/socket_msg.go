package kernel

import (
	"encoding/binary"
	"slices"
	"time"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// Sending and receiving: Linux's unix_stream_sendmsg,
// unix_stream_read_generic, unix_dgram_sendmsg and unix_dgram_recvmsg, with
// the ancillary data of scm_send and scm_recv.

// Message sizes, as Linux cuts and accounts skbs on x86-64 and riscv64
// alike: a stream write is cut into pieces of at most half the send buffer
// and at most streamSkbMax bytes; each piece or datagram costs its truesize.
const (
	skbShinfo    = 320   // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
	skbStruct    = 256   // SKB_DATA_ALIGN(sizeof(struct sk_buff))
	skbMaxHead   = 3776  // SKB_MAX_HEAD(0): the linear part of a one-page skb
	skbMaxAlloc  = 16064 // SKB_MAX_ALLOC: the linear part of a datagram
	streamSkbMax = skbMaxHead + 32768
)

// truesize approximates the memory Linux charges for a message of n bytes:
// the linear head rounded to a kmalloc size, the struct sk_buff, and the
// pages that hold the rest.
func truesize(n int, stream bool) int {
	head, pages := n, 0
	if stream && n > skbMaxHead {
		pages = (n - skbMaxHead + abi.PageSize - 1) &^ (abi.PageSize - 1)
		pages = min(pages, n)
		head = n - pages
	} else if !stream && n > skbMaxAlloc {
		pages = (n - skbMaxAlloc + abi.PageSize - 1) &^ (abi.PageSize - 1)
		head = n - pages
	}
	alloc := (head+63)&^63 + skbShinfo
	k := 32
	for k < alloc {
		k <<= 1
	}
	return k + skbStruct + pages
}

// scm is the ancillary data of one send, parsed: the files of SCM_RIGHTS
// (one reference each, until a message takes them) and the credentials of
// SCM_CREDENTIALS.
type scm struct {
	rights []*vfs.File
	creds  *Ucred
}

// release drops the references no message took. Kernel.mu must not be
// held.
func (c *scm) release() {
	for _, f := range c.rights {
		f.DecRef()
	}
	c.rights = nil
}

// parseControl is scm_send: it walks the control messages in b (struct
// cmsghdr, 8-byte aligned) and takes SCM_RIGHTS and SCM_CREDENTIALS of
// level SOL_SOCKET, ignoring other levels. EINVAL for a malformed header,
// another SOL_SOCKET type, more than 253 descriptors or a credentials
// message of the wrong size; EBADF for a descriptor that is not open;
// EPERM for credentials that are not the sender's (uid 0 may give any);
// ESRCH for a pid that does not exist.
func (t *Task) parseControl(b []byte) (*scm, abi.Errno) {
	c := &scm{}
	for off := 0; len(b)-off >= SizeofCmsghdr; {
		h := b[off:]
		clen := binary.LittleEndian.Uint64(h)
		level := int32(binary.LittleEndian.Uint32(h[8:]))
		typ := int32(binary.LittleEndian.Uint32(h[12:]))
		if clen < SizeofCmsghdr || clen > uint64(len(b)-off) {
			c.release()
			return nil, abi.EINVAL
		}
		data := h[SizeofCmsghdr:clen]
		if level == SOL_SOCKET {
			var err abi.Errno
			switch typ {
			case SCM_RIGHTS:
				err = t.takeRights(c, data)
			case SCM_CREDENTIALS:
				err = t.takeCreds(c, clen, data)
			default:
				err = abi.EINVAL
			}
			if err != 0 {
				c.release()
				return nil, err
			}
		}
		next := off + cmsgAlign(int(clen))
		if next <= off || next > len(b) {
			break
		}
		off = next
	}
	return c, 0
}

// takeRights is scm_fp_copy: each descriptor's File, with a reference.
func (t *Task) takeRights(c *scm, data []byte) abi.Errno {
	n := len(data) / 4
	if n <= 0 {
		return 0
	}
	if n > scmMaxFD || len(c.rights)+n > scmMaxFD {
		return abi.EINVAL
	}
	for i := range n {
		fd := int32(binary.LittleEndian.Uint32(data[4*i:]))
		f, err := t.FDs.Get(fd)
		if err != 0 {
			return abi.EBADF
		}
		c.rights = append(c.rights, f)
	}
	return 0
}

// takeCreds checks SCM_CREDENTIALS as Linux's scm_check_creds: the pid
// must be the sender's and the ids among its real, effective and saved
// ones, unless it is privileged.
func (t *Task) takeCreds(c *scm, clen uint64, data []byte) abi.Errno {
	if clen != uint64(cmsgLen(SizeofUcred)) {
		return abi.EINVAL
	}
	u := Ucred{Pid: int32(binary.LittleEndian.Uint32(data)), UID: binary.LittleEndian.Uint32(data[4:]),
		GID: binary.LittleEndian.Uint32(data[8:])}
	if u.UID == ^uint32(0) || u.GID == ^uint32(0) {
		return abi.EINVAL
	}
	cr := &t.Creds
	priv := t.privileged()
	if (u.Pid != t.Tgid && !priv) ||
		(u.UID != cr.UID && u.UID != cr.EUID && u.UID != cr.SUID && !priv) ||
		(u.GID != cr.GID && u.GID != cr.EGID && u.GID != cr.SGID && !priv) {
		return abi.EPERM
	}
	t.k.mu.Lock()
	_, ok := t.k.tasks[u.Pid]
	t.k.mu.Unlock()
	if !ok {
		return abi.ESRCH
	}
	c.creds = &u
	return 0
}

// enqueueLocked puts m on r's queue, charges its sender and attaches the
// sender's credentials when either end asked for them (SO_PASSCRED, or a
// receiver not yet accepted), as Linux's maybe_add_creds.
//
// Preconditions: Kernel.mu is held.
func (r *sock) enqueueLocked(t *Task, m *sockMsg) {
	s := m.from
	if r.in == nil && m.creds == nil && (s.passcred || r.passcred || r.file == nil) {
		m.creds = &Ucred{Pid: t.Tgid, UID: t.Creds.UID, GID: t.Creds.GID}
	}
	for _, f := range m.rights {
		r.ns.inFlightLocked(f)
	}
	s.wmem += m.size
	r.recvq = append(r.recvq, m)
	r.k.wakeAllLocked(&r.rq)
	r.k.notifyLocked(r)
}

// unchargeLocked gives back what m cost its sender s, who may be waiting
// for room.
//
// Preconditions: Kernel.mu is held.
func (s *sock) unchargeLocked(m *sockMsg) {
	s.wmem -= m.size
	if len(s.wq.waiters) > 0 {
		s.k.wakeAllLocked(&s.wq)
	}
	s.k.notifyLocked(s)
}

// send is sendmsg(2) on s (f its File): data, to (a sockaddr, nil for
// none), the parsed control data c (nil for none) and MSG_* flags. It
// returns the bytes sent.
func (t *Task) send(s *sock, f *vfs.File, data, to []byte, c *scm, flags uint32) (int, abi.Errno) {
	if c == nil {
		c = &scm{}
	}
	if f.Flags()&abi.O_NONBLOCK != 0 {
		flags |= MSG_DONTWAIT
	}
	switch {
	case s.protocol == IPPROTO_TCP:
		return t.sendTCP(s, data, flags)
	case s.protocol == IPPROTO_UDP:
		return t.sendUDP(s, data, to, flags)
	case s.typ == SOCK_STREAM:
		return t.sendStream(s, data, to, c, flags)
	case s.typ == SOCK_SEQPACKET: // unix_seqpacket_sendmsg: connected, the address ignored
		t.k.mu.Lock()
		err := s.takeErrLocked()
		if err == 0 && s.state != sockConnected {
			err = abi.ENOTCONN
		}
		t.k.mu.Unlock()
		if err != 0 {
			return 0, err
		}
		to = nil
	}
	return t.sendDgram(s, data, to, c, flags)
}

// Sendmsg is sendmsg(2) on File f: data, the destination address to (nil:
// the peer; empty: an address of length 0, as sendto(2) may give), the
// control messages control and the MSG_* flags.
func (t *Task) Sendmsg(f *vfs.File, data, to, control []byte, flags uint32) (int, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return 0, err
	}
	if s.in != nil {
		if err := checkInetControl(control); err != 0 {
			return 0, err
		}
		control = nil
	}
	c, err := t.parseControl(control)
	if err != 0 {
		return 0, err
	}
	defer c.release()
	return t.send(s, f, data, to, c, flags)
}

// sendStream is unix_stream_sendmsg: the data goes to the peer in pieces,
// waiting for room in the send buffer; descriptors ride with the first
// piece. A peer gone or shut for reading is EPIPE and SIGPIPE (unless
// MSG_NOSIGNAL); what was sent before an error or a signal is returned.
func (t *Task) sendStream(s *sock, data, to []byte, c *scm, flags uint32) (int, abi.Errno) {
	if flags&MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(to) > 0 {
		if s.state == sockConnected {
			return 0, abi.EISCONN
		}
		return 0, abi.EOPNOTSUPP
	}
	other := s.peer
	if other == nil {
		return 0, abi.ENOTCONN
	}
	if s.shutdown&sendShutdown != 0 {
		return t.pipeErrLocked(0, flags)
	}
	timeo := s.sndtimeo
	deadline := s.deadline(timeo)
	sent := 0
	for sent < len(data) {
		size := min(len(data)-sent, s.sndbuf/2-64, streamSkbMax)
		if err := t.waitSndbufLocked(s, flags, deadline, timeo); err != 0 {
			return sentOr(sent, err)
		}
		if other.dead || other.shutdown&rcvShutdown != 0 {
			return t.pipeErrLocked(sent, flags)
		}
		m := &sockMsg{data: slices.Clone(data[sent : sent+size]), from: s, size: truesize(size, true), creds: c.creds}
		if sent == 0 {
			m.rights, c.rights = c.rights, nil
		}
		other.enqueueLocked(t, m)
		sent += size
	}
	return sent, 0
}

// sentOr is what a send that stopped on err returns: the bytes sent, if
// any, else the error.
func sentOr(sent int, err abi.Errno) (int, abi.Errno) {
	if sent > 0 {
		return sent, 0
	}
	return 0, err
}

// pipeErrLocked is the end of a stream send to a peer that is gone:
// SIGPIPE unless MSG_NOSIGNAL or something was sent, and EPIPE.
//
// Preconditions: Kernel.mu is held.
func (t *Task) pipeErrLocked(sent int, flags uint32) (int, abi.Errno) {
	if sent == 0 && flags&MSG_NOSIGNAL == 0 {
		t.k.sendLocked(t.tg, t, SigInfo{Signo: abi.SIGPIPE, Code: abi.SI_USER, Pid: t.Tgid, UID: t.Creds.UID}, false)
	}
	return sentOr(sent, abi.EPIPE)
}

// waitSndbufLocked is sock_alloc_send_pskb's wait: for a pending error,
// for the send side to be shut (EPIPE), or for the send buffer to have
// room.
//
// Preconditions: Kernel.mu is held.
func (t *Task) waitSndbufLocked(s *sock, flags uint32, deadline time.Time, timeo time.Duration) abi.Errno {
	for {
		if err := s.takeErrLocked(); err != 0 {
			return err
		}
		if s.shutdown&sendShutdown != 0 {
			return abi.EPIPE
		}
		if s.wmem < s.sndbuf {
			return 0
		}
		if flags&MSG_DONTWAIT != 0 {
			return abi.EAGAIN
		}
		if err := waitErr(t.sleepLocked(&s.wq, deadline), timeo); err != 0 {
			return err
		}
	}
}

// sendDgram is unix_dgram_sendmsg for datagram and seqpacket sockets: one
// message, to the address given or to the peer. EMSGSIZE if it cannot fit
// in the send buffer; ECONNREFUSED the first time a connected peer is found
// gone (then ENOTCONN); EPERM for a receiver connected elsewhere; when the
// receiver's queue is full, EAGAIN for a non-blocking send, else it waits.
func (t *Task) sendDgram(s *sock, data, to []byte, c *scm, flags uint32) (int, abi.Errno) {
	if flags&MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	var tg unixTarget
	named := len(to) > 0
	if named {
		a, err := DecodeUnixAddr(to)
		if err != 0 {
			return 0, err
		}
		if tg, err = t.resolve(a); err != 0 {
			return 0, err
		}
	}
	k := t.k
	k.mu.Lock()
	if !named && s.peer == nil {
		k.mu.Unlock()
		return 0, abi.ENOTCONN
	}
	var drop []*vfs.File
	n, err := t.sendDgramLocked(s, data, named, tg, c, flags, &drop)
	k.mu.Unlock()
	for _, f := range drop {
		f.DecRef()
	}
	return n, err
}

// Preconditions: Kernel.mu is held.
func (t *Task) sendDgramLocked(s *sock, data []byte, named bool, tg unixTarget, c *scm, flags uint32, drop *[]*vfs.File) (int, abi.Errno) {
	if s.passcred && s.addr == nil {
		if err := s.autobindLocked(); err != 0 {
			return 0, err
		}
	}
	if len(data) > s.sndbuf-32 {
		return 0, abi.EMSGSIZE
	}
	timeo := s.sndtimeo
	deadline := s.deadline(timeo)
	if err := t.waitSndbufLocked(s, flags, deadline, timeo); err != 0 {
		return 0, err
	}
	for {
		var other *sock
		if named {
			var err abi.Errno
			if other, err = s.ns.findLocked(tg, s.typ); err != 0 {
				return 0, err
			}
		} else if other = s.peer; other == nil {
			return 0, abi.ECONNRESET
		}
		if !s.maySendLocked(other) {
			return 0, abi.EPERM
		}
		if other.dead {
			if s.typ == SOCK_SEQPACKET {
				return 0, abi.EPIPE
			}
			if s.peer == other {
				*drop = s.setPeerLocked(nil)
				return 0, abi.ECONNREFUSED
			}
			continue // looked up by name again: the dead one is unbound
		}
		if other.shutdown&rcvShutdown != 0 {
			return 0, abi.EPIPE
		}
		if other != s && other.peer != s && other.recvqFullLocked() {
			if flags&MSG_DONTWAIT != 0 {
				return 0, abi.EAGAIN
			}
			if err := waitErr(t.sleepLocked(&other.peerWait, deadline), timeo); err != 0 {
				return 0, err
			}
			continue
		}
		m := &sockMsg{data: slices.Clone(data), from: s, size: truesize(len(data), false), creds: c.creds}
		m.rights, c.rights = c.rights, nil
		other.enqueueLocked(t, m)
		return len(data), 0
	}
}

// RecvResult is what recvmsg(2) gives.
type RecvResult struct {
	Data    []byte // the bytes read
	N       int    // the result: len(Data), or a datagram's full length with MSG_TRUNC
	From    []byte // the sender's sockaddr_un (msg_namelen bytes); nil when unnamed
	Control []byte // the control messages written (msg_controllen bytes)
	Flags   uint32 // msg_flags: MSG_TRUNC, MSG_CTRUNC, and MSG_CMSG_CLOEXEC if asked
}

// Recvmsg is recvmsg(2) on File f: it reads at most size bytes, with the
// sender's address when from, and control messages in at most ctlLen bytes:
// SCM_CREDENTIALS when SO_PASSCRED is on, then SCM_RIGHTS, whose
// descriptors are installed (close-on-exec with MSG_CMSG_CLOEXEC) as far
// as the buffer holds them, the rest closed and MSG_CTRUNC set.
func (t *Task) Recvmsg(f *vfs.File, size int, from bool, ctlLen int, flags uint32) (RecvResult, abi.Errno) {
	s, err := socketOf(f)
	if err != 0 {
		return RecvResult{}, err
	}
	return t.recv(s, f, recvBuf{max: size}, from, ctlLen, flags)
}

// recvBuf is where a receive puts its bytes: into dst when the caller
// has a buffer (read(2)), else into one made to the size of what arrives,
// at most max bytes.
type recvBuf struct {
	dst []byte
	max int
}

// start returns the empty slice to append the bytes to, with room for
// want of them.
func (b recvBuf) start(want int) []byte {
	if b.dst != nil {
		return b.dst[:0]
	}
	return make([]byte, 0, min(want, b.max))
}

// received is one receive's yield before the control messages are built.
type received struct {
	data     []byte
	n        int
	src      []byte      // a UDP datagram's source address
	from     *sock       // the first message's sender
	creds    *Ucred      // for SCM_CREDENTIALS; nil: none to report
	rights   []*vfs.File // one reference each
	msgFlags uint32
}

func (t *Task) recv(s *sock, f *vfs.File, buf recvBuf, from bool, ctlLen int, flags uint32) (RecvResult, abi.Errno) {
	if s.in != nil {
		switch {
		case flags&MSG_ERRQUEUE != 0:
			return RecvResult{}, abi.EAGAIN // ip_recv_error: the error queue is always empty
		case flags&MSG_OOB != 0 && s.protocol == IPPROTO_TCP:
			return RecvResult{}, abi.EINVAL // tcp_recv_urg: no urgent data
		}
	}
	if flags&MSG_OOB != 0 {
		return RecvResult{}, abi.EOPNOTSUPP
	}
	if f.Flags()&abi.O_NONBLOCK != 0 {
		flags |= MSG_DONTWAIT
	}
	k := t.k
	k.mu.Lock()
	var r received
	var err abi.Errno
	if s.typ == SOCK_STREAM {
		r, err = t.recvStreamLocked(s, buf, flags)
	} else {
		r, err = t.recvDgramLocked(s, buf, flags)
	}
	var res RecvResult
	switch {
	case err != 0 || !from:
	case r.src != nil:
		res.From = r.src
	case r.from != nil && r.from.addr != nil:
		res.From = r.from.addr.addr.Marshal()
	}
	k.mu.Unlock()
	if err != 0 {
		for _, f := range r.rights {
			f.DecRef()
		}
		return RecvResult{}, err
	}
	res.Data, res.N = r.data, r.n
	res.Flags = r.msgFlags | flags&MSG_CMSG_CLOEXEC
	res.Control, res.Flags = t.buildControl(ctlLen, r.creds, r.rights, res.Flags)
	return res, 0
}

// recvStreamLocked is unix_stream_read_generic: bytes from as many
// messages as fit, waiting for the first (or, with MSG_WAITALL, for all
// of buf). It stops after a message with descriptors, and, when SO_PASSCRED
// is on, before one from another sender. MSG_PEEK leaves the messages
// queued.
//
// Preconditions: Kernel.mu is held.
func (t *Task) recvStreamLocked(s *sock, buf recvBuf, flags uint32) (received, abi.Errno) {
	var r received
	switch {
	case s.in != nil && s.state == sockListening:
		return r, abi.ENOTCONN // tcp_recvmsg
	case s.in == nil && s.state != sockConnected:
		return r, abi.EINVAL
	}
	target := 1
	if flags&MSG_WAITALL != 0 {
		target = max(buf.max, 1)
	}
	peek := flags&MSG_PEEK != 0
	timeo := s.rcvtimeo
	deadline := s.deadline(timeo)
	checkCreds := false
	var first *Ucred // with SO_PASSCRED: the credentials of the first message read
	idx := 0         // MSG_PEEK: the message to look at next
	var err abi.Errno
	for {
		var m *sockMsg
		if idx < len(s.recvq) {
			m = s.recvq[idx]
		}
		if m == nil {
			if r.n >= target {
				break
			}
			if stop, e := s.streamEndLocked(r.n > 0); stop {
				err = e
				break
			}
			if flags&MSG_DONTWAIT != 0 {
				err = abi.EAGAIN
				break
			}
			if err = waitErr(t.sleepLocked(&s.rq, deadline), timeo); err != 0 {
				break
			}
			continue
		}
		if checkCreds {
			if !sameCreds(m.creds, first) {
				break
			}
		} else if s.passcred {
			first, r.creds = m.creds, credsOrOverflow(m.creds)
			checkCreds = true
		}
		if r.from == nil {
			r.from = m.from
			queued := 0
			for _, q := range s.recvq {
				queued += len(q.data) - q.off
			}
			r.data = buf.start(queued) // MSG_WAITALL grows it as more arrives
		}
		chunk := min(len(m.data)-m.off, buf.max-r.n)
		r.data = append(r.data, m.data[m.off:m.off+chunk]...)
		r.n += chunk
		if !peek {
			m.off += chunk
			if m.rights != nil {
				for _, f := range m.rights {
					s.ns.landedLocked(f)
				}
				r.rights = append(r.rights, m.rights...)
				m.rights = nil
			}
			if m.off < len(m.data) {
				break
			}
			s.recvq = append(s.recvq[:0], s.recvq[1:]...)
			s.dequeuedLocked(m)
			if r.rights != nil {
				break
			}
		} else {
			if m.rights != nil {
				for _, f := range m.rights {
					f.IncRef()
				}
				r.rights = append(r.rights, m.rights...)
				break
			}
			if idx++; idx >= len(s.recvq) {
				break
			}
		}
		if r.n == buf.max {
			break
		}
	}
	if !peek {
		s.k.notifyLocked(s)
	}
	if r.n > 0 {
		err = 0
	}
	if s.passcred && !checkCreds {
		r.creds = &Ucred{}
	}
	return r, err
}

// streamEndLocked says whether a stream receive that finds no data stops
// rather than waits, and with what error (0: end of file, or the bytes
// copied). A Unix socket reports a pending error, then end of file once
// shut for reading (unix_stream_read_generic). A TCP socket that copied
// something stops on an error, a close or a shutdown and leaves the error
// for later; one that copied nothing reads end of file after the peer's
// FIN, then the pending error, end of file once shut, ENOTCONN when
// closed (tcp_recvmsg_locked).
//
// Preconditions: Kernel.mu is held.
func (s *sock) streamEndLocked(copied bool) (bool, abi.Errno) {
	if s.in == nil {
		if err := s.takeErrLocked(); err != 0 {
			return true, err
		}
		return s.shutdown&rcvShutdown != 0, 0
	}
	closed := s.state == sockUnconnected
	switch {
	case copied:
		return s.err != 0 || closed || s.shutdown&rcvShutdown != 0, 0
	case s.in.fin:
		return true, 0
	case s.err != 0:
		return true, s.takeErrLocked()
	case s.shutdown&rcvShutdown != 0:
		return true, 0
	case closed:
		return true, abi.ENOTCONN
	}
	return false, 0
}

// recvDgramLocked is unix_dgram_recvmsg, for datagram and seqpacket
// sockets: one message, truncated to buf (MSG_TRUNC in msg_flags; with
// MSG_TRUNC in flags the result is its full length). A pending error comes
// first. A socket shut for reading reads end of file when it would wait
// (a non-blocking datagram socket gets EAGAIN).
//
// Preconditions: Kernel.mu is held.
func (t *Task) recvDgramLocked(s *sock, buf recvBuf, flags uint32) (received, abi.Errno) {
	var r received
	if s.typ == SOCK_SEQPACKET && s.state != sockConnected {
		return r, abi.ENOTCONN
	}
	timeo := s.rcvtimeo
	deadline := s.deadline(timeo)
	for {
		if err := s.takeErrLocked(); err != 0 {
			return r, err
		}
		if len(s.recvq) > 0 {
			break
		}
		if flags&MSG_DONTWAIT != 0 {
			if s.typ == SOCK_SEQPACKET && s.shutdown&rcvShutdown != 0 {
				return r, 0
			}
			return r, abi.EAGAIN
		}
		if s.shutdown&rcvShutdown != 0 {
			return r, 0
		}
		if err := waitErr(t.sleepLocked(&s.rq, deadline), timeo); err != 0 {
			return r, err
		}
	}
	m := s.recvq[0]
	s.k.wakeAllLocked(&s.peerWait)
	r.from, r.src = m.from, m.src
	r.n = min(len(m.data), buf.max)
	if buf.dst != nil {
		r.data = append(buf.dst[:0], m.data[:r.n]...)
	} else {
		r.data = m.data[:r.n:r.n] // never written again: the message's bytes are the receiver's
	}
	if r.n < len(m.data) {
		r.msgFlags |= MSG_TRUNC
	}
	if flags&MSG_TRUNC != 0 {
		r.n = len(m.data)
	}
	if s.passcred {
		r.creds = credsOrOverflow(m.creds)
	}
	if flags&MSG_PEEK == 0 {
		s.recvq = append(s.recvq[:0], s.recvq[1:]...)
		for _, f := range m.rights {
			s.ns.landedLocked(f)
		}
		r.rights, m.rights = m.rights, nil
		s.dequeuedLocked(m)
		for _, x := range s.senders {
			s.k.notifyLocked(x) // a full queue may have room again
		}
		s.k.notifyLocked(s)
	} else {
		for _, f := range m.rights {
			f.IncRef()
		}
		r.rights = slices.Clone(m.rights)
	}
	return r, 0
}

// sameCreds is unix_skb_scm_eq: two messages come from the same writer.
func sameCreds(a, b *Ucred) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// credsOrOverflow is what SCM_CREDENTIALS reports for a message: its
// credentials, or pid 0 and the overflow ids when it carried none.
func credsOrOverflow(c *Ucred) *Ucred {
	if c == nil {
		return &Ucred{UID: overflowID, GID: overflowID}
	}
	return c
}

// buildControl is scm_recv: it writes SCM_CREDENTIALS (if creds) and
// SCM_RIGHTS into a control buffer of ctlLen bytes, installing the
// descriptors that fit, as Linux's put_cmsg and scm_detach_fds. It
// returns the bytes used and msgFlags with MSG_CTRUNC if anything did not
// fit. It drops the references in rights. Kernel.mu must not be held.
func (t *Task) buildControl(ctlLen int, creds *Ucred, rights []*vfs.File, msgFlags uint32) ([]byte, uint32) {
	ctlLen = max(ctlLen, 0)
	var out []byte
	put := func(typ int32, data []byte) {
		left := ctlLen - len(out)
		if left < SizeofCmsghdr {
			msgFlags |= MSG_CTRUNC
			return
		}
		clen := cmsgLen(len(data))
		if left < clen {
			msgFlags |= MSG_CTRUNC
			clen = left
		}
		var h [SizeofCmsghdr]byte
		binary.LittleEndian.PutUint64(h[:], uint64(clen))
		binary.LittleEndian.PutUint32(h[8:], SOL_SOCKET)
		binary.LittleEndian.PutUint32(h[12:], uint32(typ))
		end := len(out) + min(cmsgSpace(len(data)), left)
		out = append(out, h[:]...)
		out = append(out, data[:clen-SizeofCmsghdr]...)
		for len(out) < end {
			out = append(out, 0) // the padding Linux skips
		}
	}
	if creds != nil {
		put(SCM_CREDENTIALS, creds.marshal())
	}
	if len(rights) > 0 {
		fdmax := 0
		if left := ctlLen - len(out); left > SizeofCmsghdr {
			fdmax = min((left-SizeofCmsghdr)/4, len(rights))
		}
		var fds []byte
		for _, f := range rights[:fdmax] {
			fd, err := t.FDs.Install(f, msgFlags&MSG_CMSG_CLOEXEC != 0)
			if err != 0 {
				break
			}
			fds = binary.LittleEndian.AppendUint32(fds, uint32(fd))
		}
		if len(fds) > 0 {
			put(SCM_RIGHTS, fds)
		}
		if len(fds)/4 < len(rights) {
			msgFlags |= MSG_CTRUNC
		}
		for _, f := range rights {
			f.DecRef() // the table holds its own references
		}
	}
	return out, msgFlags
}
