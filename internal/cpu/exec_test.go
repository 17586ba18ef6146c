package cpu

import (
	"math"
	"testing"
)

// runWords runs code (followed by an ecall) on a fresh hart whose
// registers start as regs, and checks that every instruction retired.
func runWords(t *testing.T, code []uint32, regs map[uint8]uint64) (*Hart, *testMem) {
	t.Helper()
	var p prog
	p.w(code...).w(wECALL)
	h, m := newTestHart(t, p)
	for r, v := range regs {
		h.X[r] = v
	}
	runToEcall(t, h)
	return h, m
}

type execCase struct {
	name string
	code []uint32
	regs map[uint8]uint64 // initial values
	want map[uint8]uint64 // values after
}

func runExecCases(t *testing.T, tests []execCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := runWords(t, tc.code, tc.regs)
			for r, want := range tc.want {
				if got := h.X[r]; got != want {
					t.Errorf("x%d: got %#x, want %#x", r, got, want)
				}
			}
		})
	}
}

const (
	minInt64 = 1 << 63
	allOnes  = math.MaxUint64
	sext32hi = 0xffffffff_80000000 // int32 minimum, sign-extended
)

func TestExecALU(t *testing.T) {
	r3 := func(op Op) []uint32 { return []uint32{iR(op, rA0, rA1, rA2)} }
	ri := func(op Op, imm int32) []uint32 { return []uint32{enc(op, rA0, rA1, 0, imm)} }
	in := func(a1, a2 uint64) map[uint8]uint64 { return map[uint8]uint64{rA1: a1, rA2: a2} }
	out := func(a0 uint64) map[uint8]uint64 { return map[uint8]uint64{rA0: a0} }
	runExecCases(t, []execCase{
		{"addi", ri(opADDI, -5), in(3, 0), out(allOnes - 1)},
		{"add wraps", r3(opADD), in(allOnes, 2), out(1)},
		{"sub", r3(opSUB), in(1, 2), out(allOnes)},
		{"slt", r3(opSLT), in(allOnes, 0), out(1)},
		{"sltu", r3(opSLTU), in(allOnes, 0), out(0)},
		{"slti", ri(opSLTI, -1), in(minInt64, 0), out(1)},
		{"sltiu -1 is max", ri(opSLTIU, -1), in(allOnes-1, 0), out(1)},
		{"xori -1 is not", ri(opXORI, -1), in(0x0f, 0), out(^uint64(0x0f))},
		{"ori", ri(opORI, 0x70), in(0x0f, 0), out(0x7f)},
		{"andi sign-extends", ri(opANDI, -16), in(allOnes, 0), out(allOnes &^ 15)},
		{"xor", r3(opXOR), in(0xff00, 0x0ff0), out(0xf0f0)},
		{"or", r3(opOR), in(0xff00, 0x0ff0), out(0xfff0)},
		{"and", r3(opAND), in(0xff00, 0x0ff0), out(0x0f00)},
		{"lui negative", []uint32{enc(opLUI, rA0, 0, 0, -4096)}, nil, out(allOnes &^ 4095)},
		{"auipc", []uint32{iADDI(rZero, rZero, 0), enc(opAUIPC, rA0, 0, 0, 0x1000)}, nil, out(codeBase + 4 + 0x1000)},
		{"x0 stays zero", []uint32{iADDI(rZero, rZero, 5), iR(opADD, rA0, rZero, rZero)}, nil, map[uint8]uint64{0: 0, rA0: 0}},

		// Shifts use the low 6 (5 for W) bits of rs2.
		{"sll by 65", r3(opSLL), in(1, 65), out(2)},
		{"srl", r3(opSRL), in(minInt64, 63), out(1)},
		{"sra", r3(opSRA), in(minInt64, 63), out(allOnes)},
		{"slli 63", ri(opSLLI, 63), in(1, 0), out(minInt64)},
		{"srli 32", ri(opSRLI, 32), in(allOnes, 0), out(0xffffffff)},
		{"srai 33", ri(opSRAI, 33), in(minInt64, 0), out(0xffffffff_c0000000)},
		{"sllw sign-extends", r3(opSLLW), in(1, 31), out(sext32hi)},
		{"sllw by 33 is by 1", r3(opSLLW), in(1, 33), out(2)},
		{"srlw by 0 sign-extends", r3(opSRLW), in(0x80000000, 0), out(sext32hi)},
		{"srlw", r3(opSRLW), in(0xffffffff_80000000, 1), out(0x40000000)},
		{"sraw", r3(opSRAW), in(0x80000000, 4), out(0xffffffff_f8000000)},
		{"slliw", ri(opSLLIW, 31), in(3, 0), out(sext32hi)},
		{"srliw", ri(opSRLIW, 31), in(0x80000000, 0), out(1)},
		{"sraiw", ri(opSRAIW, 31), in(0x80000000, 0), out(allOnes)},

		// W ops work on the low 32 bits and sign-extend.
		{"addw overflows", r3(opADDW), in(0x7fffffff, 1), out(sext32hi)},
		{"subw", r3(opSUBW), in(0, 1), out(allOnes)},
		{"addiw (sext.w)", ri(opADDIW, 0), in(0x1_ffffffff, 0), out(allOnes)},
		{"addiw ignores upper bits", ri(opADDIW, 1), in(0x12345678_00000001, 0), out(2)},
	})
}

