package ipc

import (
	"testing"

	"vessel/internal/abi"
)

// root and user are the callers of the tests: euid 0 with every
// capability, and an unprivileged user 1000 in group 100.
func root() *Caller {
	return &Caller{Pid: 1, Tid: 1, Caps: CAP_IPC_OWNER | CAP_SYS_ADMIN | CAP_SYS_RESOURCE | CAP_IPC_LOCK | CAP_DAC_OVERRIDE | CAP_FOWNER,
		Memlock: 8 << 20, Msgqueue: 819200, Now: 1000}
}

func user(uid, gid uint32) *Caller {
	return &Caller{Pid: 2, Tid: 2, UID: uid, EUID: uid, FSUID: uid, EGID: gid, FSGID: gid,
		Memlock: 8 << 20, Msgqueue: 819200, Now: 2000}
}

type testObj struct{ Perm }

// TestIDs: ids as Linux hands them out, index + seq*32768, cycling over
// the lowest free index from the last one, the sequence bumped on wrap.
func TestIDs(t *testing.T) {
	s := newIDs(4096)
	var objs []*testObj
	add := func() int32 {
		t.Helper()
		o := &testObj{}
		if err := s.add(o, IPC_PRIVATE); err != 0 {
			t.Fatalf("add: %v", err)
		}
		objs = append(objs, o)
		return o.ID
	}
	for i := range 3 {
		if id := add(); id != int32(i) {
			t.Fatalf("object %d: got id %d, want %d", i, id, i)
		}
	}
	s.remove(objs[0])
	if id := add(); id != 3 {
		t.Errorf("after removing 0: got id %d, want 3 (the search starts after the last index)", id)
	}
	// With few objects in use the search cycles over 64 indexes: one made
	// and removed at a time takes 4, 5, ... 63, then 0 again with the
	// sequence bumped.
	for _, o := range objs {
		s.remove(o)
	}
	for want := int32(4); want < 64; want++ {
		o := &testObj{}
		s.add(o, IPC_PRIVATE)
		if o.ID != want {
			t.Fatalf("got id %d, want %d", o.ID, want)
		}
		s.remove(o)
	}
	o := &testObj{}
	s.add(o, IPC_PRIVATE)
	if o.ID != IPCMNI || o.Seq != 1 {
		t.Errorf("after the wrap: got id %d seq %d, want %d seq 1", o.ID, o.Seq, IPCMNI)
	}
	if _, err := s.find(0); err != abi.EINVAL {
		t.Errorf("stale id 0: got %v, want EINVAL", err)
	}
	if got, err := s.find(IPCMNI); err != 0 || got != o {
		t.Errorf("find(%d): %v", IPCMNI, err)
	}
	if _, err := s.find(-1); err != abi.EINVAL {
		t.Errorf("negative id: got %v, want EINVAL", err)
	}
	// With many in use the cycle is half as long again as their number.
	for range 70 {
		s.add(&testObj{}, IPC_PRIVATE)
	}
	if got, want := s.maxIdx(), 70; got != want {
		t.Errorf("maxIdx with indexes 0..70 in use: got %d, want %d", got, want)
	}
}

func TestIDsFull(t *testing.T) {
	s := newIDs(3)
	for range 3 {
		if err := s.add(&testObj{}, IPC_PRIVATE); err != 0 {
			t.Fatal(err)
		}
	}
	if err := s.add(&testObj{}, IPC_PRIVATE); err != abi.ENOSPC {
		t.Errorf("a fourth object in a table of 3: got %v, want ENOSPC", err)
	}
	if got := s.maxIdx(); got != 2 {
		t.Errorf("maxIdx of a full table: got %d, want 2", got)
	}
}

