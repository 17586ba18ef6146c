package cpu

// Software IEEE 754 arithmetic with RISC-V semantics, for the F and D
// extensions. Values travel as raw bit patterns (uint32 singles, uint64
// doubles). Every operation takes a resolved rounding mode (never rmDyn: the
// hart substitutes frm first) and returns the exception flags it raised,
// which the hart ORs into fflags. NaN results are always the canonical NaN
// (0x7fc00000, 0x7ff8000000000000), as the specification requires.
//
// Design. Each operation has two paths:
//
//   - A fast path on the host's float64 hardware, taken only for rmRNE and
//     only where it is provably exact: the result is correctly rounded by
//     the host (IEEE 754, round to nearest even, no flush to zero), and NX
//     comes from an error-free transformation (TwoSum for sums, math.FMA
//     for the error of a product, the remainder of a quotient and of a
//     square root, Boldo and Muller's ErrFma for a fused multiply-add).
//     Every fast path is gated on magnitudes that keep those
//     transformations exact and keep the result away from overflow and
//     from the subnormal range, so it never has to decide UF or OF. Singles
//     are computed in float64: exact for products, correctly rounded by the
//     2p+2 rule for +, -, /, sqrt, and through round-to-odd for fma.
//   - A slow path in integer arithmetic (fpu_soft.go) that handles
//     everything: special operands, all five rounding modes, subnormals,
//     tininess after rounding, overflow. An intermediate result is a sign,
//     an exponent and a 64-bit significand normalized to bit 63 with a
//     sticky bit jammed into bit 0; roundPack rounds and packs it.
//
// Neither path allocates.

import mathbits "math/bits"

// Rounding modes (the rm field and frm).
const (
	rmRNE = 0 // round to nearest, ties to even
	rmRTZ = 1 // round towards zero
	rmRDN = 2 // round down (towards -inf)
	rmRUP = 3 // round up (towards +inf)
	rmRMM = 4 // round to nearest, ties to max magnitude
	rmDyn = 7 // use frm
)

// Exception flags (fflags).
const (
	flagNX = 1 << 0 // inexact
	flagUF = 1 << 1 // underflow
	flagOF = 1 << 2 // overflow
	flagDZ = 1 << 3 // divide by zero
	flagNV = 1 << 4 // invalid operation
)

const (
	canonicalNaN32 = 0x7fc00000
	canonicalNaN64 = 0x7ff8000000000000
)

// fpFormat describes a binary interchange format. Encodings are held in a
// uint64 whatever the width:
//
//	|sign|exponent (width-prec bits)|fraction (prec-1 bits)|
type fpFormat struct {
	width uint   // 32 or 64
	prec  uint   // significand precision p, the hidden bit included
	bias  int    // exponent bias; emax = bias, emin = 1-bias
	nan   uint64 // the canonical NaN
}

var (
	binary32 = fpFormat{width: 32, prec: 24, bias: 127, nan: canonicalNaN32}
	binary64 = fpFormat{width: 64, prec: 53, bias: 1023, nan: canonicalNaN64}
)

func (f *fpFormat) signBit() uint64  { return 1 << (f.width - 1) }
func (f *fpFormat) fracMask() uint64 { return 1<<(f.prec-1) - 1 }
func (f *fpFormat) expMax() int      { return 1<<(f.width-f.prec) - 1 } // biased exponent of inf and NaN
func (f *fpFormat) emin() int        { return 1 - f.bias }

// Kinds of an unpacked operand.
const (
	kindZero = iota
	kindFinite
	kindInf
	kindQNaN
	kindSNaN
)

// fpVal is an unpacked operand. For kindFinite its value is
// (-1)^neg * sig * 2^(exp-63) with bit 63 of sig set (subnormals are
// normalized); for the other kinds only neg is meaningful.
type fpVal struct {
	kind int
	neg  bool
	exp  int
	sig  uint64
}

func (v *fpVal) isNaN() bool { return v.kind >= kindQNaN }

