package syscalls

import (
	"math"
	"time"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/vfs"
)

// Socket system calls. Vessel implements Unix domain sockets and TCP and
// UDP over its own loopback itself (kernel/socket*.go); every other
// address family is EAFNOSUPPORT. The handlers copy addresses, buffers,
// msghdrs and options between the guest and the kernel, as Linux's
// net/socket.c does.

const (
	// sockChunk is the most one send hands the kernel at once: more than
	// any socket buffers. A longer stream send goes in pieces.
	sockChunk = 16 << 20
	// optmemMax is net.core.optmem_max: the most control data one sendmsg
	// may carry (ENOBUFS).
	optmemMax = 131072
	// recvmmsg and sendmmsg handle at most UIO_MAXIOV messages per call.
	mmsgMax = iovMax
)

// sockArg returns the socket behind descriptor fd with a reference the
// caller drops: EBADF when fd is not open, ENOTSOCK when it is not a
// socket.
func sockArg(t *kernel.Task, fd uint64) (*vfs.File, abi.Errno) {
	f, err := fileArg(t, fd)
	if err != 0 {
		return nil, err
	}
	if !kernel.IsSocket(f) {
		f.DecRef()
		return nil, abi.ENOTSOCK
	}
	return f, 0
}

// sockaddrIn is move_addr_to_kernel: n bytes of address at addr. EINVAL
// for a negative length or one longer than struct sockaddr_storage.
func sockaddrIn(t *kernel.Task, addr uint64, n int32) ([]byte, abi.Errno) {
	if n < 0 || n > kernel.SizeofSockaddrStorage {
		return nil, abi.EINVAL
	}
	if n == 0 {
		return nil, 0
	}
	b := make([]byte, n)
	if err := t.MM.CopyIn(addr, b); err != 0 {
		return nil, err
	}
	return b, 0
}

// sockaddrOut is move_addr_to_user: as much of address b as the guest's
// buffer (its length in the int at lenAddr) holds, and b's full length
// stored back at lenAddr. EINVAL for a negative length.
func sockaddrOut(t *kernel.Task, b []byte, addr, lenAddr uint64) abi.Errno {
	var lb [4]byte
	if err := t.MM.CopyIn(lenAddr, lb[:]); err != 0 {
		return err
	}
	n := int(int32(le.Uint32(lb[:])))
	if n < 0 {
		return abi.EINVAL
	}
	if n = min(n, len(b)); n > 0 {
		if err := t.MM.CopyOut(addr, b[:n]); err != 0 {
			return err
		}
	}
	le.PutUint32(lb[:], uint32(len(b)))
	return t.MM.CopyOut(lenAddr, lb[:])
}

func sysSocket(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fd, err := t.Socket(int32(a[0]), int32(a[1]), int32(a[2]))
	return uint64(fd), err
}

// socketpair(2): the two descriptors go to int sv[2].
func sysSocketpair(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	fds, err := t.Socketpair(int32(a[0]), int32(a[1]), int32(a[2]))
	if err != 0 {
		return 0, err
	}
	var b [8]byte
	le.PutUint32(b[0:], uint32(fds[0]))
	le.PutUint32(b[4:], uint32(fds[1]))
	if err := t.MM.CopyOut(a[3], b[:]); err != 0 {
		t.FDs.Close(fds[0])
		t.FDs.Close(fds[1])
		return 0, err
	}
	return 0, 0
}

func sysBind(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	addr, err := sockaddrIn(t, a[1], int32(a[2]))
	if err != 0 {
		return 0, err
	}
	return 0, t.Bind(f, addr)
}

func sysConnect(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	addr, err := sockaddrIn(t, a[1], int32(a[2]))
	if err != 0 {
		return 0, err
	}
	return 0, t.Connect(f, addr)
}

func sysListen(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, t.Listen(f, int32(a[1]))
}

func sysAccept(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	b := *a
	b[3] = 0
	return sysAccept4(t, &b)
}

