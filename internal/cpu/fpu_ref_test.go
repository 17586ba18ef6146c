package cpu

// A randomized cross-check against an independent reference built on
// math/big.Float: operands decode to exact big.Floats, the operation is
// carried out exactly (or, for / and sqrt, to 400 bits with the direction of
// the remainder kept), and the result is rounded to the format by big.Float
// itself, with subnormals, tininess after rounding and overflow done by
// hand. Operands are random bit patterns biased towards the interesting
// exponents (subnormals, the overflow threshold, cancellation), from a
// fixed seed.

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

var bigModes = [...]big.RoundingMode{
	rmRNE: big.ToNearestEven, rmRTZ: big.ToZero, rmRDN: big.ToNegativeInf,
	rmRUP: big.ToPositiveInf, rmRMM: big.ToNearestAway,
}

// refVal is a decoded operand: a NaN or an exact value (±0 and ±inf
// included).
type refVal struct {
	nan, snan bool
	v         *big.Float
}

func refDecode(f *fpFormat, x uint64) refVal {
	fracBits := f.prec - 1
	frac := x & (1<<fracBits - 1)
	be := int(x>>fracBits) & (1<<(f.width-f.prec) - 1)
	neg := x>>(f.width-1)&1 != 0
	if be == 1<<(f.width-f.prec)-1 {
		if frac != 0 {
			return refVal{nan: true, snan: frac>>(fracBits-1) == 0}
		}
		return refVal{v: new(big.Float).SetInf(neg)}
	}
	m := frac
	e := be - f.bias - int(fracBits)
	if be == 0 {
		e++ // subnormal: no hidden bit, exponent emin
	} else {
		m |= 1 << fracBits
	}
	v := new(big.Float).SetMantExp(new(big.Float).SetUint64(m), e)
	if neg {
		v.Neg(v)
	}
	return refVal{v: v}
}

// refRound rounds v, which is exact, to format f under rm. Values that
// cannot be held exactly (quotients, roots) are passed nudged by a tiny
// amount towards the exact value, far below any rounding point.
func refRound(f *fpFormat, v *big.Float, rm int) (uint64, uint32) {
	p := int(f.prec)
	emin, emax := 1-f.bias, f.bias
	neg := v.Signbit()
	var sign uint64
	if neg {
		sign = 1 << (f.width - 1)
	}
	infBits := sign | uint64(1<<(f.width-f.prec)-1)<<(f.prec-1)
	if v.IsInf() {
		return infBits, 0
	}
	if v.Sign() == 0 {
		return sign, 0
	}
	mode := bigModes[rm]
	e := v.MantExp(nil) - 1 // 2^e <= |v| < 2^(e+1)
	minNormal := new(big.Float).SetMantExp(big.NewFloat(1), emin)
	abs := func(x *big.Float) *big.Float { return new(big.Float).Abs(x) }

	unbounded := new(big.Float).SetMode(mode).SetPrec(uint(p)).Set(v)
	tiny := abs(unbounded).Cmp(minNormal) < 0

	var r *big.Float
	lsb := emin - p + 1 // exponent of the smallest subnormal
	switch {
	case e >= emin:
		r = unbounded
	case e >= lsb:
		r = new(big.Float).SetMode(mode).SetPrec(uint(e - lsb + 1)).Set(v)
	default:
		// |v| is below the smallest subnormal: 0 or the smallest subnormal.
		half := new(big.Float).SetMantExp(big.NewFloat(1), lsb-1)
		c := abs(v).Cmp(half)
		up := false
		switch rm {
		case rmRNE:
			up = c > 0
		case rmRMM:
			up = c >= 0
		case rmRUP:
			up = !neg
		case rmRDN:
			up = neg
		}
		r = new(big.Float)
		if up {
			r.SetMantExp(big.NewFloat(1), lsb)
		}
		if neg {
			r.Neg(r)
		}
	}
	var fl uint32
	if r.Cmp(v) != 0 {
		fl |= flagNX
		if tiny {
			fl |= flagUF
		}
	}
	if abs(r).Cmp(new(big.Float).SetMantExp(big.NewFloat(1), emax+1)) >= 0 {
		toInf := rm == rmRNE || rm == rmRMM || rm == rmRUP && !neg || rm == rmRDN && neg
		if toInf {
			return infBits, flagOF | flagNX
		}
		return infBits - 1, flagOF | flagNX
	}
	if r.Sign() == 0 {
		return sign, fl
	}
	re := r.MantExp(nil) - 1
	// m is the integer significand, hidden bit included for a normal, where
	// it carries into the exponent field; a subnormal is scaled as if its
	// exponent were emin and has no hidden bit.
	re = max(re, emin)
	scaled := new(big.Float).SetMantExp(abs(r), p-1-re)
	m, acc := scaled.Uint64()
	if acc != big.Exact {
		panic("refRound: not exact")
	}
	return sign | (uint64(re+f.bias-1)<<(p-1) + m), fl
}

