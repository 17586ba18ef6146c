package cpu

// Decoding of 16-bit RV64C instructions. Each expands at decode to the Inst
// of the 32-bit instruction it stands for, with Len 2, so the hart executes
// one set of ops. Bits [1:0] select the quadrant, bits [15:13] the funct3.
// Register fields written rd'/rs1'/rs2' are 3 bits wide and name x8-x15
// (f8-f15 for the FP forms).
//
//	|15 13|12 |11   7|6    2|1 0|
//	|funct3|imm| rd/rs1|imm/rs2| op| CI, CR (rd, rs2 full 5-bit)
//	|funct3| imm  |rs1'|imm|rd'| op| CL, CS (rd'/rs2' at [4:2], rs1' at [9:7])
//	|funct3|    imm       | rd'| op| CIW
//	|funct3|     jump target   | op| CJ
//
// HINT encodings (c.nop with a non-zero immediate, c.addi with a zero
// immediate, c.li/c.lui/c.mv/c.add/c.slli with rd = x0, shifts by zero) are
// legal instructions that change nothing; they decode to their expansion,
// whose write to x0 is discarded. Reserved encodings decode to opIllegal.

// cBit returns bit i of c as an int32 moved to position to.
func cBit(c uint16, i, to uint) int32 { return int32(c>>i&1) << to }

// cBits returns the n-bit field of c at i as an int32 moved to position to.
func cBits(c uint16, i, n, to uint) int32 { return int32(c>>i&(1<<n-1)) << to }

// cSext sign-extends the low n bits of v.
func cSext(v int32, n uint) int32 { return v << (32 - n) >> (32 - n) }

// cInst builds the expansion of a compressed instruction.
func cInst(op Op, rd, rs1, rs2 uint8, imm int32, c uint16) Inst {
	return Inst{Op: op, Rd: rd, Rs1: rs1, Rs2: rs2, Imm: imm, Len: 2, Raw: uint32(c)}
}

