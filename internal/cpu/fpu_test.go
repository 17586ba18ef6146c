package cpu

import (
	"fmt"
	"math"
	"testing"
)

// fpuOp runs one FPU operation on operands held in uint64s (singles in the
// low 32 bits), returning the value written to the destination register
// (a single in the low 32 bits, a boolean as 0 or 1, an integer as written
// to rd) and the flags.
type fpuOp func(a, b, c uint64, rm int) (uint64, uint32)

// fpuOps names every operation by its RISC-V mnemonic. The same names are
// used by the golden vectors in testdata (fpu_qemu_test.go).
var fpuOps = map[string]fpuOp{
	"fadd.s":  f32op2(f32Add),
	"fsub.s":  f32op2(f32Sub),
	"fmul.s":  f32op2(f32Mul),
	"fdiv.s":  f32op2(f32Div),
	"fsqrt.s": func(a, _, _ uint64, rm int) (uint64, uint32) { r, fl := f32Sqrt(uint32(a), rm); return uint64(r), fl },
	"fmadd.s": func(a, b, c uint64, rm int) (uint64, uint32) {
		r, fl := f32MulAdd(uint32(a), uint32(b), uint32(c), rm)
		return uint64(r), fl
	},
	"fmin.s": func(a, b, _ uint64, _ int) (uint64, uint32) {
		r, fl := f32Min(uint32(a), uint32(b))
		return uint64(r), fl
	},
	"fmax.s": func(a, b, _ uint64, _ int) (uint64, uint32) {
		r, fl := f32Max(uint32(a), uint32(b))
		return uint64(r), fl
	},
	"feq.s":      f32cmp(f32Eq),
	"flt.s":      f32cmp(f32Lt),
	"fle.s":      f32cmp(f32Le),
	"fclass.s":   func(a, _, _ uint64, _ int) (uint64, uint32) { return f32Class(uint32(a)), 0 },
	"fcvt.w.s":   f32toInt(32, true),
	"fcvt.wu.s":  f32toInt(32, false),
	"fcvt.l.s":   f32toInt(64, true),
	"fcvt.lu.s":  f32toInt(64, false),
	"fcvt.s.w":   f32fromInt(32, true),
	"fcvt.s.wu":  f32fromInt(32, false),
	"fcvt.s.l":   f32fromInt(64, true),
	"fcvt.s.lu":  f32fromInt(64, false),
	"fcvt.d.s":   func(a, _, _ uint64, _ int) (uint64, uint32) { return f32ToF64(uint32(a)) },
	"fcvt.s.d":   func(a, _, _ uint64, rm int) (uint64, uint32) { r, fl := f64ToF32(a, rm); return uint64(r), fl },
	"fadd.d":     func(a, b, _ uint64, rm int) (uint64, uint32) { return f64Add(a, b, rm) },
	"fsub.d":     func(a, b, _ uint64, rm int) (uint64, uint32) { return f64Sub(a, b, rm) },
	"fmul.d":     func(a, b, _ uint64, rm int) (uint64, uint32) { return f64Mul(a, b, rm) },
	"fdiv.d":     func(a, b, _ uint64, rm int) (uint64, uint32) { return f64Div(a, b, rm) },
	"fsqrt.d":    func(a, _, _ uint64, rm int) (uint64, uint32) { return f64Sqrt(a, rm) },
	"fmadd.d":    func(a, b, c uint64, rm int) (uint64, uint32) { return f64MulAdd(a, b, c, rm) },
	"fmin.d":     func(a, b, _ uint64, _ int) (uint64, uint32) { return f64Min(a, b) },
	"fmax.d":     func(a, b, _ uint64, _ int) (uint64, uint32) { return f64Max(a, b) },
	"feq.d":      f64cmp(f64Eq),
	"flt.d":      f64cmp(f64Lt),
	"fle.d":      f64cmp(f64Le),
	"fclass.d":   func(a, _, _ uint64, _ int) (uint64, uint32) { return f64Class(a), 0 },
	"fcvt.w.d":   f64toInt(32, true),
	"fcvt.wu.d":  f64toInt(32, false),
	"fcvt.l.d":   f64toInt(64, true),
	"fcvt.lu.d":  f64toInt(64, false),
	"fcvt.d.w":   f64fromInt(32, true),
	"fcvt.d.wu":  f64fromInt(32, false),
	"fcvt.d.l":   f64fromInt(64, true),
	"fcvt.d.lu":  f64fromInt(64, false),
	"slow.add.s": slowOp(&binary32, (*fpFormat).add),
	"slow.mul.s": slowOp(&binary32, (*fpFormat).mul),
	"slow.div.s": slowOp(&binary32, (*fpFormat).div),
	"slow.sqrt.s": func(a, _, _ uint64, rm int) (uint64, uint32) {
		return binary32.sqrt(a, rm)
	},
	"slow.madd.s": func(a, b, c uint64, rm int) (uint64, uint32) { return binary32.mulAdd(a, b, c, rm) },
	"slow.add.d":  slowOp(&binary64, (*fpFormat).add),
	"slow.mul.d":  slowOp(&binary64, (*fpFormat).mul),
	"slow.div.d":  slowOp(&binary64, (*fpFormat).div),
	"slow.sqrt.d": func(a, _, _ uint64, rm int) (uint64, uint32) {
		return binary64.sqrt(a, rm)
	},
	"slow.madd.d": func(a, b, c uint64, rm int) (uint64, uint32) { return binary64.mulAdd(a, b, c, rm) },
}

func f32op2(op func(a, b uint32, rm int) (uint32, uint32)) fpuOp {
	return func(a, b, _ uint64, rm int) (uint64, uint32) {
		r, fl := op(uint32(a), uint32(b), rm)
		return uint64(r), fl
	}
}

func f32cmp(op func(a, b uint32) (bool, uint32)) fpuOp {
	return func(a, b, _ uint64, _ int) (uint64, uint32) {
		r, fl := op(uint32(a), uint32(b))
		return b2u(r), fl
	}
}

