package cpu

// A minimal x86-64 assembler for the translator (jit_amd64.go): the few
// instruction forms it emits, encoded by hand. Registers are numbered as
// the hardware numbers them; a memory operand is [base + index*1 + disp]
// or [base + disp].
//
// An instruction is
//
//	[66] [REX 0100WRXB] opcode... ModRM [SIB] [disp8|disp32] [imm]
//
// where ModRM is |mod:2|reg:3|rm:3| and SIB |scale:2|index:3|base:3|.

const (
	rAX = 0
	rCX = 1
	rDX = 2
	rBX = 3
	rSP = 4
	rBP = 5
	rSI = 6
	rDI = 7
	r8  = 8
	r9  = 9
)

// x86 condition codes (the low nibble of jcc and setcc).
const (
	ccB  = 0x2 // unsigned <
	ccAE = 0x3 // unsigned >=
	ccE  = 0x4
	ccNE = 0x5
	ccA  = 0x7 // unsigned >
	ccL  = 0xc // signed <
	ccGE = 0xd // signed >=
	ccG  = 0xf // signed >
)

// Group opcodes: the reg field of 0x81 (ALU with imm32), 0xC1/0xD3 (shift)
// and 0xF7 (mul) forms.
const (
	aluAdd = 0
	aluOr  = 1
	aluAnd = 4
	aluSub = 5
	aluXor = 6
	aluCmp = 7

	shShl = 4
	shShr = 5
	shSar = 7

	mulU = 4 // mul: rdx:rax = rax * r/m, unsigned
	mulS = 5 // imul, signed
)

// noIndex marks a memory operand without an index register.
const noIndex = -1

// x86 is a code buffer being assembled.
type x86 struct{ b []byte }

func (a *x86) byte1(v ...byte) { a.b = append(a.b, v...) }