// unpack decodes the encoding x of format f.
func (f *fpFormat) unpack(x uint64) fpVal {
	v := fpVal{neg: x&f.signBit() != 0}
	frac := x & f.fracMask()
	be := int(x>>(f.prec-1)) & f.expMax()
	switch {
	case be == f.expMax():
		switch {
		case frac == 0:
			v.kind = kindInf
		case frac>>(f.prec-2) != 0:
			v.kind = kindQNaN
		default:
			v.kind = kindSNaN
		}
	case be == 0:
		if frac == 0 {
			v.kind = kindZero
			break
		}
		lz := mathbits.LeadingZeros64(frac)
		v.kind = kindFinite
		v.sig = frac << lz
		v.exp = 65 - lz - f.bias - int(f.prec)
	default:
		v.kind = kindFinite
		v.sig = (frac | 1<<(f.prec-1)) << (64 - f.prec)
		v.exp = be - f.bias
	}
	return v
}

// zero returns the encoding of a signed zero.
func (f *fpFormat) zero(neg bool) uint64 {
	if neg {
		return f.signBit()
	}
	return 0
}

// inf returns the encoding of a signed infinity.
func (f *fpFormat) inf(neg bool) uint64 {
	return f.zero(neg) | uint64(f.expMax())<<(f.prec-1)
}

// exactZero is the sign of an exact zero sum of operands of opposite signs
// (or of two zeros of opposite signs): +0, except -0 when rounding down
// (IEEE 754-2008 6.3).
func (f *fpFormat) exactZero(rm int) uint64 {
	return f.zero(rm == rmRDN)
}

// roundUp reports whether a significand truncated with remainder rem
// (nonzero; half is the weight of the first discarded bit) and last kept
// bit lsb rounds away from zero under rm.
func roundUp(rm int, neg bool, lsb, rem, half uint64) bool {
	switch rm {
	case rmRNE:
		return rem > half || rem == half && lsb != 0
	case rmRMM:
		return rem >= half
	case rmRDN:
		return neg
	case rmRUP:
		return !neg
	}
	return false // rmRTZ
}

// shiftRightJam shifts x right by n, ORing every bit shifted out into bit 0.
func shiftRightJam(x uint64, n uint) uint64 {
	switch {
	case n == 0:
		return x
	case n >= 64:
		if x != 0 {
			return 1
		}
		return 0
	case x<<(64-n) != 0:
		return x>>n | 1
	}
	return x >> n
}

// roundPack rounds the value (-1)^neg * sig * 2^(exp-63), where sig has bit
// 63 set and a sticky bit in bit 0, to format f under rm and returns its
// encoding and the flags raised. Tininess is detected after rounding, as
// RISC-V requires: the result is tiny if rounding to p bits with an
// unbounded exponent range gives a magnitude below 2^emin; UF is raised when
// the result is tiny and inexact. An overflow gives infinity or the largest
// finite number, whichever rm rounds towards.
func (f *fpFormat) roundPack(neg bool, exp int, sig uint64, rm int) (uint64, uint32) {
	shift := 64 - f.prec
	half := uint64(1) << (shift - 1)
	mask := uint64(1)<<shift - 1
	emin := f.emin()
	tiny := false
	if exp < emin {
		tiny = true
		if exp == emin-1 && sig>>shift == 1<<f.prec-1 && sig&mask != 0 &&
			roundUp(rm, neg, 1, sig&mask, half) {
			tiny = false // rounds to 2^emin when the exponent is unbounded
		}
		sig = shiftRightJam(sig, uint(emin-exp))
		exp = emin
	}
	var flags uint32
	q := sig >> shift
	if rem := sig & mask; rem != 0 {
		flags = flagNX
		if tiny {
			flags |= flagUF
		}
		if roundUp(rm, neg, q&1, rem, half) {
			q++
			if q == 1<<f.prec {
				q >>= 1
				exp++
			}
		}
	}
	if exp > f.bias {
		return f.overflow(neg, rm), flagOF | flagNX
	}
	var be uint64
	if q >= 1<<(f.prec-1) {
		be = uint64(exp + f.bias)
	} // else a subnormal or zero: exp is emin, the biased exponent 0
	return f.zero(neg) | be<<(f.prec-1) | q&f.fracMask(), flags
}

// overflow returns the result of an overflow: infinity when rm rounds away
// from zero for this sign, else the largest finite magnitude.
func (f *fpFormat) overflow(neg bool, rm int) uint64 {
	toInf := rm == rmRNE || rm == rmRMM || rm == rmRUP && !neg || rm == rmRDN && neg
	if toInf {
		return f.inf(neg)
	}
	return f.inf(neg) - 1
}