// accept4(2): flags may hold SOCK_NONBLOCK and SOCK_CLOEXEC (else EINVAL);
// the peer's address goes to addr unless it is NULL.
func sysAccept4(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	flags := uint32(a[3])
	if flags&^(kernel.SOCK_CLOEXEC|kernel.SOCK_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	nf, peer, err := t.Accept(f, flags)
	if err != 0 {
		return 0, err
	}
	fd, err := t.FDs.Install(nf, flags&kernel.SOCK_CLOEXEC != 0)
	nf.DecRef() // the table holds its own reference
	if err != 0 {
		return 0, err
	}
	if a[1] != 0 {
		if err := sockaddrOut(t, peer, a[1], a[2]); err != 0 {
			t.FDs.Close(fd)
			return 0, err
		}
	}
	return uint64(fd), 0
}

// getsockname(2) and getpeername(2).
func sysGetsockname(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return sockName(t, a, (*kernel.Task).Getsockname)
}

func sysGetpeername(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	return sockName(t, a, (*kernel.Task).Getpeername)
}

func sockName(t *kernel.Task, a *[6]uint64, get func(*kernel.Task, *vfs.File) ([]byte, abi.Errno)) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	b, err := get(t, f)
	if err != 0 {
		return 0, err
	}
	return 0, sockaddrOut(t, b, a[1], a[2])
}

func sysShutdown(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return 0, t.Shutdown(f, int32(a[1]))
}

// setsockopt(2): the value is read as the option needs it (at most a
// struct timeval); a negative length is EINVAL.
func sysSetsockopt(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	n := int32(a[4])
	if n < 0 {
		return 0, abi.EINVAL
	}
	val := make([]byte, min(n, 16))
	if err := t.MM.CopyIn(a[3], val); err != 0 {
		return 0, err
	}
	return 0, t.Setsockopt(f, int32(a[1]), int32(a[2]), val)
}

// getsockopt(2): as much of the value as *optlen asks for, and the length
// given back there.
func sysGetsockopt(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	var lb [4]byte
	if err := t.MM.CopyIn(a[4], lb[:]); err != 0 {
		return 0, err
	}
	n := int(int32(le.Uint32(lb[:])))
	if n < 0 {
		return 0, abi.EINVAL
	}
	v, err := t.Getsockopt(f, int32(a[1]), int32(a[2]))
	if err != 0 {
		return 0, err
	}
	n = min(n, len(v))
	if err := t.MM.CopyOut(a[3], v[:n]); err != 0 {
		return 0, err
	}
	le.PutUint32(lb[:], uint32(n))
	return 0, t.MM.CopyOut(a[4], lb[:])
}

// sendto(2): a send with an optional destination address.
func sysSendto(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	var to []byte
	if a[4] != 0 {
		if to, err = sockaddrIn(t, a[4], int32(a[5])); err != 0 {
			return 0, err
		}
		if to == nil {
			to = []byte{} // an address of length 0, which UDP refuses; sendmsg has none then
		}
	}
	n := min(a[2], math.MaxInt32)
	return sendData(t, f, [][2]uint64{{a[1], n}}, to, nil, uint32(a[3]))
}

// sendData sends the bytes of the guest buffers iov: in one piece, or, when
// longer than sockChunk, in pieces (only a stream takes them), the control
// data with the first. It returns the bytes sent.
func sendData(t *kernel.Task, f *vfs.File, iov [][2]uint64, to, control []byte, flags uint32) (uint64, abi.Errno) {
	var total uint64
	for _, v := range iov {
		total += v[1]
	}
	var done uint64
	for first := true; first || done < total; first = false {
		size := min(total-done, sockChunk)
		buf := make([]byte, size)
		if err := gather(t, iov, done, buf); err != 0 {
			return sentOr(done, err)
		}
		n, err := t.Sendmsg(f, buf, to, control, flags)
		done += uint64(n)
		if err != 0 {
			return sentOr(done, err)
		}
		if uint64(n) < size {
			break
		}
		control = nil
	}
	return done, 0
}