func f64cmp(op func(a, b uint64) (bool, uint32)) fpuOp {
	return func(a, b, _ uint64, _ int) (uint64, uint32) {
		r, fl := op(a, b)
		return b2u(r), fl
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func f32toInt(width int, signed bool) fpuOp {
	return func(a, _, _ uint64, rm int) (uint64, uint32) { return f32ToInt(uint32(a), rm, width, signed) }
}

func f64toInt(width int, signed bool) fpuOp {
	return func(a, _, _ uint64, rm int) (uint64, uint32) { return f64ToInt(a, rm, width, signed) }
}

func f32fromInt(width int, signed bool) fpuOp {
	return func(a, _, _ uint64, rm int) (uint64, uint32) {
		r, fl := f32FromInt(a, width, signed, rm)
		return uint64(r), fl
	}
}

func f64fromInt(width int, signed bool) fpuOp {
	return func(a, _, _ uint64, rm int) (uint64, uint32) { return f64FromInt(a, width, signed, rm) }
}

func slowOp(f *fpFormat, op func(f *fpFormat, a, b uint64, rm int) (uint64, uint32)) fpuOp {
	return func(a, b, _ uint64, rm int) (uint64, uint32) { return op(f, a, b, rm) }
}

var rmNames = [...]string{rmRNE: "rne", rmRTZ: "rtz", rmRDN: "rdn", rmRUP: "rup", rmRMM: "rmm"}

// fflagNames names the fflags bits, from bit 0.
var fflagNames = [...]string{"NX", "UF", "OF", "DZ", "NV"}

// flagNames spells a flag set in the order fflags is drawn, "NV|DZ|OF|UF|NX",
// or "-" for none.
func flagNames(fl uint32) string {
	s := ""
	for i, n := range fflagNames {
		if fl&(1<<i) != 0 {
			if s != "" {
				n += "|"
			}
			s = n + s
		}
	}
	if s == "" {
		return "-"
	}
	return s
}

// d and s give the encodings of float constants, for readable tables.
func d(x float64) uint64 { return math.Float64bits(x) }
func s(x float32) uint64 { return uint64(math.Float32bits(x)) }

// Encodings used by the tables.
const (
	d1      = 0x3ff0000000000000
	dM1     = 0xbff0000000000000
	d1Ulp   = 0x3ff0000000000001 // 1 + 2^-52
	dBelow1 = 0x3fefffffffffffff // 1 - 2^-53
	dHalf   = 0x3fe0000000000000
	dPZero  = 0x0000000000000000
	dNZero  = 0x8000000000000000
	dPInf   = 0x7ff0000000000000
	dNInf   = 0xfff0000000000000
	dQNaN   = 0x7ff8000000000000
	dQNaNp  = 0xfff8000000000123 // negative quiet NaN with a payload
	dSNaN   = 0x7ff0000000000001
	dSNaN2  = 0xfff4000000000000
	dMax    = 0x7fefffffffffffff
	dNMax   = 0xffefffffffffffff
	dMinN   = 0x0010000000000000
	dMaxSub = 0x000fffffffffffff
	dMinSub = 0x0000000000000001

	s1      = 0x3f800000
	sM1     = 0xbf800000
	s1Ulp   = 0x3f800001 // 1 + 2^-23
	sBelow1 = 0x3f7fffff // 1 - 2^-24
	sHalf   = 0x3f000000
	sPZero  = 0x00000000
	sNZero  = 0x80000000
	sPInf   = 0x7f800000
	sNInf   = 0xff800000
	sQNaN   = 0x7fc00000
	sQNaNp  = 0xffc00123
	sSNaN   = 0x7f800001
	sSNaN2  = 0xffa00000
	sMax    = 0x7f7fffff
	sNMax   = 0xff7fffff
	sMinN   = 0x00800000
	sMaxSub = 0x007fffff
	sMinSub = 0x00000001

	nv = flagNV
	dz = flagDZ
	of = flagOF
	uf = flagUF
	nx = flagNX
)

// fpuCase is one row of the hand-written tables: op(a, b, c) under rm must
// give want and exactly the flags wantFl.
type fpuCase struct {
	name    string
	op      string
	a, b, c uint64
	rm      int
	want    uint64
	wantFl  uint32
}

// allRM expands a row into one per rounding mode, with the results given
// in the order RNE, RTZ, RDN, RUP, RMM.
func allRM(name, op string, a, b, c uint64, want [5]uint64, fl [5]uint32) []fpuCase {
	var cs []fpuCase
	for rm := range 5 {
		cs = append(cs, fpuCase{name + "/" + rmNames[rm], op, a, b, c, rm, want[rm], fl[rm]})
	}
	return cs
}

// same5 repeats v for the five rounding modes.
func same5[T any](v T) [5]T { return [5]T{v, v, v, v, v} }

func fpuArithCases() []fpuCase {
	cs := []fpuCase{
		// Addition and subtraction.
		{"1+2", "fadd.d", d1, d(2), 0, rmRNE, d(3), 0},
		{"-0+-0", "fadd.d", dNZero, dNZero, 0, rmRNE, dNZero, 0},
		{"+0+-0", "fadd.d", dPZero, dNZero, 0, rmRNE, dPZero, 0},
		{"+0+-0/rdn", "fadd.d", dPZero, dNZero, 0, rmRDN, dNZero, 0},
		{"1-1", "fsub.d", d1, d1, 0, rmRNE, dPZero, 0},
		{"1-1/rdn", "fsub.d", d1, d1, 0, rmRDN, dNZero, 0},
		{"1+-1/rup", "fadd.d", d1, dM1, 0, rmRUP, dPZero, 0},
		{"-0-+0", "fsub.d", dNZero, dPZero, 0, rmRNE, dNZero, 0},
		{"x+0", "fadd.d", dMinSub, dNZero, 0, rmRDN, dMinSub, 0},
		{"inf-inf", "fsub.d", dPInf, dPInf, 0, rmRNE, dQNaN, nv},
		{"inf+-inf", "fadd.d", dPInf, dNInf, 0, rmRNE, dQNaN, nv},
		{"inf+inf", "fadd.d", dPInf, dPInf, 0, rmRNE, dPInf, 0},
		{"inf+1", "fadd.d", dPInf, d1, 0, rmRTZ, dPInf, 0},
		{"1-inf", "fsub.d", d1, dPInf, 0, rmRNE, dNInf, 0},
		{"qnan+1", "fadd.d", dQNaN, d1, 0, rmRNE, dQNaN, 0},
		{"payload+1", "fadd.d", dQNaNp, d1, 0, rmRNE, dQNaN, 0},
		{"snan+1", "fadd.d", dSNaN, d1, 0, rmRNE, dQNaN, nv},
		{"1+snan", "fadd.d", d1, dSNaN2, 0, rmRUP, dQNaN, nv},
		{"qnan+inf", "fsub.d", dQNaN, dPInf, 0, rmRNE, dQNaN, 0},
		{"minsub+minsub", "fadd.d", dMinSub, dMinSub, 0, rmRNE, 2, 0},
		{"minnormal-minsub", "fsub.d", dMinN, dMinSub, 0, rmRNE, dMaxSub, 0},
		{"maxsub+minsub", "fadd.d", dMaxSub, dMinSub, 0, rmRNE, dMinN, 0},
		{"max-max", "fsub.d", dMax, dMax, 0, rmRNE, dPZero, 0},
		{"s/1+2", "fadd.s", s1, s(2), 0, rmRNE, s(3), 0},
		{"s/1-1/rdn", "fsub.s", s1, s1, 0, rmRDN, sNZero, 0},
		{"s/inf-inf", "fsub.s", sNInf, sNInf, 0, rmRNE, sQNaN, nv},
		{"s/snan+qnan", "fadd.s", sQNaN, sSNaN, 0, rmRNE, sQNaN, nv},
		{"s/payload", "fadd.s", sQNaNp, s1, 0, rmRNE, sQNaN, 0},
		{"s/maxsub+minsub", "fadd.s", sMaxSub, sMinSub, 0, rmRNE, sMinN, 0},
		{"s/1e8+1", "fadd.s", s(1e8), s1, 0, rmRNE, s(1e8), nx},

		// Multiplication.
		{"2*3", "fmul.d", d(2), d(3), 0, rmRNE, d(6), 0},
		{"0*inf", "fmul.d", dPZero, dNInf, 0, rmRNE, dQNaN, nv},
		{"inf*-0", "fmul.d", dPInf, dNZero, 0, rmRNE, dQNaN, nv},
		{"-0*5", "fmul.d", dNZero, d(5), 0, rmRNE, dNZero, 0},
		{"-0*-0", "fmul.d", dNZero, dNZero, 0, rmRNE, dPZero, 0},
		{"-5*0/rdn", "fmul.d", d(-5), dPZero, 0, rmRDN, dNZero, 0},
		{"0*qnan", "fmul.d", dPZero, dQNaN, 0, rmRNE, dQNaN, 0},
		{"inf*-2", "fmul.d", dPInf, d(-2), 0, rmRNE, dNInf, 0},
		{"snan*0", "fmul.d", dSNaN, dPZero, 0, rmRNE, dQNaN, nv},
		{"minsub*2", "fmul.d", dMinSub, d(2), 0, rmRNE, 2, 0},
		{"minnormal*half", "fmul.d", dMinN, dHalf, 0, rmRNE, 0x0008000000000000, 0},
		{"s/3*1/3", "fmul.s", s(3), s(1.0 / 3), 0, rmRNE, s1, nx},
		{"s/0*inf", "fmul.s", sNZero, sPInf, 0, rmRNE, sQNaN, nv},
		{"s/minsub*2", "fmul.s", sMinSub, s(2), 0, rmRNE, 2, 0},

		// Division.
		{"6/3", "fdiv.d", d(6), d(3), 0, rmRNE, d(2), 0},
		{"1/0", "fdiv.d", d1, dPZero, 0, rmRNE, dPInf, dz},
		{"-1/0", "fdiv.d", dM1, dPZero, 0, rmRNE, dNInf, dz},
		{"1/-0", "fdiv.d", d1, dNZero, 0, rmRNE, dNInf, dz},
		{"0/0", "fdiv.d", dPZero, dPZero, 0, rmRNE, dQNaN, nv},
		{"inf/inf", "fdiv.d", dPInf, dNInf, 0, rmRNE, dQNaN, nv},
		{"inf/0", "fdiv.d", dPInf, dPZero, 0, rmRNE, dPInf, 0},
		{"1/inf", "fdiv.d", d1, dNInf, 0, rmRNE, dNZero, 0},
		{"0/-1", "fdiv.d", dPZero, dM1, 0, rmRNE, dNZero, 0},
		{"-0/inf", "fdiv.d", dNZero, dPInf, 0, rmRNE, dNZero, 0},
		{"-0/minsub", "fdiv.d", dNZero, dMinSub | dNZero, 0, rmRNE, dPZero, 0},
		{"0/qnan", "fdiv.d", dPZero, dQNaN, 0, rmRNE, dQNaN, 0},
		{"0/snan", "fdiv.d", dPZero, dSNaN, 0, rmRNE, dQNaN, nv},
		{"qnan/0", "fdiv.d", dQNaN, dPZero, 0, rmRNE, dQNaN, 0},
		{"minsub/2", "fdiv.d", dMinSub, d(2), 0, rmRNE, dPZero, uf | nx},
		{"1/minsub", "fdiv.d", d1, dMinSub, 0, rmRNE, dPInf, of | nx},
		{"s/1/0", "fdiv.s", s1, sPZero, 0, rmRNE, sPInf, dz},
		{"s/0/0", "fdiv.s", sPZero, sNZero, 0, rmRNE, sQNaN, nv},
		{"s/6/3", "fdiv.s", s(6), s(3), 0, rmRNE, s(2), 0},

		// Square root.
		{"sqrt4", "fsqrt.d", d(4), 0, 0, rmRNE, d(2), 0},
		{"sqrt-0", "fsqrt.d", dNZero, 0, 0, rmRNE, dNZero, 0},
		{"sqrt+0", "fsqrt.d", dPZero, 0, 0, rmRNE, dPZero, 0},
		{"sqrt-1", "fsqrt.d", dM1, 0, 0, rmRNE, dQNaN, nv},
		{"sqrt--minsub", "fsqrt.d", dMinSub | dNZero, 0, 0, rmRNE, dQNaN, nv},
		{"sqrt+inf", "fsqrt.d", dPInf, 0, 0, rmRNE, dPInf, 0},
		{"sqrt-inf", "fsqrt.d", dNInf, 0, 0, rmRNE, dQNaN, nv},
		{"sqrt-qnan", "fsqrt.d", dQNaNp, 0, 0, rmRNE, dQNaN, 0},
		{"sqrt-snan", "fsqrt.d", dSNaN, 0, 0, rmRNE, dQNaN, nv},
		{"sqrt-minsub", "fsqrt.d", dMinSub, 0, 0, rmRNE, d(0x1p-537), 0},
		{"sqrt-maxsub", "fsqrt.d", dMaxSub, 0, 0, rmRNE, 0x1fffffffffffffff, nx},
		{"s/sqrt-minsub", "fsqrt.s", sMinSub, 0, 0, rmRNE, 0x1a3504f3, nx},
		{"s/sqrt-1", "fsqrt.s", sM1, 0, 0, rmRNE, sQNaN, nv},
		{"s/sqrt-0", "fsqrt.s", sNZero, 0, 0, rmRUP, sNZero, 0},
		{"s/sqrt9", "fsqrt.s", s(9), 0, 0, rmRNE, s(3), 0},

		// Fused multiply-add.
		{"fma-single-rounding", "fmadd.d", 0x3ff0000002000000, 0x3ff0000002000000, d(-(1 + 0x1p-26)), rmRNE, d(0x1p-54), 0},
		{"fma-no-overflow", "fmadd.d", dMax, d(2), dNMax, rmRNE, dMax, 0},
		{"fma-inf*0+qnan", "fmadd.d", dPInf, dPZero, dQNaN, rmRNE, dQNaN, nv},
		{"fma-0*inf+qnan", "fmadd.d", dNZero, dNInf, dQNaNp, rmRNE, dQNaN, nv},
		{"fma-snan", "fmadd.d", d1, d1, dSNaN, rmRNE, dQNaN, nv},
		{"fma-qnan", "fmadd.d", dQNaN, d1, d1, rmRNE, dQNaN, 0},
		{"fma-inf-inf", "fmadd.d", dPInf, d1, dNInf, rmRNE, dQNaN, nv},
		{"fma-inf+inf", "fmadd.d", dNInf, dM1, dPInf, rmRNE, dPInf, 0},
		{"fma-1*1+inf", "fmadd.d", d1, d1, dNInf, rmRNE, dNInf, 0},
		{"fma-exact-zero", "fmadd.d", d(2), d(3), d(-6), rmRNE, dPZero, 0},
		{"fma-exact-zero/rdn", "fmadd.d", d(2), d(3), d(-6), rmRDN, dNZero, 0},
		{"fma-0*5-0", "fmadd.d", dPZero, d(5), dNZero, rmRNE, dPZero, 0},
		{"fma-0*5-0/rdn", "fmadd.d", dPZero, d(5), dNZero, rmRDN, dNZero, 0},
		{"fma--0*5-0", "fmadd.d", dNZero, d(5), dNZero, rmRNE, dNZero, 0},
		{"fma-0*5+minsub", "fmadd.d", dNZero, d(5), dMinSub, rmRNE, dMinSub, 0},
		{"fma-minsub*half+0", "fmadd.d", dMinSub, dHalf, dPZero, rmRMM, dMinSub, uf | nx},
		{"fma-tiny-product", "fmadd.d", dMinSub, dMinSub, d1, rmRUP, d1Ulp, nx},
		{"fma-tiny-product-rdn", "fmadd.d", dMinSub, dMinSub | dNZero, d1, rmRDN, dBelow1, nx},
		// In single, a*b+c rounded to a double first lands exactly on a
		// single's midpoint and would then round to even: 0x40400002.
		{"s/fma-double-rounding", "fmadd.s", s(3), s1Ulp, 0xa1800000, rmRNE, 0x40400001, nx},
		{"s/fma-single-rounding", "fmadd.s", 0x3f800800, 0x3f800800, s(-(1 + 0x1p-11)), rmRNE, s(0x1p-24), 0},
		{"s/fma-inf*0+qnan", "fmadd.s", sPInf, sPZero, sQNaN, rmRNE, sQNaN, nv},
		{"s/fma-exact-zero/rdn", "fmadd.s", s(2), s(3), s(-6), rmRDN, sNZero, 0},
		{"s/fma-overflow", "fmadd.s", sMax, s(2), sNMax, rmRNE, sMax, 0},
		{"s/fma-overflow2", "fmadd.s", sMax, s(2), s(0), rmRTZ, sMax, of | nx},
	}

	// Ties: RNE goes to even, RMM away from zero.
	cs = append(cs, allRM("1+2^-53", "fadd.d", d1, d(0x1p-53), 0,
		[5]uint64{d1, d1, d1, d1Ulp, d1Ulp}, same5[uint32](nx))...)
	cs = append(cs, allRM("(1+ulp)+2^-53", "fadd.d", d1Ulp, d(0x1p-53), 0,
		[5]uint64{d1Ulp + 1, d1Ulp, d1Ulp, d1Ulp + 1, d1Ulp + 1}, same5[uint32](nx))...)
	cs = append(cs, allRM("-1-2^-53", "fsub.d", dM1, d(0x1p-53), 0,
		[5]uint64{dM1, dM1, dM1 + 1, dM1, dM1 + 1}, same5[uint32](nx))...)
	cs = append(cs, allRM("s/1+2^-24", "fadd.s", s1, s(0x1p-24), 0,
		[5]uint64{s1, s1, s1, s1Ulp, s1Ulp}, same5[uint32](nx))...)
	cs = append(cs, allRM("fma-tie", "fmadd.d", d1, d1, d(0x1p-53), [5]uint64{d1, d1, d1, d1Ulp, d1Ulp}, same5[uint32](nx))...)

	// Directed rounding of an inexact quotient and root.
	cs = append(cs, allRM("1/3", "fdiv.d", d1, d(3), 0,
		[5]uint64{0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555556, 0x3fd5555555555555},
		same5[uint32](nx))...)
	cs = append(cs, allRM("-1/3", "fdiv.d", dM1, d(3), 0,
		[5]uint64{0xbfd5555555555555, 0xbfd5555555555555, 0xbfd5555555555556, 0xbfd5555555555555, 0xbfd5555555555555},
		same5[uint32](nx))...)
	cs = append(cs, allRM("s/1/3", "fdiv.s", s1, s(3), 0,
		[5]uint64{0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab}, same5[uint32](nx))...)
	cs = append(cs, allRM("sqrt2", "fsqrt.d", d(2), 0, 0,
		[5]uint64{0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcd},
		same5[uint32](nx))...)
	cs = append(cs, allRM("s/sqrt2", "fsqrt.s", s(2), 0, 0,
		[5]uint64{0x3fb504f3, 0x3fb504f3, 0x3fb504f3, 0x3fb504f4, 0x3fb504f3}, same5[uint32](nx))...)

	// Overflow: infinity or the largest finite number, by rm and sign.
	cs = append(cs, allRM("max+max", "fadd.d", dMax, dMax, 0,
		[5]uint64{dPInf, dMax, dMax, dPInf, dPInf}, same5[uint32](of|nx))...)
	cs = append(cs, allRM("-max-max", "fsub.d", dNMax, dMax, 0,
		[5]uint64{dNInf, dNMax, dNInf, dNMax, dNInf}, same5[uint32](of|nx))...)
	cs = append(cs, allRM("max*2", "fmul.d", dMax, d(2), 0,
		[5]uint64{dPInf, dMax, dMax, dPInf, dPInf}, same5[uint32](of|nx))...)
	cs = append(cs, allRM("s/max*-2", "fmul.s", sMax, s(-2), 0,
		[5]uint64{sNInf, sNMax, sNInf, sNMax, sNInf}, same5[uint32](of|nx))...)
	cs = append(cs, allRM("s/max/half", "fdiv.s", sMax, sHalf, 0,
		[5]uint64{sPInf, sMax, sMax, sPInf, sPInf}, same5[uint32](of|nx))...)
	// max + half an ulp is a tie: it overflows only when it rounds up.
	cs = append(cs, allRM("max+halfulp", "fadd.d", dMax, d(0x1p970), 0,
		[5]uint64{dPInf, dMax, dMax, dPInf, dPInf}, [5]uint32{of | nx, nx, nx, of | nx, of | nx})...)
	cs = append(cs, allRM("max+quarterulp", "fadd.d", dMax, d(0x1p969), 0,
		[5]uint64{dMax, dMax, dMax, dPInf, dMax}, [5]uint32{nx, nx, nx, of | nx, nx})...)
	cs = append(cs, allRM("fma-overflow", "fmadd.d", dMax, d(2), dNZero,
		[5]uint64{dPInf, dMax, dMax, dPInf, dPInf}, same5[uint32](of|nx))...)

	// Underflow. Tininess is detected after rounding: a result that lies
	// below 2^emin but rounds to 2^emin with an unbounded exponent is not
	// tiny. (1+2^-52) * (2^-1022 - 2^-1074) = 2^-1022 - 2^-1126.
	cs = append(cs, allRM("tiny-after-rounding", "fmul.d", d1Ulp, dMaxSub, 0,
		[5]uint64{dMinN, dMaxSub, dMaxSub, dMinN, dMinN}, [5]uint32{nx, uf | nx, uf | nx, nx, nx})...)
	// 2^-1022 * (1-2^-53) = 2^-1022 - 2^-1075 is exact with an unbounded
	// exponent, so tiny, but rounds to 2^-1022 in RNE (tie to even).
	cs = append(cs, allRM("tiny-rounds-to-minnormal", "fmul.d", dMinN, dBelow1, 0,
		[5]uint64{dMinN, dMaxSub, dMaxSub, dMinN, dMinN}, same5[uint32](uf|nx))...)
	cs = append(cs, allRM("s/tiny-after-rounding", "fmul.s", s1Ulp, sMaxSub, 0,
		[5]uint64{sMinN, sMaxSub, sMaxSub, sMinN, sMinN}, [5]uint32{nx, uf | nx, uf | nx, nx, nx})...)
	cs = append(cs, allRM("s/tiny-rounds-to-minnormal", "fmul.s", sMinN, sBelow1, 0,
		[5]uint64{sMinN, sMaxSub, sMaxSub, sMinN, sMinN}, same5[uint32](uf|nx))...)
	cs = append(cs, allRM("minsub*half", "fmul.d", dMinSub, dHalf, 0,
		[5]uint64{dPZero, dPZero, dPZero, dMinSub, dMinSub}, same5[uint32](uf|nx))...)
	cs = append(cs, allRM("-minsub*half", "fmul.d", dMinSub|dNZero, dHalf, 0,
		[5]uint64{dNZero, dNZero, dNZero | dMinSub, dNZero, dNZero | dMinSub}, same5[uint32](uf|nx))...)
	cs = append(cs, allRM("3minsub*half", "fmul.d", 3, dHalf, 0,
		[5]uint64{2, 1, 1, 2, 2}, same5[uint32](uf|nx))...)
	cs = append(cs, allRM("s/minsub/3", "fdiv.s", sMinSub, s(3), 0,
		[5]uint64{0, 0, 0, 1, 0}, same5[uint32](uf|nx))...)
	cs = append(cs, allRM("s/minnormal*0.75", "fmul.s", sMinN, s(0.75), 0,
		same5[uint64](0x00600000), same5[uint32](0))...)
	return cs
}

func fpuOtherCases() []fpuCase {
	cs := []fpuCase{
		// fmin/fmax: minimumNumber/maximumNumber, -0 < +0.
		{"min-0+0", "fmin.d", dNZero, dPZero, 0, 0, dNZero, 0},
		{"min+0-0", "fmin.d", dPZero, dNZero, 0, 0, dNZero, 0},
		{"max-0+0", "fmax.d", dNZero, dPZero, 0, 0, dPZero, 0},
		{"max+0-0", "fmax.d", dPZero, dNZero, 0, 0, dPZero, 0},
		{"min1,2", "fmin.d", d1, d(2), 0, 0, d1, 0},
		{"max-1,-2", "fmax.d", dM1, d(-2), 0, 0, dM1, 0},
		{"min-inf", "fmin.d", d(3), dNInf, 0, 0, dNInf, 0},
		{"max-inf", "fmax.d", dNInf, d(3), 0, 0, d(3), 0},
		{"min-qnan,1", "fmin.d", dQNaNp, d1, 0, 0, d1, 0},
		{"max-1,qnan", "fmax.d", d1, dQNaN, 0, 0, d1, 0},
		{"min-snan,1", "fmin.d", dSNaN, d1, 0, 0, d1, nv},
		{"max-1,snan", "fmax.d", d1, dSNaN2, 0, 0, d1, nv},
		{"min-qnan,qnan", "fmin.d", dQNaNp, dQNaNp, 0, 0, dQNaN, 0},
		{"max-snan,qnan", "fmax.d", dSNaN, dQNaN, 0, 0, dQNaN, nv},
		{"s/min-0+0", "fmin.s", sPZero, sNZero, 0, 0, sNZero, 0},
		{"s/max-0+0", "fmax.s", sNZero, sPZero, 0, 0, sPZero, 0},
		{"s/min-snan,-1", "fmin.s", sSNaN, sM1, 0, 0, sM1, nv},
		{"s/max-qnan,qnan", "fmax.s", sQNaNp, sQNaN, 0, 0, sQNaN, 0},
		{"s/min-sub", "fmin.s", sMinSub, sMaxSub, 0, 0, sMinSub, 0},

		// Comparisons: feq quiet, flt/fle signalling.
		{"eq0,-0", "feq.d", dPZero, dNZero, 0, 0, 1, 0},
		{"eq1,1", "feq.d", d1, d1, 0, 0, 1, 0},
		{"eq1,2", "feq.d", d1, d(2), 0, 0, 0, 0},
		{"eq-qnan", "feq.d", dQNaN, dQNaN, 0, 0, 0, 0},
		{"eq-snan", "feq.d", d1, dSNaN, 0, 0, 0, nv},
		{"lt-qnan", "flt.d", dQNaN, d1, 0, 0, 0, nv},
		{"le-qnan", "fle.d", d1, dQNaN, 0, 0, 0, nv},
		{"lt-0,0", "flt.d", dNZero, dPZero, 0, 0, 0, 0},
		{"le-0,0", "fle.d", dNZero, dPZero, 0, 0, 1, 0},
		{"lt-inf,inf", "flt.d", dNInf, dPInf, 0, 0, 1, 0},
		{"lt2,1", "flt.d", d(2), d1, 0, 0, 0, 0},
		{"le-1,-2", "fle.d", dM1, d(-2), 0, 0, 0, 0},
		{"lt-sub", "flt.d", dMinSub, dMaxSub, 0, 0, 1, 0},
		{"s/eq0,-0", "feq.s", sNZero, sPZero, 0, 0, 1, 0},
		{"s/eq-snan", "feq.s", sSNaN2, sPZero, 0, 0, 0, nv},
		{"s/eq-qnan", "feq.s", sQNaN, sPZero, 0, 0, 0, 0},
		{"s/lt-qnan", "flt.s", sQNaN, sPZero, 0, 0, 0, nv},
		{"s/le-1,1", "fle.s", s1, s1, 0, 0, 1, 0},
		{"s/le-qnan", "fle.s", s1, sQNaNp, 0, 0, 0, nv},
		{"s/le-2,1", "fle.s", s(2), s1, 0, 0, 0, 0},
		{"s/lt-1,1", "flt.s", sM1, s1, 0, 0, 1, 0},

		// Widening and narrowing.
		{"d.s-1", "fcvt.d.s", s1, 0, 0, 0, d1, 0},
		{"d.s-snan", "fcvt.d.s", sSNaN, 0, 0, 0, dQNaN, nv},
		{"d.s-qnan", "fcvt.d.s", sQNaNp, 0, 0, 0, dQNaN, 0},
		{"d.s-inf", "fcvt.d.s", sNInf, 0, 0, 0, dNInf, 0},
		{"d.s-0", "fcvt.d.s", sNZero, 0, 0, 0, dNZero, 0},
		{"d.s-minsub", "fcvt.d.s", sMinSub, 0, 0, 0, d(0x1p-149), 0},
		{"d.s-max", "fcvt.d.s", sMax, 0, 0, 0, d(math.MaxFloat32), 0},
		{"s.d-snan", "fcvt.s.d", dSNaN, 0, 0, rmRNE, sQNaN, nv},
		{"s.d-qnan", "fcvt.s.d", dQNaNp, 0, 0, rmRNE, sQNaN, 0},
		{"s.d-inf", "fcvt.s.d", dNInf, 0, 0, rmRNE, sNInf, 0},
		{"s.d-0", "fcvt.s.d", dNZero, 0, 0, rmRNE, sNZero, 0},
		{"s.d-minsub", "fcvt.s.d", d(0x1p-149), 0, 0, rmRNE, sMinSub, 0},
		{"s.d-dminsub", "fcvt.s.d", dMinSub, 0, 0, rmRNE, sPZero, uf | nx},
		{"s.d-dminsub/rup", "fcvt.s.d", dMinSub, 0, 0, rmRUP, sMinSub, uf | nx},
		{"s.d-2^-150", "fcvt.s.d", d(0x1p-150), 0, 0, rmRNE, sPZero, uf | nx},
		{"s.d-2^-150/rmm", "fcvt.s.d", d(0x1p-150), 0, 0, rmRMM, sMinSub, uf | nx},
		{"s.d-1.5*2^-149", "fcvt.s.d", d(0x1.8p-149), 0, 0, rmRNE, 2, uf | nx},
		{"s.d-not-tiny", "fcvt.s.d", d(0x1p-126 - 0x1p-151), 0, 0, rmRNE, sMinN, nx},
		{"s.d-not-tiny/rtz", "fcvt.s.d", d(0x1p-126 - 0x1p-151), 0, 0, rmRTZ, sMaxSub, uf | nx},
		{"s.d-tiny", "fcvt.s.d", d(0x1p-126 - 0x1p-150), 0, 0, rmRNE, sMinN, uf | nx},
		{"s.d-max-halfulp", "fcvt.s.d", d(math.MaxFloat32 + 0x1p103), 0, 0, rmRNE, sPInf, of | nx},
		{"s.d-max-halfulp/rtz", "fcvt.s.d", d(math.MaxFloat32 + 0x1p103), 0, 0, rmRTZ, sMax, nx},
		{"s.d-dmax/rdn", "fcvt.s.d", dMax, 0, 0, rmRDN, sMax, of | nx},
		{"s.d-dnmax/rdn", "fcvt.s.d", dNMax, 0, 0, rmRDN, sNInf, of | nx},
		{"s.d-exact", "fcvt.s.d", d(1.5), 0, 0, rmRTZ, s(1.5), 0},
	}
	cs = append(cs, allRM("s.d-1/3", "fcvt.s.d", d(1.0/3), 0, 0,
		[5]uint64{0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab}, same5[uint32](nx))...)
	cs = append(cs, allRM("s.d-tie", "fcvt.s.d", d(1+0x1p-24), 0, 0,
		[5]uint64{s1, s1, s1, s1Ulp, s1Ulp}, same5[uint32](nx))...)
	cs = append(cs, allRM("s.d-1e300", "fcvt.s.d", d(1e300), 0, 0,
		[5]uint64{sPInf, sMax, sMax, sPInf, sPInf}, same5[uint32](of|nx))...)

	// fclass: one row per class and format.
	for i, v := range [10][2]uint64{
		{dNInf, sNInf}, {dM1, sM1}, {dMaxSub | dNZero, sMaxSub | sNZero}, {dNZero, sNZero},
		{dPZero, sPZero}, {dMinSub, sMinSub}, {dMinN, sMinN}, {dPInf, sPInf},
		{dSNaN, sSNaN}, {dQNaNp, sQNaNp},
	} {
		cs = append(cs,
			fpuCase{fmt.Sprintf("class%d", i), "fclass.d", v[0], 0, 0, 0, 1 << i, 0},
			fpuCase{fmt.Sprintf("s/class%d", i), "fclass.s", v[1], 0, 0, 0, 1 << i, 0})
	}
	cs = append(cs,
		fpuCase{"class-snan2", "fclass.d", dSNaN2, 0, 0, 0, 1 << 8, 0},
		fpuCase{"class-max", "fclass.d", dNMax, 0, 0, 0, 1 << 1, 0},
		fpuCase{"s/class-snan2", "fclass.s", sSNaN2, 0, 0, 0, 1 << 8, 0},
		fpuCase{"s/class-maxsub", "fclass.s", sMaxSub, 0, 0, 0, 1 << 5, 0})
	return cs
}

const (
	i32Max = 0x7fffffff
	i32Min = 0xffffffff80000000 // -2^31, sign-extended
	u32Max = 0xffffffffffffffff // 2^32-1, sign-extended
	i64Max = 0x7fffffffffffffff
	i64Min = 0x8000000000000000
	u64Max = 0xffffffffffffffff
	mOne   = 0xffffffffffffffff
)

func fpuCvtCases() []fpuCase {
	cs := []fpuCase{
		// The saturation table, for each (width, signedness) and format.
		{"w-nan", "fcvt.w.d", dQNaNp, 0, 0, rmRNE, i32Max, nv},
		{"w-snan", "fcvt.w.d", dSNaN2, 0, 0, rmRNE, i32Max, nv},
		{"w-inf", "fcvt.w.d", dPInf, 0, 0, rmRNE, i32Max, nv},
		{"w--inf", "fcvt.w.d", dNInf, 0, 0, rmRNE, i32Min, nv},
		{"w-2^31", "fcvt.w.d", d(0x1p31), 0, 0, rmRNE, i32Max, nv},
		{"w-2^31-1", "fcvt.w.d", d(0x1p31 - 1), 0, 0, rmRNE, i32Max, 0},
		{"w--2^31", "fcvt.w.d", d(-0x1p31), 0, 0, rmRNE, i32Min, 0},
		{"w--2^31-1", "fcvt.w.d", d(-0x1p31 - 1), 0, 0, rmRNE, i32Min, nv},
		{"w--2^31-.5", "fcvt.w.d", d(-0x1p31 - 0.5), 0, 0, rmRNE, i32Min, nx},
		{"w--2^31-.5/rdn", "fcvt.w.d", d(-0x1p31 - 0.5), 0, 0, rmRDN, i32Min, nv},
		{"w--2^31-.5/rmm", "fcvt.w.d", d(-0x1p31 - 0.5), 0, 0, rmRMM, i32Min, nv},
		{"w-2^31-.5", "fcvt.w.d", d(0x1p31 - 0.5), 0, 0, rmRNE, i32Max, nv},
		{"w-2^31-.5/rtz", "fcvt.w.d", d(0x1p31 - 0.5), 0, 0, rmRTZ, i32Max, nx},
		{"w-1e300", "fcvt.w.d", d(1e300), 0, 0, rmRNE, i32Max, nv},
		{"w--1e300", "fcvt.w.d", d(-1e300), 0, 0, rmRNE, i32Min, nv},
		{"w--1", "fcvt.w.d", dM1, 0, 0, rmRNE, mOne, 0},
		{"w--0", "fcvt.w.d", dNZero, 0, 0, rmRNE, 0, 0},
		{"wu-nan", "fcvt.wu.d", dQNaN, 0, 0, rmRNE, u32Max, nv},
		{"wu-inf", "fcvt.wu.d", dPInf, 0, 0, rmRNE, u32Max, nv},
		{"wu--inf", "fcvt.wu.d", dNInf, 0, 0, rmRNE, 0, nv},
		{"wu-2^32", "fcvt.wu.d", d(0x1p32), 0, 0, rmRNE, u32Max, nv},
		{"wu-2^32-1", "fcvt.wu.d", d(0x1p32 - 1), 0, 0, rmRNE, u32Max, 0},
		{"wu-2^31", "fcvt.wu.d", d(0x1p31), 0, 0, rmRNE, 0xffffffff80000000, 0},
		{"wu-2^31-1", "fcvt.wu.d", d(0x1p31 - 1), 0, 0, rmRNE, 0x7fffffff, 0},
		{"wu--1", "fcvt.wu.d", dM1, 0, 0, rmRNE, 0, nv},
		{"wu--0", "fcvt.wu.d", dNZero, 0, 0, rmRNE, 0, 0},
		{"wu--.5/rtz", "fcvt.wu.d", d(-0.5), 0, 0, rmRTZ, 0, nx},
		{"wu--.5/rne", "fcvt.wu.d", d(-0.5), 0, 0, rmRNE, 0, nx},
		{"wu--.5/rmm", "fcvt.wu.d", d(-0.5), 0, 0, rmRMM, 0, nv},
		{"wu--.3/rdn", "fcvt.wu.d", d(-0.3), 0, 0, rmRDN, 0, nv},
		{"wu--.3/rup", "fcvt.wu.d", d(-0.3), 0, 0, rmRUP, 0, nx},
		{"wu--minsub/rtz", "fcvt.wu.d", dMinSub | dNZero, 0, 0, rmRTZ, 0, nx},
		{"wu-2^32-.5/rne", "fcvt.wu.d", d(0x1p32 - 0.5), 0, 0, rmRNE, u32Max, nv},
		{"wu-2^32-.5/rdn", "fcvt.wu.d", d(0x1p32 - 0.5), 0, 0, rmRDN, u32Max, nx},
		{"l-nan", "fcvt.l.d", dQNaN, 0, 0, rmRNE, i64Max, nv},
		{"l-inf", "fcvt.l.d", dPInf, 0, 0, rmRNE, i64Max, nv},
		{"l--inf", "fcvt.l.d", dNInf, 0, 0, rmRNE, i64Min, nv},
		{"l-2^63", "fcvt.l.d", d(0x1p63), 0, 0, rmRNE, i64Max, nv},
		{"l-below2^63", "fcvt.l.d", 0x43dfffffffffffff, 0, 0, rmRNE, 0x7ffffffffffffc00, 0},
		{"l--2^63", "fcvt.l.d", d(-0x1p63), 0, 0, rmRNE, i64Min, 0},
		{"l--2^63-ulp", "fcvt.l.d", 0xc3e0000000000001, 0, 0, rmRNE, i64Min, nv},
		{"l-1.5", "fcvt.l.d", d(1.5), 0, 0, rmRNE, 2, nx},
		{"l-2.5", "fcvt.l.d", d(2.5), 0, 0, rmRNE, 2, nx},
		{"l-2.5/rmm", "fcvt.l.d", d(2.5), 0, 0, rmRMM, 3, nx},
		{"l--2.5/rmm", "fcvt.l.d", d(-2.5), 0, 0, rmRMM, -3 & mOne, nx},
		{"l--2.5/rup", "fcvt.l.d", d(-2.5), 0, 0, rmRUP, -2 & mOne, nx},
		{"l--2.5/rdn", "fcvt.l.d", d(-2.5), 0, 0, rmRDN, -3 & mOne, nx},
		{"l--2.5/rtz", "fcvt.l.d", d(-2.5), 0, 0, rmRTZ, -2 & mOne, nx},
		{"l-minsub/rup", "fcvt.l.d", dMinSub, 0, 0, rmRUP, 1, nx},
		{"l-minsub/rne", "fcvt.l.d", dMinSub, 0, 0, rmRNE, 0, nx},
		{"l--minsub/rdn", "fcvt.l.d", dMinSub | dNZero, 0, 0, rmRDN, mOne, nx},
		{"l-.5/rne", "fcvt.l.d", dHalf, 0, 0, rmRNE, 0, nx},
		{"l-.5/rmm", "fcvt.l.d", dHalf, 0, 0, rmRMM, 1, nx},
		{"lu-nan", "fcvt.lu.d", dSNaN, 0, 0, rmRNE, u64Max, nv},
		{"lu-inf", "fcvt.lu.d", dPInf, 0, 0, rmRNE, u64Max, nv},
		{"lu--inf", "fcvt.lu.d", dNInf, 0, 0, rmRNE, 0, nv},
		{"lu-2^64", "fcvt.lu.d", d(0x1p64), 0, 0, rmRNE, u64Max, nv},
		{"lu-below2^64", "fcvt.lu.d", 0x43efffffffffffff, 0, 0, rmRNE, 0xfffffffffffff800, 0},
		{"lu-2^63", "fcvt.lu.d", d(0x1p63), 0, 0, rmRNE, 1 << 63, 0},
		{"lu--1", "fcvt.lu.d", dM1, 0, 0, rmRNE, 0, nv},
		{"lu--.5/rup", "fcvt.lu.d", d(-0.5), 0, 0, rmRUP, 0, nx},
		{"lu--.5/rdn", "fcvt.lu.d", d(-0.5), 0, 0, rmRDN, 0, nv},
		{"lu-1.5/rtz", "fcvt.lu.d", d(1.5), 0, 0, rmRTZ, 1, nx},
		{"s/w-nan", "fcvt.w.s", sQNaN, 0, 0, rmRNE, i32Max, nv},
		{"s/w-2^31", "fcvt.w.s", s(0x1p31), 0, 0, rmRNE, i32Max, nv},
		{"s/w--2^31", "fcvt.w.s", s(-0x1p31), 0, 0, rmRNE, i32Min, 0},
		{"s/w--inf", "fcvt.w.s", sNInf, 0, 0, rmRNE, i32Min, nv},
		{"s/w-below2^31", "fcvt.w.s", s(0x1p31 - 128), 0, 0, rmRNE, 0x7fffff80, 0},
		{"s/wu-nan", "fcvt.wu.s", sSNaN, 0, 0, rmRNE, u32Max, nv},
		{"s/wu-2^32", "fcvt.wu.s", s(0x1p32), 0, 0, rmRNE, u32Max, nv},
		{"s/wu-below2^32", "fcvt.wu.s", s(0x1p32 - 256), 0, 0, rmRNE, 0xffffffffffffff00, 0},
		{"s/wu--1", "fcvt.wu.s", sM1, 0, 0, rmRNE, 0, nv},
		{"s/wu--.75/rtz", "fcvt.wu.s", s(-0.75), 0, 0, rmRTZ, 0, nx},
		{"s/wu--.75/rne", "fcvt.wu.s", s(-0.75), 0, 0, rmRNE, 0, nv},
		{"s/l-nan", "fcvt.l.s", sQNaNp, 0, 0, rmRNE, i64Max, nv},
		{"s/l-2^63", "fcvt.l.s", s(0x1p63), 0, 0, rmRNE, i64Max, nv},
		{"s/l--2^63", "fcvt.l.s", s(-0x1p63), 0, 0, rmRNE, i64Min, 0},
		{"s/l--inf", "fcvt.l.s", sNInf, 0, 0, rmRNE, i64Min, nv},
		{"s/l-2.5/rmm", "fcvt.l.s", s(2.5), 0, 0, rmRMM, 3, nx},
		{"s/lu-nan", "fcvt.lu.s", sQNaN, 0, 0, rmRNE, u64Max, nv},
		{"s/lu-2^64", "fcvt.lu.s", s(0x1p64), 0, 0, rmRNE, u64Max, nv},
		{"s/lu-below2^64", "fcvt.lu.s", 0x5f7fffff, 0, 0, rmRNE, 0xffffff0000000000, 0},
		{"s/lu--inf", "fcvt.lu.s", sNInf, 0, 0, rmRNE, 0, nv},
		{"s/lu--minsub/rdn", "fcvt.lu.s", sMinSub | sNZero, 0, 0, rmRDN, 0, nv},

		// From integers: only the low 32 bits count for w and wu.
		{"s.w-garbage", "fcvt.s.w", 0xdeadbeef00000001, 0, 0, rmRNE, s1, 0},
		{"s.w--1", "fcvt.s.w", 0x00000000ffffffff, 0, 0, rmRNE, sM1, 0},
		{"s.wu-max", "fcvt.s.wu", 0xffffffff, 0, 0, rmRNE, s(0x1p32), nx},
		{"s.wu-max/rtz", "fcvt.s.wu", 0xffffffff, 0, 0, rmRTZ, s(0x1p32 - 256), nx},
		{"s.w-min", "fcvt.s.w", 0x80000000, 0, 0, rmRNE, s(-0x1p31), 0},
		{"s.w-0", "fcvt.s.w", 0, 0, 0, rmRDN, sPZero, 0},
		{"s.l-min", "fcvt.s.l", 1 << 63, 0, 0, rmRNE, s(-0x1p63), 0},
		{"s.l--1", "fcvt.s.l", mOne, 0, 0, rmRNE, sM1, 0},
		{"s.lu-max", "fcvt.s.lu", u64Max, 0, 0, rmRNE, s(0x1p64), nx},
		{"s.lu-max/rdn", "fcvt.s.lu", u64Max, 0, 0, rmRDN, s(0x1p64 - 0x1p40), nx},
		{"d.w-min", "fcvt.d.w", 0x80000000, 0, 0, rmRNE, d(-0x1p31), 0},
		{"d.w-garbage", "fcvt.d.w", 0x12345678fffffffe, 0, 0, rmRNE, d(-2), 0},
		{"d.wu-max", "fcvt.d.wu", 0xdeadbeefffffffff, 0, 0, rmRNE, d(0x1p32 - 1), 0},
		{"d.l-min", "fcvt.d.l", 1 << 63, 0, 0, rmRNE, d(-0x1p63), 0},
		{"d.l-max", "fcvt.d.l", i64Max, 0, 0, rmRNE, d(0x1p63), nx},
		{"d.l-max/rtz", "fcvt.d.l", i64Max, 0, 0, rmRTZ, 0x43dfffffffffffff, nx},
		{"d.lu-max", "fcvt.d.lu", u64Max, 0, 0, rmRNE, d(0x1p64), nx},
		{"d.lu-max/rtz", "fcvt.d.lu", u64Max, 0, 0, rmRTZ, 0x43efffffffffffff, nx},
		{"d.l-0", "fcvt.d.l", 0, 0, 0, rmRDN, dPZero, 0},
	}
	cs = append(cs, allRM("s.w-2^24+1", "fcvt.s.w", 1<<24+1, 0, 0,
		[5]uint64{s(0x1p24), s(0x1p24), s(0x1p24), s(0x1p24 + 2), s(0x1p24 + 2)}, same5[uint32](nx))...)
	cs = append(cs, allRM("s.w--(2^24+1)", "fcvt.s.w", -(1<<24+1)&mOne, 0, 0,
		[5]uint64{s(-0x1p24), s(-0x1p24), s(-0x1p24 - 2), s(-0x1p24), s(-0x1p24 - 2)}, same5[uint32](nx))...)
	cs = append(cs, allRM("d.l-2^53+1", "fcvt.d.l", 1<<53+1, 0, 0,
		[5]uint64{d(0x1p53), d(0x1p53), d(0x1p53), d(0x1p53 + 2), d(0x1p53 + 2)}, same5[uint32](nx))...)
	cs = append(cs, allRM("w-2.5", "fcvt.w.d", d(2.5), 0, 0,
		[5]uint64{2, 2, 2, 3, 3}, same5[uint32](nx))...)
	cs = append(cs, allRM("w--2.5", "fcvt.w.d", d(-2.5), 0, 0,
		[5]uint64{-2 & mOne, -2 & mOne, -3 & mOne, -2 & mOne, -3 & mOne}, same5[uint32](nx))...)
	cs = append(cs, allRM("s/w--1.25", "fcvt.w.s", s(-1.25), 0, 0,
		[5]uint64{mOne, mOne, -2 & mOne, mOne, mOne}, same5[uint32](nx))...)
	return cs
}

func runFpuCases(t *testing.T, cs []fpuCase) {
	t.Helper()
	for _, tc := range cs {
		t.Run(tc.op+"/"+tc.name, func(t *testing.T) {
			op, ok := fpuOps[tc.op]
			if !ok {
				t.Fatalf("no operation %q", tc.op)
			}
			got, fl := op(tc.a, tc.b, tc.c, tc.rm)
			if got != tc.want || fl != tc.wantFl {
				t.Errorf("%s(%#x, %#x, %#x, %s): got %#x [%s], want %#x [%s]",
					tc.op, tc.a, tc.b, tc.c, rmNames[tc.rm], got, flagNames(fl), tc.want, flagNames(tc.wantFl))
			}
		})
	}
}

func TestFpuArith(t *testing.T)   { runFpuCases(t, fpuArithCases()) }
func TestFpuCompare(t *testing.T) { runFpuCases(t, fpuOtherCases()) }
func TestFpuConvert(t *testing.T) { runFpuCases(t, fpuCvtCases()) }

// TestFpuSignFlips checks the identities the hart relies on to build fmsub,
// fnmsub and fnmadd from fmadd by flipping sign bits, including for the
// zero results whose sign depends on the rounding mode.
func TestFpuSignFlips(t *testing.T) {
	tests := []struct {
		name    string
		a, b, c uint64
		rm      int
		want    uint64 // fnmadd: -(a*b) - c
	}{
		{"fnmadd-zero", d1, d1, dM1, rmRNE, dPZero}, // -(1*1) - (-1) = +0
		{"fnmadd-zero/rdn", d1, d1, dM1, rmRDN, dNZero},
		{"fnmadd", d(2), d(3), d1, rmRNE, d(-7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := f64MulAdd(tc.a^1<<63, tc.b, tc.c^1<<63, tc.rm)
			if got != tc.want {
				t.Errorf("got %#x, want %#x", got, tc.want)
			}
		})
	}
}
