package cpu

import (
	"testing"
)

// Hand-assembled words (checked against the specification's encoding
// tables and GNU objdump) and the Inst each must decode to.
func TestDecode32(t *testing.T) {
	tests := []struct {
		name string
		word uint32
		want Inst
	}{
		{"nop", 0x00000013, Inst{Op: opADDI}},
		{"addi a1,a1,10", 0x00a58593, Inst{Op: opADDI, Rd: rA1, Rs1: rA1, Imm: 10}},
		{"li a0,-1", 0xfff00513, Inst{Op: opADDI, Rd: rA0, Imm: -1}},
		{"add a0,a0,a1", 0x00b50533, Inst{Op: opADD, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"sub a0,a0,a1", 0x40b50533, Inst{Op: opSUB, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"ld a0,0(a0)", 0x00053503, Inst{Op: opLD, Rd: rA0, Rs1: rA0}},
		{"lw a0,-8(sp)", 0xff812503, Inst{Op: opLW, Rd: rA0, Rs1: rSp, Imm: -8}},
		{"sd a0,0(a1)", 0x00a5b023, Inst{Op: opSD, Rs1: rA1, Rs2: rA0}},
		{"sd ra,-40(sp)", 0xfc113c23, Inst{Op: opSD, Rs1: rSp, Rs2: rRa, Imm: -40}},
		{"bnez a0,-4", 0xfe051ee3, Inst{Op: opBNE, Rs1: rA0, Imm: -4}},
		{"beq a0,a1,2048", 0x00b50063 | 1<<7, Inst{Op: opBEQ, Rs1: rA0, Rs2: rA1, Imm: 2048}},
		{"j 0", 0x0000006f, Inst{Op: opJAL}},
		{"jal ra,8", 0x008000ef, Inst{Op: opJAL, Rd: rRa, Imm: 8}},
		{"jal -1MiB", 0x8000006f, Inst{Op: opJAL, Imm: -1 << 20}},
		{"ret", 0x00008067, Inst{Op: opJALR, Rs1: rRa}},
		{"lui a0,0x12345", 0x12345537, Inst{Op: opLUI, Rd: rA0, Imm: 0x12345000}},
		{"lui a0,0xfffff", 0xfffff537, Inst{Op: opLUI, Rd: rA0, Imm: -4096}},
		{"auipc ra,0", 0x00000097, Inst{Op: opAUIPC, Rd: rRa}},
		{"slli a0,a0,63", 0x03f51513, Inst{Op: opSLLI, Rd: rA0, Rs1: rA0, Imm: 63}},
		{"srai a0,a0,33", 0x42155513, Inst{Op: opSRAI, Rd: rA0, Rs1: rA0, Imm: 33}},
		{"sraiw a0,a0,31", 0x41f5551b, Inst{Op: opSRAIW, Rd: rA0, Rs1: rA0, Imm: 31}},
		{"ecall", 0x00000073, Inst{Op: opECALL}},
		{"ebreak", 0x00100073, Inst{Op: opEBREAK}},
		{"fence", 0x0ff0000f, Inst{Op: opFENCE}},
		{"fence.tso", 0x8330000f, Inst{Op: opFENCE}},
		{"fence.i", 0x0000100f, Inst{Op: opFENCE_I}},
		{"mul a0,a0,a1", 0x02b50533, Inst{Op: opMUL, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"remuw a0,a0,a1", 0x02b5753b, Inst{Op: opREMUW, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"lr.w a3,(a0)", 0x100526af, Inst{Op: opLR_W, Rd: rA3, Rs1: rA0}},
		{"sc.d.aqrl a3,a1,(a0)", 0x1eb536af, Inst{Op: opSC_D, Rd: rA3, Rs1: rA0, Rs2: rA1}},
		{"amoadd.w.aq zero,a1,(a0)", 0x04b5202f, Inst{Op: opAMOADD_W, Rs1: rA0, Rs2: rA1}},
		{"rdtime a0", 0xc0102573, Inst{Op: opCSRRS, Rd: rA0, Imm: 0xc01}},
		{"csrwi frm,3", 0x0021d073, Inst{Op: opCSRRWI, Rs1: 3, Imm: 2}},
		{"fadd.d fa0,fa0,fa1,dyn", 0x02b57553, Inst{Op: opFADD_D, Rd: rA0, Rs1: rA0, Rs2: rA1, Rm: 7}},
		{"fmadd.s fa0,fa1,fa2,fa3,rtz", 0x68c59543, Inst{Op: opFMADD_S, Rd: rA0, Rs1: rA1, Rs2: rA2, Rs3: rA3, Rm: 1}},
		{"fld fa0,8(sp)", 0x00813507, Inst{Op: opFLD, Rd: rA0, Rs1: rSp, Imm: 8}},
		{"fsw fa0,4(sp)", 0x00a12227, Inst{Op: opFSW, Rs1: rSp, Rs2: rA0, Imm: 4}},
		{"fmv.x.d a0,fa0", 0xe2050553, Inst{Op: opFMV_X_D, Rd: rA0, Rs1: rA0}},
		{"fcvt.w.d a0,fa0,rtz", 0xc2051553, Inst{Op: opFCVT_W_D, Rd: rA0, Rs1: rA0, Rm: 1}},

		{"all zero", 0x00000000, Inst{Op: opIllegal, Len: 2}},
		{"all ones", 0xffffffff, Inst{Op: opIllegal}},
		{"slliw shamt[5]", 0x0205151b, Inst{Op: opIllegal}},
		{"sraiw shamt[5]", 0x4200501b, Inst{Op: opIllegal}},
		{"fadd.s rm=5", 0x00b55553, Inst{Op: opIllegal}},
		{"fcvt.d.s rm=6", 0x4205e553, Inst{Op: opIllegal}},
		{"fadd.h (Zfh)", 0x04b57553, Inst{Op: opIllegal}},
		{"mret", 0x30200073, Inst{Op: opIllegal}},
		{"wfi", 0x10500073, Inst{Op: opIllegal}},
		{"jalr funct3=1", 0x00009067, Inst{Op: opIllegal}},
		{"lr.w rs2!=0", 0x101526af, Inst{Op: opIllegal}},
		{"ld funct3=7", 0x00057503, Inst{Op: opIllegal}},
		{"andn (Zbb)", 0x40b57533, Inst{Op: opIllegal}},
		{"48-bit", 0x0000001f, Inst{Op: opIllegal}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want.Len == 0 {
				want.Len = 4
			}
			want.Raw = tc.word
			if want.Len == 2 {
				want.Raw = tc.word & 0xffff
			}
			if got := Decode(tc.word); got != want {
				t.Errorf("Decode(%#08x): got %+v (%v), want %+v (%v)", tc.word, got, got.Op, want, want.Op)
			}
		})
	}
}

// Every compressed form, with the instruction it expands to.
func TestDecodeCompressed(t *testing.T) {
	tests := []struct {
		name string
		half uint16
		want Inst
	}{
		{"c.nop", 0x0001, Inst{Op: opADDI}},
		{"c.addi sp,-16", 0x1141, Inst{Op: opADDI, Rd: rSp, Rs1: rSp, Imm: -16}},
		{"c.addi a0,0 (hint)", 0x0501, Inst{Op: opADDI, Rd: rA0, Rs1: rA0}},
		{"c.addi16sp -48", 0x7179, Inst{Op: opADDI, Rd: rSp, Rs1: rSp, Imm: -48}},
		{"c.addi4spn a0,sp,8", 0x0028, Inst{Op: opADDI, Rd: rA0, Rs1: rSp, Imm: 8}},
		{"c.addi4spn s0,sp,1020", 0x1fe0, Inst{Op: opADDI, Rd: rS0, Rs1: rSp, Imm: 1020}},
		{"c.li a0,0", 0x4501, Inst{Op: opADDI, Rd: rA0}},
		{"c.li a0,-32", 0x5501, Inst{Op: opADDI, Rd: rA0, Imm: -32}},
		{"c.li zero,5 (hint)", 0x4015, Inst{Op: opADDI, Imm: 5}},
		{"c.lui a0,1", 0x6505, Inst{Op: opLUI, Rd: rA0, Imm: 0x1000}},
		{"c.lui a0,0xfffe0", 0x7501, Inst{Op: opLUI, Rd: rA0, Imm: -32 << 12}},
		{"c.addiw a0,1", 0x2505, Inst{Op: opADDIW, Rd: rA0, Rs1: rA0, Imm: 1}},
		{"c.srli a0,1", 0x8105, Inst{Op: opSRLI, Rd: rA0, Rs1: rA0, Imm: 1}},
		{"c.srai a0,63", 0x957d, Inst{Op: opSRAI, Rd: rA0, Rs1: rA0, Imm: 63}},
		{"c.andi a0,-1", 0x997d, Inst{Op: opANDI, Rd: rA0, Rs1: rA0, Imm: -1}},
		{"c.sub a0,a1", 0x8d0d, Inst{Op: opSUB, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.xor a0,a1", 0x8d2d, Inst{Op: opXOR, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.or a0,a1", 0x8d4d, Inst{Op: opOR, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.and a0,a1", 0x8d6d, Inst{Op: opAND, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.subw a0,a1", 0x9d0d, Inst{Op: opSUBW, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.addw a0,a1", 0x9d2d, Inst{Op: opADDW, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.j 0", 0xa001, Inst{Op: opJAL}},
		{"c.j -2", 0xbffd, Inst{Op: opJAL, Imm: -2}},
		{"c.j 2046", 0x2ffd | 0xa000, Inst{Op: opJAL, Imm: 2046}},
		{"c.beqz a0,0", 0xc101, Inst{Op: opBEQ, Rs1: rA0}},
		{"c.bnez s0,-2", 0xfc7d, Inst{Op: opBNE, Rs1: rS0, Imm: -2}},
		{"c.slli a0,32", 0x1502, Inst{Op: opSLLI, Rd: rA0, Rs1: rA0, Imm: 32}},
		{"c.lw a1,64(a0)", 0x412c, Inst{Op: opLW, Rd: rA1, Rs1: rA0, Imm: 64}},
		{"c.lw a1,4(a0)", 0x414c, Inst{Op: opLW, Rd: rA1, Rs1: rA0, Imm: 4}},
		{"c.sw a1,4(a0)", 0xc14c, Inst{Op: opSW, Rs1: rA0, Rs2: rA1, Imm: 4}},
		{"c.ld a0,0(a0)", 0x6108, Inst{Op: opLD, Rd: rA0, Rs1: rA0}},
		{"c.ld a0,248(a0)", 0x7d68, Inst{Op: opLD, Rd: rA0, Rs1: rA0, Imm: 248}},
		{"c.sd a0,8(a1)", 0xe588, Inst{Op: opSD, Rs1: rA1, Rs2: rA0, Imm: 8}},
		{"c.fld fa0,0(s0)", 0x2008, Inst{Op: opFLD, Rd: rA0, Rs1: rS0}},
		{"c.fsd fa1,0(s0)", 0xa00c, Inst{Op: opFSD, Rs1: rS0, Rs2: rA1}},
		{"c.lwsp a0,4(sp)", 0x4512, Inst{Op: opLW, Rd: rA0, Rs1: rSp, Imm: 4}},
		{"c.lwsp a0,252(sp)", 0x557e, Inst{Op: opLW, Rd: rA0, Rs1: rSp, Imm: 252}},
		{"c.ldsp ra,8(sp)", 0x60a2, Inst{Op: opLD, Rd: rRa, Rs1: rSp, Imm: 8}},
		{"c.ldsp ra,504(sp)", 0x70fe, Inst{Op: opLD, Rd: rRa, Rs1: rSp, Imm: 504}},
		{"c.fldsp fa0,8(sp)", 0x2522, Inst{Op: opFLD, Rd: rA0, Rs1: rSp, Imm: 8}},
		{"c.swsp a0,4(sp)", 0xc22a, Inst{Op: opSW, Rs1: rSp, Rs2: rA0, Imm: 4}},
		{"c.sdsp ra,8(sp)", 0xe406, Inst{Op: opSD, Rs1: rSp, Rs2: rRa, Imm: 8}},
		{"c.sdsp ra,504(sp)", 0xff86, Inst{Op: opSD, Rs1: rSp, Rs2: rRa, Imm: 504}},
		{"c.fsdsp fa0,8(sp)", 0xa42a, Inst{Op: opFSD, Rs1: rSp, Rs2: rA0, Imm: 8}},
		{"c.jr ra", 0x8082, Inst{Op: opJALR, Rs1: rRa}},
		{"c.jalr a0", 0x9502, Inst{Op: opJALR, Rd: rRa, Rs1: rA0}},
		{"c.mv a0,a1", 0x852e, Inst{Op: opADD, Rd: rA0, Rs2: rA1}},
		{"c.add a0,a1", 0x952e, Inst{Op: opADD, Rd: rA0, Rs1: rA0, Rs2: rA1}},
		{"c.ebreak", 0x9002, Inst{Op: opEBREAK}},

		{"zero halfword", 0x0000, Inst{Op: opIllegal}},
		{"c.addi4spn zero imm", 0x0004, Inst{Op: opIllegal}},
		{"c.addiw rd=0", 0x2001, Inst{Op: opIllegal}},
		{"c.addi16sp zero imm", 0x6101, Inst{Op: opIllegal}},
		{"c.lui zero imm", 0x6501, Inst{Op: opIllegal}},
		{"c.lwsp rd=0", 0x4002, Inst{Op: opIllegal}},
		{"c.ldsp rd=0", 0x6002, Inst{Op: opIllegal}},
		{"c.jr x0", 0x8002, Inst{Op: opIllegal}},
		{"quadrant 0 funct3 100", 0x8000, Inst{Op: opIllegal}},
		{"CA reserved 10", 0x9d4d, Inst{Op: opIllegal}},
		{"CA reserved 11", 0x9d6d, Inst{Op: opIllegal}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			want.Len, want.Raw = 2, uint32(tc.half)
			got := Decode(0xdead0000 | uint32(tc.half)) // upper half ignored
			if got != want {
				t.Errorf("Decode(%#04x): got %+v (%v), want %+v (%v)", tc.half, got, got.Op, want, want.Op)
			}
		})
	}
}

// The test assembler and the decoder agree on every op (the field layouts
// of enc are written independently of decode's).
func TestEncDecodeRoundTrip(t *testing.T) {
	for op := opLUI; op < opCount; op++ {
		f := opTable[op]
		w := enc(op, 13, 14, 15, 0x5a4)
		var want Inst
		switch f.format {
		case fmtR:
			want = Inst{Rd: 13, Rs1: 14, Rs2: 15}
			if f.mask&0x01f00000 == 0x01f00000 {
				want.Rs2 = 0 // rs2 is part of the opcode
				w = enc(op, 13, 14, 0, 0)
			}
		case fmtR4:
			w = enc(op, 13, 14, 15, 16)
			want = Inst{Rd: 13, Rs1: 14, Rs2: 15, Rs3: 16}
		case fmtI:
			want = Inst{Rd: 13, Rs1: 14, Imm: 0x5a4}
		case fmtShift:
			w = enc(op, 13, 14, 0, 21)
			want = Inst{Rd: 13, Rs1: 14, Imm: 21}
		case fmtCSR:
			want = Inst{Rd: 13, Rs1: 14, Imm: 0x5a4}
		case fmtS, fmtB:
			want = Inst{Rs1: 14, Rs2: 15, Imm: 0x5a4}
		case fmtU:
			w = enc(op, 13, 0, 0, -0x7ffff000)
			want = Inst{Rd: 13, Imm: -0x7ffff000}
		case fmtJ:
			w = enc(op, 13, 0, 0, -0x7fffe)
			want = Inst{Rd: 13, Imm: -0x7fffe}
		case fmtNone:
			w = f.match
		}
		want.Op, want.Len, want.Raw = op, 4, w
		if got := Decode(w); got != want {
			t.Errorf("%v: Decode(%#08x): got %+v, want %+v", op, w, got, want)
		}
	}
}

// Decode must never panic, its results must be self-consistent, and it
// must agree with riscv64asm (see decode_diff_test.go).
func FuzzDecode(f *testing.F) {
	for _, w := range []uint32{0, 0x13, 0xffffffff, 0x0000100f, 0x02b57553, 0x8082, 0x9002, 0x4200501b} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w uint32) {
		in := Decode(w)
		if in.Op == opDecode || in.Op >= opCount {
			t.Fatalf("Decode(%#08x): got op %d", w, in.Op)
		}
		wantLen := uint8(4)
		if w&3 != 3 {
			wantLen = 2
		}
		if in.Len != wantLen {
			t.Fatalf("Decode(%#08x): got Len %d, want %d", w, in.Len, wantLen)
		}
		if in.Rd > 31 || in.Rs1 > 31 || in.Rs2 > 31 || in.Rs3 > 31 || in.Rm > 7 {
			t.Fatalf("Decode(%#08x): field out of range: %+v", w, in)
		}
		if d, _ := diffDecodeKind(w); d != "" {
			t.Fatalf("Decode(%#08x): %s", w, d)
		}
		if !in.Valid() {
			return
		}
		if f := opTable[in.Op]; in.Len == 4 && w&f.mask != f.match {
			t.Fatalf("Decode(%#08x) = %v, whose encoding does not match", w, in.Op)
		}
	})
}