func sentOr(done uint64, err abi.Errno) (uint64, abi.Errno) {
	if done > 0 {
		return done, 0
	}
	return 0, err
}

// gather copies the bytes of iov from offset off on into buf.
func gather(t *kernel.Task, iov [][2]uint64, off uint64, buf []byte) abi.Errno {
	for _, v := range iov {
		if len(buf) == 0 {
			break
		}
		if off >= v[1] {
			off -= v[1]
			continue
		}
		n := min(v[1]-off, uint64(len(buf)))
		if err := t.MM.CopyIn(v[0]+off, buf[:n]); err != 0 {
			return err
		}
		buf = buf[n:]
		off = 0
	}
	return 0
}

// scatter copies buf into the guest buffers iov, in order.
func scatter(t *kernel.Task, iov [][2]uint64, buf []byte) abi.Errno {
	for _, v := range iov {
		if len(buf) == 0 {
			break
		}
		n := min(v[1], uint64(len(buf)))
		if err := t.MM.CopyOut(v[0], buf[:n]); err != 0 {
			return err
		}
		buf = buf[n:]
	}
	return 0
}

// recvfrom(2): a receive with the sender's address, unless addr is NULL.
func sysRecvfrom(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	r, err := t.Recvmsg(f, int(min(a[2], math.MaxInt32)), a[4] != 0, 0, uint32(a[3]))
	if err != 0 {
		return 0, err
	}
	if err := t.MM.CopyOut(a[1], r.Data); err != 0 {
		return 0, err
	}
	if a[4] != 0 {
		if err := sockaddrOut(t, r.From, a[4], a[5]); err != 0 {
			return 0, err
		}
	}
	return uint64(r.N), 0
}

// msghdr is struct msghdr as the guest gave it.
type msghdr struct {
	name    uint64
	namelen int32
	iov     [][2]uint64
	control uint64
	ctllen  uint64
}

// msghdrIn reads the struct msghdr at addr, as Linux's copy_msghdr_from_user:
// no name means a length of 0; a negative length is EINVAL and a longer one
// than sockaddr_storage is cut to it; more than UIO_MAXIOV buffers is
// EMSGSIZE.
func msghdrIn(t *kernel.Task, addr uint64) (msghdr, abi.Errno) {
	var b [kernel.SizeofMsghdr]byte
	if err := t.MM.CopyIn(addr, b[:]); err != 0 {
		return msghdr{}, err
	}
	m := msghdr{name: le.Uint64(b[0:]), namelen: int32(le.Uint32(b[8:])), control: le.Uint64(b[32:]), ctllen: le.Uint64(b[40:])}
	if m.name == 0 {
		m.namelen = 0
	}
	if m.namelen < 0 {
		return m, abi.EINVAL
	}
	m.namelen = min(m.namelen, kernel.SizeofSockaddrStorage)
	iovp, iovlen := le.Uint64(b[16:]), le.Uint64(b[24:])
	if iovlen > iovMax {
		return m, abi.EMSGSIZE
	}
	var err abi.Errno
	m.iov, err = iovecs(t, iovp, iovlen)
	return m, err
}

// sendmsg(2).
func sysSendmsg(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return sendmsg(t, f, a[1], uint32(a[2]))
}

func sendmsg(t *kernel.Task, f *vfs.File, addr uint64, flags uint32) (uint64, abi.Errno) {
	m, err := msghdrIn(t, addr)
	if err != 0 {
		return 0, err
	}
	to, err := sockaddrIn(t, m.name, m.namelen)
	if err != 0 {
		return 0, err
	}
	var control []byte
	if m.ctllen > 0 {
		if m.ctllen > optmemMax {
			return 0, abi.ENOBUFS
		}
		control = make([]byte, m.ctllen)
		if err := t.MM.CopyIn(m.control, control); err != 0 {
			return 0, err
		}
	}
	return sendData(t, f, m.iov, to, control, flags)
}

