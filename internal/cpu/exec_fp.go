package cpu

// The F and D extensions, except the loads and stores, which Run executes
// inline. The arithmetic is the soft float of fpu_ops.go; the sign
// operations, moves and NaN-boxing are here.
//
//	|31   27|26 25|24 20|19 15|14 12|11 7|6     0|
//	|funct5 | fmt | rs2 | rs1 | rm  | rd |1010011|   OP-FP, fmt 00 = S, 01 = D
//	|  rs3  | fmt | rs2 | rs1 | rm  | rd |100xx11|   fmadd, fmsub, fnmsub, fnmadd
//
// NaN-boxing: a single lives in the low half of a 64-bit register whose
// upper half is all ones. Every instruction that writes a single writes it
// boxed; every instruction that reads a single as a number reads a register
// that is not properly boxed as the canonical NaN. fmv.x.w and fsw move the
// low 32 bits as they are.
//
// Rounding: rm 7 means the dynamic mode in frm; a dynamic mode above 4 makes
// the instruction illegal (static modes 5 and 6 never decode). Flags the
// operation raises are ORed into fflags.

const (
	sign32 = 1 << 31
	sign64 = 1 << 63
)

// single reads F[r] as a single, unboxing it.
func (h *Hart) single(r uint8) uint32 {
	v := h.F[r&31]
	if v>>32 != 0xffffffff {
		return canonicalNaN32
	}
	return uint32(v)
}

// setSingle writes the single v to F[r], boxed.
func (h *Hart) setSingle(r uint8, v uint32) { h.F[r&31] = boxed | uint64(v) }

