package cpu

// Comparisons, fmin/fmax and fclass. None of them rounds.

import "math"

// f32Min and f32Max follow the 2019 specification (IEEE 754-2019 minimumNumber
// and maximumNumber): -0 < +0, a single NaN operand yields the other operand,
// two NaNs yield the canonical NaN, NV only for a signalling NaN operand.
func f32Min(a, b uint32) (uint32, uint32) {
	r, fl := binary32.minMax(uint64(a), uint64(b), false)
	return uint32(r), fl
}

// f32Max is the maximum counterpart of f32Min.
func f32Max(a, b uint32) (uint32, uint32) {
	r, fl := binary32.minMax(uint64(a), uint64(b), true)
	return uint32(r), fl
}

// f32Eq is a quiet comparison (NV only for signalling NaNs); f32Lt and f32Le
// are signalling comparisons (NV for any NaN). NaN compares false.
func f32Eq(a, b uint32) (bool, uint32) {
	if binary32.isNaN(uint64(a)) || binary32.isNaN(uint64(b)) {
		if binary32.isSNaN(uint64(a)) || binary32.isSNaN(uint64(b)) {
			return false, flagNV
		}
		return false, 0
	}
	return math.Float32frombits(a) == math.Float32frombits(b), 0
}

// f32Lt reports a < b (flt.s).
func f32Lt(a, b uint32) (bool, uint32) {
	if binary32.isNaN(uint64(a)) || binary32.isNaN(uint64(b)) {
		return false, flagNV
	}
	return math.Float32frombits(a) < math.Float32frombits(b), 0
}

// f32Le reports a <= b (fle.s).
func f32Le(a, b uint32) (bool, uint32) {
	if binary32.isNaN(uint64(a)) || binary32.isNaN(uint64(b)) {
		return false, flagNV
	}
	return math.Float32frombits(a) <= math.Float32frombits(b), 0
}

// f32Class returns the fclass.s mask (bit 0 -inf ... bit 9 quiet NaN).
func f32Class(a uint32) uint64 { return binary32.class(uint64(a)) }

// f64Min is f32Min for doubles.
func f64Min(a, b uint64) (uint64, uint32) { return binary64.minMax(a, b, false) }

// f64Max is f32Max for doubles.
func f64Max(a, b uint64) (uint64, uint32) { return binary64.minMax(a, b, true) }

// f64Eq is f32Eq for doubles.
func f64Eq(a, b uint64) (bool, uint32) {
	if binary64.isNaN(a) || binary64.isNaN(b) {
		if binary64.isSNaN(a) || binary64.isSNaN(b) {
			return false, flagNV
		}
		return false, 0
	}
	return math.Float64frombits(a) == math.Float64frombits(b), 0
}

// f64Lt is f32Lt for doubles.
func f64Lt(a, b uint64) (bool, uint32) {
	if binary64.isNaN(a) || binary64.isNaN(b) {
		return false, flagNV
	}
	return math.Float64frombits(a) < math.Float64frombits(b), 0
}

// f64Le is f32Le for doubles.
func f64Le(a, b uint64) (bool, uint32) {
	if binary64.isNaN(a) || binary64.isNaN(b) {
		return false, flagNV
	}
	return math.Float64frombits(a) <= math.Float64frombits(b), 0
}

// f64Class is f32Class for doubles (fclass.d).
func f64Class(a uint64) uint64 { return binary64.class(a) }

// isNaN reports whether the encoding x is a NaN.
func (f *fpFormat) isNaN(x uint64) bool {
	return x&^f.signBit() > f.inf(false)
}

// isSNaN reports whether the encoding x is a signalling NaN.
func (f *fpFormat) isSNaN(x uint64) bool {
	return f.isNaN(x) && x>>(f.prec-2)&1 == 0
}

// minMax implements fmin and fmax (IEEE 754-2019 minimumNumber and
// maximumNumber), ordering -0 below +0.
func (f *fpFormat) minMax(a, b uint64, max bool) (uint64, uint32) {
	var fl uint32
	if f.isSNaN(a) || f.isSNaN(b) {
		fl = flagNV
	}
	switch an, bn := f.isNaN(a), f.isNaN(b); {
	case an && bn:
		return f.nan, fl
	case an:
		return b, fl
	case bn:
		return a, fl
	}
	if f.totalLess(a, b) != max {
		return a, fl
	}
	return b, fl
}

// totalLess orders non-NaN encodings by value, with -0 below +0.
func (f *fpFormat) totalLess(a, b uint64) bool {
	an, bn := a&f.signBit() != 0, b&f.signBit() != 0
	switch {
	case an != bn:
		return an
	case an:
		return a > b // both negative: the larger magnitude is the smaller
	}
	return a < b
}

// fclassBits holds the fclass mask bits for the non-NaN classes, indexed by
// sign and by zero, subnormal, normal, infinity.
var fclassBits = [2][4]uint64{
	{1 << 4, 1 << 5, 1 << 6, 1 << 7}, // +0, +subnormal, +normal, +inf
	{1 << 3, 1 << 2, 1 << 1, 1 << 0}, // -0, -subnormal, -normal, -inf
}

const (
	fclassSNaN = 1 << 8
	fclassQNaN = 1 << 9
)

// class implements fclass.
func (f *fpFormat) class(a uint64) uint64 {
	x := f.unpack(a)
	var c int
	switch x.kind {
	case kindQNaN:
		return fclassQNaN
	case kindSNaN:
		return fclassSNaN
	case kindZero:
		c = 0
	case kindFinite:
		c = 2
		if a>>(f.prec-1)&uint64(f.expMax()) == 0 {
			c = 1
		}
	case kindInf:
		c = 3
	}
	s := 0
	if x.neg {
		s = 1
	}
	return fclassBits[s][c]
}