func TestExecMulDiv(t *testing.T) {
	r3 := func(op Op) []uint32 { return []uint32{iR(op, rA0, rA1, rA2)} }
	in := func(a1, a2 uint64) map[uint8]uint64 { return map[uint8]uint64{rA1: a1, rA2: a2} }
	out := func(a0 uint64) map[uint8]uint64 { return map[uint8]uint64{rA0: a0} }
	const minInt32 = 0x80000000
	runExecCases(t, []execCase{
		{"mul", r3(opMUL), in(allOnes, 3), out(allOnes - 2)},
		{"mulh -1*-1", r3(opMULH), in(allOnes, allOnes), out(0)},
		{"mulh min*min", r3(opMULH), in(minInt64, minInt64), out(1 << 62)},
		{"mulh -1*2", r3(opMULH), in(allOnes, 2), out(allOnes)},
		{"mulhsu -1*max", r3(opMULHSU), in(allOnes, allOnes), out(allOnes)},
		{"mulhsu 2*max", r3(opMULHSU), in(2, allOnes), out(1)},
		{"mulhu max*max", r3(opMULHU), in(allOnes, allOnes), out(allOnes - 1)},
		{"mulw", r3(opMULW), in(0x10000, 0x10000), out(0)},
		{"mulw sign-extends", r3(opMULW), in(0x10000, 0x8000), out(sext32hi)},

		{"div", r3(opDIV), in(uint64(^uint64(6)), 2), out(allOnes - 2)}, // -7/2 = -3
		{"div by zero", r3(opDIV), in(5, 0), out(allOnes)},
		{"div overflow", r3(opDIV), in(minInt64, allOnes), out(minInt64)},
		{"divu by zero", r3(opDIVU), in(5, 0), out(allOnes)},
		{"divu", r3(opDIVU), in(allOnes, 2), out(allOnes >> 1)},
		{"rem", r3(opREM), in(uint64(^uint64(6)), 2), out(allOnes)}, // -7%2 = -1
		{"rem by zero", r3(opREM), in(uint64(^uint64(6)), 0), out(uint64(^uint64(6)))},
		{"rem overflow", r3(opREM), in(minInt64, allOnes), out(0)},
		{"remu by zero", r3(opREMU), in(allOnes, 0), out(allOnes)},
		{"remu", r3(opREMU), in(allOnes, 10), out(5)},

		{"divw by zero", r3(opDIVW), in(5, 0x1_00000000), out(allOnes)},
		{"divw overflow", r3(opDIVW), in(minInt32, 0xffffffff), out(sext32hi)},
		{"divw", r3(opDIVW), in(0xfffffff9, 2), out(allOnes - 2)}, // -7/2 = -3
		{"divuw by zero", r3(opDIVUW), in(5, 0), out(allOnes)},
		{"divuw sign-extends", r3(opDIVUW), in(0xffffffff, 1), out(allOnes)},
		{"remw by zero", r3(opREMW), in(0x1_80000000, 0), out(sext32hi)},
		{"remw overflow", r3(opREMW), in(minInt32, 0xffffffff), out(0)},
		{"remw", r3(opREMW), in(0xfffffff9, 2), out(allOnes)},
		{"remuw by zero", r3(opREMUW), in(0x80000000, 0), out(sext32hi)},
		{"remuw", r3(opREMUW), in(0xffffffff, 0x10), out(0xf)},
	})
}

