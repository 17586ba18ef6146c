package ipc

import (
	"testing"

	"vessel/internal/abi"
)

func newQueue(t *testing.T, ns *Namespace, c *Caller) *MsgQueue {
	t.Helper()
	id, err := ns.MsgGet(c, IPC_PRIVATE, 0o600)
	if err != 0 {
		t.Fatal(err)
	}
	q, _ := ns.MsgQueue(id)
	return q
}

func send(t *testing.T, q *MsgQueue, c *Caller, typ int64, text string) {
	t.Helper()
	if blocked, err := q.Send(c, &Msg{Type: typ, Text: []byte(text)}, IPC_NOWAIT); blocked || err != 0 {
		t.Fatalf("send %d %q: blocked %v, %v", typ, text, blocked, err)
	}
}

// TestMsgReceive: which message msgrcv picks, as Linux's find_msg.
func TestMsgReceive(t *testing.T) {
	type pick struct {
		typ   int64
		flags int
		bufsz int
		want  string // the text, or "" with err
		err   abi.Errno
	}
	cases := []struct {
		name  string
		queue []Msg
		picks []pick
	}{
		{"type 0 takes in order", []Msg{{2, []byte("a")}, {1, []byte("b")}},
			[]pick{{0, 0, 10, "a", 0}, {0, 0, 10, "b", 0}, {0, IPC_NOWAIT, 10, "", abi.ENOMSG}}},
		{"type > 0 takes the first of the type", []Msg{{2, []byte("a")}, {3, []byte("b")}, {3, []byte("c")}},
			[]pick{{3, 0, 10, "b", 0}, {3, 0, 10, "c", 0}, {3, IPC_NOWAIT, 10, "", abi.ENOMSG}}},
		{"MSG_EXCEPT takes the first of another type", []Msg{{2, []byte("a")}, {3, []byte("b")}},
			[]pick{{2, MSG_EXCEPT, 10, "b", 0}, {2, MSG_EXCEPT | IPC_NOWAIT, 10, "", abi.ENOMSG}}},
		{"type < 0 takes the lowest type, first among equals", []Msg{{5, []byte("a")}, {2, []byte("b")}, {4, []byte("c")}, {2, []byte("d")}, {1, []byte("e")}},
			[]pick{{-3, 0, 10, "e", 0}, {-3, 0, 10, "b", 0}, {-3, 0, 10, "d", 0}, {-3, IPC_NOWAIT, 10, "", abi.ENOMSG}, {-5, 0, 10, "c", 0}}},
		{"E2BIG leaves the message, MSG_NOERROR takes it", []Msg{{1, []byte("long text")}},
			[]pick{{0, 0, 4, "", abi.E2BIG}, {0, MSG_NOERROR, 4, "long text", 0}}},
		{"MSG_COPY copies by index", []Msg{{1, []byte("a")}, {2, []byte("b")}},
			[]pick{{1, MSG_COPY | IPC_NOWAIT, 10, "b", 0}, {2, MSG_COPY | IPC_NOWAIT, 10, "", abi.ENOMSG}, {0, 0, 10, "a", 0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ns := NewNamespace()
			c := root()
			q := newQueue(t, ns, c)
			for _, m := range tc.queue {
				send(t, q, c, m.Type, string(m.Text))
			}
			for _, p := range tc.picks {
				m, r, err := q.Receive(c, p.typ, p.flags|IPC_NOWAIT, p.bufsz)
				if r != nil {
					t.Fatalf("type %d: blocked with IPC_NOWAIT", p.typ)
				}
				if err != p.err {
					t.Fatalf("type %d flags %#o: got %v, want %v", p.typ, p.flags, err, p.err)
				}
				if err == 0 && string(m.Text) != p.want {
					t.Errorf("type %d flags %#o: got %q, want %q", p.typ, p.flags, m.Text, p.want)
				}
			}
		})
	}
}

// TestMsgQueueCounts: cbytes, qnum, lspid and lrpid; msg_qbytes bounds
// both the bytes and the number of messages.
func TestMsgQueueCounts(t *testing.T) {
	ns := NewNamespace()
	a, b := user(10, 10), user(10, 10)
	a.Pid, b.Pid = 100, 200
	q := newQueue(t, ns, a)
	send(t, q, a, 1, "hello")
	send(t, q, a, 1, "world!")
	if q.Qnum != 2 || q.Cbytes != 11 || q.Lspid != 100 || q.Stime != a.Now {
		t.Errorf("after two sends: qnum %d cbytes %d lspid %d stime %d", q.Qnum, q.Cbytes, q.Lspid, q.Stime)
	}
	q.Receive(b, 0, 0, 100)
	if q.Qnum != 1 || q.Cbytes != 6 || q.Lrpid != 200 || q.Rtime != b.Now {
		t.Errorf("after a receive: qnum %d cbytes %d lrpid %d rtime %d", q.Qnum, q.Cbytes, q.Lrpid, q.Rtime)
	}
	if err := ns.MsgSet(a, q.ID, PermSet{UID: 10, GID: 10, Mode: 0o640}, 8); err != 0 {
		t.Fatal(err)
	}
	if blocked, err := q.Send(a, &Msg{Type: 1, Text: []byte("abc")}, 0); !blocked || err != 0 {
		t.Errorf("6+3 bytes in a queue of 8: blocked %v err %v, want blocked", blocked, err)
	}
	if _, err := q.Send(a, &Msg{Type: 1, Text: []byte("ab")}, IPC_NOWAIT); err != 0 {
		t.Errorf("6+2 bytes in a queue of 8: %v", err)
	}
	if err := ns.MsgSet(a, q.ID, PermSet{UID: 10, GID: 10, Mode: 0o640}, 2); err != 0 {
		t.Fatal(err)
	}
	for q.Qnum > 0 {
		q.Receive(a, 0, 0, 100)
	}
	send(t, q, a, 1, "")
	send(t, q, a, 1, "")
	if _, err := q.Send(a, &Msg{Type: 1}, IPC_NOWAIT); err != abi.EAGAIN {
		t.Errorf("a third empty message in a queue of qbytes 2: got %v, want EAGAIN", err)
	}
	if err := ns.MsgSet(a, q.ID, PermSet{UID: 10, GID: 10, Mode: 0o640}, MSGMNB+1); err != abi.EPERM {
		t.Errorf("qbytes past msgmnb without CAP_SYS_RESOURCE: got %v, want EPERM", err)
	}
	ds, _, _ := ns.MsgStat(a, q.ID, IPC_STAT)
	if ds.Perm.Mode != 0o640 || ds.Qbytes != 2 || ds.Lrpid != a.Pid {
		t.Errorf("IPC_STAT: mode %o qbytes %d lrpid %d", ds.Perm.Mode, ds.Qbytes, ds.Lrpid)
	}
	mi, _ := ns.MsgInfo(true)
	if mi.Msgpool != 1 || mi.Msgmap != int32(q.Qnum) || mi.Msgtql != int32(q.Cbytes) {
		t.Errorf("MSG_INFO: %+v, want 1 queue, %d messages, %d bytes", mi, q.Qnum, q.Cbytes)
	}
}

// TestMsgWaiters: a sender hands its message to the first receiver it
// suits, E2BIG to one whose buffer is too small, and removal fails the
// waiters with EIDRM and wakes the senders.
func TestMsgWaiters(t *testing.T) {
	ns := NewNamespace()
	c := root()
	q := newQueue(t, ns, c)
	woken := map[string]int{}
	park := func(name string, typ int64, flags, bufsz int) *MsgReceiver {
		_, r, err := q.Receive(c, typ, flags, bufsz)
		if r == nil || err != 0 {
			t.Fatalf("%s: did not block (%v)", name, err)
		}
		r.Wake = func() { woken[name]++ }
		q.AddReceiver(r)
		return r
	}
	small := park("small", 0, 0, 2)
	five := park("five", 5, 0, 100)
	any := park("any", 0, 0, 100)
	send(t, q, c, 5, "fives")
	if !small.Done || small.Err != abi.E2BIG {
		t.Errorf("the receiver with 2 bytes: done %v err %v, want E2BIG", small.Done, small.Err)
	}
	if !five.Done || five.Msg == nil || string(five.Msg.Text) != "fives" || any.Done {
		t.Errorf("type 5 went to the wrong receiver: five %+v any %+v", five, any)
	}
	if q.Qnum != 0 {
		t.Errorf("a message handed over is not queued: qnum %d", q.Qnum)
	}
	sender := &Sleeper{Wake: func() { woken["sender"]++ }}
	q.AddSender(sender)
	if err := ns.MsgRemove(c, q.ID); err != 0 {
		t.Fatal(err)
	}
	if !any.Done || any.Err != abi.EIDRM || woken["any"] != 1 || woken["sender"] != 1 {
		t.Errorf("after IPC_RMID: receiver %+v, woken %v", any, woken)
	}
	if blocked, err := q.Send(c, &Msg{Type: 1}, 0); blocked || err != abi.EIDRM {
		t.Errorf("a sender retrying after IPC_RMID: blocked %v err %v, want EIDRM", blocked, err)
	}
}