// decodeCompressed decodes the 16-bit instruction c (bits [1:0] != 11).
func decodeCompressed(c uint16) Inst {
	rdFull := uint8(c>>7) & 31  // rd/rs1 of CI and CR forms
	rs2Full := uint8(c>>2) & 31 // rs2 of CR and CSS forms
	rdP := uint8(c>>2)&7 + 8    // rd' / rs2' at [4:2]
	rs1P := uint8(c>>7)&7 + 8   // rs1' / rd' at [9:7]
	// CI immediate: imm[5] at [12], imm[4:0] at [6:2].
	ciImm := cSext(cBit(c, 12, 5)|cBits(c, 2, 5, 0), 6)
	// CL/CS offsets: uimm[5:3] at [12:10]; words add uimm[2|6] at [6|5],
	// doublewords uimm[7:6] at [6:5].
	lwOff := cBits(c, 10, 3, 3) | cBit(c, 6, 2) | cBit(c, 5, 6)
	ldOff := cBits(c, 10, 3, 3) | cBits(c, 5, 2, 6)

	switch c&3 | c>>13<<2 {
	// Quadrant 0.
	case 0<<2 | 0: // c.addi4spn: addi rd', x2, nzuimm[9:2]
		// nzuimm[5:4|9:6|2|3] at [12:5]
		imm := cBits(c, 11, 2, 4) | cBits(c, 7, 4, 6) | cBit(c, 6, 2) | cBit(c, 5, 3)
		if imm == 0 {
			break // includes the all-zero halfword, defined illegal
		}
		return cInst(opADDI, rdP, 2, 0, imm, c)
	case 1<<2 | 0: // c.fld: fld rd', uimm(rs1')
		return cInst(opFLD, rdP, rs1P, 0, ldOff, c)
	case 2<<2 | 0: // c.lw
		return cInst(opLW, rdP, rs1P, 0, lwOff, c)
	case 3<<2 | 0: // c.ld (RV64)
		return cInst(opLD, rdP, rs1P, 0, ldOff, c)
	case 4<<2 | 0: // reserved
	case 5<<2 | 0: // c.fsd: fsd rs2', uimm(rs1')
		return cInst(opFSD, 0, rs1P, rdP, ldOff, c)
	case 6<<2 | 0: // c.sw
		return cInst(opSW, 0, rs1P, rdP, lwOff, c)
	case 7<<2 | 0: // c.sd (RV64)
		return cInst(opSD, 0, rs1P, rdP, ldOff, c)

	// Quadrant 1.
	case 0<<2 | 1: // c.nop, c.addi: addi rd, rd, imm
		return cInst(opADDI, rdFull, rdFull, 0, ciImm, c)
	case 1<<2 | 1: // c.addiw (RV64): addiw rd, rd, imm; rd = x0 reserved
		if rdFull == 0 {
			break
		}
		return cInst(opADDIW, rdFull, rdFull, 0, ciImm, c)
	case 2<<2 | 1: // c.li: addi rd, x0, imm
		return cInst(opADDI, rdFull, 0, 0, ciImm, c)
	case 3<<2 | 1:
		if rdFull == 2 { // c.addi16sp: addi x2, x2, nzimm[9:4]
			// nzimm[9] at [12], nzimm[4|6|8:7|5] at [6:2]
			imm := cSext(cBit(c, 12, 9)|cBit(c, 6, 4)|cBit(c, 5, 6)|cBits(c, 3, 2, 7)|cBit(c, 2, 5), 10)
			if imm == 0 {
				break
			}
			return cInst(opADDI, 2, 2, 0, imm, c)
		}
		// c.lui: lui rd, nzimm[17:12]; nzimm = 0 reserved
		if ciImm == 0 {
			break
		}
		return cInst(opLUI, rdFull, 0, 0, ciImm<<12, c)
	case 4<<2 | 1:
		// [11:10]: 00 c.srli, 01 c.srai, 10 c.andi, 11 register ops on rd'
		shamt := cBit(c, 12, 5) | cBits(c, 2, 5, 0)
		switch c >> 10 & 3 {
		case 0:
			return cInst(opSRLI, rs1P, rs1P, 0, shamt, c)
		case 1:
			return cInst(opSRAI, rs1P, rs1P, 0, shamt, c)
		case 2:
			return cInst(opANDI, rs1P, rs1P, 0, ciImm, c)
		}
		// |100|[12]|11|rd'|[6:5]|rs2'|01|
		ops := [8]Op{opSUB, opXOR, opOR, opAND, opSUBW, opADDW, opIllegal, opIllegal}
		op := ops[c>>12&1<<2|c>>5&3]
		if op == opIllegal {
			break
		}
		return cInst(op, rs1P, rs1P, rdP, 0, c)
	case 5<<2 | 1: // c.j: jal x0, imm
		return cInst(opJAL, 0, 0, 0, cjImm(c), c)
	case 6<<2 | 1, 7<<2 | 1: // c.beqz, c.bnez: b{eq,ne} rs1', x0, imm
		// imm[8|4:3] at [12:10], imm[7:6|2:1|5] at [6:2]
		imm := cSext(cBit(c, 12, 8)|cBits(c, 10, 2, 3)|cBits(c, 5, 2, 6)|cBits(c, 3, 2, 1)|cBit(c, 2, 5), 9)
		op := opBEQ
		if c>>13 == 7 {
			op = opBNE
		}
		return cInst(op, 0, rs1P, 0, imm, c)

	// Quadrant 2.
	case 0<<2 | 2: // c.slli: slli rd, rd, shamt
		return cInst(opSLLI, rdFull, rdFull, 0, cBit(c, 12, 5)|cBits(c, 2, 5, 0), c)
	case 1<<2 | 2: // c.fldsp: fld rd, uimm(x2)
		return cInst(opFLD, rdFull, 2, 0, ldspOff(c), c)
	case 2<<2 | 2: // c.lwsp: lw rd, uimm(x2); rd = x0 reserved
		if rdFull == 0 {
			break
		}
		// uimm[5] at [12], uimm[4:2|7:6] at [6:2]
		return cInst(opLW, rdFull, 2, 0, cBit(c, 12, 5)|cBits(c, 4, 3, 2)|cBits(c, 2, 2, 6), c)
	case 3<<2 | 2: // c.ldsp (RV64): ld rd, uimm(x2); rd = x0 reserved
		if rdFull == 0 {
			break
		}
		return cInst(opLD, rdFull, 2, 0, ldspOff(c), c)
	case 4<<2 | 2:
		switch {
		case c>>12&1 == 0 && rs2Full == 0: // c.jr: jalr x0, 0(rs1); rs1 = x0 reserved
			if rdFull == 0 {
				break
			}
			return cInst(opJALR, 0, rdFull, 0, 0, c)
		case c>>12&1 == 0: // c.mv: add rd, x0, rs2
			return cInst(opADD, rdFull, 0, rs2Full, 0, c)
		case rdFull == 0 && rs2Full == 0: // c.ebreak
			return Inst{Op: opEBREAK, Len: 2, Raw: uint32(c)}
		case rs2Full == 0: // c.jalr: jalr x1, 0(rs1)
			return cInst(opJALR, 1, rdFull, 0, 0, c)
		default: // c.add: add rd, rd, rs2
			return cInst(opADD, rdFull, rdFull, rs2Full, 0, c)
		}
	case 5<<2 | 2: // c.fsdsp: fsd rs2, uimm(x2)
		return cInst(opFSD, 0, 2, rs2Full, sdspOff(c), c)
	case 6<<2 | 2: // c.swsp: sw rs2, uimm(x2)
		// uimm[5:2|7:6] at [12:7]
		return cInst(opSW, 0, 2, rs2Full, cBits(c, 9, 4, 2)|cBits(c, 7, 2, 6), c)
	case 7<<2 | 2: // c.sdsp (RV64)
		return cInst(opSD, 0, 2, rs2Full, sdspOff(c), c)
	}
	return illegal(uint32(c), 2)
}

// cjImm is the offset of c.j: imm[11|4|9:8|10|6|7|3:1|5] at [12:2].
func cjImm(c uint16) int32 {
	return cSext(cBit(c, 12, 11)|cBit(c, 11, 4)|cBits(c, 9, 2, 8)|cBit(c, 8, 10)|
		cBit(c, 7, 6)|cBit(c, 6, 7)|cBits(c, 3, 3, 1)|cBit(c, 2, 5), 12)
}

// ldspOff is the offset of c.ldsp and c.fldsp: uimm[5] at [12],
// uimm[4:3|8:6] at [6:2].
func ldspOff(c uint16) int32 {
	return cBit(c, 12, 5) | cBits(c, 5, 2, 3) | cBits(c, 2, 3, 6)
}

// sdspOff is the offset of c.sdsp and c.fsdsp: uimm[5:3|8:6] at [12:7].
func sdspOff(c uint16) int32 {
	return cBits(c, 10, 3, 3) | cBits(c, 7, 3, 6)
}