// recvmsg(2).
func sysRecvmsg(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	return recvmsg(t, f, a[1], uint32(a[2]))
}

// recvmsg receives into the buffers of the msghdr at addr and writes back
// its msg_namelen, msg_controllen and msg_flags.
func recvmsg(t *kernel.Task, f *vfs.File, addr uint64, flags uint32) (uint64, abi.Errno) {
	m, err := msghdrIn(t, addr)
	if err != 0 {
		return 0, err
	}
	var total uint64
	for _, v := range m.iov {
		total += v[1]
	}
	ctlLen := 0
	if m.control != 0 {
		ctlLen = int(min(m.ctllen, math.MaxInt32))
	}
	r, err := t.Recvmsg(f, int(min(total, math.MaxInt32)), m.name != 0, ctlLen, flags)
	if err != 0 {
		return 0, err
	}
	if err := scatter(t, m.iov, r.Data); err != 0 {
		return 0, err
	}
	if m.name != 0 {
		if err := sockaddrOut(t, r.From, m.name, addr+8); err != 0 {
			return 0, err
		}
	}
	if len(r.Control) > 0 {
		if err := t.MM.CopyOut(m.control, r.Control); err != 0 {
			return 0, err
		}
	}
	var b [8]byte
	le.PutUint32(b[:], r.Flags)
	if err := t.MM.CopyOut(addr+48, b[:4]); err != 0 {
		return 0, err
	}
	le.PutUint64(b[:], uint64(len(r.Control)))
	if err := t.MM.CopyOut(addr+40, b[:]); err != 0 {
		return 0, err
	}
	return uint64(r.N), 0
}

// sendmmsg(2): a sendmsg per struct mmsghdr, each one's result stored in
// its msg_len, until one fails; the count sent, or the first error.
func sysSendmmsg(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	vlen := min(uint32(a[2]), mmsgMax)
	var i uint32
	for ; i < vlen; i++ {
		entry := a[1] + uint64(i)*kernel.SizeofMmsghdr
		n, err := sendmsg(t, f, entry, uint32(a[3]))
		if err != 0 {
			if i == 0 {
				return 0, err
			}
			break
		}
		var b [4]byte
		le.PutUint32(b[:], uint32(n))
		if err := t.MM.CopyOut(entry+kernel.SizeofMsghdr, b[:]); err != 0 {
			break
		}
	}
	return uint64(i), 0
}

