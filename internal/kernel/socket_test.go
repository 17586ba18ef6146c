package kernel

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"vessel/internal/abi"
	"vessel/internal/vfs"
)

// socketTask returns a task of a kernel with no running tasks, enough for
// socket calls that do not wait: its own descriptor table, registered in
// the process table as pid 1 (the collector looks for descriptors there).
func socketTask(t *testing.T) *Task {
	t.Helper()
	k := New(Config{})
	task := &Task{k: k, Tid: 1, Tgid: 1, FDs: vfs.NewFDTable()}
	k.mu.Lock()
	k.tasks[1] = task
	k.mu.Unlock()
	t.Cleanup(func() { task.FDs.DecRef() })
	return task
}

// TestSocketFamilies: AF_UNIX, AF_INET and AF_INET6 are implemented;
// every other family is EAFNOSUPPORT, the type and protocol are checked in
// Linux's order, and only Unix sockets come in pairs.
func TestSocketFamilies(t *testing.T) {
	const (
		afNetlink = 16
		afPacket  = 17
	)
	cases := []struct {
		name                 string
		domain, typ, protocl int32
		want                 abi.Errno
		pair                 abi.Errno // socketpair's, when socket's is 0
	}{
		{"unix stream", AF_UNIX, SOCK_STREAM, 0, 0, 0},
		{"unix dgram nonblock cloexec", AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0, 0},
		{"unix seqpacket protocol PF_UNIX", AF_UNIX, SOCK_SEQPACKET, AF_UNIX, 0, 0},
		{"inet stream", AF_INET, SOCK_STREAM, 0, 0, abi.EOPNOTSUPP},
		{"inet stream tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP, 0, abi.EOPNOTSUPP},
		{"inet dgram", AF_INET, SOCK_DGRAM, 0, 0, abi.EOPNOTSUPP},
		{"inet6 dgram udp", AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP, 0, abi.EOPNOTSUPP},
		{"inet stream udp", AF_INET, SOCK_STREAM, IPPROTO_UDP, abi.EPROTONOSUPPORT, 0},
		{"inet protocol out of range", AF_INET6, SOCK_STREAM, IPPROTO_MAX, abi.EINVAL, 0},
		{"inet negative protocol", AF_INET, SOCK_DGRAM, -1, abi.EINVAL, 0},
		{"inet seqpacket", AF_INET, SOCK_SEQPACKET, 0, abi.ESOCKTNOSUPPORT, 0},
		{"inet ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP, abi.EACCES, 0},
		{"inet6 ping", AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6, abi.EACCES, 0},
		{"inet raw protocol 0", AF_INET, SOCK_RAW, 0, abi.EPROTONOSUPPORT, 0},
		{"inet raw as root", AF_INET, SOCK_RAW, IPPROTO_TCP, abi.EPROTONOSUPPORT, 0},
		{"inet packet", AF_INET, SOCK_PACKET, 0, abi.EAFNOSUPPORT, 0},
		{"netlink", afNetlink, SOCK_RAW, 0, abi.EAFNOSUPPORT, 0},
		{"packet", afPacket, SOCK_RAW, 0, abi.EAFNOSUPPORT, 0},
		{"family out of range", 200, SOCK_STREAM, 0, abi.EAFNOSUPPORT, 0},
		{"negative family", -1, SOCK_STREAM, 0, abi.EAFNOSUPPORT, 0},
		{"unknown flag", AF_UNIX, SOCK_STREAM | 0x10000, 0, abi.EINVAL, 0},
		{"unknown flag before family", AF_INET, SOCK_STREAM | 0x10000, 0, abi.EINVAL, 0},
		{"type out of range", AF_UNIX, 11, 0, abi.EINVAL, 0},
		{"rdm", AF_UNIX, SOCK_RDM, 0, abi.ESOCKTNOSUPPORT, 0},
		{"protocol", AF_UNIX, SOCK_STREAM, 6, abi.EPROTONOSUPPORT, 0},
	}
	task := socketTask(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fd, err := task.Socket(tc.domain, tc.typ, tc.protocl)
			if err != tc.want {
				t.Fatalf("socket: got %v, want %v", err, tc.want)
			}
			want := tc.want
			if err == 0 {
				task.FDs.Close(fd)
				want = tc.pair
			}
			sv, err := task.Socketpair(tc.domain, tc.typ, tc.protocl)
			if err != want {
				t.Errorf("socketpair: got %v, want %v", err, want)
			}
			if err == 0 {
				task.FDs.Close(sv[0])
				task.FDs.Close(sv[1])
			}
		})
	}
	t.Run("raw unprivileged", func(t *testing.T) {
		user := socketTask(t)
		user.Creds.EUID = 1000
		if _, err := user.Socket(AF_INET6, SOCK_RAW, IPPROTO_UDP); err != abi.EPERM {
			t.Errorf("got %v, want EPERM", err)
		}
	})
}