// TestPermits: ipcperms takes the owner's or creator's bits, else the
// group's (owner's or creator's group, also supplementary), else the
// others'; CAP_IPC_OWNER passes.
func TestPermits(t *testing.T) {
	p := Perm{UID: 10, GID: 20, CUID: 11, CGID: 21, Mode: 0o640}
	cases := []struct {
		name string
		c    *Caller
		flag uint32
		want bool
	}{
		{"owner reads", user(10, 99), S_IRUGO, true},
		{"owner writes", user(10, 99), S_IWUGO, true},
		{"creator writes", user(11, 99), S_IWUGO, true},
		{"group reads", user(50, 20), S_IRUGO, true},
		{"creator's group reads", user(50, 21), S_IRUGO, true},
		{"group writes", user(50, 20), S_IWUGO, false},
		{"supplementary group reads", &Caller{EUID: 50, FSGID: 99, Groups: []uint32{7, 20}}, S_IRUGO, true},
		{"other reads", user(50, 99), S_IRUGO, false},
		{"root", root(), S_IRUGO | S_IWUGO, true},
		{"no access asked", user(50, 99), 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.permits(tc.c, tc.flag); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGet: ipcget's lookup and creation, through msgget.
func TestGet(t *testing.T) {
	ns := NewNamespace()
	owner := user(10, 20)
	id, err := ns.MsgGet(owner, 0x1234, IPC_CREAT|0o600)
	if err != 0 {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		c     *Caller
		key   Key
		flags int
		want  abi.Errno
	}{
		{"missing key", owner, 0x999, 0o600, abi.ENOENT},
		{"IPC_CREAT|IPC_EXCL", owner, 0x1234, IPC_CREAT | IPC_EXCL | 0o600, abi.EEXIST},
		{"other user, no bits asked", user(30, 30), 0x1234, 0, 0},
		{"other user asking read", user(30, 30), 0x1234, 0o400, abi.EACCES},
		{"root asking read", root(), 0x1234, 0o400, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ns.MsgGet(tc.c, tc.key, tc.flags)
			if err != tc.want {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err == 0 && got != id {
				t.Errorf("got id %d, want %d", got, id)
			}
		})
	}
	q, _ := ns.MsgQueue(id)
	if q.UID != 10 || q.CUID != 10 || q.GID != 20 || q.CGID != 20 || q.Mode != 0o600 || q.Key != 0x1234 {
		t.Errorf("perm: got %+v, want owner and creator 10:20, mode 0600, key 0x1234", q.Perm)
	}
	if private, _ := ns.MsgGet(owner, IPC_PRIVATE, 0o600); private == id {
		t.Error("IPC_PRIVATE returned the existing queue")
	}
}

// TestControl: IPC_SET and IPC_RMID need the owner, the creator or
// CAP_SYS_ADMIN; IPC_SET changes owner and permission bits only.
func TestControl(t *testing.T) {
	ns := NewNamespace()
	id, _ := ns.SemGet(user(10, 20), IPC_PRIVATE, 1, 0o600)
	if err := ns.SemSetPerm(user(30, 20), id, PermSet{UID: 30, GID: 30, Mode: 0o666}); err != abi.EPERM {
		t.Errorf("IPC_SET by another user: got %v, want EPERM", err)
	}
	if err := ns.SemSetPerm(user(10, 20), id, PermSet{UID: ^uint32(0), GID: 1, Mode: 0}); err != abi.EINVAL {
		t.Errorf("IPC_SET to uid -1: got %v, want EINVAL", err)
	}
	if err := ns.SemSetPerm(user(10, 20), id, PermSet{UID: 30, GID: 31, Mode: 0o7644}); err != 0 {
		t.Fatalf("IPC_SET by the owner: %v", err)
	}
	ds, _, _ := ns.SemStat(root(), id, IPC_STAT)
	if p := ds.Perm; p.UID != 30 || p.GID != 31 || p.CUID != 10 || p.Mode != 0o644 {
		t.Errorf("after IPC_SET: got %+v, want uid 30 gid 31 cuid 10 mode 0644", p)
	}
	if err := ns.SemRemove(user(10, 20), id); err != 0 {
		t.Errorf("IPC_RMID by the creator: %v", err)
	}
	if err := ns.SemRemove(root(), id); err != abi.EINVAL {
		t.Errorf("IPC_RMID again: got %v, want EINVAL", err)
	}
}
