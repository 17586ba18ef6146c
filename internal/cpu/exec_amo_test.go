package cpu

import "testing"

func TestExecAMO(t *testing.T) {
	tests := []struct {
		op       Op
		mem, src uint64 // memory before, rs2
		wantMem  uint64 // memory after (the 8 bytes at the address)
		wantRd   uint64
	}{
		{opAMOSWAP_D, 1, 2, 2, 1},
		{opAMOADD_D, allOnes, 2, 1, allOnes},
		{opAMOXOR_D, 0xff, 0x0f, 0xf0, 0xff},
		{opAMOAND_D, 0xff, 0x0f, 0x0f, 0xff},
		{opAMOOR_D, 0xf0, 0x0f, 0xff, 0xf0},
		{opAMOMIN_D, allOnes, 1, allOnes, allOnes},
		{opAMOMAX_D, allOnes, 1, 1, allOnes},
		{opAMOMINU_D, allOnes, 1, 1, allOnes},
		{opAMOMAXU_D, allOnes, 1, allOnes, allOnes},

		// Word forms touch 4 bytes and sign-extend the old value into rd.
		{opAMOSWAP_W, 0x55555555_80000000, 7, 0x55555555_00000007, sext32hi},
		{opAMOADD_W, 0x55555555_ffffffff, 2, 0x55555555_00000001, allOnes},
		{opAMOXOR_W, 0x0ff, 0xffffffff_0000000f, 0xf0, 0xff},
		{opAMOAND_W, 0xffffffff_ffffffff, 0x0f, 0xffffffff_0000000f, allOnes},
		{opAMOOR_W, 0x0, 0x1_80000000, 0x80000000, 0},
		{opAMOMIN_W, 0x80000000, 1, 0x80000000, sext32hi},
		{opAMOMIN_W, 1, 0x1_00000000, 0, 1}, // src's low word is 0
		{opAMOMAX_W, 0x80000000, 1, 1, sext32hi},
		{opAMOMINU_W, 0x80000000, 1, 1, sext32hi},
		{opAMOMAXU_W, 0x80000000, 1, 0x80000000, sext32hi},
	}
	for _, tc := range tests {
		t.Run(tc.op.String(), func(t *testing.T) {
			var p prog
			p.w(enc(tc.op, rA0, rA1, rA2, 0), wECALL)
			h, m := newTestHart(t, p)
			m.poke64(dataBase+8, tc.mem)
			h.X[rA1], h.X[rA2] = dataBase+8, tc.src
			runToEcall(t, h)
			if got := m.peek64(dataBase + 8); got != tc.wantMem {
				t.Errorf("memory: got %#x, want %#x", got, tc.wantMem)
			}
			if got := h.X[rA0]; got != tc.wantRd {
				t.Errorf("rd: got %#x, want %#x", got, tc.wantRd)
			}
		})
	}
}

func TestExecLRSC(t *testing.T) {
	lrd := enc(opLR_D, rA0, rA1, 0, 0)
	scd := enc(opSC_D, rA3, rA1, rA2, 0)
	tests := []struct {
		name    string
		code    []uint32
		wantSC  uint64 // a3
		wantMem uint64 // the doubleword at the address, initially 5
	}{
		{"lr then sc succeeds", []uint32{lrd, scd}, 0, 99},
		{"sc without lr fails", []uint32{scd}, 1, 5},
		{"sc twice: second fails", []uint32{lrd, scd, iADDI(rA2, rZero, 7), scd}, 1, 99},
		{"sc to another address fails", []uint32{lrd, iADDI(rA1, rA1, 8), scd}, 1, 5},
		{"lr.w then sc.w succeeds", []uint32{enc(opLR_W, rA0, rA1, 0, 0), enc(opSC_W, rA3, rA1, rA2, 0)}, 0, 99},
		{"lr.w then sc.d fails", []uint32{enc(opLR_W, rA0, rA1, 0, 0), iADDI(rA4, rZero, 1), enc(opSW, 0, rA1, rA4, 4), scd}, 1, 0x1_00000005},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p prog
			p.w(tc.code...).w(wECALL)
			h, m := newTestHart(t, p)
			m.poke64(dataBase, 5)
			h.X[rA1], h.X[rA2], h.X[rA3] = dataBase, 99, 42
			runToEcall(t, h)
			if got := h.X[rA3]; got != tc.wantSC {
				t.Errorf("sc result: got %d, want %d", got, tc.wantSC)
			}
			if got := m.peek64(dataBase); got != tc.wantMem {
				t.Errorf("memory: got %#x, want %#x", got, tc.wantMem)
			}
		})
	}
}

// A reservation does not survive the kernel's ClearReservation (a context
// switch), nor a change of the reserved value by someone else.
func TestExecLRSCBroken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(h *Hart, m *testMem)
	}{
		{"ClearReservation", func(h *Hart, m *testMem) { h.ClearReservation() }},
		{"other writer", func(h *Hart, m *testMem) { m.poke64(dataBase, 6) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p prog
			p.w(enc(opLR_D, rA0, rA1, 0, 0), wECALL, enc(opSC_D, rA3, rA1, rA2, 0), wECALL)
			h, m := newTestHart(t, p)
			h.X[rA1], h.X[rA2] = dataBase, 99
			runToEcall(t, h)
			tc.break_(h, m)
			h.PC += 4
			runToEcall(t, h)
			if h.X[rA3] != 1 || m.peek64(dataBase) == 99 {
				t.Errorf("sc: got rd %d memory %d, want failure (1) and no store", h.X[rA3], m.peek64(dataBase))
			}
		})
	}
}
