package cpu

import "math/bits"

// The M extension's high multiplies and its divisions, which never trap:
// division by zero gives all ones (quotient) or the dividend (remainder),
// and the one overflowing division, the most negative value by -1, gives
// the dividend (quotient) or zero (remainder). The W forms divide the low
// 32 bits and sign-extend the 32-bit result.

// mulh returns the high 64 bits of the signed 128-bit product a*b.
func mulh(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	// Unsigned to signed: subtract b<<64 when a < 0, and a<<64 when b < 0.
	hi -= a >> 63 * b
	hi -= b >> 63 * a
	return hi
}

// mulhsu returns the high 64 bits of signed a times unsigned b.
func mulhsu(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	return hi - a>>63*b
}

// mulhu returns the high 64 bits of the unsigned product a*b.
func mulhu(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	return hi
}

func div(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	return uint64(int64(a) / int64(b)) // Go gives MinInt64 / -1 = MinInt64
}

func divu(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	return a / b
}

func rem(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return uint64(int64(a) % int64(b)) // Go gives MinInt64 % -1 = 0
}

func remu(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func divw(a, b uint64) uint64 {
	if int32(b) == 0 {
		return ^uint64(0)
	}
	return uint64(int64(int32(a) / int32(b)))
}

func divuw(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return ^uint64(0)
	}
	return uint64(int64(int32(uint32(a) / uint32(b))))
}

func remw(a, b uint64) uint64 {
	if int32(b) == 0 {
		return uint64(int64(int32(a)))
	}
	return uint64(int64(int32(a) % int32(b)))
}

func remuw(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return uint64(int64(int32(a)))
	}
	return uint64(int64(int32(uint32(a) % uint32(b))))
}