// execFP executes one F or D instruction other than a load or store. It
// returns false if the instruction is illegal (dynamic rounding mode with
// an invalid frm).
func (h *Hart) execFP(in *Inst) bool {
	rm := int(in.Rm)
	if opTable[in.Op].rm && rm == rmDyn {
		if rm = int(h.FCSR >> 5 & 7); rm > rmRMM {
			return false
		}
	}
	rd := in.Rd & 31
	x, f := &h.X, &h.F
	var fl uint32 // flags raised

	switch in.Op {
	// Single precision.
	case opFMADD_S, opFMSUB_S, opFNMSUB_S, opFNMADD_S:
		a, b, c := h.single(in.Rs1), h.single(in.Rs2), h.single(in.Rs3)
		// fmsub = a*b-c, fnmsub = -a*b+c, fnmadd = -a*b-c.
		if in.Op == opFNMSUB_S || in.Op == opFNMADD_S {
			a ^= sign32
		}
		if in.Op == opFMSUB_S || in.Op == opFNMADD_S {
			c ^= sign32
		}
		var v uint32
		v, fl = f32MulAdd(a, b, c, rm)
		h.setSingle(rd, v)
	case opFADD_S, opFSUB_S, opFMUL_S, opFDIV_S, opFMIN_S, opFMAX_S:
		a, b := h.single(in.Rs1), h.single(in.Rs2)
		var v uint32
		switch in.Op {
		case opFADD_S:
			v, fl = f32Add(a, b, rm)
		case opFSUB_S:
			v, fl = f32Sub(a, b, rm)
		case opFMUL_S:
			v, fl = f32Mul(a, b, rm)
		case opFDIV_S:
			v, fl = f32Div(a, b, rm)
		case opFMIN_S:
			v, fl = f32Min(a, b)
		case opFMAX_S:
			v, fl = f32Max(a, b)
		}
		h.setSingle(rd, v)
	case opFSQRT_S:
		var v uint32
		v, fl = f32Sqrt(h.single(in.Rs1), rm)
		h.setSingle(rd, v)
	case opFSGNJ_S:
		a, b := h.single(in.Rs1), h.single(in.Rs2)
		h.setSingle(rd, a&^sign32|b&sign32)
	case opFSGNJN_S:
		a, b := h.single(in.Rs1), h.single(in.Rs2)
		h.setSingle(rd, a&^sign32|^b&sign32)
	case opFSGNJX_S:
		a, b := h.single(in.Rs1), h.single(in.Rs2)
		h.setSingle(rd, a^b&sign32)
	case opFCVT_W_S:
		x[rd], fl = f32ToInt(h.single(in.Rs1), rm, 32, true)
	case opFCVT_WU_S:
		x[rd], fl = f32ToInt(h.single(in.Rs1), rm, 32, false)
	case opFCVT_L_S:
		x[rd], fl = f32ToInt(h.single(in.Rs1), rm, 64, true)
	case opFCVT_LU_S:
		x[rd], fl = f32ToInt(h.single(in.Rs1), rm, 64, false)
	case opFMV_X_W:
		x[rd] = uint64(int64(int32(f[in.Rs1&31])))
	case opFEQ_S, opFLT_S, opFLE_S:
		a, b := h.single(in.Rs1), h.single(in.Rs2)
		var t bool
		switch in.Op {
		case opFEQ_S:
			t, fl = f32Eq(a, b)
		case opFLT_S:
			t, fl = f32Lt(a, b)
		default:
			t, fl = f32Le(a, b)
		}
		x[rd] = boolToU64(t)
	case opFCLASS_S:
		x[rd] = f32Class(h.single(in.Rs1))
	case opFCVT_S_W, opFCVT_S_WU, opFCVT_S_L, opFCVT_S_LU:
		width, signed := intKind(in.Op)
		var v uint32
		v, fl = f32FromInt(x[in.Rs1&31], width, signed, rm)
		h.setSingle(rd, v)
	case opFMV_W_X:
		h.setSingle(rd, uint32(x[in.Rs1&31]))

	// Double precision.
	case opFMADD_D, opFMSUB_D, opFNMSUB_D, opFNMADD_D:
		a, b, c := f[in.Rs1&31], f[in.Rs2&31], f[in.Rs3&31]
		if in.Op == opFNMSUB_D || in.Op == opFNMADD_D {
			a ^= sign64
		}
		if in.Op == opFMSUB_D || in.Op == opFNMADD_D {
			c ^= sign64
		}
		f[rd], fl = f64MulAdd(a, b, c, rm)
	case opFADD_D:
		f[rd], fl = f64Add(f[in.Rs1&31], f[in.Rs2&31], rm)
	case opFSUB_D:
		f[rd], fl = f64Sub(f[in.Rs1&31], f[in.Rs2&31], rm)
	case opFMUL_D:
		f[rd], fl = f64Mul(f[in.Rs1&31], f[in.Rs2&31], rm)
	case opFDIV_D:
		f[rd], fl = f64Div(f[in.Rs1&31], f[in.Rs2&31], rm)
	case opFMIN_D:
		f[rd], fl = f64Min(f[in.Rs1&31], f[in.Rs2&31])
	case opFMAX_D:
		f[rd], fl = f64Max(f[in.Rs1&31], f[in.Rs2&31])
	case opFSQRT_D:
		f[rd], fl = f64Sqrt(f[in.Rs1&31], rm)
	case opFSGNJ_D:
		f[rd] = f[in.Rs1&31]&^sign64 | f[in.Rs2&31]&sign64
	case opFSGNJN_D:
		f[rd] = f[in.Rs1&31]&^sign64 | ^f[in.Rs2&31]&sign64
	case opFSGNJX_D:
		f[rd] = f[in.Rs1&31] ^ f[in.Rs2&31]&sign64
	case opFCVT_S_D:
		var v uint32
		v, fl = f64ToF32(f[in.Rs1&31], rm)
		h.setSingle(rd, v)
	case opFCVT_D_S:
		f[rd], fl = f32ToF64(h.single(in.Rs1))
	case opFEQ_D, opFLT_D, opFLE_D:
		a, b := f[in.Rs1&31], f[in.Rs2&31]
		var t bool
		switch in.Op {
		case opFEQ_D:
			t, fl = f64Eq(a, b)
		case opFLT_D:
			t, fl = f64Lt(a, b)
		default:
			t, fl = f64Le(a, b)
		}
		x[rd] = boolToU64(t)
	case opFCLASS_D:
		x[rd] = f64Class(f[in.Rs1&31])
	case opFCVT_W_D:
		x[rd], fl = f64ToInt(f[in.Rs1&31], rm, 32, true)
	case opFCVT_WU_D:
		x[rd], fl = f64ToInt(f[in.Rs1&31], rm, 32, false)
	case opFCVT_L_D:
		x[rd], fl = f64ToInt(f[in.Rs1&31], rm, 64, true)
	case opFCVT_LU_D:
		x[rd], fl = f64ToInt(f[in.Rs1&31], rm, 64, false)
	case opFMV_X_D:
		x[rd] = f[in.Rs1&31]
	case opFCVT_D_W, opFCVT_D_WU, opFCVT_D_L, opFCVT_D_LU:
		width, signed := intKind(in.Op)
		f[rd], fl = f64FromInt(x[in.Rs1&31], width, signed, rm)
	case opFMV_D_X:
		f[rd] = x[in.Rs1&31]
	default:
		panic("cpu: execFP of " + in.Op.String())
	}
	h.FCSR |= fl & 0x1f
	return true
}

// intKind returns the integer width and signedness of an fcvt from an
// integer register.
func intKind(op Op) (width int, signed bool) {
	switch op {
	case opFCVT_S_W, opFCVT_D_W:
		return 32, true
	case opFCVT_S_WU, opFCVT_D_WU:
		return 32, false
	case opFCVT_S_L, opFCVT_D_L:
		return 64, true
	}
	return 64, false
}
