package mm

import (
	"testing"

	"vessel/internal/abi"
)

// BenchmarkTranslateHit is the hart's TLB-miss path on a page that is
// already materialised: lock, VMA lookup, page-table walk.
func BenchmarkTranslateHit(b *testing.B) {
	as := NewAddressSpace()
	// A few VMAs, so the lookup is not trivially the only one.
	for range 16 {
		mmap(b, as, 0, 0x10000, abi.PROT_READ, anon, nil, 0)
	}
	a := mmap(b, as, 0, 64<<10, rw, anon, nil, 0)
	for off := uint64(0); off < 64<<10; off += pageSize {
		page(b, as, a+off, AccessWrite)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, fault := as.Translate(a+uint64(i&15)<<pageShift, AccessRead); fault != FaultNone {
			b.Fatal(fault)
		}
	}
}

// BenchmarkTranslateAcrossVMAs alternates between VMAs, so the last-hit
// cache misses and every call binary-searches.
func BenchmarkTranslateAcrossVMAs(b *testing.B) {
	as := NewAddressSpace()
	var addrs [64]uint64
	for i := range addrs {
		prot := abi.PROT_READ
		if i%2 == 1 {
			prot = rw // alternate protections so that the VMAs do not merge
		}
		addrs[i] = mmap(b, as, 0, 0x1000, prot, anon, nil, 0)
		page(b, as, addrs[i], AccessRead)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, fault := as.Translate(addrs[(i*7)&63], AccessRead); fault != FaultNone {
			b.Fatal(fault)
		}
	}
}

// BenchmarkFirstTouch is a minor fault on private anonymous memory.
func BenchmarkFirstTouch(b *testing.B) {
	as := NewAddressSpace()
	a := mmap(b, as, 0, 64<<30, rw, anon|abi.MAP_NORESERVE, nil, 0)
	b.ResetTimer()
	for i := range b.N {
		if i&0xffff == 0xffff {
			b.StopTimer()
			as.Madvise(a, 64<<30, abi.MADV_DONTNEED)
			b.StartTimer()
		}
		if _, fault := as.Translate(a+uint64(i&0xffff)<<pageShift, AccessWrite); fault != FaultNone {
			b.Fatal(fault)
		}
	}
}

// BenchmarkFork forks address spaces whose heaps are wholly touched,
// small (16 pages) and large (16384 pages), to show what Fork's cost
// depends on:
//
//   - release: Fork and the child's Release, as fork(2) then exit(2).
//   - only: Fork alone, the cost fork(2) adds; B/op is what an idle child
//     costs.
//   - write: Fork, a write to one heap page by the child and another by the
//     parent (each a copy-on-write copy), then the child's Release: fork
//     then exec, with the parent running meanwhile.
func BenchmarkFork(b *testing.B) {
	const base = 0x40_0000
	for _, heap := range []struct {
		name string
		size uint64
	}{{"heap=64KiB", 64 << 10}, {"heap=64MiB", 64 << 20}} {
		as := NewAddressSpace()
		as.SetBrk(base)
		if got := as.Brk(base + heap.size); got != base+heap.size {
			b.Fatalf("brk: got %#x", got)
		}
		for off := uint64(0); off < heap.size; off += pageSize {
			page(b, as, base+off, AccessWrite)[0] = 1
		}
		b.Run(heap.name+"/release", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				as.Fork().Release()
			}
		})
		b.Run(heap.name+"/only", func(b *testing.B) {
			b.ReportAllocs()
			children := make([]*AddressSpace, 0, 64)
			for range b.N {
				children = append(children, as.Fork())
				if len(children) == cap(children) {
					b.StopTimer()
					for _, c := range children {
						c.Release()
					}
					children = children[:0]
					b.StartTimer()
				}
			}
			b.StopTimer()
			for _, c := range children {
				c.Release()
			}
		})
		b.Run(heap.name+"/write", func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				c := as.Fork()
				off := uint64(i) % (heap.size / pageSize) * pageSize
				page(b, c, base+off, AccessWrite)[0] = 2
				page(b, as, base+heap.size-pageSize-off, AccessWrite)[0] = 3
				c.Release()
			}
		})
		as.Release()
	}
}

// BenchmarkCopyOnWrite is the first write to a shared private page.
func BenchmarkCopyOnWrite(b *testing.B) {
	as := NewAddressSpace()
	const n = 4096
	a := mmap(b, as, 0, n*pageSize, rw, anon, nil, 0)
	for i := range uint64(n) {
		page(b, as, a+i*pageSize, AccessWrite)
	}
	c := as.Fork()
	b.ResetTimer()
	for i := range b.N {
		if i%n == n-1 {
			b.StopTimer()
			c.Release()
			c = as.Fork()
			b.StartTimer()
		}
		if _, fault := as.Translate(a+uint64(i%n)*pageSize, AccessWrite); fault != FaultNone {
			b.Fatal(fault)
		}
	}
}

// BenchmarkCopyIn reads 4 KiB spanning two pages.
func BenchmarkCopyIn(b *testing.B) {
	as := NewAddressSpace()
	a := mmap(b, as, 0, 0x3000, rw, anon, nil, 0)
	buf := make([]byte, 4096)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for range b.N {
		if errno := as.CopyIn(a+0x800, buf); errno != 0 {
			b.Fatal(errno)
		}
	}
}

// BenchmarkMadviseThreadStack is glibc's madvise(MADV_DONTNEED) of an
// exiting thread's unused stack: 8 MiB below the few pages the thread
// touched at the top, none of them present.
func BenchmarkMadviseThreadStack(b *testing.B) {
	as := NewAddressSpace()
	a := mmap(b, as, 0, 8<<20+4096, rw, anon, nil, 0)
	for off := uint64(8<<20 - 3*pageSize); off < 8<<20; off += pageSize {
		page(b, as, a+off, AccessWrite)
	}
	b.ResetTimer()
	for range b.N {
		if err := as.Madvise(a, 8<<20-5*pageSize, abi.MADV_DONTNEED); err != 0 {
			b.Fatal(err)
		}
	}
}
