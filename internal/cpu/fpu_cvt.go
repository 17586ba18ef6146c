package cpu

// Conversions: fcvt between the formats and between a format and the
// integers.

import (
	"math"
	mathbits "math/bits"
)

// f32ToInt converts a to an integer of bits (32 or 64) width, signed or not,
// rounded by rm, saturating as the specification's table says (NaN gives the
// largest value) with NV on saturation and NX when inexact. The result is the
// value to write to rd: 32-bit results are sign-extended to 64 bits, the
// unsigned ones included.
func f32ToInt(a uint32, rm, bits int, signed bool) (uint64, uint32) {
	return binary32.toInt(uint64(a), rm, bits, signed)
}

// f32FromInt converts the integer in the low bits (32 or 64) of v, signed or
// not, to a single rounded by rm.
func f32FromInt(v uint64, bits int, signed bool, rm int) (uint32, uint32) {
	r, fl := binary32.fromInt(v, bits, signed, rm)
	return uint32(r), fl
}

// f64ToInt is f32ToInt for a double.
func f64ToInt(a uint64, rm, bits int, signed bool) (uint64, uint32) {
	return binary64.toInt(a, rm, bits, signed)
}

// f64FromInt is f32FromInt for a double.
func f64FromInt(v uint64, bits int, signed bool, rm int) (uint64, uint32) {
	return binary64.fromInt(v, bits, signed, rm)
}

// f32ToF64 widens exactly (NV and a canonical NaN for a signalling NaN).
func f32ToF64(a uint32) (uint64, uint32) {
	if a&0x7f800000 != 0x7f800000 {
		return math.Float64bits(float64(math.Float32frombits(a))), 0 // exact
	}
	x := binary32.unpack(uint64(a))
	switch x.kind {
	case kindInf:
		return binary64.inf(x.neg), 0
	case kindSNaN:
		return canonicalNaN64, flagNV
	}
	return canonicalNaN64, 0
}

// f64ToF32 narrows, rounded by rm.
func f64ToF32(a uint64, rm int) (uint32, uint32) {
	x := binary64.unpack(a)
	switch x.kind {
	case kindZero:
		return uint32(binary32.zero(x.neg)), 0
	case kindInf:
		return uint32(binary32.inf(x.neg)), 0
	case kindQNaN:
		return canonicalNaN32, 0
	case kindSNaN:
		return canonicalNaN32, flagNV
	}
	r, fl := binary32.roundPack(x.neg, x.exp, x.sig, rm)
	return uint32(r), fl
}

// toInt implements fcvt.{w,wu,l,lu}.{s,d}. Out-of-range results saturate,
// per the table in the F chapter ("Conversion and Move Instructions"):
//
//	              w          wu          l            lu
//	-inf, < min   -2^31      0           -2^63        0
//	+inf, > max   2^31-1     2^32-1      2^63-1       2^64-1
//	NaN           2^31-1     2^32-1      2^63-1       2^64-1
//
// with NV and without NX. "Out of range" is judged on the rounded value, so
// -0.7 converts to an unsigned 0 with NX under rmRTZ but saturates to 0 with
// NV under rmRDN.
func (f *fpFormat) toInt(a uint64, rm, width int, signed bool) (uint64, uint32) {
	x := f.unpack(a)
	// The largest magnitudes representable on each side.
	posMax, negMax := uint64(math.MaxUint64)>>(64-width), uint64(0)
	if signed {
		posMax >>= 1
		negMax = posMax + 1
	}
	saturate := func(neg bool) (uint64, uint32) {
		if neg {
			return signExtend(-negMax, width), flagNV
		}
		return signExtend(posMax, width), flagNV
	}
	switch x.kind {
	case kindZero:
		return 0, 0
	case kindInf:
		return saturate(x.neg)
	case kindQNaN, kindSNaN:
		return saturate(false)
	}
	if x.exp > 63 {
		return saturate(x.neg)
	}
	// |a| = mag + frac/2^64, frac keeping a sticky bit.
	var mag, frac uint64
	switch {
	case x.exp == 63:
		mag = x.sig
	case x.exp >= 0:
		mag, frac = x.sig>>(63-x.exp), x.sig<<(x.exp+1)
	default:
		frac = shiftRightJam(x.sig, uint(-x.exp-1))
	}
	var fl uint32
	if frac != 0 {
		fl = flagNX
		if roundUp(rm, x.neg, mag&1, frac, 1<<63) {
			mag++ // no wrap: x.exp < 63 here, so mag < 2^63
		}
	}
	if x.neg {
		if mag > negMax {
			return saturate(true)
		}
		return signExtend(-mag, width), fl
	}
	if mag > posMax {
		return saturate(false)
	}
	return signExtend(mag, width), fl
}

// signExtend sign-extends the low width bits of v to 64 bits.
func signExtend(v uint64, width int) uint64 {
	if width == 32 {
		return uint64(int64(int32(v)))
	}
	return v
}

// fromInt implements fcvt.{s,d}.{w,wu,l,lu}: it converts the integer in
// the low width bits of v to format f, rounded by rm. Only NX can arise.
func (f *fpFormat) fromInt(v uint64, width int, signed bool, rm int) (uint64, uint32) {
	if width == 32 {
		if signed {
			v = uint64(int64(int32(v)))
		} else {
			v = uint64(uint32(v))
		}
	}
	neg := signed && int64(v) < 0
	if neg {
		v = -v
	}
	if v == 0 {
		return 0, 0
	}
	lz := mathbits.LeadingZeros64(v)
	return f.roundPack(neg, 63-lz, v<<lz, rm)
}
