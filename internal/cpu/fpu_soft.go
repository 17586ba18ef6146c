package cpu

// The slow path: exact integer arithmetic for any format, rounding mode and
// operand. Operands and results are encodings of format f held in a uint64.
// Each operation disposes of NaNs, infinities and zeros first, then works
// on unpacked significands (see fpVal) and hands a normalized significand
// with a sticky bit to roundPack.
//
// The sticky-bit arguments: an operand's significand occupies the top p
// bits of its 64-bit sig (p <= 53), so there are at least 11 zero bits
// below it. When the smaller addend is shifted right with jamming, the
// difference keeps its rounding position at least 8 bits above the sticky
// bit even after the (at most two-bit) normalization a subtraction can need
// when bits were lost, so the jammed value lies strictly between the same
// two rounding points as the exact one.

import (
	"math"
	mathbits "math/bits"
)

// nanResult returns the canonical NaN for an operation with a NaN operand,
// with NV if any operand is a signalling NaN.
func (f *fpFormat) nanResult(x, y, z *fpVal) (uint64, uint32) {
	if x.kind == kindSNaN || y.kind == kindSNaN || z.kind == kindSNaN {
		return f.nan, flagNV
	}
	return f.nan, 0
}

var noVal = fpVal{kind: kindZero}

// add returns a+b rounded by rm.
func (f *fpFormat) add(a, b uint64, rm int) (uint64, uint32) {
	x, y := f.unpack(a), f.unpack(b)
	if x.isNaN() || y.isNaN() {
		return f.nanResult(&x, &y, &noVal)
	}
	switch {
	case x.kind == kindInf:
		if y.kind == kindInf && x.neg != y.neg {
			return f.nan, flagNV // inf - inf
		}
		return a, 0
	case y.kind == kindInf:
		return b, 0
	case x.kind == kindZero:
		if y.kind == kindZero && x.neg != y.neg {
			return f.exactZero(rm), 0
		}
		return b, 0
	case y.kind == kindZero:
		return a, 0
	}
	return f.addFinite(&x, &y, rm)
}

// addFinite returns x+y for nonzero finite x and y.
func (f *fpFormat) addFinite(x, y *fpVal, rm int) (uint64, uint32) {
	if x.exp < y.exp || x.exp == y.exp && x.sig < y.sig {
		x, y = y, x // |x| >= |y|
	}
	xs := x.sig >> 1 // room for the carry; exact, the low bits are zero
	ys := shiftRightJam(y.sig, uint(x.exp-y.exp)+1)
	var s uint64
	if x.neg == y.neg {
		s = xs + ys
	} else {
		s = xs - ys
		if s == 0 {
			return f.exactZero(rm), 0
		}
	}
	lz := mathbits.LeadingZeros64(s)
	return f.roundPack(x.neg, x.exp+1-lz, s<<lz, rm)
}

// mul returns a*b rounded by rm.
func (f *fpFormat) mul(a, b uint64, rm int) (uint64, uint32) {
	x, y := f.unpack(a), f.unpack(b)
	if x.isNaN() || y.isNaN() {
		return f.nanResult(&x, &y, &noVal)
	}
	neg := x.neg != y.neg
	if x.kind == kindInf || y.kind == kindInf {
		if x.kind == kindZero || y.kind == kindZero {
			return f.nan, flagNV // 0 * inf
		}
		return f.inf(neg), 0
	}
	if x.kind == kindZero || y.kind == kindZero {
		return f.zero(neg), 0
	}
	exp, hi, lo := mulSig(&x, &y)
	if lo != 0 {
		hi |= 1
	}
	return f.roundPack(neg, exp, hi, rm)
}

// mulSig returns the exact product of the significands of nonzero finite x
// and y as (hi:lo) * 2^(exp-127), normalized so that bit 63 of hi is set.
func mulSig(x, y *fpVal) (exp int, hi, lo uint64) {
	hi, lo = mathbits.Mul64(x.sig, y.sig)
	exp = x.exp + y.exp + 1
	if hi>>63 == 0 {
		hi = hi<<1 | lo>>63
		lo <<= 1
		exp--
	}
	return exp, hi, lo
}

// div returns a/b rounded by rm.
func (f *fpFormat) div(a, b uint64, rm int) (uint64, uint32) {
	x, y := f.unpack(a), f.unpack(b)
	if x.isNaN() || y.isNaN() {
		return f.nanResult(&x, &y, &noVal)
	}
	neg := x.neg != y.neg
	switch {
	case x.kind == kindInf:
		if y.kind == kindInf {
			return f.nan, flagNV // inf / inf
		}
		return f.inf(neg), 0
	case y.kind == kindInf:
		return f.zero(neg), 0
	case y.kind == kindZero:
		if x.kind == kindZero {
			return f.nan, flagNV // 0 / 0
		}
		return f.inf(neg), flagDZ
	case x.kind == kindZero:
		return f.zero(neg), 0
	}
	// The quotient of two significands in [2^63, 2^64), scaled to 64 bits.
	exp := x.exp - y.exp
	var q, r uint64
	if x.sig < y.sig {
		q, r = mathbits.Div64(x.sig, 0, y.sig)
		exp--
	} else {
		q, r = mathbits.Div64(x.sig>>1, x.sig<<63, y.sig)
	}
	if r != 0 {
		q |= 1
	}
	return f.roundPack(neg, exp, q, rm)
}

