package cpu

// A tiny assembler for tests, driven by opTable: enc places the operands
// of an op in the fields of its format. The encodings themselves are
// checked against hand-written words and against riscv64asm.

// Register numbers by ABI name.
const (
	rZero = 0
	rRa   = 1
	rSp   = 2
	rT0   = 5
	rT1   = 6
	rT2   = 7
	rS0   = 8
	rS1   = 9
	rA0   = 10
	rA1   = 11
	rA2   = 12
	rA3   = 13
	rA4   = 14
	rA5   = 15
	rA7   = 17
)

// enc encodes op with destination rd, sources rs1 and rs2 and immediate
// imm (the offset, the shift amount, the CSR number, or rs3 of an R4 op).
// FP ops get rounding mode RNE; see encRM.
func enc(op Op, rd, rs1, rs2 uint8, imm int32) uint32 {
	f := opTable[op]
	w := f.match
	r := func(v uint8, at uint) uint32 { return uint32(v&31) << at }
	u := uint32(imm)
	switch f.format {
	case fmtR:
		w |= r(rd, 7) | r(rs1, 15) | r(rs2, 20)
	case fmtR4:
		w |= r(rd, 7) | r(rs1, 15) | r(rs2, 20) | r(uint8(imm), 27)
	case fmtI:
		w |= r(rd, 7) | r(rs1, 15) | u<<20
	case fmtShift:
		w |= r(rd, 7) | r(rs1, 15) | (u&63)<<20
	case fmtCSR:
		w |= r(rd, 7) | r(rs1, 15) | (u&0xfff)<<20
	case fmtS:
		w |= r(rs1, 15) | r(rs2, 20) | (u&31)<<7 | (u>>5&127)<<25
	case fmtB:
		w |= r(rs1, 15) | r(rs2, 20) | (u>>11&1)<<7 | (u>>1&15)<<8 | (u>>5&63)<<25 | (u>>12&1)<<31
	case fmtU:
		w |= r(rd, 7) | u&0xfffff000
	case fmtJ:
		w |= r(rd, 7) | u&0xff000 | (u>>11&1)<<20 | (u>>1&0x3ff)<<21 | (u>>20&1)<<31
	}
	return w
}

// encRM is enc for an FP op with rounding mode rm.
func encRM(op Op, rd, rs1, rs2 uint8, rm uint8) uint32 {
	return enc(op, rd, rs1, rs2, 0)&^0x7000 | uint32(rm&7)<<12
}

// Shorthands.
func iADDI(rd, rs1 uint8, imm int32) uint32 { return enc(opADDI, rd, rs1, 0, imm) }
func iR(op Op, rd, rs1, rs2 uint8) uint32   { return enc(op, rd, rs1, rs2, 0) }

const (
	wECALL  = 0x00000073
	wEBREAK = 0x00100073
	wFENCEI = 0x0000100f
)

// li returns code that loads the 64-bit constant v into rd: a 12-bit
// addi when it fits, else the top 9 bits and five 11-bit slli/ori steps.
func li(rd uint8, v uint64) []uint32 {
	if int64(v) == int64(v)<<52>>52 {
		return []uint32{iADDI(rd, rZero, int32(v))}
	}
	code := []uint32{iADDI(rd, rZero, int32(v>>55))}
	for shift := 44; shift >= 0; shift -= 11 {
		code = append(code, enc(opSLLI, rd, rd, 0, 11), enc(opORI, rd, rd, 0, int32(v>>shift&0x7ff)))
	}
	return code
}