func TestExecBranches(t *testing.T) {
	// b<op> a1, a2, +8 skips "addi a0, zero, 1": a0 = 0 when taken.
	br := func(op Op) []uint32 {
		return []uint32{enc(op, 0, rA1, rA2, 8), iADDI(rA0, rZero, 1)}
	}
	in := func(a1, a2 uint64) map[uint8]uint64 { return map[uint8]uint64{rA0: 9, rA1: a1, rA2: a2} }
	taken := map[uint8]uint64{rA0: 9}
	not := map[uint8]uint64{rA0: 1}
	runExecCases(t, []execCase{
		{"beq taken", br(opBEQ), in(3, 3), taken},
		{"beq not", br(opBEQ), in(3, 4), not},
		{"bne taken", br(opBNE), in(3, 4), taken},
		{"bne not", br(opBNE), in(3, 3), not},
		{"blt signed", br(opBLT), in(allOnes, 0), taken},
		{"blt not", br(opBLT), in(0, 0), not},
		{"bge equal", br(opBGE), in(5, 5), taken},
		{"bge signed", br(opBGE), in(allOnes, 0), not},
		{"bltu unsigned", br(opBLTU), in(allOnes, 0), not},
		{"bltu", br(opBLTU), in(0, allOnes), taken},
		{"bgeu", br(opBGEU), in(allOnes, 0), taken},
		{"bgeu not", br(opBGEU), in(0, 1), not},
		{"backward loop", []uint32{
			iADDI(rA0, rA0, 1),          // 0
			enc(opBLT, 0, rA0, rA1, -4), // 4: while a0 < a1
			iADDI(rA2, rA0, 0),          // 8
		}, map[uint8]uint64{rA1: 10}, map[uint8]uint64{rA0: 10, rA2: 10}},
	})
}

func TestExecJumps(t *testing.T) {
	runExecCases(t, []execCase{
		{"jal links and jumps", []uint32{
			enc(opJAL, rRa, 0, 0, 8), // 0
			iADDI(rA0, rZero, 1),     // 4: skipped
		}, nil, map[uint8]uint64{rRa: codeBase + 4, rA0: 0}},
		{"jalr clears bit 0, reads rs1 before writing rd", []uint32{
			enc(opAUIPC, rA1, 0, 0, 0),   // 0: a1 = codeBase
			enc(opJALR, rA1, rA1, 0, 13), // 4: to codeBase+12, a1 = codeBase+8
			iADDI(rA0, rZero, 1),         // 8: skipped
		}, nil, map[uint8]uint64{rA1: codeBase + 8, rA0: 0}},
	})
}

func TestExecLoadStore(t *testing.T) {
	d := uint64(dataBase)
	pattern := map[uint8]uint64{rA1: d, rA2: 0x8081828384858687}
	store := enc(opSD, 0, rA1, rA2, 0)
	ld := func(op Op, off int32) []uint32 { return []uint32{store, enc(op, rA0, rA1, 0, off)} }
	out := func(a0 uint64) map[uint8]uint64 { return map[uint8]uint64{rA0: a0} }
	runExecCases(t, []execCase{
		{"ld", ld(opLD, 0), pattern, out(0x8081828384858687)},
		{"lb sign-extends", ld(opLB, 0), pattern, out(0xffffffff_ffffff87)},
		{"lbu", ld(opLBU, 0), pattern, out(0x87)},
		{"lh sign-extends", ld(opLH, 0), pattern, out(0xffffffff_ffff8687)},
		{"lhu", ld(opLHU, 0), pattern, out(0x8687)},
		{"lw sign-extends", ld(opLW, 4), pattern, out(0xffffffff_80818283)},
		{"lwu", ld(opLWU, 4), pattern, out(0x80818283)},
		{"lw misaligned", ld(opLW, 1), pattern, out(0xffffffff_83848586)},
		{"ld negative offset", []uint32{
			iADDI(rA3, rA1, 16), store, enc(opLD, rA0, rA3, 0, -16),
		}, pattern, out(0x8081828384858687)},
		{"sb sh sw", []uint32{
			enc(opSB, 0, rA1, rA2, 0), enc(opSH, 0, rA1, rA2, 2), enc(opSW, 0, rA1, rA2, 4),
			enc(opLD, rA0, rA1, 0, 0),
		}, pattern, out(0x8485868786870087)},
	})
}