func (a *x86) imm32(v int32) {
	a.b = append(a.b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// rex emits a REX prefix if w is set or any register is r8..r15.
func (a *x86) rex(w bool, reg, index, base int) {
	var r byte
	if w {
		r |= 8
	}
	if reg >= 8 {
		r |= 4
	}
	if index >= 8 {
		r |= 2
	}
	if base >= 8 {
		r |= 1
	}
	if r != 0 {
		a.b = append(a.b, 0x40|r)
	}
}

// mem emits op with a memory operand: prefix (0x66 or 0, before REX),
// REX, the opcode bytes, ModRM, SIB and displacement. reg is the ModRM reg
// field (a register or a group digit).
func (a *x86) mem(prefix byte, w bool, op []byte, reg, base, index int, disp int32) {
	if prefix != 0 {
		a.b = append(a.b, prefix)
	}
	idx := index
	if idx == noIndex {
		idx = 0
	}
	a.rex(w, reg, idx, base)
	a.b = append(a.b, op...)
	var mod byte
	switch {
	case disp == 0 && base&7 != rBP:
		mod = 0
	case disp >= -128 && disp <= 127:
		mod = 1
	default:
		mod = 2
	}
	if index == noIndex && base&7 != rSP {
		a.b = append(a.b, mod<<6|byte(reg&7)<<3|byte(base&7))
	} else {
		sib := byte(4) << 3 // no index
		if index != noIndex {
			sib = byte(index&7) << 3
		}
		a.b = append(a.b, mod<<6|byte(reg&7)<<3|4, sib|byte(base&7))
	}
	switch mod {
	case 1:
		a.b = append(a.b, byte(int8(disp)))
	case 2:
		a.imm32(disp)
	}
}

// rr emits op with a register operand (ModRM mod 11): reg is the reg
// field, rm the r/m register.
func (a *x86) rr(w bool, op []byte, reg, rm int) {
	a.rex(w, reg, 0, rm)
	a.b = append(a.b, op...)
	a.b = append(a.b, 0xc0|byte(reg&7)<<3|byte(rm&7))
}

// load64: mov r, [base+disp].
func (a *x86) load64(r, base int, disp int32) { a.mem(0, true, []byte{0x8b}, r, base, noIndex, disp) }

// load32: mov r32, [base+disp] (zero-extends).
func (a *x86) load32(r, base int, disp int32) { a.mem(0, false, []byte{0x8b}, r, base, noIndex, disp) }

// store64: mov [base+disp], r.
func (a *x86) store64(base int, disp int32, r int) {
	a.mem(0, true, []byte{0x89}, r, base, noIndex, disp)
}

// storeImm64: mov qword [base+disp], sign-extended imm.
func (a *x86) storeImm64(base int, disp int32, imm int32) {
	a.mem(0, true, []byte{0xc7}, 0, base, noIndex, disp)
	a.imm32(imm)
}

// aluMem: op r, [base+disp] with op one of the 0x03-style opcodes (add 03,
// or 0B, and 23, sub 2B, xor 33, cmp 3B); w selects 64 bits.
func (a *x86) aluMem(w bool, op byte, r, base int, disp int32) {
	a.mem(0, w, []byte{op}, r, base, noIndex, disp)
}

// aluImm: op r, imm32 (sign-extended in 64-bit form); digit is aluAdd...
func (a *x86) aluImm(w bool, digit, r int, imm int32) {
	if imm >= -128 && imm <= 127 {
		a.rr(w, []byte{0x83}, digit, r)
		a.b = append(a.b, byte(int8(imm)))
		return
	}
	a.rr(w, []byte{0x81}, digit, r)
	a.imm32(imm)
}

// shiftImm: shl/shr/sar r, imm8.
func (a *x86) shiftImm(w bool, digit, r int, n uint8) {
	a.rr(w, []byte{0xc1}, digit, r)
	a.b = append(a.b, n)
}

// shiftCL: shl/shr/sar r, cl.
func (a *x86) shiftCL(w bool, digit, r int) { a.rr(w, []byte{0xd3}, digit, r) }

// movRR: mov dst, src (64 bits).
func (a *x86) movRR(dst, src int) { a.rr(true, []byte{0x89}, src, dst) }

// movImm64: mov r, imm64.
func (a *x86) movImm64(r int, v uint64) {
	a.rex(true, 0, 0, r)
	a.b = append(a.b, 0xb8+byte(r&7))
	for i := 0; i < 8; i++ {
		a.b = append(a.b, byte(v>>(8*i)))
	}
}

// zero: xor r32, r32.
func (a *x86) zero(r int) { a.rr(false, []byte{0x31}, r, r) }

// movsxd: movsxd dst, src32.
func (a *x86) movsxd(dst, src int) { a.rr(true, []byte{0x63}, dst, src) }

// lea: lea r, [base+disp].
func (a *x86) lea(r, base int, disp int32) { a.mem(0, true, []byte{0x8d}, r, base, noIndex, disp) }

// setcc: setcc r8 (r must be rAX, rCX, rDX or rBX).
func (a *x86) setcc(cc byte, r int) { a.rr(false, []byte{0x0f, 0x90 | cc}, 0, r) }

// jcc emits a jcc rel32 with a zero displacement and returns the position
// of the displacement, for patch.
func (a *x86) jcc(cc byte) int {
	a.b = append(a.b, 0x0f, 0x80|cc, 0, 0, 0, 0)
	return len(a.b) - 4
}

// patch points the rel32 at pos to the current end of the code.
func (a *x86) patch(pos int) {
	rel := int32(len(a.b) - (pos + 4))
	a.b[pos], a.b[pos+1], a.b[pos+2], a.b[pos+3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
}

// jmp emits a jmp rel32 with a zero displacement and returns the position
// of the displacement, for patch.
func (a *x86) jmp() int {
	a.b = append(a.b, 0xe9, 0, 0, 0, 0)
	return len(a.b) - 4
}

func (a *x86) ret() { a.b = append(a.b, 0xc3) }
