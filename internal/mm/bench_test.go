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

// BenchmarkFork64MiB forks an address space with a 64 MiB heap that is
// all touched (16384 resident pages), and releases the child, as a fork
// followed by exec or exit would.
func BenchmarkFork64MiB(b *testing.B) {
	as := NewAddressSpace()
	as.SetBrk(0x40_0000)
	const heap = 64 << 20
	if got := as.Brk(0x40_0000 + heap); got != 0x40_0000+heap {
		b.Fatalf("brk: got %#x", got)
	}
	for off := uint64(0); off < heap; off += pageSize {
		page(b, as, 0x40_0000+off, AccessWrite)[0] = 1
	}
	b.ResetTimer()
	for range b.N {
		c := as.Fork()
		c.Release()
	}
}

// BenchmarkForkOnly64MiB is BenchmarkFork64MiB without the child's
// Release: the cost fork(2) itself adds.
func BenchmarkForkOnly64MiB(b *testing.B) {
	as := NewAddressSpace()
	as.SetBrk(0x40_0000)
	const heap = 64 << 20
	as.Brk(0x40_0000 + heap)
	for off := uint64(0); off < heap; off += pageSize {
		page(b, as, 0x40_0000+off, AccessWrite)
	}
	children := make([]*AddressSpace, 0, 64)
	b.ResetTimer()
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