func TestExecMisalignedAcrossPage(t *testing.T) {
	end := uint64(dataBase + PageSize) // a page boundary inside the data
	h, m := runWords(t, []uint32{
		enc(opSD, 0, rA1, rA2, -3), // bytes end-3 .. end+4
		enc(opLD, rA0, rA1, 0, -3),
		enc(opLW, rA3, rA1, 0, -1),
		enc(opLHU, rA4, rA1, 0, -1),
	}, map[uint8]uint64{rA1: end, rA2: 0x1122334455667788})
	if got := h.X[rA0]; got != 0x1122334455667788 {
		t.Errorf("ld across page end: got %#x, want %#x", got, uint64(0x1122334455667788))
	}
	if got, want := m.peek64(end-3), uint64(0x1122334455667788); got != want {
		t.Errorf("memory after sd across page end: got %#x, want %#x", got, want)
	}
	if got, want := h.X[rA3], uint64(0x33445566); got != want {
		t.Errorf("lw across page end: got %#x, want %#x", got, want)
	}
	if got, want := h.X[rA4], uint64(0x5566); got != want {
		t.Errorf("lhu across page end: got %#x, want %#x", got, want)
	}
}

func TestExecFaults(t *testing.T) {
	unmapped := uint64(dataBase + dataSize) // first page after the data
	tests := []struct {
		name string
		code []uint32
		regs map[uint8]uint64
		want Exit
	}{
		{"load from unmapped", []uint32{enc(opLD, rA0, rA1, 0, 8)},
			map[uint8]uint64{rA1: unmapped}, Exit{Reason: ExitFault, Addr: unmapped + 8, Fault: FaultMapErr, Access: AccessRead}},
		{"store to read-only code", []uint32{enc(opSW, 0, rA1, rA2, 0)},
			map[uint8]uint64{rA1: codeBase}, Exit{Reason: ExitFault, Addr: codeBase, Fault: FaultAccErr, Access: AccessWrite}},
		{"fetch from non-exec data", []uint32{enc(opJALR, 0, rA1, 0, 0)},
			map[uint8]uint64{rA1: dataBase}, Exit{Reason: ExitFault, Addr: dataBase, Fault: FaultAccErr, Access: AccessExec}},
		{"fetch from unmapped", []uint32{enc(opJALR, 0, rA1, 0, 0)},
			map[uint8]uint64{rA1: unmapped}, Exit{Reason: ExitFault, Addr: unmapped, Fault: FaultMapErr, Access: AccessExec}},
		{"ld across into unmapped page", []uint32{enc(opLD, rA0, rA1, 0, -4)},
			map[uint8]uint64{rA1: unmapped}, Exit{Reason: ExitFault, Addr: unmapped, Fault: FaultMapErr, Access: AccessRead}},
		{"sd across into unmapped page", []uint32{enc(opSD, 0, rA1, rA2, -2)},
			map[uint8]uint64{rA1: unmapped, rA2: allOnes}, Exit{Reason: ExitFault, Addr: unmapped, Fault: FaultMapErr, Access: AccessWrite}},
		{"amo misaligned", []uint32{enc(opAMOADD_W, rA0, rA1, rA2, 0)},
			map[uint8]uint64{rA1: dataBase + 2}, Exit{Reason: ExitFault, Addr: dataBase + 2, Fault: FaultAdrAln, Access: AccessWrite}},
		{"lr misaligned", []uint32{enc(opLR_D, rA0, rA1, 0, 0)},
			map[uint8]uint64{rA1: dataBase + 4}, Exit{Reason: ExitFault, Addr: dataBase + 4, Fault: FaultAdrAln, Access: AccessRead}},
		{"amo to unmapped", []uint32{enc(opAMOSWAP_D, rA0, rA1, rA2, 0)},
			map[uint8]uint64{rA1: unmapped}, Exit{Reason: ExitFault, Addr: unmapped, Fault: FaultMapErr, Access: AccessWrite}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p prog
			p.w(iADDI(rA5, rZero, 1)).w(tc.code...).w(wECALL)
			h, m := newTestHart(t, p)
			for r, v := range tc.regs {
				h.X[r] = v
			}
			before := m.peek(unmapped-8, 8)
			e := h.Run(100)
			if e != tc.want {
				t.Errorf("Run: got %+v, want %+v", e, tc.want)
			}
			// A fetch fault happens at the jump's target, after the jump.
			wantPC, wantInstret := uint64(codeBase+4), uint64(1)
			if tc.want.Access == AccessExec {
				wantPC, wantInstret = tc.want.Addr, 2
			}
			if h.PC != wantPC {
				t.Errorf("PC: got %#x, want %#x", h.PC, wantPC)
			}
			if h.Instret != wantInstret {
				t.Errorf("Instret: got %d, want %d", h.Instret, wantInstret)
			}
			if after := m.peek(unmapped-8, 8); string(after) != string(before) {
				t.Errorf("memory before the bad page changed: got %x, want %x", after, before)
			}
		})
	}
}

