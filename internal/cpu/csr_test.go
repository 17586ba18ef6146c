package cpu

import "testing"

func TestCSR(t *testing.T) {
	csr := func(op Op, rd, rs1 uint8, n int32) uint32 { return enc(op, rd, rs1, 0, n) }
	tests := []struct {
		name     string
		code     []uint32
		fcsr     uint32 // initial FCSR
		regs     map[uint8]uint64
		want     map[uint8]uint64
		wantFCSR uint32
	}{
		{"frflags", []uint32{csr(opCSRRS, rA0, 0, csrFflags)}, 0xe5, nil, map[uint8]uint64{rA0: 0x05}, 0xe5},
		{"frrm", []uint32{csr(opCSRRS, rA0, 0, csrFrm)}, 0xe5, nil, map[uint8]uint64{rA0: 7}, 0xe5},
		{"frcsr", []uint32{csr(opCSRRS, rA0, 0, csrFcsr)}, 0xe5, nil, map[uint8]uint64{rA0: 0xe5}, 0xe5},
		{"fsflags swaps", []uint32{csr(opCSRRW, rA0, rA1, csrFflags)}, 0x45, map[uint8]uint64{rA1: 0xff}, map[uint8]uint64{rA0: 5}, 0x5f},
		{"fsrm", []uint32{csr(opCSRRW, rA0, rA1, csrFrm)}, 0x1f, map[uint8]uint64{rA1: 0xf3}, map[uint8]uint64{rA0: 0}, 0x7f},
		{"fscsr masks to 8 bits", []uint32{csr(opCSRRW, rZero, rA1, csrFcsr)}, 0, map[uint8]uint64{rA1: 0x1ff}, nil, 0xff},
		{"csrrs sets", []uint32{csr(opCSRRS, rA0, rA1, csrFflags)}, 0x01, map[uint8]uint64{rA1: 0x10}, map[uint8]uint64{rA0: 1}, 0x11},
		{"csrrc clears", []uint32{csr(opCSRRC, rA0, rA1, csrFflags)}, 0x1f, map[uint8]uint64{rA1: 0x11}, map[uint8]uint64{rA0: 0x1f}, 0x0e},
		{"csrrwi", []uint32{csr(opCSRRWI, rA0, 3, csrFrm)}, 0x20, nil, map[uint8]uint64{rA0: 1}, 0x60},
		{"csrrsi", []uint32{csr(opCSRRSI, rA0, 4, csrFflags)}, 0x01, nil, map[uint8]uint64{rA0: 1}, 0x05},
		{"csrrci", []uint32{csr(opCSRRCI, rA0, 1, csrFflags)}, 0x03, nil, map[uint8]uint64{rA0: 3}, 0x02},
		{"rs1 = rd reads before writing", []uint32{csr(opCSRRW, rA0, rA0, csrFflags)}, 0x03, map[uint8]uint64{rA0: 0x1c}, map[uint8]uint64{rA0: 3}, 0x1c},
		{"rdcycle", []uint32{iADDI(rZero, rZero, 0), csr(opCSRRS, rA0, 0, csrCycle)}, 0, nil, map[uint8]uint64{rA0: 1}, 0},
		{"rdinstret", []uint32{iADDI(rZero, rZero, 0), iADDI(rZero, rZero, 0), csr(opCSRRS, rA0, 0, csrInstret)}, 0, nil, map[uint8]uint64{rA0: 2}, 0},
		{"rdtime without Time", []uint32{csr(opCSRRS, rA0, 0, csrTime)}, 0, nil, map[uint8]uint64{rA0: 0}, 0},
		{"csrrc cycle with x0 reads", []uint32{csr(opCSRRC, rA0, 0, csrCycle)}, 0, nil, map[uint8]uint64{rA0: 0}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p prog
			p.w(tc.code...).w(wECALL)
			h, _ := newTestHart(t, p)
			h.FCSR = tc.fcsr
			for r, v := range tc.regs {
				h.X[r] = v
			}
			runToEcall(t, h)
			for r, v := range tc.want {
				if h.X[r] != v {
					t.Errorf("x%d: got %#x, want %#x", r, h.X[r], v)
				}
			}
			if h.FCSR != tc.wantFCSR {
				t.Errorf("FCSR: got %#x, want %#x", h.FCSR, tc.wantFCSR)
			}
		})
	}
}

func TestCSRTime(t *testing.T) {
	var p prog
	p.w(enc(opCSRRS, rA0, 0, 0, csrTime), wECALL)
	h, _ := newTestHart(t, p)
	h.Time = func() uint64 { return 12345 }
	runToEcall(t, h)
	if h.X[rA0] != 12345 {
		t.Errorf("rdtime: got %d, want 12345", h.X[rA0])
	}
}

func TestCSRIllegal(t *testing.T) {
	for _, tc := range []struct {
		name string
		word uint32
	}{
		{"write cycle", enc(opCSRRW, rA0, rA1, 0, csrCycle)},
		{"csrw time", enc(opCSRRW, 0, rA1, 0, csrTime)},
		{"csrrs instret with rs1", enc(opCSRRS, rA0, rA1, 0, csrInstret)},
		{"csrrsi cycle with uimm", enc(opCSRRSI, rA0, 1, 0, csrCycle)},
		{"csrrwi cycle with uimm 0", enc(opCSRRWI, rA0, 0, 0, csrCycle)},
		{"cycleh (RV32 only)", enc(opCSRRS, rA0, 0, 0, 0xc80)},
		{"hpmcounter3", enc(opCSRRS, rA0, 0, 0, 0xc03)},
		{"sstatus", enc(opCSRRS, rA0, 0, 0, 0x100)},
		{"mstatus", enc(opCSRRS, rA0, 0, 0, 0x300)},
		{"vl", enc(opCSRRS, rA0, 0, 0, 0xc20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p prog
			p.w(tc.word)
			h, _ := newTestHart(t, p)
			h.FCSR = 0x42
			h.X[rA0], h.X[rA1] = 77, 1
			e := h.Run(10)
			if want := (Exit{Reason: ExitIllegal, Inst: tc.word}); e != want {
				t.Errorf("Run: got %+v, want %+v", e, want)
			}
			if h.X[rA0] != 77 || h.FCSR != 0x42 || h.PC != codeBase {
				t.Errorf("state changed: a0 %d FCSR %#x PC %#x", h.X[rA0], h.FCSR, h.PC)
			}
		})
	}
}
