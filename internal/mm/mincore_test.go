package mm

import (
	"bytes"
	"testing"

	"vessel/internal/abi"
)

// mincore runs Mincore over n pages from addr and returns the bytes it
// filled, or fails the test.
func mincore(t *testing.T, as *AddressSpace, addr uint64, n int) []byte {
	t.Helper()
	vec := bytes.Repeat([]byte{9}, n)
	got, errno := as.Mincore(addr, vec)
	if errno != 0 {
		t.Fatalf("Mincore(%#x, %d pages): %v", addr, n, errno)
	}
	return vec[:got]
}

func TestMincore(t *testing.T) {
	const shared = abi.MAP_SHARED
	cases := []struct {
		name string
		// setup maps and touches, and returns the address space to ask,
		// the address to start at and the pages to ask for.
		setup func(t *testing.T) (as *AddressSpace, addr uint64, pages int)
		want  []byte
	}{
		{"anonymous: touched pages only", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 4*pageSize, rw, anon, nil, 0)
			poke(t, as, a, 1)
			peek(t, as, a+2*pageSize) // a read materialises the page too
			return as, a, 4
		}, []byte{1, 0, 1, 0}},
		{"stops at the end of the VMA", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 4*pageSize, rw, anon, nil, 0)
			if errno := as.Mprotect(a+2*pageSize, 2*pageSize, abi.PROT_READ); errno != 0 {
				t.Fatal(errno)
			}
			poke(t, as, a+pageSize, 1)
			return as, a, 4
		}, []byte{0, 1}},
		{"stops at len(vec)", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 4*pageSize, rw, anon, nil, 0)
			poke(t, as, a, 1)
			return as, a, 1
		}, []byte{1}},
		{"MADV_DONTNEED drops pages", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 2*pageSize, rw, anon, nil, 0)
			poke(t, as, a, 1)
			poke(t, as, a+pageSize, 1)
			if errno := as.Madvise(a, pageSize, abi.MADV_DONTNEED); errno != 0 {
				t.Fatal(errno)
			}
			return as, a, 2
		}, []byte{0, 1}},
		{"a fork child has its parent's pages", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 2*pageSize, rw, anon, nil, 0)
			poke(t, as, a+pageSize, 1)
			return as.Fork(), a, 2
		}, []byte{0, 1}},
		{"a Memory's pages, whoever wrote them", func(t *testing.T) (*AddressSpace, uint64, int) {
			m := NewMemory()
			m.WriteAt([]byte{1}, 2*pageSize) // a hole, then page 2
			m.Truncate(4 * pageSize)
			as := NewAddressSpace()
			a := mmap(t, as, 0, 4*pageSize, abi.PROT_READ, abi.MAP_PRIVATE, &memoryFile{m: m}, 0)
			return as, a, 4
		}, []byte{0, 0, 1, 0}},
		{"a Memory's page at an offset", func(t *testing.T) (*AddressSpace, uint64, int) {
			m := NewMemory()
			m.WriteAt([]byte{1}, 3*pageSize)
			as := NewAddressSpace()
			a := mmap(t, as, 0, 2*pageSize, abi.PROT_READ, shared, &memoryFile{m: m}, 2*pageSize)
			return as, a, 2
		}, []byte{0, 1}},
		{"shared memory keeps pages MADV_DONTNEED unmaps", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 2*pageSize, rw, shared|abi.MAP_ANONYMOUS, nil, 0)
			poke(t, as, a, 1)
			if errno := as.Madvise(a, 2*pageSize, abi.MADV_DONTNEED); errno != 0 {
				t.Fatal(errno)
			}
			return as, a, 2
		}, []byte{1, 0}},
		{"a file without a page cache: what was read", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			f := &memFile{name: "/f", data: make([]byte, 3*pageSize)}
			a := mmap(t, as, 0, 3*pageSize, abi.PROT_READ, abi.MAP_PRIVATE, f, 0)
			peek(t, as, a+2*pageSize)
			return as, a, 3
		}, []byte{0, 0, 1}},
		{"PROT_NONE pages are mapped, not resident", func(t *testing.T) (*AddressSpace, uint64, int) {
			as := NewAddressSpace()
			a := mmap(t, as, 0, 1<<30, abi.PROT_NONE, anon|abi.MAP_NORESERVE, nil, 0)
			return as, a + 1<<29, 3
		}, []byte{0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			as, addr, n := tc.setup(t)
			if got := mincore(t, as, addr, n); !bytes.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			checkInvariants(t, as)
		})
	}
}

// TestMincoreHole: no VMA at the address is ENOMEM, and nothing is
// filled; Mincore changes no page table.
func TestMincoreHole(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 3*pageSize, rw, anon, nil, 0)
	if errno := as.Munmap(a+pageSize, pageSize); errno != 0 {
		t.Fatal(errno)
	}
	vec := []byte{9, 9}
	n, errno := as.Mincore(a+pageSize, vec)
	if n != 0 || errno != abi.ENOMEM || vec[0] != 9 {
		t.Errorf("Mincore of a hole: got %d, %v, vec %v; want 0, ENOMEM, untouched", n, errno, vec)
	}
	if n, errno := as.Mincore(MaxAddr-pageSize, vec); n != 0 || errno != abi.ENOMEM {
		t.Errorf("Mincore at the top: got %d, %v; want 0, ENOMEM", n, errno)
	}
	if got := as.Stats().ResidentPages; got != 0 {
		t.Errorf("resident pages after Mincore: got %d, want 0", got)
	}
}