func TestExecTraps(t *testing.T) {
	tests := []struct {
		name string
		code prog
		want Exit
	}{
		{"ecall", *new(prog).w(wECALL), Exit{Reason: ExitEcall, Inst: wECALL}},
		{"ebreak", *new(prog).w(wEBREAK), Exit{Reason: ExitEbreak, Inst: wEBREAK}},
		{"c.ebreak", *new(prog).c(0x9002), Exit{Reason: ExitEbreak, Inst: 0x9002}},
		{"illegal word", *new(prog).w(0xffffffff), Exit{Reason: ExitIllegal, Inst: 0xffffffff}},
		{"zero halfword", *new(prog).c(0, 0), Exit{Reason: ExitIllegal, Inst: 0}},
		{"mret", *new(prog).w(0x30200073), Exit{Reason: ExitIllegal, Inst: 0x30200073}},
		{"unknown CSR", *new(prog).w(enc(opCSRRS, rA0, 0, 0, 0x300)), Exit{Reason: ExitIllegal, Inst: enc(opCSRRS, rA0, 0, 0, 0x300)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p prog
			p.w(iADDI(rA0, rZero, 1), iADDI(rA0, rA0, 1))
			p = append(p, tc.code...)
			h, _ := newTestHart(t, p)
			e := h.Run(100)
			if e != tc.want {
				t.Errorf("Run: got %+v, want %+v", e, tc.want)
			}
			if h.PC != codeBase+8 || h.Instret != 2 || h.X[rA0] != 2 {
				t.Errorf("after trap: got PC %#x Instret %d a0 %d, want %#x 2 2", h.PC, h.Instret, h.X[rA0], codeBase+8)
			}
		})
	}
}

// The kernel's view of a system call: the ecall exits with PC at it, the
// kernel reads a7 and a0, writes a0 and advances PC.
func TestExecEcallResume(t *testing.T) {
	var p prog
	p.w(iADDI(rA7, rZero, 64), iADDI(rA0, rZero, 7), wECALL, iADDI(rA0, rA0, 1), wECALL)
	h, _ := newTestHart(t, p)
	if e := h.Run(100); e.Reason != ExitEcall || h.PC != codeBase+8 || h.X[rA7] != 64 || h.X[rA0] != 7 {
		t.Fatalf("first ecall: got %+v PC %#x a7 %d a0 %d", e, h.PC, h.X[rA7], h.X[rA0])
	}
	h.X[rA0] = 100
	h.PC += 4
	if e := h.Run(100); e.Reason != ExitEcall || h.PC != codeBase+16 || h.X[rA0] != 101 {
		t.Fatalf("second ecall: got %+v PC %#x a0 %d, want a0 101", e, h.PC, h.X[rA0])
	}
	if h.Instret != 3 {
		t.Errorf("Instret: got %d, want 3", h.Instret)
	}
}

