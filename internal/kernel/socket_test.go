package kernel

import (
	"encoding/binary"
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

// TestSocketFamilies: only AF_UNIX is implemented; every other family is
// EAFNOSUPPORT, and the type and protocol are checked in Linux's order.
func TestSocketFamilies(t *testing.T) {
	const (
		afInet    = 2
		afInet6   = 10
		afNetlink = 16
		afPacket  = 17
	)
	cases := []struct {
		name                 string
		domain, typ, protocl int32
		want                 abi.Errno
	}{
		{"unix stream", AF_UNIX, SOCK_STREAM, 0, 0},
		{"unix dgram nonblock cloexec", AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0},
		{"unix seqpacket protocol PF_UNIX", AF_UNIX, SOCK_SEQPACKET, AF_UNIX, 0},
		{"inet stream", afInet, SOCK_STREAM, 0, abi.EAFNOSUPPORT},
		{"inet dgram", afInet, SOCK_DGRAM, 0, abi.EAFNOSUPPORT},
		{"inet6", afInet6, SOCK_STREAM, 0, abi.EAFNOSUPPORT},
		{"netlink", afNetlink, SOCK_RAW, 0, abi.EAFNOSUPPORT},
		{"packet", afPacket, SOCK_RAW, 0, abi.EAFNOSUPPORT},
		{"family out of range", 200, SOCK_STREAM, 0, abi.EAFNOSUPPORT},
		{"negative family", -1, SOCK_STREAM, 0, abi.EAFNOSUPPORT},
		{"unknown flag", AF_UNIX, SOCK_STREAM | 0x10000, 0, abi.EINVAL},
		{"unknown flag before family", afInet, SOCK_STREAM | 0x10000, 0, abi.EINVAL},
		{"type out of range", AF_UNIX, 11, 0, abi.EINVAL},
		{"rdm", AF_UNIX, SOCK_RDM, 0, abi.ESOCKTNOSUPPORT},
		{"protocol", AF_UNIX, SOCK_STREAM, 6, abi.EPROTONOSUPPORT},
	}
	task := socketTask(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fd, err := task.Socket(tc.domain, tc.typ, tc.protocl)
			if err != tc.want {
				t.Fatalf("socket: got %v, want %v", err, tc.want)
			}
			if err == 0 {
				task.FDs.Close(fd)
			}
			_, err = task.Socketpair(tc.domain, tc.typ, tc.protocl)
			if err != tc.want {
				t.Errorf("socketpair: got %v, want %v", err, tc.want)
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
		unixNSMu.Lock()
		ns := unixNamespaces[task.k]
		unixNSMu.Unlock()
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
