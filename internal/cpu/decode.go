package cpu

// Decoding of 32-bit instructions, driven by opTable. Every 32-bit
// instruction has bits [1:0] = 11; bits [6:2] select one of 32 major
// opcodes, and the decoder tries only the table rows of that major opcode.
//
//	|31            25|24  20|19  15|14  12|11   7|6      0|
//	|     funct7     | rs2  | rs1  |funct3|  rd  | opcode | R-type
//	|    imm[11:0]          | rs1  |funct3|  rd  | opcode | I-type
//	|   imm[11:5]    | rs2  | rs1  |funct3|imm4:0| opcode | S-type
//	|imm[12|10:5]    | rs2  | rs1  |funct3|4:1|11| opcode | B-type
//	|             imm[31:12]             |  rd  | opcode | U-type
//	|      imm[20|10:1|11|19:12]         |  rd  | opcode | J-type
//	| rs3  |fmt|      rs2  | rs1  |  rm  |  rd  | opcode | R4-type

// Decode decodes the instruction at the start of word: the low 16 bits
// alone when they are a compressed instruction (bits [1:0] != 11), else all
// 32. An encoding that is not an instruction of RV64IMAFDC + Zicsr +
// Zifencei, or that the specification reserves, decodes to an Inst whose
// Valid method reports false. Decode never panics.
func Decode(word uint32) Inst {
	if word&3 != 3 {
		return decodeCompressed(uint16(word))
	}
	return decode32(word)
}

// majorOps lists, for each major opcode (bits [6:2]), the ops encoded
// under it, in opTable order.
var majorOps = func() (m [32][]Op) {
	for op := Op(0); op < opCount; op++ {
		f := &opTable[op]
		if f.mask == 0 {
			continue // opDecode, opIllegal
		}
		if f.match&3 != 3 {
			panic("cpu: opTable row for " + f.name + " is not a 32-bit encoding")
		}
		major := (f.match >> 2) & 31
		m[major] = append(m[major], op)
	}
	return m
}()

// decode32 decodes a 32-bit instruction word (bits [1:0] = 11).
func decode32(w uint32) Inst {
	for _, op := range majorOps[(w>>2)&31] {
		f := &opTable[op]
		if w&f.mask != f.match {
			continue
		}
		rm := uint8(w>>12) & 7
		if f.rm && (rm == 5 || rm == 6) {
			break // reserved rounding mode
		}
		in := operands(op, f.format, w)
		if f.rm {
			in.Rm = rm
		}
		if f.mask&0x01f00000 == 0x01f00000 {
			in.Rs2 = 0 // rs2 is part of the opcode (fsqrt, fcvt, fmv, fclass, lr)
		}
		return in
	}
	return illegal(w, 4)
}

// illegal is the decoding of a word that is not an instruction.
func illegal(raw uint32, n uint8) Inst {
	return Inst{Op: opIllegal, Len: n, Raw: raw}
}

// operands extracts the operand fields of format f from word w.
func operands(op Op, f format, w uint32) Inst {
	in := Inst{Op: op, Len: 4, Raw: w}
	rd, rs1, rs2 := uint8(w>>7)&31, uint8(w>>15)&31, uint8(w>>20)&31
	switch f {
	case fmtR:
		in.Rd, in.Rs1, in.Rs2 = rd, rs1, rs2
	case fmtR4:
		in.Rd, in.Rs1, in.Rs2, in.Rs3 = rd, rs1, rs2, uint8(w>>27)
	case fmtI:
		in.Rd, in.Rs1 = rd, rs1
		in.Imm = int32(w) >> 20
	case fmtShift:
		in.Rd, in.Rs1 = rd, rs1
		in.Imm = int32(w>>20) & 63
	case fmtS:
		in.Rs1, in.Rs2 = rs1, rs2
		in.Imm = int32(w)>>25<<5 | int32(w>>7)&31
	case fmtB:
		in.Rs1, in.Rs2 = rs1, rs2
		in.Imm = int32(w)>>31<<12 | int32(w>>7)&1<<11 |
			int32(w>>25)&63<<5 | int32(w>>8)&15<<1
	case fmtU:
		in.Rd = rd
		in.Imm = int32(w & 0xfffff000)
	case fmtJ:
		in.Rd = rd
		in.Imm = int32(w)>>31<<20 | int32(w&0x000ff000) |
			int32(w>>20)&1<<11 | int32(w>>21)&0x3ff<<1
	case fmtCSR:
		in.Rd, in.Rs1 = rd, rs1
		in.Imm = int32(w >> 20)
	}
	return in
}
