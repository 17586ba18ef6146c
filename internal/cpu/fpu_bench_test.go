package cpu

import (
	"math"
	"testing"
)

// Benchmark operands: normal doubles and singles near 1, so that the
// rmRNE benchmarks measure the fast paths; every third result is exact.
var (
	benchD = [4]uint64{math.Float64bits(1.5), math.Float64bits(math.Pi), math.Float64bits(-0.1), math.Float64bits(1e10)}
	benchS = [4]uint32{math.Float32bits(1.5), math.Float32bits(math.Pi), math.Float32bits(-0.1), math.Float32bits(1e10)}

	benchSinkD uint64
	benchSinkS uint32
)

func benchF64(b *testing.B, op func(a, b, c uint64) (uint64, uint32)) {
	b.ReportAllocs()
	var acc uint64
	var fl uint32
	for i := 0; b.Loop(); i++ {
		r, f := op(benchD[i&3], benchD[(i+1)&3], benchD[(i+2)&3])
		acc += r
		fl |= f
	}
	benchSinkD = acc + uint64(fl)
}

func benchF32(b *testing.B, op func(a, b, c uint32) (uint32, uint32)) {
	b.ReportAllocs()
	var acc, fl uint32
	for i := 0; b.Loop(); i++ {
		r, f := op(benchS[i&3], benchS[(i+1)&3], benchS[(i+2)&3])
		acc += r
		fl |= f
	}
	benchSinkS = acc + fl
}

func BenchmarkFpu(b *testing.B) {
	for _, rm := range []int{rmRNE, rmRDN} {
		b.Run("f64Add/"+rmNames[rm], func(b *testing.B) {
			benchF64(b, func(x, y, _ uint64) (uint64, uint32) { return f64Add(x, y, rm) })
		})
		b.Run("f64Mul/"+rmNames[rm], func(b *testing.B) {
			benchF64(b, func(x, y, _ uint64) (uint64, uint32) { return f64Mul(x, y, rm) })
		})
		b.Run("f64Div/"+rmNames[rm], func(b *testing.B) {
			benchF64(b, func(x, y, _ uint64) (uint64, uint32) { return f64Div(x, y, rm) })
		})
		b.Run("f64Sqrt/"+rmNames[rm], func(b *testing.B) {
			benchF64(b, func(x, _, _ uint64) (uint64, uint32) { return f64Sqrt(x&^(1<<63), rm) })
		})
		b.Run("f64MulAdd/"+rmNames[rm], func(b *testing.B) {
			benchF64(b, func(x, y, z uint64) (uint64, uint32) { return f64MulAdd(x, y, z, rm) })
		})
		b.Run("f32Add/"+rmNames[rm], func(b *testing.B) {
			benchF32(b, func(x, y, _ uint32) (uint32, uint32) { return f32Add(x, y, rm) })
		})
		b.Run("f32Mul/"+rmNames[rm], func(b *testing.B) {
			benchF32(b, func(x, y, _ uint32) (uint32, uint32) { return f32Mul(x, y, rm) })
		})
		b.Run("f32MulAdd/"+rmNames[rm], func(b *testing.B) {
			benchF32(b, func(x, y, z uint32) (uint32, uint32) { return f32MulAdd(x, y, z, rm) })
		})
	}
	b.Run("f64ToInt/rtz", func(b *testing.B) {
		benchF64(b, func(x, _, _ uint64) (uint64, uint32) { return f64ToInt(x, rmRTZ, 64, true) })
	})
	b.Run("f64Lt", func(b *testing.B) {
		benchF64(b, func(x, y, _ uint64) (uint64, uint32) { r, fl := f64Lt(x, y); return b2u(r), fl })
	})
}
