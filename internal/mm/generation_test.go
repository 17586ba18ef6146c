package mm

import (
	"sync"
	"testing"

	"vessel/internal/abi"
)

func TestGeneration(t *testing.T) {
	const base = 0x10_0000_0000
	tests := []struct {
		name string
		op   func(as *AddressSpace)
		bump bool
	}{
		{"mmap into free space", func(as *AddressSpace) { as.Mmap(0, 0x1000, rw, anon, nil, 0) }, false},
		{"MAP_FIXED over a hole", func(as *AddressSpace) { as.Mmap(base+0x10000, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0) }, false},
		{"MAP_FIXED over pages", func(as *AddressSpace) { as.Mmap(base, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0) }, true},
		{"munmap", func(as *AddressSpace) { as.Munmap(base, 0x1000) }, true},
		{"munmap of a hole", func(as *AddressSpace) { as.Munmap(base+0x10000, 0x1000) }, false},
		{"mprotect", func(as *AddressSpace) { as.Mprotect(base, 0x1000, abi.PROT_READ) }, true},
		{"mprotect to the same", func(as *AddressSpace) { as.Mprotect(base, 0x1000, rw) }, false},
		{"mremap move", func(as *AddressSpace) {
			as.Mremap(base, 0x1000, 0x1000, abi.MREMAP_MAYMOVE|abi.MREMAP_FIXED, base+0x10000)
		}, true},
		{"mremap grow in place", func(as *AddressSpace) { as.Mremap(base, 0x4000, 0x5000, 0, 0) }, false},
		{"madvise dontneed", func(as *AddressSpace) { as.Madvise(base, 0x1000, abi.MADV_DONTNEED) }, true},
		{"madvise willneed", func(as *AddressSpace) { as.Madvise(base, 0x1000, abi.MADV_WILLNEED) }, false},
		{"fork", func(as *AddressSpace) { as.Fork() }, true},
		{"release", func(as *AddressSpace) { as.Release() }, true},
		{"read and write", func(as *AddressSpace) { as.Translate(base, AccessWrite); as.CopyOut(base+0x1000, []byte{1}) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := NewAddressSpace()
			mmap(t, as, base, 0x4000, rw, anon|abi.MAP_FIXED, nil, 0)
			poke(t, as, base, 1)
			gen := as.Generation()
			tc.op(as)
			if (as.Generation() != gen) != tc.bump {
				t.Errorf("generation moved %v, want %v", as.Generation() != gen, tc.bump)
			}
		})
	}
}

// TestConcurrentReaders runs the slow-path readers (the web UI, /proc)
// beside a task that changes its address space; run with -race.
func TestConcurrentReaders(t *testing.T) {
	as := NewAddressSpace()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					_ = as.Regions()
					_ = as.Stats()
					_ = as.Generation()
				}
			}
		}()
	}
	for i := range 200 {
		a := mmap(t, as, 0, 0x3000, rw, anon, nil, 0)
		page(t, as, a+0x1000, AccessWrite)[0] = byte(i)
		c := as.Fork()
		poke(t, c, a+0x1000, 1)
		c.Release()
		as.Mprotect(a, 0x1000, abi.PROT_READ)
		as.Munmap(a, 0x3000)
	}
	close(stop)
	wg.Wait()
	checkInvariants(t, as)
}