func bigExact() *big.Float { return new(big.Float).SetPrec(8000) }

// nudge returns q moved towards the exact value by far less than any
// rounding point apart, given that the exact value is above q (dir > 0) or
// below (dir < 0).
func nudge(q *big.Float, dir int) *big.Float {
	e := q.MantExp(nil)
	t := new(big.Float).SetMantExp(big.NewFloat(float64(dir)), e-500)
	return new(big.Float).SetPrec(1000).Add(q, t)
}

// refArith computes op ("add", "mul", "div", "sqrt", "fma") on encodings of
// format f.
func refArith(f *fpFormat, op string, a, b, c uint64, rm int) (uint64, uint32) {
	x, y, z := refDecode(f, a), refDecode(f, b), refDecode(f, c)
	ops := []refVal{x, y, z}[:map[string]int{"add": 2, "mul": 2, "div": 2, "sqrt": 1, "fma": 3}[op]]
	isInf := func(r refVal) bool { return !r.nan && r.v.IsInf() }
	isZero := func(r refVal) bool { return !r.nan && r.v.Sign() == 0 }
	anyNaN, anySNaN := false, false
	for _, r := range ops {
		anyNaN = anyNaN || r.nan
		anySNaN = anySNaN || r.snan
	}
	invalid := false
	switch op {
	case "mul", "fma":
		invalid = isInf(x) && isZero(y) || isZero(x) && isInf(y)
	}
	if anyNaN || invalid {
		if anySNaN || invalid {
			return f.nan, flagNV
		}
		return f.nan, 0
	}
	mode := bigModes[rm]
	// sum adds exactly, with the IEEE sign of an exact zero.
	sum := func(p, q *big.Float) (*big.Float, bool) {
		if p.IsInf() && q.IsInf() && p.Signbit() != q.Signbit() {
			return nil, false
		}
		if p.Sign() == 0 && q.Sign() == 0 {
			negZero := p.Signbit() && q.Signbit() || rm == rmRDN && (p.Signbit() || q.Signbit())
			r := new(big.Float)
			if negZero {
				r.Neg(r)
			}
			return r, true
		}
		return bigExact().SetMode(mode).Add(p, q), true
	}
	switch op {
	case "add":
		r, ok := sum(x.v, y.v)
		if !ok {
			return f.nan, flagNV
		}
		return refRound(f, r, rm)
	case "mul":
		return refRound(f, bigExact().Mul(x.v, y.v), rm)
	case "fma":
		r, ok := sum(bigExact().Mul(x.v, y.v), z.v)
		if !ok {
			return f.nan, flagNV
		}
		return refRound(f, r, rm)
	case "div":
		switch {
		case isInf(x) && isInf(y), isZero(x) && isZero(y):
			return f.nan, flagNV
		case isZero(y) && !isInf(x):
			r, _ := refRound(f, new(big.Float).SetInf(x.v.Signbit() != y.v.Signbit()), rm)
			return r, flagDZ
		case isInf(x) || isInf(y) || isZero(x):
			r := new(big.Float)
			if isInf(x) {
				r.SetInf(false)
			}
			if x.v.Signbit() != y.v.Signbit() {
				r.Neg(r)
			}
			return refRound(f, r, rm)
		}
		q := new(big.Float).SetPrec(400).SetMode(big.ToZero).Quo(x.v, y.v)
		if q.Acc() != big.Exact {
			dir := 1
			if q.Sign() < 0 {
				dir = -1
			}
			q = nudge(q, dir) // truncated towards zero: the exact value is further out
		}
		return refRound(f, q, rm)
	case "sqrt":
		switch {
		case isZero(x):
			return a, 0
		case x.v.Signbit():
			return f.nan, flagNV
		case isInf(x):
			return a, 0
		}
		r := new(big.Float).SetPrec(400).Sqrt(x.v)
		if cmp := bigExact().Mul(r, r).Cmp(x.v); cmp != 0 {
			r = nudge(r, -cmp)
		}
		return refRound(f, r, rm)
	}
	panic("refArith: " + op)
}

