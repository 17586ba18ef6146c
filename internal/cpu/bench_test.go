package cpu

import "testing"

// benchLoop runs code, an endless loop, in chunks of 1M instructions and
// reports the speed in millions of instructions per second.
func benchLoop(b *testing.B, code prog, setup func(h *Hart, m *testMem)) {
	m := newTestMem()
	m.mapPages(codeBase, codeSize, AccessRead|AccessExec)
	m.mapPages(dataBase, dataSize, AccessRead|AccessWrite)
	m.poke(codeBase, code)
	h := New(m)
	h.PC = codeBase
	h.X[rA1] = dataBase
	h.X[rSp] = dataBase + dataSize
	if setup != nil {
		setup(h, m)
	}
	const chunk = 1 << 20
	b.ResetTimer()
	for b.Loop() {
		if e := h.Run(chunk); e.Reason != ExitBudget {
			b.Fatalf("Run: got %+v at %#x", e, h.PC)
		}
	}
	b.ReportMetric(float64(h.Instret)/b.Elapsed().Seconds()/1e6, "MIPS")
}

func BenchmarkRun(b *testing.B) {
	b.Run("alu-load-store-branch", func(b *testing.B) {
		var p prog
		p.w(
			enc(opLD, rT0, rA1, 0, 0),  // loop:
			iR(opADD, rA0, rA0, rT0),   //
			iADDI(rT1, rT1, 3),         //
			iR(opXOR, rA0, rA0, rT1),   //
			enc(opSD, 0, rA1, rA0, 8),  //
			iADDI(rA2, rA2, -1),        //
			enc(opBNE, 0, rA2, 0, -24), // to loop
		)
		benchLoop(b, p, func(h *Hart, m *testMem) { h.X[rA2] = 1 << 62 })
	})
	b.Run("compressed", func(b *testing.B) {
		// The same loop as compiled for rv64gc, where most of it is RVC:
		// ld a5,0(a1); add a0,a0,a5; addi a4,a4,3; xor a0,a0,a4;
		// sd a0,8(a1); addi a2,a2,-1; bnez a2,loop
		var p prog
		p.c(0x619c, 0x953e, 0x070d, 0x8d39, 0xe588, 0x167d, 0xfa75)
		benchLoop(b, p, func(h *Hart, m *testMem) { h.X[rA2] = 1 << 62 })
	})
	b.Run("calls-across-pages", func(b *testing.B) {
		// A loop that calls a leaf function on another page, which
		// touches the stack as compiled code does.
		var p prog
		p.w(
			enc(opLUI, rA3, 0, 0, codeBase+PageSize), // 0
			enc(opJALR, rRa, rA3, 0, 0),              // 4: loop: call
			iADDI(rA2, rA2, -1),                      // 8
			enc(opBNE, 0, rA2, 0, -8),                // 12: to loop
		)
		var f prog
		f.w(
			iADDI(rSp, rSp, -16),
			enc(opSD, 0, rSp, rA0, 8),
			iADDI(rA0, rA0, 1),
			enc(opLD, rT0, rSp, 0, 8),
			iADDI(rSp, rSp, 16),
			enc(opJALR, 0, rRa, 0, 0),
		)
		benchLoop(b, p, func(h *Hart, m *testMem) {
			m.poke(codeBase+PageSize, f)
			h.X[rA2] = 1 << 62
		})
	})
}

// The steady state allocates nothing.
func TestRunNoAlloc(t *testing.T) {
	var p prog
	p.w(
		enc(opLD, rT0, rA1, 0, 0),
		enc(opSD, 0, rA1, rT0, 8),
		enc(opAMOADD_D, rT1, rA1, rT0, 0),
		iADDI(rA2, rA2, -1),
		enc(opBNE, 0, rA2, 0, -16),
	)
	h, _ := newTestHart(t, p)
	h.X[rA1], h.X[rA2] = dataBase, 1<<62
	h.Run(1000) // decode and fill the TLB
	if n := testing.AllocsPerRun(10, func() { h.Run(10000) }); n != 0 {
		t.Errorf("Run allocates %v times per call, want 0", n)
	}
}