// recvmmsg(2): a recvmsg per struct mmsghdr, as Linux's do_recvmmsg: after
// the first with MSG_WAITFORONE nothing more is waited for, and the
// timeout (NULL: none) is looked at only between messages, the time left
// written back. A pending socket error comes first.
func sysRecvmmsg(t *kernel.Task, a *[6]uint64) (uint64, abi.Errno) {
	f, err := sockArg(t, a[0])
	if err != 0 {
		return 0, err
	}
	defer f.DecRef()
	flags := uint32(a[3])
	var end time.Time
	if a[4] != 0 {
		ts, err := copyInTimespec(t, a[4])
		if err != 0 {
			return 0, err
		}
		end = t.Kernel().Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	if e, _ := t.Getsockopt(f, kernel.SOL_SOCKET, kernel.SO_ERROR); len(e) == 4 && le.Uint32(e) != 0 {
		return 0, abi.Errno(le.Uint32(e))
	}
	vlen := min(uint32(a[2]), mmsgMax)
	var i uint32
	var rerr abi.Errno
	for i < vlen {
		entry := a[1] + uint64(i)*kernel.SizeofMmsghdr
		n, err := recvmsg(t, f, entry, flags&^kernel.MSG_WAITFORONE)
		if err != 0 {
			rerr = err
			break
		}
		var b [4]byte
		le.PutUint32(b[:], uint32(n))
		if err := t.MM.CopyOut(entry+kernel.SizeofMsghdr, b[:]); err != 0 {
			rerr = err
			break
		}
		i++
		if flags&kernel.MSG_WAITFORONE != 0 {
			flags |= kernel.MSG_DONTWAIT
		}
		if !end.IsZero() && !t.Kernel().Now().Before(end) {
			break
		}
	}
	if i == 0 {
		return 0, rerr
	}
	if a[4] != 0 {
		left := max(end.Sub(t.Kernel().Now()), 0)
		if err := copyOutTimespec(t, a[4], abi.Timespec{Sec: int64(left / time.Second), Nsec: int64(left % time.Second)}); err != 0 {
			return 0, err
		}
	}
	return uint64(i), 0
}

// sockFamilyNames names the address families strace shows most.
var sockFamilyNames = map[uint64]string{
	kernel.AF_UNSPEC: "AF_UNSPEC", kernel.AF_UNIX: "AF_UNIX", kernel.AF_INET: "AF_INET", kernel.AF_INET6: "AF_INET6",
	16: "AF_NETLINK", 17: "AF_PACKET",
}

// formatSockDomain shows socket(2)'s domain: AF_UNIX.
func formatSockDomain(v uint64) string {
	if n, ok := sockFamilyNames[uint64(uint32(v))]; ok {
		return n
	}
	return itoa(int64(int32(v)))
}

var sockTypeNames = [...]string{kernel.SOCK_STREAM: "SOCK_STREAM", kernel.SOCK_DGRAM: "SOCK_DGRAM",
	kernel.SOCK_RAW: "SOCK_RAW", kernel.SOCK_RDM: "SOCK_RDM", kernel.SOCK_SEQPACKET: "SOCK_SEQPACKET"}

var sockFlagNames = []flagName{{kernel.SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {kernel.SOCK_CLOEXEC, "SOCK_CLOEXEC"}}

// formatSockType shows socket(2)'s type with its flags:
// SOCK_STREAM|SOCK_CLOEXEC.
func formatSockType(v uint64) string {
	v = uint64(uint32(v))
	typ := v & kernel.SOCK_TYPE_MASK
	s := itoa(int64(typ))
	if typ < uint64(len(sockTypeNames)) && sockTypeNames[typ] != "" {
		s = sockTypeNames[typ]
	}
	if fl := v &^ kernel.SOCK_TYPE_MASK; fl != 0 {
		s += "|" + flagNames(fl, sockFlagNames, "")
	}
	return s
}

// formatSockaddr shows the n-byte struct sockaddr at addr as strace does:
// {sa_family=AF_UNIX, sun_path="/tmp/s"}, with @ before an abstract name;
// Internet addresses as formatInetSockaddr.
func formatSockaddr(t *kernel.Task, addr, n uint64) string {
	n = uint64(uint32(n))
	if addr == 0 || n < 2 || n > kernel.SizeofSockaddrStorage {
		return formatPtr(addr)
	}
	b := make([]byte, n)
	if t.MM.CopyIn(addr, b) != 0 {
		return formatPtr(addr)
	}
	fam := uint64(le.Uint16(b))
	if fam == kernel.AF_INET || fam == kernel.AF_INET6 {
		return formatInetSockaddr(b)
	}
	if fam != kernel.AF_UNIX {
		return "{sa_family=" + formatSockDomain(fam) + "}"
	}
	a, err := kernel.DecodeUnixAddr(b)
	switch {
	case err != 0 || a.Unnamed():
		return "{sa_family=AF_UNIX}"
	case a.Abstract:
		return "{sa_family=AF_UNIX, sun_path=@" + quote([]byte(a.Name), len(a.Name)) + "}"
	}
	return "{sa_family=AF_UNIX, sun_path=" + quote([]byte(a.Name), len(a.Name)) + "}"
}
