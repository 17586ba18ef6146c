package cpu

// Single-precision arithmetic. The rmRNE fast paths compute in float64 and
// round once more to float32: a product of singles is exact in a double,
// and for +, -, / and sqrt a double result rounded to single is the
// correctly rounded single (53 >= 2*24+2). The fused multiply-add, where
// that rule does not hold, rounds the exact sum to odd in a double first.
// The fast paths are taken only when the result is finite and at least
// 2^-126 in magnitude (or an exact zero), so they never decide UF or OF.

import "math"

// minNormal32 is the smallest normal single, as a float64.
const minNormal32 = 0x1p-126

// f32Add returns a+b rounded by rm.
func f32Add(a, b uint32, rm int) (uint32, uint32) {
	if rm == rmRNE {
		x, y := f32Wide(a), f32Wide(b)
		s := x + y
		r := float32(s)
		if math.Abs(float64(r)) <= math.MaxFloat32 { // a tiny sum is exact
			return math.Float32bits(r), nxIf(float64(r) != s || twoSumErr(x, y, s) != 0)
		}
	}
	r, fl := binary32.add(uint64(a), uint64(b), rm)
	return uint32(r), fl
}

// f32Sub returns a-b rounded by rm.
func f32Sub(a, b uint32, rm int) (uint32, uint32) {
	return f32Add(a, b^1<<31, rm)
}

// f32Mul returns a*b rounded by rm.
func f32Mul(a, b uint32, rm int) (uint32, uint32) {
	if rm == rmRNE {
		x, y := f32Wide(a), f32Wide(b)
		p := float64(x * y) // exact
		r := float32(p)
		if ap := math.Abs(p); ap >= minNormal32 && math.Abs(float64(r)) <= math.MaxFloat32 {
			return math.Float32bits(r), nxIf(float64(r) != p)
		}
	}
	r, fl := binary32.mul(uint64(a), uint64(b), rm)
	return uint32(r), fl
}

// f32Div returns a/b rounded by rm (DZ for finite/0).
func f32Div(a, b uint32, rm int) (uint32, uint32) {
	if rm == rmRNE {
		x, y := f32Wide(a), f32Wide(b)
		q := x / y
		r := float32(q)
		if aq := math.Abs(q); aq >= minNormal32 && math.Abs(float64(r)) <= math.MaxFloat32 {
			return math.Float32bits(r), nxIf(float64(r) != q || math.FMA(-q, y, x) != 0)
		}
	}
	r, fl := binary32.div(uint64(a), uint64(b), rm)
	return uint32(r), fl
}

// f32Sqrt returns sqrt(a) rounded by rm (NV for a<0).
func f32Sqrt(a uint32, rm int) (uint32, uint32) {
	if rm == rmRNE {
		x := f32Wide(a)
		if x > 0 && x <= math.MaxFloat32 {
			s := math.Sqrt(x)
			r := float32(s)
			return math.Float32bits(r), nxIf(float64(r) != s || math.FMA(s, s, -x) != 0)
		}
	}
	r, fl := binary32.sqrt(uint64(a), rm)
	return uint32(r), fl
}

// f32MulAdd returns a*b+c with a single rounding by rm. The hart builds
// fmsub, fnmsub and fnmadd by flipping the sign bits of its inputs.
func f32MulAdd(a, b, c uint32, rm int) (uint32, uint32) {
	if rm == rmRNE {
		x, y, z := f32Wide(a), f32Wide(b), f32Wide(c)
		p := float64(x * y) // exact
		s := p + z
		t := twoSumErr(p, z, s) // p+z == s+t exactly
		if t != 0 {
			// Round to odd: s is a neighbour of the exact sum; if it is
			// even, use the other neighbour. Rounding the odd double to
			// single is then correct (53 >= 24+2).
			sb := math.Float64bits(s)
			if sb&1 == 0 {
				if (t > 0) == (s > 0) {
					sb++
				} else {
					sb--
				}
				s = math.Float64frombits(sb)
			}
		}
		r := float32(s)
		if as := math.Abs(s); as == 0 || as >= minNormal32 && math.Abs(float64(r)) <= math.MaxFloat32 {
			return math.Float32bits(r), nxIf(t != 0 || float64(r) != s)
		}
	}
	r, fl := binary32.mulAdd(uint64(a), uint64(b), uint64(c), rm)
	return uint32(r), fl
}

// f32Wide returns the single a as a float64 (exactly, for non-NaNs).
func f32Wide(a uint32) float64 { return float64(math.Float32frombits(a)) }
