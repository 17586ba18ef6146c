package cpu

import "testing"

func TestClone(t *testing.T) {
	var p prog
	p.w(iADDI(rA0, rA0, 1), wECALL)
	h, _ := newTestHart(t, p)
	h.X[rA1], h.F[3], h.FCSR = 5, 6, 0x21
	h.Time = func() uint64 { return 9 }
	runToEcall(t, h)

	c := h.Clone(h.Mem)
	if c.X != h.X || c.F != h.F || c.PC != h.PC || c.FCSR != h.FCSR || c.Instret != h.Instret || c.Mem != h.Mem || c.Time() != 9 {
		t.Fatalf("clone differs: got %+v", c)
	}
	c.X[rA0] = 100 // the kernel sets the child's return value
	c.PC = codeBase
	runToEcall(t, c)
	if c.X[rA0] != 101 || h.X[rA0] != 1 {
		t.Errorf("child a0 %d parent a0 %d, want 101 and 1", c.X[rA0], h.X[rA0])
	}
}

func TestSetMemory(t *testing.T) {
	var p1, p2 prog
	p1.w(iADDI(rA0, rZero, 1), wECALL)
	p2.w(iADDI(rA0, rZero, 2), wECALL)
	h, _ := newTestHart(t, p1)
	_, m2 := newTestHart(t, p2)
	runToEcall(t, h)
	h.SetMemory(m2)
	h.PC = codeBase
	runToEcall(t, h)
	if h.X[rA0] != 2 {
		t.Errorf("a0: got %d, want 2 (code of the new memory)", h.X[rA0])
	}
}

// The TLB keeps translations until a flush or a new generation.
func TestTLBFlush(t *testing.T) {
	var p prog
	p.w(enc(opLD, rA0, rA1, 0, 0), wECALL)
	for _, tc := range []struct {
		name  string
		flush func(h *Hart, m *testMem)
		want  uint64
	}{
		{"no flush: stale translation", func(h *Hart, m *testMem) {}, 1},
		{"FlushTLB", func(h *Hart, m *testMem) { h.FlushTLB() }, 2},
		{"new generation", func(h *Hart, m *testMem) { m.gen++ }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, m := newTestHart(t, p)
			h.X[rA1] = dataBase
			m.poke64(dataBase, 1)
			runToEcall(t, h)
			m.pages[dataBase>>pageShift] = new(Page) // remap to another page
			m.poke64(dataBase, 2)
			tc.flush(h, m)
			h.PC = codeBase
			runToEcall(t, h)
			if h.X[rA0] != tc.want {
				t.Errorf("a0: got %d, want %d", h.X[rA0], tc.want)
			}
		})
	}
}

// After a write breaks copy-on-write sharing, reads see the private copy.
func TestTLBCopyOnWrite(t *testing.T) {
	var p prog
	p.w(
		enc(opLD, rA0, rA1, 0, 0), // read the shared page
		enc(opSD, 0, rA1, rA2, 8), // write: private copy
		enc(opLD, rA3, rA1, 0, 8), // read the copy
		enc(opLD, rA4, rA1, 0, 0), // still the old contents, in the copy
		wECALL,
	)
	h, m := newTestHart(t, p)
	shared := m.pages[dataBase>>pageShift]
	m.poke64(dataBase, 7)
	m.cow[dataBase>>pageShift] = true
	h.X[rA1], h.X[rA2] = dataBase, 42
	runToEcall(t, h)
	if h.X[rA0] != 7 || h.X[rA3] != 42 || h.X[rA4] != 7 {
		t.Errorf("got a0 %d a3 %d a4 %d, want 7 42 7", h.X[rA0], h.X[rA3], h.X[rA4])
	}
	if shared[8] != 0 {
		t.Errorf("the shared page was written")
	}
}

// Hits do not call Translate.
func TestTLBHits(t *testing.T) {
	var p prog
	p.w(
		iADDI(rA2, rZero, 100),
		enc(opLD, rA0, rA1, 0, 0),  // loop:
		enc(opSD, 0, rA1, rA0, 8),  //
		iADDI(rA2, rA2, -1),        //
		enc(opBNE, 0, rA2, 0, -12), // to loop
		wECALL,
	)
	h, m := newTestHart(t, p)
	h.X[rA1] = dataBase
	runToEcall(t, h)
	if m.calls > 3 { // fetch, read, write
		t.Errorf("Translate called %d times, want 3", m.calls)
	}
}

func TestOddPC(t *testing.T) {
	h, _ := newTestHart(t, nil)
	h.PC = codeBase + 1
	want := Exit{Reason: ExitFault, Addr: codeBase + 1, Fault: FaultAdrAln, Access: AccessExec}
	if e := h.Run(10); e != want {
		t.Errorf("got %+v, want %+v", e, want)
	}
}
