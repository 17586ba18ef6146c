package ipc

import (
	"strings"
	"testing"

	"vessel/internal/abi"
)

// fakeMem is a segment's Memory for the tests.
type fakeMem struct {
	resident uint64
	released int
}

func (m *fakeMem) Resident() uint64 { return m.resident }
func (m *fakeMem) Release()         { m.released++ }

func newSeg(t *testing.T, ns *Namespace, c *Caller, key Key, size uint64, flags int) (*Segment, *fakeMem) {
	t.Helper()
	m := &fakeMem{}
	id, err := ns.ShmGet(c, key, size, flags, func(uint64) (Memory, abi.Errno) { return m, 0 })
	if err != 0 {
		t.Fatal(err)
	}
	s, _ := ns.Segment(id)
	return s, m
}

// TestShmGet: sizes and limits.
func TestShmGet(t *testing.T) {
	ns := NewNamespace()
	c := root()
	newSeg(t, ns, c, 0x42, 10000, IPC_CREAT|0o640)
	mem := func(uint64) (Memory, abi.Errno) { return &fakeMem{}, 0 }
	cases := []struct {
		name  string
		key   Key
		size  uint64
		flags int
		want  abi.Errno
	}{
		{"size 0", IPC_PRIVATE, 0, 0o600, abi.EINVAL},
		{"past shmmax", IPC_PRIVATE, SHMMAX + 1, 0o600, abi.EINVAL},
		{"huge pages", IPC_PRIVATE, 4096, SHM_HUGETLB | 0o600, abi.ENOMEM},
		{"existing, larger", 0x42, 10001, 0, abi.EINVAL},
		{"existing, smaller", 0x42, 1, 0, 0},
		{"existing, IPC_EXCL", 0x42, 1, IPC_CREAT | IPC_EXCL, abi.EEXIST},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ns.ShmGet(c, tc.key, tc.size, tc.flags, mem); err != tc.want {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	ns.shm.mni = 1 // shmmni: the table is full
	if _, err := ns.ShmGet(c, IPC_PRIVATE, 1, 0o600, mem); err != abi.ENOSPC {
		t.Errorf("past shmmni: got %v, want ENOSPC", err)
	}
	if _, err := ns.ShmGet(c, IPC_PRIVATE, 0, 0o600, mem); err != abi.EINVAL {
		t.Errorf("size 0 past shmmni: got %v, want EINVAL (the size is checked first)", err)
	}
	ns.shm.mni = SHMMNI
	ns.ShmAll = 3 // pages
	if _, err := ns.ShmGet(c, IPC_PRIVATE, 4096, 0o600, mem); err != abi.ENOSPC {
		t.Errorf("past shmall (3 pages used of 3): got %v, want ENOSPC", err)
	}
}

// TestShmRemove: IPC_RMID of an attached segment marks it SHM_DEST and
// forgets its key; the last detach destroys it.
func TestShmRemove(t *testing.T) {
	ns := NewNamespace()
	owner := user(10, 10)
	s, m := newSeg(t, ns, owner, 0x77, 8192, IPC_CREAT|0o600)
	a := user(10, 10)
	a.Pid, a.Now = 300, 5000
	s.Attached(a)
	s.Attached(a)
	if s.Nattch != 2 || s.Lpid != 300 || s.Atime != 5000 {
		t.Errorf("after two attaches: nattch %d lpid %d atime %d", s.Nattch, s.Lpid, s.Atime)
	}
	if err := ns.ShmRemove(user(11, 10), s.ID); err != abi.EPERM {
		t.Errorf("IPC_RMID by another user: got %v, want EPERM", err)
	}
	if err := ns.ShmRemove(owner, s.ID); err != 0 {
		t.Fatal(err)
	}
	if s.Mode&SHM_DEST == 0 || s.Key != IPC_PRIVATE || s.Removed() || m.released != 0 {
		t.Errorf("removed while attached: mode %o key %#x removed %v released %d", s.Mode, s.Key, s.Removed(), m.released)
	}
	if _, err := ns.ShmGet(owner, 0x77, 1, 0, nil); err != abi.ENOENT {
		t.Errorf("its key: got %v, want ENOENT", err)
	}
	if _, err := ns.ShmAttach(owner, s.ID, 0); err != 0 {
		t.Errorf("its id still attaches: %v", err)
	}
	ns.Detached(s, a)
	if s.Removed() {
		t.Fatal("destroyed with one attachment left")
	}
	ns.Detached(s, a)
	if !s.Removed() || m.released != 1 || ns.shmTot != 0 {
		t.Errorf("after the last detach: removed %v released %d shm_tot %d", s.Removed(), m.released, ns.shmTot)
	}
	if _, err := ns.Segment(s.ID); err != abi.EINVAL {
		t.Errorf("its id after destruction: got %v, want EINVAL", err)
	}
}

// TestShmPerms: shmat's access modes and IPC_STAT's read permission.
func TestShmPerms(t *testing.T) {
	ns := NewNamespace()
	s, _ := newSeg(t, ns, user(10, 20), IPC_PRIVATE, 4096, 0o640)
	cases := []struct {
		name  string
		c     *Caller
		flags int
		want  abi.Errno
	}{
		{"owner read-write", user(10, 20), 0, 0},
		{"group read-only", user(11, 20), SHM_RDONLY, 0},
		{"group read-write", user(11, 20), 0, abi.EACCES},
		{"owner exec", user(10, 20), SHM_RDONLY | SHM_EXEC, abi.EACCES},
		{"other read-only", user(12, 21), SHM_RDONLY, abi.EACCES},
		{"root", root(), SHM_EXEC, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ns.ShmAttach(tc.c, s.ID, tc.flags); err != tc.want {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if _, _, err := ns.ShmStat(user(12, 21), s.ID, IPC_STAT); err != abi.EACCES {
		t.Errorf("IPC_STAT by other: got %v, want EACCES", err)
	}
	if _, id, err := ns.ShmStat(user(12, 21), s.ID%IPCMNI, SHM_STAT_ANY); err != 0 || id != s.ID {
		t.Errorf("SHM_STAT_ANY by other: id %d err %v, want %d", id, err, s.ID)
	}
}

// TestShmLock: SHM_LOCK and SHM_UNLOCK set the mode bit; an unprivileged
// owner is held to RLIMIT_MEMLOCK.
func TestShmLock(t *testing.T) {
	ns := NewNamespace()
	owner := user(10, 10)
	owner.Memlock = 2 * abi.PageSize
	s, _ := newSeg(t, ns, owner, IPC_PRIVATE, 2*abi.PageSize, 0o600)
	big, _ := newSeg(t, ns, owner, IPC_PRIVATE, 1, 0o600)
	if err := ns.ShmLock(user(11, 10), s.ID, true); err != abi.EPERM {
		t.Errorf("SHM_LOCK by another user: got %v, want EPERM", err)
	}
	if err := ns.ShmLock(owner, s.ID, true); err != 0 || s.Mode&SHM_LOCKED == 0 {
		t.Errorf("SHM_LOCK: %v, mode %o", err, s.Mode)
	}
	if err := ns.ShmLock(owner, big.ID, true); err != abi.ENOMEM {
		t.Errorf("a third page past RLIMIT_MEMLOCK of 2: got %v, want ENOMEM", err)
	}
	if err := ns.ShmLock(owner, s.ID, false); err != 0 || s.Mode&SHM_LOCKED != 0 {
		t.Errorf("SHM_UNLOCK: %v, mode %o", err, s.Mode)
	}
	if err := ns.ShmLock(owner, big.ID, true); err != 0 {
		t.Errorf("after the unlock: %v", err)
	}
	owner.Memlock = 0
	if err := ns.ShmLock(owner, s.ID, true); err != abi.EPERM {
		t.Errorf("RLIMIT_MEMLOCK 0: got %v, want EPERM", err)
	}
}

// TestText: /proc/sysvipc in Linux's format.
func TestText(t *testing.T) {
	ns := NewNamespace()
	c := user(1000, 100)
	c.Pid, c.Now = 42, 1700000000
	s, m := newSeg(t, ns, c, 0x1234, 100, IPC_CREAT|0o640)
	m.resident = 1
	s.Attached(c)
	ns.MsgGet(c, IPC_PRIVATE, 0o600)
	q, _ := ns.MsgQueue(0)
	send(t, q, c, 1, "hello")
	ns.SemGet(c, 0x77, 3, IPC_CREAT|0o666)
	ns.ShmRemove(c, s.ID)
	cases := []struct {
		kind string
		want string
	}{
		{"shm", shmHeader +
			"         0          0  1640                   100    42    42      1  1000   100  1000   100 1700000000          0 1700000000                  4096                     0\n"},
		{"msg", msgHeader +
			"         0          0   600           5          1    42     0  1000   100  1000   100 1700000000          0 1700000000\n"},
		{"sem", semHeader +
			"       119          0   666          3  1000   100  1000   100          0 1700000000\n"},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			if got := string(ns.Text(tc.kind)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
	if ns.Text("other") != nil {
		t.Error("an unknown kind has text")
	}
	if !strings.HasPrefix(string(ns.Text("shm")), "       key      shmid perms") {
		t.Error("shm header")
	}
}