// sockCall runs fn on the File of descriptor fd.
func sockCall[T any](t *testing.T, task *Task, fd int32, fn func(f *vfs.File) T) T {
	t.Helper()
	f, err := task.FDs.Get(fd)
	if err != 0 {
		t.Fatalf("fd %d: %v", fd, err)
	}
	defer f.DecRef()
	return fn(f)
}

// inetSocket makes an Internet socket, failing the test if it cannot.
func inetSocket(t *testing.T, task *Task, family, typ int32) int32 {
	t.Helper()
	fd, err := task.Socket(family, typ, 0)
	if err != 0 {
		t.Fatalf("socket: %v", err)
	}
	return fd
}

func sin(ip string, port uint16) []byte {
	return MarshalInet(AF_INET, netip.AddrPortFrom(netip.MustParseAddr(ip), port))
}

func sin6(ip string, port uint16) []byte {
	return MarshalInet(AF_INET6, netip.AddrPortFrom(netip.MustParseAddr(ip), port))
}

// localPort is the port getsockname gives fd.
func localPort(t *testing.T, task *Task, fd int32) uint16 {
	t.Helper()
	b := sockCall(t, task, fd, func(f *vfs.File) []byte { b, _ := task.Getsockname(f); return b })
	return binary.BigEndian.Uint16(b[2:])
}

