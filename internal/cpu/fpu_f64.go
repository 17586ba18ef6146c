package cpu

// Double-precision arithmetic. Each operation tries the host hardware for
// rmRNE (see fpu.go for when that is exact) and otherwise takes the integer
// slow path.
//
// Products are written float64(x*y): the explicit conversion forbids the
// compiler to fuse them into a later addition (the Go specification allows
// fusion otherwise, and some ports do it).

import "math"

// Magnitude bounds of the fast paths. A sum of magnitude at most fastMax64
// did not overflow and leaves TwoSum no room to overflow internally; at or
// above fastMin64 the errors of products, quotients and square roots are
// representable and no result is tiny.
const (
	fastMax64 = 0x1p1020
	fastMin64 = 0x1p-960
)

// f64Add returns a+b rounded by rm.
func f64Add(a, b uint64, rm int) (uint64, uint32) {
	if rm == rmRNE {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		s := x + y
		// A sum that is tiny is exact, so only overflow needs a guard; a
		// NaN fails the comparison.
		if math.Abs(s) <= fastMax64 {
			return math.Float64bits(s), nxIf(twoSumErr(x, y, s) != 0)
		}
	}
	return binary64.add(a, b, rm)
}

// f64Sub returns a-b rounded by rm.
func f64Sub(a, b uint64, rm int) (uint64, uint32) {
	return f64Add(a, b^1<<63, rm)
}

// f64Mul returns a*b rounded by rm.
func f64Mul(a, b uint64, rm int) (uint64, uint32) {
	if rm == rmRNE {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		p := float64(x * y)
		if ap := math.Abs(p); ap >= fastMin64 && ap <= math.MaxFloat64 {
			return math.Float64bits(p), nxIf(math.FMA(x, y, -p) != 0)
		}
		if x == 0 || y == 0 {
			if p == 0 { // not 0*inf: an exact zero with the right sign
				return math.Float64bits(p), 0
			}
		}
	}
	return binary64.mul(a, b, rm)
}

// f64Div returns a/b rounded by rm (DZ for finite/0).
func f64Div(a, b uint64, rm int) (uint64, uint32) {
	if rm == rmRNE {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		q := x / y
		if aq := math.Abs(q); aq >= fastMin64 && aq <= math.MaxFloat64 && math.Abs(x) >= fastMin64 {
			return math.Float64bits(q), nxIf(math.FMA(-q, y, x) != 0)
		}
		if q == 0 && x == 0 { // 0/y for y neither zero nor NaN: exact
			return math.Float64bits(q), 0
		}
	}
	return binary64.div(a, b, rm)
}

// f64Sqrt returns sqrt(a) rounded by rm (NV for a<0).
func f64Sqrt(a uint64, rm int) (uint64, uint32) {
	if rm == rmRNE {
		x := math.Float64frombits(a)
		if x >= fastMin64 && x <= math.MaxFloat64 {
			r := math.Sqrt(x)
			return math.Float64bits(r), nxIf(math.FMA(r, r, -x) != 0)
		}
	}
	return binary64.sqrt(a, rm)
}

// f64MulAdd returns a*b+c with a single rounding by rm. The hart builds
// fmsub, fnmsub and fnmadd by flipping the sign bits of its inputs.
func f64MulAdd(a, b, c uint64, rm int) (uint64, uint32) {
	if rm == rmRNE && fmaSafe64(a) && fmaSafe64(b) && (fmaSafe64(c) || c<<1 == 0) {
		// All operands lie in [2^-400, 2^401) (or c is zero), so every
		// value below is a multiple of 2^-904 and at most 2^803: nothing
		// underflows or overflows, and ErrFma (Boldo and Muller, "Exact
		// and approximated error of the FMA", IEEE TC 2011) gives the
		// exact error of r as g + a2.
		x, y, z := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
		r := math.FMA(x, y, z)
		u1 := float64(x * y)
		u2 := math.FMA(x, y, -u1)
		a1 := z + u2
		a2 := twoSumErr(z, u2, a1)
		b1 := u1 + a1
		b2 := twoSumErr(u1, a1, b1)
		g := (b1 - r) + b2
		return math.Float64bits(r), nxIf(g+a2 != 0)
	}
	return binary64.mulAdd(a, b, c, rm)
}

// fmaSafe64 reports whether the double x has a magnitude in [2^-400, 2^401).
func fmaSafe64(x uint64) bool {
	return x>>52&0x7ff-(1023-400) <= 800
}

// twoSumErr returns the rounding error of s = x+y, computed in round to
// nearest: x+y == s+err exactly unless s overflowed (Knuth's TwoSum).
func twoSumErr(x, y, s float64) float64 {
	yy := s - x
	return (x - (s - yy)) + (y - yy)
}

// nxIf returns flagNX if inexact holds.
func nxIf(inexact bool) uint32 {
	if inexact {
		return flagNX
	}
	return 0
}
