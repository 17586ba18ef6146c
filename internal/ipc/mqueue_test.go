package ipc

import (
	"testing"

	"vessel/internal/abi"
)

// TestMQOrder: the highest priority first, FIFO within a priority.
func TestMQOrder(t *testing.T) {
	ns := NewNamespace()
	q, err := ns.MQOpen(root(), "q", abi.O_RDWR|abi.O_CREAT, 0o600, nil)
	if err != 0 {
		t.Fatal(err)
	}
	for _, m := range []MQMsg{{1, []byte("1a")}, {5, []byte("5a")}, {3, []byte("3a")}, {5, []byte("5b")}, {0, []byte("0a")}, {1, []byte("1b")}} {
		if w, n, err := q.Send(&MQMsg{m.Prio, m.Data}, true); w != nil || n != nil || err != 0 {
			t.Fatalf("send: %v", err)
		}
	}
	var got []string
	for {
		m, w, err := q.Receive(true)
		if err == abi.EAGAIN {
			break
		}
		if w != nil || err != 0 {
			t.Fatalf("receive: %v", err)
		}
		got = append(got, string(m.Data))
	}
	want := []string{"5a", "5b", "3a", "1a", "1b", "0a"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// TestMQOpen: names, flags, attributes and limits.
func TestMQOpen(t *testing.T) {
	ns := NewNamespace()
	u := user(10, 10)
	u.Umask = 0o022
	if _, err := ns.MQOpen(u, "a", abi.O_RDWR|abi.O_CREAT, 0o666, nil); err != 0 {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		c     *Caller
		qname string
		oflag uint32
		attr  *MQAttr
		want  abi.Errno
	}{
		{"exists, O_EXCL", u, "a", abi.O_RDWR | abi.O_CREAT | abi.O_EXCL, nil, abi.EEXIST},
		{"missing", u, "b", abi.O_RDWR, nil, abi.ENOENT},
		{"O_WRONLY|O_RDWR", u, "a", abi.O_WRONLY | abi.O_RDWR, nil, abi.EINVAL},
		{"others may only read (umask)", user(11, 11), "a", abi.O_WRONLY, nil, abi.EACCES},
		{"others read", user(11, 11), "a", abi.O_RDONLY, nil, 0},
		{"empty name", u, "", abi.O_RDWR | abi.O_CREAT, nil, abi.EACCES},
		{"dot dot", u, "..", abi.O_RDWR | abi.O_CREAT, nil, abi.EACCES},
		{"a slash", u, "x/y", abi.O_RDWR | abi.O_CREAT, nil, abi.EACCES},
		{"256 bytes", u, string(make([]byte, 256)), abi.O_RDWR | abi.O_CREAT, nil, abi.ENAMETOOLONG},
		{"maxmsg 0", u, "c", abi.O_RDWR | abi.O_CREAT, &MQAttr{Maxmsg: 0, Msgsize: 1}, abi.EINVAL},
		{"maxmsg 11 unprivileged", u, "c", abi.O_RDWR | abi.O_CREAT, &MQAttr{Maxmsg: 11, Msgsize: 1}, abi.EINVAL},
		{"maxmsg 11 root", root(), "c", abi.O_RDWR | abi.O_CREAT, &MQAttr{Maxmsg: 11, Msgsize: 1}, 0},
		{"msgsize 8193 unprivileged", u, "d", abi.O_RDWR | abi.O_CREAT, &MQAttr{Maxmsg: 1, Msgsize: 8193}, abi.EINVAL},
		{"past the hard limit as root", root(), "d", abi.O_RDWR | abi.O_CREAT, &MQAttr{Maxmsg: HARD_MSGMAX + 1, Msgsize: 1}, abi.EINVAL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ns.MQOpen(tc.c, tc.qname, tc.oflag, 0o666, tc.attr); err != tc.want {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	q := ns.MQueue("a")
	if q.Mode != 0o644 || q.UID != 10 || q.Maxmsg != DFLT_MSG || q.Msgsize != DFLT_MSGSIZE {
		t.Errorf("new queue: mode %o uid %d maxmsg %d msgsize %d", q.Mode, q.UID, q.Maxmsg, q.Msgsize)
	}
	if got := ns.MQueues(); len(got) != 2 || got[0].Name != "a" || got[1].Name != "c" || got[0].Size != FILENT_SIZE {
		t.Errorf("MQueues: %+v", got)
	}
}

// TestMQLimits: RLIMIT_MSGQUEUE counts what a full queue would take, per
// user, until the queue is gone; unlink needs the owner.
func TestMQLimits(t *testing.T) {
	ns := NewNamespace()
	u := user(10, 10)
	// A default queue is charged 10*8192 + 10*48 + 10*48 bytes: nine fit
	// in the default 819200.
	var qs []*MQueue
	for i := range 9 {
		q, err := ns.MQOpen(u, string(rune('a'+i)), abi.O_RDWR|abi.O_CREAT, 0o600, nil)
		if err != 0 {
			t.Fatalf("queue %d: %v", i, err)
		}
		qs = append(qs, q)
	}
	if _, err := ns.MQOpen(u, "z", abi.O_RDWR|abi.O_CREAT, 0o600, nil); err != abi.EMFILE {
		t.Errorf("a tenth queue: got %v, want EMFILE", err)
	}
	if err := ns.MQUnlink(user(11, 11), "a"); err != abi.EPERM {
		t.Errorf("unlink by another user: got %v, want EPERM", err)
	}
	if err := ns.MQUnlink(u, "a"); err != 0 {
		t.Fatal(err)
	}
	if _, err := ns.MQOpen(u, "z", abi.O_RDWR|abi.O_CREAT, 0o600, nil); err != abi.EMFILE {
		t.Errorf("unlinked but open, the charge stays: got %v, want EMFILE", err)
	}
	qs[0].Close()
	if _, err := ns.MQOpen(u, "z", abi.O_RDWR|abi.O_CREAT, 0o600, nil); err != 0 {
		t.Errorf("after the last close: %v", err)
	}
	if err := ns.MQUnlink(u, "a"); err != abi.ENOENT {
		t.Errorf("unlink again: got %v, want ENOENT", err)
	}
	ns.MQQueuesMax = 10
	if _, err := ns.MQOpen(root(), "r", abi.O_RDWR|abi.O_CREAT, 0o600, &MQAttr{Maxmsg: 1, Msgsize: 1}); err != 0 {
		t.Errorf("root past queues_max: %v", err)
	}
	if _, err := ns.MQOpen(user(12, 12), "s", abi.O_RDWR|abi.O_CREAT, 0o600, &MQAttr{Maxmsg: 1, Msgsize: 1}); err != abi.ENOSPC {
		t.Errorf("a user past queues_max: got %v, want ENOSPC", err)
	}
}

// TestMQWaiters: a message goes to a waiting receiver rather than the
// queue (and fires no notification); a receive lets a waiting sender's
// message in; notification fires when a message makes the queue
// non-empty, once.
func TestMQWaiters(t *testing.T) {
	ns := NewNamespace()
	q, _ := ns.MQOpen(root(), "q", abi.O_RDWR|abi.O_CREAT, 0o600, &MQAttr{Maxmsg: 1, Msgsize: 16})
	owner := &struct{}{}
	if err := q.SetNotify(&MQNotify{Notify: abi.SIGEV_SIGNAL, Signo: 10, Pid: 7, Owner: owner}); err != 0 {
		t.Fatal(err)
	}
	if err := q.SetNotify(&MQNotify{Notify: abi.SIGEV_NONE}); err != abi.EBUSY {
		t.Errorf("a second registration: got %v, want EBUSY", err)
	}
	if got, want := q.Text(), "QSIZE:0          NOTIFY:0     SIGNO:10    NOTIFY_PID:7     \n"; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
	_, r, _ := q.Receive(false)
	woken := 0
	q.ParkReceiver(r, func() { woken++ })
	if _, n, _ := q.Send(&MQMsg{1, []byte("direct")}, false); n != nil || !r.Done || string(r.Msg.Data) != "direct" || woken != 1 {
		t.Errorf("send to a waiting receiver: notify %v, receiver %+v", n, r)
	}
	_, n, _ := q.Send(&MQMsg{2, []byte("queued")}, false)
	if n == nil || n.Owner != owner || q.Notification() != nil {
		t.Errorf("a message to the empty queue: notification %v, still registered %v", n, q.Notification())
	}
	s, _, _ := q.Send(&MQMsg{3, []byte("waits")}, false)
	if s == nil {
		t.Fatal("a send to a full queue did not block")
	}
	if _, _, err := q.Send(&MQMsg{3, []byte("x")}, true); err != abi.EAGAIN {
		t.Errorf("full, non-blocking: got %v, want EAGAIN", err)
	}
	q.ParkSender(s, func() { woken++ })
	m, _, _ := q.Receive(false)
	if string(m.Data) != "queued" || !s.Done || woken != 2 || !q.Readable() || q.Writable() {
		t.Errorf("receive with a waiting sender: got %q, sender done %v, readable %v writable %v", m.Data, s.Done, q.Readable(), q.Writable())
	}
	if got, want := q.Text(), "QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
}
