package ipc

import (
	"slices"
	"testing"

	"vessel/internal/abi"
)

func newSet(t *testing.T, ns *Namespace, c *Caller, vals ...uint16) *SemSet {
	t.Helper()
	id, err := ns.SemGet(c, IPC_PRIVATE, len(vals), 0o600)
	if err != 0 {
		t.Fatal(err)
	}
	if err := ns.SemSetAll(c, id, vals); err != 0 {
		t.Fatal(err)
	}
	s, _ := ns.SemSet(id)
	return s
}

func vals(s *SemSet) []int {
	var out []int
	for _, x := range s.Sems {
		out = append(out, x.Val)
	}
	return out
}

// TestSemop: semop's arrays are all or nothing, each operation against
// the values the earlier ones left, with Linux's errors.
func TestSemop(t *testing.T) {
	cases := []struct {
		name    string
		start   []uint16
		ops     []Sembuf
		err     abi.Errno
		blocked bool
		want    []int
	}{
		{"decrement and increment", []uint16{1, 0}, []Sembuf{{0, -1, 0}, {1, 2, 0}}, 0, false, []int{0, 2}},
		{"one blocks: none done", []uint16{1, 0}, []Sembuf{{1, 1, 0}, {0, -2, 0}}, 0, true, []int{1, 0}},
		{"IPC_NOWAIT on the one that blocks", []uint16{1, 0}, []Sembuf{{1, 1, 0}, {0, -2, IPC_NOWAIT}}, abi.EAGAIN, false, []int{1, 0}},
		{"IPC_NOWAIT elsewhere does not count", []uint16{1, 0}, []Sembuf{{1, 1, IPC_NOWAIT}, {0, -2, 0}}, 0, true, []int{1, 0}},
		{"wait for zero", []uint16{1, 0}, []Sembuf{{0, 0, IPC_NOWAIT}}, abi.EAGAIN, false, []int{1, 0}},
		{"in order on one semaphore", []uint16{0, 0}, []Sembuf{{0, 1, 0}, {0, -1, 0}, {0, 0, 0}}, 0, false, []int{0, 0}},
		{"past SEMVMX", []uint16{SEMVMX, 0}, []Sembuf{{1, 1, 0}, {0, 1, 0}}, abi.ERANGE, false, []int{SEMVMX, 0}},
		{"number past the set", []uint16{0, 0}, []Sembuf{{2, 1, 0}}, abi.EFBIG, false, []int{0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ns := NewNamespace()
			c := root()
			s := newSet(t, ns, c, tc.start...)
			w, err := ns.Semop(c, s.ID, tc.ops, nil)
			if err != tc.err || (w != nil) != tc.blocked {
				t.Fatalf("got blocked %v err %v, want blocked %v err %v", w != nil, err, tc.blocked, tc.err)
			}
			if got := vals(s); !slices.Equal(got, tc.want) {
				t.Errorf("values: got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSemWaiters: a waiting semop is done for its sleeper when the set
// changes, in arrival order, and counted by GETNCNT and GETZCNT while it
// waits; removal fails it with EIDRM.
func TestSemWaiters(t *testing.T) {
	ns := NewNamespace()
	c := root()
	s := newSet(t, ns, c, 0, 3)
	var order []string
	park := func(name string, ops ...Sembuf) *SemWaiter {
		w, err := ns.Semop(c, s.ID, ops, nil)
		if w == nil {
			t.Fatalf("%s: did not block (%v)", name, err)
		}
		w.Park(func() { order = append(order, name) })
		return w
	}
	a := park("a", Sembuf{0, -1, 0})
	b := park("b", Sembuf{0, -1, 0})
	z := park("z", Sembuf{1, 0, 0})
	if n, _ := ns.SemCtl(c, s.ID, 0, GETNCNT); n != 2 {
		t.Errorf("GETNCNT 0: got %d, want 2", n)
	}
	if n, _ := ns.SemCtl(c, s.ID, 1, GETZCNT); n != 1 {
		t.Errorf("GETZCNT 1: got %d, want 1", n)
	}
	if n, _ := ns.SemCtl(c, s.ID, 1, GETNCNT); n != 0 {
		t.Errorf("GETNCNT 1: got %d, want 0", n)
	}
	// One increment completes the first waiter only.
	if w, err := ns.Semop(c, s.ID, []Sembuf{{0, 1, 0}}, nil); w != nil || err != 0 {
		t.Fatal(err)
	}
	if !a.Done || a.Err != 0 || b.Done || !slices.Equal(order, []string{"a"}) {
		t.Errorf("after one increment: a %+v b done %v, woken %v", a, b.Done, order)
	}
	// Taking semaphore 1 to zero completes the wait for zero.
	if err := ns.SemSetVal(c, s.ID, 1, 0); err != 0 {
		t.Fatal(err)
	}
	if !z.Done || z.Err != 0 {
		t.Errorf("wait for zero after SETVAL 0: %+v", z)
	}
	b.Cancel()
	if n, _ := ns.SemCtl(c, s.ID, 0, GETNCNT); n != 0 {
		t.Errorf("GETNCNT after a cancel: got %d, want 0", n)
	}
	d := park("d", Sembuf{0, -1, 0})
	if err := ns.SemRemove(c, s.ID); err != 0 {
		t.Fatal(err)
	}
	if !d.Done || d.Err != abi.EIDRM {
		t.Errorf("a waiter after IPC_RMID: %+v, want EIDRM", d)
	}
}

// TestSemUndo: SEM_UNDO adjustments, applied when the last sharer of the
// list exits, clamped to [0, SEMVMX]; SETVAL clears them.
func TestSemUndo(t *testing.T) {
	ns := NewNamespace()
	c := root()
	s := newSet(t, ns, c, 1, 5, 0)
	ul := NewUndoList()
	ul.Get() // a CLONE_SYSVSEM thread shares it
	dead := user(0, 0)
	dead.Pid = 77
	if _, err := ns.Semop(dead, s.ID, []Sembuf{{0, -1, SEM_UNDO}, {1, 2, SEM_UNDO}, {2, 1, SEM_UNDO}}, ul); err != 0 {
		t.Fatal(err)
	}
	if got := vals(s); !slices.Equal(got, []int{0, 7, 1}) {
		t.Fatalf("after the semop: %v", got)
	}
	ns.SemSetVal(c, s.ID, 2, 0)                  // clears semaphore 2's adjustment
	ns.Semop(c, s.ID, []Sembuf{{1, -6, 0}}, nil) // 1, and its adjustment of -2 stays
	w, _ := ns.Semop(c, s.ID, []Sembuf{{0, -1, 0}}, nil)
	woken := false
	w.Park(func() { woken = true })
	ul.Put(dead)
	if got := vals(s); !slices.Equal(got, []int{0, 1, 0}) || woken {
		t.Fatalf("after one of two sharers exits: %v, woken %v", got, woken)
	}
	ul.Put(dead)
	// Semaphore 0 gets its 1 back and the waiter takes it; 1 is clamped at 0.
	if got := vals(s); !slices.Equal(got, []int{0, 0, 0}) || !woken || !w.Done {
		t.Errorf("after the last exits: %v, waiter done %v", got, w.Done)
	}
	if pid, _ := ns.SemCtl(c, s.ID, 1, GETPID); pid != 77 {
		t.Errorf("GETPID 1: got %d, want the exiting 77", pid)
	}
	// The adjustment range: SEMAEM.
	ul = NewUndoList()
	ns.SemSetVal(c, s.ID, 0, SEMVMX)
	if _, err := ns.Semop(c, s.ID, []Sembuf{{0, -SEMVMX, SEM_UNDO}}, ul); err != 0 {
		t.Fatal(err)
	}
	ns.Semop(c, s.ID, []Sembuf{{0, 1, 0}}, nil)
	if _, err := ns.Semop(c, s.ID, []Sembuf{{0, -1, SEM_UNDO}}, ul); err != abi.ERANGE {
		t.Errorf("an adjustment past SEMAEM: got %v, want ERANGE", err)
	}
}

// TestSemCtl: SETVAL, SETALL and the range checks.
func TestSemCtl(t *testing.T) {
	ns := NewNamespace()
	c := root()
	s := newSet(t, ns, c, 0, 0)
	cases := []struct {
		name string
		err  abi.Errno
		call func() abi.Errno
	}{
		{"SETVAL 32768", abi.ERANGE, func() abi.Errno { return ns.SemSetVal(c, s.ID, 0, SEMVMX+1) }},
		{"SETVAL -1", abi.ERANGE, func() abi.Errno { return ns.SemSetVal(c, s.ID, 0, -1) }},
		{"SETVAL number 2", abi.EINVAL, func() abi.Errno { return ns.SemSetVal(c, s.ID, 2, 1) }},
		{"SETALL 32768", abi.ERANGE, func() abi.Errno { return ns.SemSetAll(c, s.ID, []uint16{1, SEMVMX + 1}) }},
		{"SETVAL by another user", abi.EACCES, func() abi.Errno { return ns.SemSetVal(user(5, 5), s.ID, 0, 1) }},
		{"GETVAL of a bad id", abi.EINVAL, func() abi.Errno { _, err := ns.SemCtl(c, s.ID+1, 0, GETVAL); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err != tc.err {
				t.Errorf("got %v, want %v", err, tc.err)
			}
		})
	}
	if got := vals(s); !slices.Equal(got, []int{0, 0}) {
		t.Errorf("failed calls changed the values: %v", got)
	}
	if _, err := ns.SemGet(c, IPC_PRIVATE, SEMMSL+1, 0); err != abi.EINVAL {
		t.Errorf("semget of semmsl+1: got %v, want EINVAL", err)
	}
	si, _ := ns.SemInfo(true)
	if si.Semusz != 1 || si.Semaem != 2 {
		t.Errorf("SEM_INFO: %d sets, %d semaphores; want 1 and 2", si.Semusz, si.Semaem)
	}
}