// sqrt returns sqrt(a) rounded by rm.
func (f *fpFormat) sqrt(a uint64, rm int) (uint64, uint32) {
	x := f.unpack(a)
	switch {
	case x.kind == kindQNaN:
		return f.nan, 0
	case x.kind == kindSNaN:
		return f.nan, flagNV
	case x.kind == kindZero:
		return a, 0 // sqrt(-0) is -0
	case x.neg:
		return f.nan, flagNV
	case x.kind == kindInf:
		return a, 0
	}
	// a = m * 2^k with m the p-bit integer significand. Scale m by 2^t so
	// that k-t is even and N = m*2^t has 2p+3 or 2p+4 bits: its integer
	// square root then has exactly p+2 bits, enough for any rounding once
	// the remainder supplies the sticky bit.
	p := int(f.prec)
	m := x.sig >> (64 - f.prec)
	k := x.exp - (p - 1)
	t := p + 3
	if (k-t)&1 != 0 {
		t++
	}
	hi, lo := m>>(64-t), m<<t
	r := isqrt128(hi, lo)
	sig := r << (62 - p)
	if rh, rl := mathbits.Mul64(r, r); rh != hi || rl != lo {
		sig |= 1
	}
	return f.roundPack(false, (k-t)/2+p+1, sig, rm)
}

// isqrt128 returns floor(sqrt(hi:lo)) for hi:lo < 2^126.
func isqrt128(hi, lo uint64) uint64 {
	r := uint64(math.Sqrt(float64(hi)*0x1p64 + float64(lo)))
	for {
		h, l := mathbits.Mul64(r, r)
		if h < hi || h == hi && l <= lo {
			break
		}
		r--
	}
	for {
		h, l := mathbits.Mul64(r+1, r+1)
		if h > hi || h == hi && l > lo {
			break
		}
		r++
	}
	return r
}

// mulAdd returns a*b+c with a single rounding by rm.
func (f *fpFormat) mulAdd(a, b, c uint64, rm int) (uint64, uint32) {
	x, y, z := f.unpack(a), f.unpack(b), f.unpack(c)
	infTimesZero := x.kind == kindInf && y.kind == kindZero ||
		x.kind == kindZero && y.kind == kindInf
	if x.isNaN() || y.isNaN() || z.isNaN() {
		if infTimesZero {
			return f.nan, flagNV // RISC-V: invalid even when c is a quiet NaN
		}
		return f.nanResult(&x, &y, &z)
	}
	pneg := x.neg != y.neg
	switch {
	case infTimesZero:
		return f.nan, flagNV
	case x.kind == kindInf || y.kind == kindInf:
		if z.kind == kindInf && z.neg != pneg {
			return f.nan, flagNV // inf - inf
		}
		return f.inf(pneg), 0
	case z.kind == kindInf:
		return c, 0
	case x.kind == kindZero || y.kind == kindZero:
		if z.kind == kindZero && z.neg != pneg {
			return f.exactZero(rm), 0
		}
		return c, 0 // (+-0) + c is c exactly, also when c is a zero of the product's sign
	}
	pexp, ph, pl := mulSig(&x, &y)
	if z.kind == kindZero {
		if pl != 0 {
			ph |= 1
		}
		return f.roundPack(pneg, pexp, ph, rm)
	}
	return f.add128(pneg, pexp, ph, pl, z.neg, z.exp, z.sig, 0, rm)
}

// add128 returns A+B rounded by rm, for nonzero A = (-1)^an * (ah:al) *
// 2^(ae-127) and likewise B, both normalized (bit 63 of the high word set)
// and with their low bit clear.
func (f *fpFormat) add128(an bool, ae int, ah, al uint64, bn bool, be int, bh, bl uint64, rm int) (uint64, uint32) {
	if ae < be || ae == be && (ah < bh || ah == bh && al < bl) {
		an, ae, ah, al, bn, be, bh, bl = bn, be, bh, bl, an, ae, ah, al
	}
	ah, al = ah>>1, al>>1|ah<<63
	bh, bl = shiftRightJam128(bh, bl, uint(ae-be)+1)
	var sh, sl uint64
	if an == bn {
		var carry uint64
		sl, carry = mathbits.Add64(al, bl, 0)
		sh, _ = mathbits.Add64(ah, bh, carry)
	} else {
		var borrow uint64
		sl, borrow = mathbits.Sub64(al, bl, 0)
		sh, _ = mathbits.Sub64(ah, bh, borrow)
		if sh|sl == 0 {
			return f.exactZero(rm), 0
		}
	}
	var lz int
	switch {
	case sh == 0:
		lz = 64 + mathbits.LeadingZeros64(sl)
		sh, sl = sl<<(lz-64), 0
	default:
		lz = mathbits.LeadingZeros64(sh)
		if lz > 0 {
			sh, sl = sh<<lz|sl>>(64-lz), sl<<lz
		}
	}
	if sl != 0 {
		sh |= 1
	}
	return f.roundPack(an, ae+1-lz, sh, rm)
}

// shiftRightJam128 shifts hi:lo right by n, ORing every bit shifted out
// into bit 0.
func shiftRightJam128(hi, lo uint64, n uint) (uint64, uint64) {
	var sticky bool
	switch {
	case n == 0:
		return hi, lo
	case n < 64:
		sticky = lo<<(64-n) != 0
		hi, lo = hi>>n, lo>>n|hi<<(64-n)
	case n < 128:
		sticky = lo != 0 || hi<<(128-n) != 0
		hi, lo = 0, hi>>(n-64)
	default:
		sticky = hi|lo != 0
		hi, lo = 0, 0
	}
	if sticky {
		lo |= 1
	}
	return hi, lo
}