func TestExecBudget(t *testing.T) {
	var p prog
	p.w(iADDI(rA0, rA0, 1), enc(opJAL, 0, 0, 0, -4)) // loop forever
	h, _ := newTestHart(t, p)
	for _, budget := range []uint64{0, 1, 2, 7, 1000} {
		before := h.Instret
		if e := h.Run(budget); e.Reason != ExitBudget {
			t.Fatalf("Run(%d): got %+v, want ExitBudget", budget, e)
		}
		if got := h.Instret - before; got != budget {
			t.Errorf("Run(%d): retired %d", budget, got)
		}
	}
	if got, want := h.X[rA0], (h.Instret+1)/2; got != want {
		t.Errorf("a0: got %d, want %d", got, want)
	}
}

func TestExecCompressed(t *testing.T) {
	// A loop summing 1..10 in compressed code, with a call and a stack.
	var p prog
	p.c(
		0x4501, // 0: c.li a0, 0
		0x45a9, // 2: c.li a1, 10
		0x0505, // 4: c.addi a0, 1   <- loop: a0 += 1 ... (a0 counts)
		0x9532, // 6: c.add a0, a2   (a0 += a2: a2 is 0, exercises c.add)
		0x15fd, // 8: c.addi a1, -1
		0xfded, // 10: c.bnez a1, -6 (to 4)
		0x852e, // 12: c.mv a0, a1 -> a0 = 0 ... overwritten below
	)
	p.c(
		0x4529, // 14: c.li a0, 10
		0x050e, // 16: c.slli a0, 3     a0 = 80
		0x1141, // 18: c.addi sp, -16
		0xe02a, // 20: c.sdsp a0, 0(sp)
		0x6582, // 22: c.ldsp a1, 0(sp)  a1 = 80
		0x0141, // 24: c.addi sp, 16
		0x8185, // 26: c.srli a1, 1      a1 = 40
		0x2585, // 28: c.addiw a1, 1     a1 = 41
		0xa011, // 30: c.j +4 (to 34)
		0x0000, // 32: illegal, skipped
	)
	p.w(wECALL) // 34
	h, _ := newTestHart(t, p)
	h.X[rSp] = dataBase + 64
	runToEcall(t, h)
	if h.PC != codeBase+34 {
		t.Errorf("PC: got %#x, want %#x", h.PC, codeBase+34)
	}
	want := map[uint8]uint64{rA0: 80, rA1: 41, rSp: dataBase + 64}
	for r, v := range want {
		if h.X[r] != v {
			t.Errorf("x%d: got %d, want %d", r, h.X[r], v)
		}
	}
	// 2 before the loop, 4 per iteration, 10 after it.
	if h.Instret != 52 {
		t.Errorf("Instret: got %d, want 52", h.Instret)
	}
}

func TestExecCompressedCalls(t *testing.T) {
	var p prog
	p.w(enc(opAUIPC, rA1, 0, 0, 0)) // 0: a1 = codeBase
	p.c(0x05b1)                     // 4: c.addi a1, 12
	p.c(0x9582)                     // 6: c.jalr a1 -> 12, ra = 8
	p.c(0x0509)                     // 8: c.addi a0, 2
	p.c(0xa019)                     // 10: c.j +6 (to 16)
	p.c(0x0505)                     // 12: c.addi a0, 1
	p.c(0x8082)                     // 14: c.ret
	p.w(wECALL)                     // 16
	h, _ := newTestHart(t, p)
	runToEcall(t, h)
	if h.X[rA0] != 3 || h.X[rRa] != codeBase+8 || h.PC != codeBase+16 {
		t.Errorf("got a0 %d ra %#x PC %#x, want 3 %#x %#x", h.X[rA0], h.X[rRa], h.PC, codeBase+8, codeBase+16)
	}
}