// TestInetRoutes: the loopback is the only network. A destination off it
// has no route; an address off it cannot be bound; ports below 1024 need
// privilege; ephemeral ports come from ip_local_port_range.
func TestInetRoutes(t *testing.T) {
	task := socketTask(t)
	user := socketTask(t)
	user.Creds.EUID = 1000
	cases := []struct {
		name   string
		task   *Task
		family int32
		typ    int32
		op     string // bind, connect or sendto
		addr   []byte
		want   abi.Errno
	}{
		{"connect off the loopback", task, AF_INET, SOCK_STREAM, "connect", sin("10.0.0.1", 80), abi.ENETUNREACH},
		{"connect multicast", task, AF_INET, SOCK_STREAM, "connect", sin("224.0.0.1", 80), abi.ENETUNREACH},
		{"connect broadcast", task, AF_INET, SOCK_DGRAM, "connect", sin("255.255.255.255", 80), abi.ENETUNREACH},
		{"connect IPv6 off the loopback", task, AF_INET6, SOCK_STREAM, "connect", sin6("2001:db8::1", 80), abi.ENETUNREACH},
		{"connect IPv4-mapped off the loopback", task, AF_INET6, SOCK_STREAM, "connect", sin6("::ffff:192.0.2.1", 80), abi.ENETUNREACH},
		{"sendto off the loopback", task, AF_INET, SOCK_DGRAM, "sendto", sin("8.8.8.8", 53), abi.ENETUNREACH},
		{"sendto IPv6 off the loopback", task, AF_INET6, SOCK_DGRAM, "sendto", sin6("2001:4860:4860::8888", 53), abi.ENETUNREACH},
		{"bind off the loopback", task, AF_INET, SOCK_STREAM, "bind", sin("192.0.2.1", 0), abi.EADDRNOTAVAIL},
		{"bind IPv6 off the loopback", task, AF_INET6, SOCK_DGRAM, "bind", sin6("fe80::1", 0), abi.EADDRNOTAVAIL},
		{"bind port 80 unprivileged", user, AF_INET, SOCK_STREAM, "bind", sin("127.0.0.1", 80), abi.EACCES},
		{"bind IPv6 port 1023 unprivileged", user, AF_INET6, SOCK_DGRAM, "bind", sin6("::1", 1023), abi.EACCES},
		{"bind port 80 as root", task, AF_INET, SOCK_STREAM, "bind", sin("127.0.0.1", 80), 0},
		{"bind port 1024 unprivileged", user, AF_INET, SOCK_DGRAM, "bind", sin("127.0.0.1", 1024), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fd := inetSocket(t, tc.task, tc.family, tc.typ)
			defer tc.task.FDs.Close(fd)
			err := sockCall(t, tc.task, fd, func(f *vfs.File) abi.Errno {
				switch tc.op {
				case "bind":
					return tc.task.Bind(f, tc.addr)
				case "connect":
					return tc.task.Connect(f, tc.addr)
				}
				_, err := tc.task.Sendmsg(f, []byte("x"), tc.addr, nil, 0)
				return err
			})
			if err != tc.want {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("ephemeral ports", func(t *testing.T) {
		for range 100 {
			fd := inetSocket(t, task, AF_INET, SOCK_DGRAM)
			if err := sockCall(t, task, fd, func(f *vfs.File) abi.Errno { return task.Bind(f, sin("127.0.0.1", 0)) }); err != 0 {
				t.Fatal(err)
			}
			if p := localPort(t, task, fd); p < LocalPortFirst || p > LocalPortLast {
				t.Fatalf("port %d outside %d-%d", p, LocalPortFirst, LocalPortLast)
			}
			defer task.FDs.Close(fd)
		}
	})
}

// tcpPair connects a non-blocking TCP client to a listener on 127.0.0.1
// and accepts it, all without waiting: a connect to a listener with room
// completes at once.
func tcpPair(t *testing.T, task *Task) (client, server int32) {
	t.Helper()
	l := inetSocket(t, task, AF_INET, SOCK_STREAM)
	defer task.FDs.Close(l)
	sockCall(t, task, l, func(f *vfs.File) abi.Errno {
		if err := task.Bind(f, sin("127.0.0.1", 0)); err != 0 {
			t.Fatal(err)
		}
		return task.Listen(f, 1)
	})
	client = inetSocket(t, task, AF_INET, SOCK_STREAM|SOCK_NONBLOCK)
	if err := sockCall(t, task, client, func(f *vfs.File) abi.Errno {
		return task.Connect(f, sin("127.0.0.1", localPort(t, task, l)))
	}); err != abi.EINPROGRESS {
		t.Fatalf("connect: got %v, want EINPROGRESS", err)
	}
	nf := sockCall(t, task, l, func(f *vfs.File) *vfs.File {
		nf, _, err := task.Accept(f, SOCK_NONBLOCK)
		if err != 0 {
			t.Fatalf("accept: %v", err)
		}
		return nf
	})
	server, _ = task.FDs.Install(nf, false)
	nf.DecRef()
	return client, server
}

// send sends data on fd, without SIGPIPE.
func send(t *testing.T, task *Task, fd int32, data string) (int, abi.Errno) {
	t.Helper()
	f, err := task.FDs.Get(fd)
	if err != 0 {
		t.Fatalf("fd %d: %v", fd, err)
	}
	defer f.DecRef()
	return task.Sendmsg(f, []byte(data), nil, nil, MSG_NOSIGNAL)
}

func soError(t *testing.T, task *Task, fd int32) abi.Errno {
	t.Helper()
	b := sockCall(t, task, fd, func(f *vfs.File) []byte { b, _ := task.Getsockopt(f, SOL_SOCKET, SO_ERROR); return b })
	return abi.Errno(binary.LittleEndian.Uint32(b))
}

// TestTCPClose: what a peer sees of a close, as on Linux's loopback: data
// sent to a socket closed without unread data is answered with a reset, so
// the write after it is EPIPE (the reset comes to a socket that had seen
// the FIN); a close with data unread resets at once (ECONNRESET); writing
// to a socket shut both ways resets both ends.
func TestTCPClose(t *testing.T) {
	t.Run("write after the peer's close", func(t *testing.T) {
		task := socketTask(t)
		c, s := tcpPair(t, task)
		defer task.FDs.Close(c)
		task.FDs.Close(s)
		if n, err := send(t, task, c, "one"); n != 3 || err != 0 {
			t.Fatalf("first send: %d %v, want 3", n, err)
		}
		if err := soError(t, task, c); err != abi.EPIPE {
			t.Errorf("SO_ERROR: got %v, want EPIPE", err)
		}
		if _, err := send(t, task, c, "two"); err != abi.EPIPE {
			t.Errorf("second send: got %v, want EPIPE", err)
		}
	})
	t.Run("close with data unread", func(t *testing.T) {
		task := socketTask(t)
		c, s := tcpPair(t, task)
		defer task.FDs.Close(c)
		send(t, task, c, "unread")
		task.FDs.Close(s)
		if _, err := send(t, task, c, "x"); err != abi.ECONNRESET {
			t.Errorf("send: got %v, want ECONNRESET", err)
		}
		if _, err := send(t, task, c, "x"); err != abi.EPIPE {
			t.Errorf("send again: got %v, want EPIPE", err)
		}
	})
	t.Run("write to a socket shut both ways", func(t *testing.T) {
		task := socketTask(t)
		c, s := tcpPair(t, task)
		defer task.FDs.Close(c)
		defer task.FDs.Close(s)
		sockCall(t, task, s, func(f *vfs.File) abi.Errno { return task.Shutdown(f, SHUT_RDWR) })
		if n, err := send(t, task, c, "late"); n != 4 || err != 0 {
			t.Fatalf("send: %d %v, want 4", n, err)
		}
		if err := soError(t, task, s); err != abi.ECONNRESET {
			t.Errorf("the shut socket's SO_ERROR: got %v, want ECONNRESET", err)
		}
		if err := soError(t, task, c); err != abi.EPIPE {
			t.Errorf("the writer's SO_ERROR: got %v, want EPIPE", err)
		}
	})
}

// TestTCPBacklog: a connect to a full backlog waits in the background
// (EINPROGRESS, neither readable nor writable) and completes when an
// accept makes room; the listener's close refuses it.
func TestTCPBacklog(t *testing.T) {
	for _, accept := range []bool{true, false} {
		task := socketTask(t)
		l := inetSocket(t, task, AF_INET6, SOCK_STREAM|SOCK_NONBLOCK)
		sockCall(t, task, l, func(f *vfs.File) abi.Errno {
			if err := task.Bind(f, sin6("::", 0)); err != 0 {
				t.Fatal(err)
			}
			return task.Listen(f, 0)
		})
		port := localPort(t, task, l)
		var cs []int32
		for range 2 {
			c := inetSocket(t, task, AF_INET, SOCK_STREAM|SOCK_NONBLOCK)
			defer task.FDs.Close(c)
			if err := sockCall(t, task, c, func(f *vfs.File) abi.Errno { return task.Connect(f, sin("127.0.0.1", port)) }); err != abi.EINPROGRESS {
				t.Fatalf("connect: got %v, want EINPROGRESS", err)
			}
			cs = append(cs, c)
		}
		ready := func(fd int32) uint32 {
			return sockCall(t, task, fd, func(f *vfs.File) uint32 {
				task.k.mu.Lock()
				defer task.k.mu.Unlock()
				return readinessLocked(f)
			})
		}
		if r := ready(cs[1]); r != 0 {
			t.Errorf("waiting connect: readiness %#x, want 0", r)
		}
		again := func() abi.Errno {
			return sockCall(t, task, cs[1], func(f *vfs.File) abi.Errno { return task.Connect(f, sin("127.0.0.1", port)) })
		}
		if err := again(); err != abi.EALREADY {
			t.Errorf("connect again: got %v, want EALREADY", err)
		}
		if !accept {
			task.FDs.Close(l)
			if err := soError(t, task, cs[1]); err != abi.ECONNREFUSED {
				t.Errorf("after the listener's close: SO_ERROR %v, want ECONNREFUSED", err)
			}
			if err := soError(t, task, cs[0]); err != abi.ECONNRESET {
				t.Errorf("the one never accepted: SO_ERROR %v, want ECONNRESET", err)
			}
			continue
		}
		sockCall(t, task, l, func(f *vfs.File) abi.Errno {
			nf, peer, err := task.Accept(f, 0)
			if err != 0 {
				t.Fatalf("accept: %v", err)
			}
			if len(peer) != SizeofSockaddrIn6 || !bytes.Contains(peer, []byte{0xff, 0xff, 127, 0, 0, 1}) {
				t.Errorf("accept's address: % x, want ::ffff:127.0.0.1", peer)
			}
			nf.DecRef()
			return 0
		})
		if r := ready(cs[1]); r&abi.EPOLLOUT == 0 {
			t.Errorf("after an accept: readiness %#x, want EPOLLOUT", r)
		}
		if err := soError(t, task, cs[1]); err != 0 {
			t.Errorf("SO_ERROR: %v", err)
		}
		if err := again(); err != 0 {
			t.Errorf("connect again: got %v, want 0", err)
		}
		if err := again(); err != abi.EISCONN {
			t.Errorf("and again: got %v, want EISCONN", err)
		}
		task.FDs.Close(l)
	}
}

// TestPortConflicts: the address overlap of Linux's inet_rcv_saddr_equal.
func TestPortConflicts(t *testing.T) {
	any6, lo6, lo4, any4 := netip.MustParseAddr("::"), netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("0.0.0.0")
	mapped := netip.MustParseAddr("::ffff:127.0.0.1")
	cases := []struct {
		name       string
		fa         int32
		a          netip.Addr
		a6         bool
		fb         int32
		b          netip.Addr
		b6         bool
		overlapped bool
	}{
		{"v4 same", AF_INET, lo4, false, AF_INET, lo4, false, true},
		{"v4 any", AF_INET, any4, false, AF_INET, lo4, false, true},
		{"v4 other", AF_INET, lo4, false, AF_INET, netip.MustParseAddr("127.0.0.2"), false, false},
		{"v6 any, v4", AF_INET6, any6, false, AF_INET, lo4, false, true},
		{"v6only any, v4", AF_INET6, any6, true, AF_INET, any4, false, false},
		{"v4, v6 any", AF_INET, lo4, false, AF_INET6, any6, false, true},
		{"v6 ::1, v4 any", AF_INET6, lo6, false, AF_INET, any4, false, false},
		{"mapped, v4 same", AF_INET6, mapped, false, AF_INET, lo4, false, true},
		{"mapped, v6 any", AF_INET6, mapped, false, AF_INET6, any6, false, true},
		{"mapped, v6only any", AF_INET6, mapped, false, AF_INET6, any6, true, false},
		{"v6 same", AF_INET6, lo6, false, AF_INET6, lo6, true, true},
		{"v6 any both", AF_INET6, any6, true, AF_INET6, any6, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := overlap(tc.fa, tc.a, tc.a6, tc.fb, tc.b, tc.b6); got != tc.overlapped {
				t.Errorf("got %v, want %v", got, tc.overlapped)
			}
			if got := overlap(tc.fb, tc.b, tc.b6, tc.fa, tc.a, tc.a6); got != tc.overlapped {
				t.Errorf("swapped: got %v, want %v", got, tc.overlapped)
			}
		})
	}
}

// TestUnixAddr: sockaddr_un as bind and connect read it and getsockname
// writes it back, with the lengths Linux records.
func TestUnixAddr(t *testing.T) {
	sa := func(path string) []byte {
		b := binary.LittleEndian.AppendUint16(nil, AF_UNIX)
		return append(b, path...)
	}
	cases := []struct {
		name    string
		in      []byte
		want    UnixAddr
		err     abi.Errno
		marshal []byte // nil: not checked
	}{
		{"path with NUL", sa("/tmp/s\x00"), UnixAddr{Name: "/tmp/s"}, 0, sa("/tmp/s\x00")},
		{"path without NUL", sa("rel"), UnixAddr{Name: "rel"}, 0, sa("rel\x00")},
		{"path ends at the first NUL", sa("a\x00junk"), UnixAddr{Name: "a"}, 0, sa("a\x00")},
		{"abstract", sa("\x00name"), UnixAddr{Name: "name", Abstract: true}, 0, sa("\x00name")},
		{"abstract keeps NULs", sa("\x00a\x00b"), UnixAddr{Name: "a\x00b", Abstract: true}, 0, sa("\x00a\x00b")},
		{"abstract empty", sa("\x00"), UnixAddr{Abstract: true}, 0, sa("\x00")},
		{"family alone", sa(""), UnixAddr{}, 0, sa("")},
		{"too short", []byte{1}, UnixAddr{}, abi.EINVAL, nil},
		{"wrong family", []byte{2, 0, 'x'}, UnixAddr{}, abi.EINVAL, nil},
		{"too long", sa(string(make([]byte, 109))), UnixAddr{}, abi.EINVAL, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeUnixAddr(tc.in)
			if err != tc.err || got != tc.want {
				t.Fatalf("got %+v %v, want %+v %v", got, err, tc.want, tc.err)
			}
			if tc.marshal != nil {
				if m := got.Marshal(); string(m) != string(tc.marshal) {
					t.Errorf("Marshal: got %q, want %q", m, tc.marshal)
				}
			}
		})
	}
}

// TestTruesize: messages cost what Linux charges, so that the send buffer
// holds as many as on Linux: 278 one-byte messages in 212992 bytes, and a
// non-blocking 1 MiB stream write takes six 36544-byte pieces (219264
// bytes), as measured on Linux 6.18.
func TestTruesize(t *testing.T) {
	if got := truesize(1, false); got != 768 {
		t.Errorf("truesize(1): got %d, want 768", got)
	}
	if n := (wmemDefault + truesize(1, true) - 1) / truesize(1, true); n != 278 {
		t.Errorf("one-byte messages in the default buffer: got %d, want 278", n)
	}
	piece := min(wmemDefault/2-64, streamSkbMax)
	if piece != 36544 {
		t.Fatalf("stream piece: got %d, want 36544", piece)
	}
	n, wmem := 0, 0
	for wmem < wmemDefault {
		wmem += truesize(piece, true)
		n++
	}
	if n != 6 {
		t.Errorf("pieces before the buffer is full: got %d, want 6", n)
	}
}

// probe is a file that records its release.
type probe struct {
	vfs.FileDefaults
	released *bool
}

func (probe) Stat(*vfs.File, *abi.Stat_t) abi.Errno { return 0 }
func (p probe) Release(*vfs.File)                   { *p.released = true }

// rights is a control buffer carrying descriptors with SCM_RIGHTS.
func rights(fds ...int32) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(cmsgLen(4*len(fds))))
	b = binary.LittleEndian.AppendUint32(b, SOL_SOCKET)
	b = binary.LittleEndian.AppendUint32(b, SCM_RIGHTS)
	for _, fd := range fds {
		b = binary.LittleEndian.AppendUint32(b, uint32(fd))
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// installProbe puts a probe file in the task's table.
func installProbe(t *testing.T, task *Task) (int32, *bool) {
	t.Helper()
	released := new(bool)
	f := vfs.NewStreamFile(probe{released: released}, abi.O_RDWR, "probe")
	fd, err := task.FDs.Install(f, false)
	f.DecRef()
	if err != 0 {
		t.Fatal(err)
	}
	return fd, released
}

func sendRights(t *testing.T, task *Task, fd int32, control []byte) {
	t.Helper()
	f, err := task.FDs.Get(fd)
	if err != 0 {
		t.Fatal(err)
	}
	defer f.DecRef()
	if n, err := task.Sendmsg(f, []byte("x"), nil, control, 0); n != 1 || err != 0 {
		t.Fatalf("sendmsg: %d %v", n, err)
	}
}

// TestInFlightReleased: a descriptor sent with SCM_RIGHTS holds its file
// until it is received or dropped: closing a pair with one in flight
// releases it, and so does the collector when a socket rides in its own
// queue or two ride in each other's, once their descriptors are closed.
func TestInFlightReleased(t *testing.T) {
	for _, typ := range []int32{SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET} {
		t.Run("pair closed", func(t *testing.T) {
			task := socketTask(t)
			sv, err := task.Socketpair(AF_UNIX, typ, 0)
			if err != 0 {
				t.Fatal(err)
			}
			pfd, released := installProbe(t, task)
			sendRights(t, task, sv[0], rights(pfd))
			task.FDs.Close(pfd)
			if *released {
				t.Fatal("released while in flight")
			}
			task.FDs.Close(sv[0])
			task.FDs.Close(sv[1])
			if !*released {
				t.Error("in-flight file not released when the pair closed")
			}
		})
	}
	t.Run("socket in its own queue", func(t *testing.T) {
		task := socketTask(t)
		sv, _ := task.Socketpair(AF_UNIX, SOCK_DGRAM, 0)
		pfd, released := installProbe(t, task)
		sendRights(t, task, sv[0], rights(sv[1], pfd))
		task.FDs.Close(pfd)
		task.FDs.Close(sv[1])
		if *released {
			t.Fatal("released while its socket is reachable")
		}
		task.FDs.Close(sv[0])
		if !*released {
			t.Error("cycle not collected")
		}
		netNSMu.Lock()
		ns := netNamespaces[task.k]
		netNSMu.Unlock()
		if ns != nil {
			t.Errorf("%d sockets still live", len(ns.live))
		}
	})
	t.Run("each in the other's queue", func(t *testing.T) {
		task := socketTask(t)
		sv, _ := task.Socketpair(AF_UNIX, SOCK_STREAM, 0)
		pfd, released := installProbe(t, task)
		sendRights(t, task, sv[0], rights(sv[0], pfd)) // into sv[1]'s queue
		sendRights(t, task, sv[1], rights(sv[1]))      // into sv[0]'s queue
		task.FDs.Close(pfd)
		task.FDs.Close(sv[0])
		task.FDs.Close(sv[1])
		if *released {
			t.Fatal("collected before any socket was released") // as Linux: the collector runs at a release
		}
		fd, _ := task.Socket(AF_UNIX, SOCK_DGRAM, 0)
		task.FDs.Close(fd)
		if !*released {
			t.Error("cycle not collected at the next release")
		}
	})
	t.Run("reachable socket kept", func(t *testing.T) {
		task := socketTask(t)
		sv, _ := task.Socketpair(AF_UNIX, SOCK_DGRAM, 0)
		other, _ := task.Socketpair(AF_UNIX, SOCK_DGRAM, 0)
		pfd, released := installProbe(t, task)
		sendRights(t, task, sv[0], rights(sv[1], pfd)) // sv[1] rides in its own queue, and its descriptor is open
		task.FDs.Close(pfd)
		task.FDs.Close(other[0]) // runs the collector
		if *released {
			t.Error("a socket a descriptor names was collected")
		}
		f, _ := task.FDs.Get(sv[1])
		r, err := task.Recvmsg(f, 4, false, 64, 0)
		f.DecRef()
		if err != 0 || r.N != 1 || r.Flags&MSG_CTRUNC != 0 {
			t.Fatalf("recvmsg: %+v %v", r, err)
		}
		if len(r.Control) != cmsgSpace(8) {
			t.Errorf("control: %d bytes, want %d", len(r.Control), cmsgSpace(8))
		}
	})
}

// TestRecvControl: received descriptors are installed as far as the
// control buffer holds them, the rest closed, with MSG_CTRUNC.
func TestRecvControl(t *testing.T) {
	cases := []struct {
		name      string
		ctlLen    int
		installed int
		ctrunc    bool
		used      int
	}{
		{"room for all", cmsgSpace(12), 3, false, cmsgSpace(12)},
		{"room for two", cmsgSpace(4), 2, true, cmsgSpace(8)},
		{"header only", SizeofCmsghdr, 0, true, 0},
		{"none", 0, 0, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			task := socketTask(t)
			sv, _ := task.Socketpair(AF_UNIX, SOCK_DGRAM, 0)
			var fds []int32
			var rel []*bool
			for range 3 {
				fd, r := installProbe(t, task)
				fds = append(fds, fd)
				rel = append(rel, r)
			}
			sendRights(t, task, sv[0], rights(fds...))
			for _, fd := range fds {
				task.FDs.Close(fd)
			}
			f, _ := task.FDs.Get(sv[1])
			r, err := task.Recvmsg(f, 4, false, tc.ctlLen, 0)
			f.DecRef()
			if err != 0 {
				t.Fatal(err)
			}
			if got := r.Flags&MSG_CTRUNC != 0; got != tc.ctrunc {
				t.Errorf("MSG_CTRUNC: got %v, want %v", got, tc.ctrunc)
			}
			if len(r.Control) != tc.used {
				t.Errorf("control used: got %d, want %d", len(r.Control), tc.used)
			}
			closed := 0
			for _, r := range rel {
				if *r {
					closed++
				}
			}
			if closed != 3-tc.installed {
				t.Errorf("files closed: got %d, want %d", closed, 3-tc.installed)
			}
		})
	}
}