// refToInt is fcvt to an integer: NaN and values out of range after
// rounding saturate with NV.
func refToInt(f *fpFormat, a uint64, rm, width int, signed bool) (uint64, uint32) {
	x := refDecode(f, a)
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(width))
	if signed {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	hi.Sub(hi, big.NewInt(1))
	wrap := func(v *big.Int) uint64 {
		u := new(big.Int).And(v, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
		if width == 32 {
			return uint64(int64(int32(u)))
		}
		return u
	}
	if x.nan {
		return wrap(hi), flagNV
	}
	if x.v.IsInf() {
		if x.v.Signbit() {
			return wrap(lo), flagNV
		}
		return wrap(hi), flagNV
	}
	t, _ := x.v.Int(nil) // truncated towards zero
	frac := bigExact().Sub(x.v, new(big.Float).SetInt(t))
	var fl uint32
	if frac.Sign() != 0 {
		fl = flagNX
		half := bigExact().Abs(frac).Cmp(big.NewFloat(0.5))
		away := false
		switch rm {
		case rmRNE:
			away = half > 0 || half == 0 && t.Bit(0) == 1
		case rmRMM:
			away = half >= 0
		case rmRUP:
			away = frac.Sign() > 0
		case rmRDN:
			away = frac.Sign() < 0
		}
		if away {
			t.Add(t, big.NewInt(int64(frac.Sign())))
		}
	}
	if t.Cmp(lo) < 0 {
		return wrap(lo), flagNV
	}
	if t.Cmp(hi) > 0 {
		return wrap(hi), flagNV
	}
	return wrap(t), fl
}

func refFromInt(f *fpFormat, v uint64, width int, signed bool, rm int) (uint64, uint32) {
	n := new(big.Int)
	switch {
	case width == 32 && signed:
		n.SetInt64(int64(int32(v)))
	case width == 32:
		n.SetUint64(uint64(uint32(v)))
	case signed:
		n.SetInt64(int64(v))
	default:
		n.SetUint64(v)
	}
	return refRound(f, new(big.Float).SetInt(n), rm)
}

// fpuGen draws operands biased towards the cases that break
// implementations.
type fpuGen struct {
	r *rand.Rand
}

func newFpuGen(seed uint64) *fpuGen { return &fpuGen{rand.New(rand.NewPCG(seed, 0x5eed))} }

// value returns a random encoding of format f.
func (g *fpuGen) value(f *fpFormat) uint64 {
	fracBits := f.prec - 1
	expMax := 1<<(f.width-f.prec) - 1
	sign := uint64(g.r.IntN(2)) << (f.width - 1)
	if g.r.IntN(20) == 0 {
		specials := []uint64{0, f.inf(false), f.nan, f.nan | 1, f.inf(false) | 1, f.inf(false) - 1,
			1, f.fracMask(), 1 << fracBits, uint64(f.bias) << fracBits}
		return sign | specials[g.r.IntN(len(specials))]
	}
	var be int
	switch g.r.IntN(10) {
	case 0, 1, 2:
		be = g.r.IntN(expMax) // any finite
	case 3, 4:
		be = g.r.IntN(int(f.prec) + 4) // subnormals and just above
	case 5:
		be = expMax - 1 - g.r.IntN(int(f.prec)+4) // near overflow
	case 6:
		be = expMax/2 - int(f.prec)/2 - g.r.IntN(int(f.prec)) // products near the subnormals
	default:
		be = f.bias - 40 + g.r.IntN(80)
	}
	be = max(0, min(be, expMax-1))
	var frac uint64
	switch g.r.IntN(6) {
	case 0, 1, 2:
		frac = g.r.Uint64()
	case 3: // a run of ones
		lo := g.r.UintN(uint(fracBits))
		frac = (1<<(g.r.UintN(uint(fracBits)-lo)+1) - 1) << lo
	case 4: // few bits
		frac = 1<<g.r.UintN(uint(fracBits)) | 1<<g.r.UintN(uint(fracBits))
	case 5: // all ones at the bottom or top
		frac = ^uint64(0) << g.r.UintN(uint(fracBits))
	}
	return sign | uint64(be)<<fracBits | frac&f.fracMask()
}

// near returns an encoding close to x: x with a few ulps added or its
// exponent moved a little, possibly negated.
func (g *fpuGen) near(f *fpFormat, x uint64) uint64 {
	switch g.r.IntN(4) {
	case 0:
		x += uint64(g.r.IntN(5)) - 2
	case 1:
		x += uint64(g.r.IntN(2*int(f.prec))-int(f.prec)) << (f.prec - 1)
	case 2:
		x ^= f.signBit()
	}
	return x & (f.signBit()<<1 - 1)
}

// operands returns three operands for op, correlated so that sums cancel
// and fused products meet their addend.
func (g *fpuGen) operands(f *fpFormat, op string) (a, b, c uint64) {
	a, b, c = g.value(f), g.value(f), g.value(f)
	switch op {
	case "add":
		if g.r.IntN(2) == 0 {
			b = g.near(f, a)
		}
	case "fma":
		switch g.r.IntN(3) {
		case 0: // c cancels most of a*b
			p, _ := f.mul(a, b, g.r.IntN(5))
			c = g.near(f, p^f.signBit())
		case 1: // c small enough to decide a*b's rounding
			p, _ := f.mul(a, b, g.r.IntN(5))
			k := uint64(g.r.IntN(int(f.prec)+3)) << (f.prec - 1)
			if mag := p &^ f.signBit(); mag > k {
				c = (mag-k)&^f.fracMask() | c&(f.signBit()|f.fracMask())
			}
		}
	}
	return a, b, c
}

// TestFpuReference compares every arithmetic operation and conversion, in
// every rounding mode, with the big.Float reference.
func TestFpuReference(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	type refCase struct {
		name string
		f    *fpFormat
		ref  string // refArith op
	}
	arith := []refCase{
		{"fadd.s", &binary32, "add"}, {"fmul.s", &binary32, "mul"}, {"fdiv.s", &binary32, "div"},
		{"fsqrt.s", &binary32, "sqrt"}, {"fmadd.s", &binary32, "fma"},
		{"fadd.d", &binary64, "add"}, {"fmul.d", &binary64, "mul"}, {"fdiv.d", &binary64, "div"},
		{"fsqrt.d", &binary64, "sqrt"}, {"fmadd.d", &binary64, "fma"},
		{"slow.add.s", &binary32, "add"}, {"slow.mul.s", &binary32, "mul"}, {"slow.div.s", &binary32, "div"},
		{"slow.sqrt.s", &binary32, "sqrt"}, {"slow.madd.s", &binary32, "fma"},
		{"slow.add.d", &binary64, "add"}, {"slow.mul.d", &binary64, "mul"}, {"slow.div.d", &binary64, "div"},
		{"slow.sqrt.d", &binary64, "sqrt"}, {"slow.madd.d", &binary64, "fma"},
	}
	for i, tc := range arith {
		for rm := range 5 {
			t.Run(tc.name+"/"+rmNames[rm], func(t *testing.T) {
				g := newFpuGen(uint64(i*8 + rm))
				op := fpuOps[tc.name]
				for range n {
					a, b, c := g.operands(tc.f, tc.ref)
					got, gotFl := op(a, b, c, rm)
					want, wantFl := refArith(tc.f, tc.ref, a, b, c, rm)
					if got != want || gotFl != wantFl {
						t.Fatalf("%s(%#x, %#x, %#x): got %#x [%s], want %#x [%s]",
							tc.name, a, b, c, got, flagNames(gotFl), want, flagNames(wantFl))
					}
				}
			})
		}
	}

	type cvtCase struct {
		name   string
		f      *fpFormat
		width  int
		signed bool
	}
	cvts := []cvtCase{
		{"w.s", &binary32, 32, true}, {"wu.s", &binary32, 32, false},
		{"l.s", &binary32, 64, true}, {"lu.s", &binary32, 64, false},
		{"w.d", &binary64, 32, true}, {"wu.d", &binary64, 32, false},
		{"l.d", &binary64, 64, true}, {"lu.d", &binary64, 64, false},
	}
	for i, tc := range cvts {
		for rm := range 5 {
			g := newFpuGen(uint64(1000 + i*8 + rm))
			t.Run("fcvt."+tc.name+"/"+rmNames[rm], func(t *testing.T) {
				for range n {
					// Bias towards the integer range's edges.
					a := g.value(tc.f)
					if g.r.IntN(2) == 0 {
						e := tc.f.bias + g.r.IntN(tc.width+3) - 2
						a = a&^(uint64(tc.f.expMax())<<(tc.f.prec-1)) | uint64(e)<<(tc.f.prec-1)
					}
					got, gotFl := tc.f.toInt(a, rm, tc.width, tc.signed)
					want, wantFl := refToInt(tc.f, a, rm, tc.width, tc.signed)
					if got != want || gotFl != wantFl {
						t.Fatalf("fcvt.%s(%#x): got %#x [%s], want %#x [%s]",
							tc.name, a, got, flagNames(gotFl), want, flagNames(wantFl))
					}
				}
			})
			t.Run("fcvt.from."+tc.name+"/"+rmNames[rm], func(t *testing.T) {
				for range n {
					v := g.r.Uint64() >> g.r.UintN(64)
					if g.r.IntN(2) == 0 {
						v = -v
					}
					got, gotFl := tc.f.fromInt(v, tc.width, tc.signed, rm)
					want, wantFl := refFromInt(tc.f, v, tc.width, tc.signed, rm)
					if got != want || gotFl != wantFl {
						t.Fatalf("fcvt.from.%s(%#x): got %#x [%s], want %#x [%s]",
							tc.name, v, got, flagNames(gotFl), want, flagNames(wantFl))
					}
				}
			})
		}
	}

	for rm := range 5 {
		g := newFpuGen(uint64(2000 + rm))
		t.Run("fcvt.s.d/"+rmNames[rm], func(t *testing.T) {
			for range n {
				a := g.value(&binary64)
				if g.r.IntN(2) == 0 { // the single range
					e := 1023 - 160 + g.r.IntN(300)
					a = a&^(0x7ff<<52) | uint64(e)<<52
				}
				got, gotFl := f64ToF32(a, rm)
				var want uint64
				var wantFl uint32
				if x := refDecode(&binary64, a); x.nan {
					want = canonicalNaN32
					if x.snan {
						wantFl = flagNV
					}
				} else {
					want, wantFl = refRound(&binary32, x.v, rm)
				}
				if uint64(got) != want || gotFl != wantFl {
					t.Fatalf("fcvt.s.d(%#x): got %#x [%s], want %#x [%s]",
						a, got, flagNames(gotFl), want, flagNames(wantFl))
				}
			}
		})
	}
	t.Run("fcvt.d.s", func(t *testing.T) {
		g := newFpuGen(3000)
		for range n {
			a := uint32(g.value(&binary32))
			got, gotFl := f32ToF64(a)
			want, wantFl := uint64(canonicalNaN64), uint32(0)
			if x := refDecode(&binary32, uint64(a)); x.nan {
				if x.snan {
					wantFl = flagNV
				}
			} else {
				want, wantFl = refRound(&binary64, x.v, rmRNE)
			}
			if got != want || gotFl != wantFl {
				t.Fatalf("fcvt.d.s(%#x): got %#x [%s], want %#x [%s]",
					a, got, flagNames(gotFl), want, flagNames(wantFl))
			}
		}
	})
}

// short returns a random encoding of format f whose significand has at most
// a few random leading bits, so that sums, products and quotients of such
// values are often exact, with the biased exponent drawn from [lo, hi].
func (g *fpuGen) short(f *fpFormat, lo, hi int) uint64 {
	k := 1 + g.r.UintN(f.prec-1)
	frac := g.r.Uint64() & f.fracMask() >> (f.prec - 1 - k) << (f.prec - 1 - k)
	e := lo + g.r.IntN(hi-lo+1)
	return uint64(g.r.IntN(2))<<(f.width-1) | uint64(e)<<(f.prec-1) | frac
}

// TestFpuFastPaths compares the rmRNE fast paths with the slow path (which
// TestFpuReference checks against big.Float) on many more operands, chosen
// so that results are often exact or within an ulp of exact, where a wrong
// NX would show, and with exponents around the fast paths' bounds.
func TestFpuFastPaths(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	type pair struct{ fast, slow string }
	for i, f := range []*fpFormat{&binary32, &binary64} {
		sfx := [2]string{"s", "d"}[i]
		pairs := []pair{{"fadd." + sfx, "slow.add." + sfx}, {"fmul." + sfx, "slow.mul." + sfx},
			{"fdiv." + sfx, "slow.div." + sfx}, {"fsqrt." + sfx, "slow.sqrt." + sfx},
			{"fmadd." + sfx, "slow.madd." + sfx}}
		for j, p := range pairs {
			t.Run(p.fast, func(t *testing.T) {
				g := newFpuGen(uint64(5000 + 10*i + j))
				fast, slow := fpuOps[p.fast], fpuOps[p.slow]
				// Exponent windows: the middle, the fused multiply-add
				// bounds (2^+-400) and the whole range.
				windows := [][2]int{{f.bias - 30, f.bias + 30}, {1, f.expMax() - 1}}
				if f == &binary64 {
					windows = append(windows, [2]int{1023 - 410, 1023 - 390}, [2]int{1023 + 390, 1023 + 410},
						[2]int{1023 - 970, 1023 - 950}, [2]int{1023 + 1010, 2046})
				}
				for range n {
					w := windows[g.r.IntN(len(windows))]
					a, b, c := g.short(f, w[0], w[1]), g.short(f, w[0], w[1]), g.short(f, w[0], w[1])
					if g.r.IntN(2) == 0 {
						pr, _ := f.mul(a, b, rmRNE)
						c = g.near(f, pr^f.signBit())
					}
					got, gotFl := fast(a, b, c, rmRNE)
					want, wantFl := slow(a, b, c, rmRNE)
					if got != want || gotFl != wantFl {
						t.Fatalf("%s(%#x, %#x, %#x): got %#x [%s], want %#x [%s]",
							p.fast, a, b, c, got, flagNames(gotFl), want, flagNames(wantFl))
					}
				}
			})
		}
	}
}

// FuzzFpuReference compares the arithmetic operations with the big.Float
// reference on fuzzed operands. Under plain go test it runs its seeds; run
// `go test ./internal/cpu -fuzz FuzzFpuReference` to search further.
func FuzzFpuReference(f *testing.F) {
	type fuzzOp struct {
		name string
		f    *fpFormat
		ref  string
	}
	ops := []fuzzOp{
		{"fadd.s", &binary32, "add"}, {"fmul.s", &binary32, "mul"}, {"fdiv.s", &binary32, "div"},
		{"fsqrt.s", &binary32, "sqrt"}, {"fmadd.s", &binary32, "fma"},
		{"fadd.d", &binary64, "add"}, {"fmul.d", &binary64, "mul"}, {"fdiv.d", &binary64, "div"},
		{"fsqrt.d", &binary64, "sqrt"}, {"fmadd.d", &binary64, "fma"},
	}
	f.Add(uint8(9), uint8(rmRNE), uint64(0x3ff0000002000000), uint64(0x3ff0000002000000), uint64(0xbff0000004000000))
	f.Add(uint8(4), uint8(rmRNE), uint64(0x40400000), uint64(0x3f800001), uint64(0xa1800000))
	f.Add(uint8(6), uint8(rmRTZ), uint64(d1Ulp), uint64(dMaxSub), uint64(0))
	f.Add(uint8(5), uint8(rmRMM), uint64(dMax), uint64(0x7c90000000000000), uint64(0))
	f.Add(uint8(2), uint8(rmRUP), uint64(sMinSub), uint64(0x40400000), uint64(0))
	f.Fuzz(func(t *testing.T, op, rm uint8, a, b, c uint64) {
		o := ops[int(op)%len(ops)]
		r := int(rm) % 5
		if o.f == &binary32 {
			a, b, c = a&0xffffffff, b&0xffffffff, c&0xffffffff
		}
		got, gotFl := fpuOps[o.name](a, b, c, r)
		want, wantFl := refArith(o.f, o.ref, a, b, c, r)
		if got != want || gotFl != wantFl {
			t.Fatalf("%s %s (%#x, %#x, %#x): got %#x [%s], want %#x [%s]",
				o.name, rmNames[r], a, b, c, got, flagNames(gotFl), want, flagNames(wantFl))
		}
	})
}
