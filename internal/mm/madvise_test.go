package mm

import (
	"testing"

	"vessel/internal/abi"
)

func TestMadviseDontNeed(t *testing.T) {
	for _, advice := range []int{abi.MADV_DONTNEED, abi.MADV_FREE} {
		as := NewAddressSpace()
		a := mmap(t, as, 0, 0x3000, rw, anon, nil, 0)
		for i := range uint64(3) {
			poke(t, as, a+i*0x1000, 8)
		}
		gen := as.Generation()
		if errno := as.Madvise(a, 0x2000, advice); errno != 0 {
			t.Fatalf("advice %d: %v", advice, errno)
		}
		if as.Generation() == gen {
			t.Errorf("advice %d did not bump the generation", advice)
		}
		if x, y, z := peek(t, as, a), peek(t, as, a+0x1000), peek(t, as, a+0x2000); x != 0 || y != 0 || z != 8 {
			t.Errorf("advice %d: got %d %d %d, want 0 0 8", advice, x, y, z)
		}
		checkInvariants(t, as)
	}
}

func TestMadviseErrors(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x2000, rw, anon, nil, 0)
	f := mmap(t, as, 0, 0x1000, abi.PROT_READ, abi.MAP_PRIVATE, &memFile{name: "/f", data: []byte{1}}, 0)
	ro := mmap(t, as, 0, 0x1000, abi.PROT_READ, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
	sf := mmap(t, as, 0, 0x1000, rw, abi.MAP_SHARED, &memFile{name: "/g", data: []byte{1}}, 0)
	tests := []struct {
		name         string
		addr, length uint64
		advice       int
		want         abi.Errno
	}{
		{"unknown advice", a, 0x1000, 999, abi.EINVAL},
		{"collapse is unknown here", a, 0x1000, 25, abi.EINVAL},
		{"unaligned", a + 1, 0x1000, abi.MADV_DONTNEED, abi.EINVAL},
		{"wraps", a, ^uint64(0) - 0x10, abi.MADV_DONTNEED, abi.EINVAL},
		{"zero length", a, 0, abi.MADV_DONTNEED, 0},
		{"hole", a, 0x3000, abi.MADV_NORMAL, abi.ENOMEM},
		{"unmapped", 0x10000, 0x1000, abi.MADV_WILLNEED, abi.ENOMEM},
		{"free on a file", f, 0x1000, abi.MADV_FREE, abi.EINVAL},
		{"remove on private", a, 0x1000, abi.MADV_REMOVE, abi.EINVAL},
		{"remove read-only", ro, 0x1000, abi.MADV_REMOVE, abi.EACCES},
		{"remove on a shared file", sf, 0x1000, abi.MADV_REMOVE, abi.EOPNOTSUPP},
		{"wipeonfork on a file", f, 0x1000, madvWipeOnFork, abi.EINVAL},
		{"hugepage", a, 0x2000, abi.MADV_HUGEPAGE, 0},
		{"nohugepage", a, 0x2000, abi.MADV_NOHUGEPAGE, 0},
		{"dontdump", a, 0x2000, abi.MADV_DONTDUMP, 0},
		{"dodump", a, 0x2000, abi.MADV_DODUMP, 0},
		{"random", a, 0x2000, abi.MADV_RANDOM, 0},
		{"sequential", a, 0x2000, abi.MADV_SEQUENTIAL, 0},
		{"cold", a, 0x2000, madvCold, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errno := as.Madvise(tc.addr, tc.length, tc.advice); errno != tc.want {
				t.Errorf("got %v, want %v", errno, tc.want)
			}
		})
	}
}

func TestMadviseHoleStillAdvises(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x3000, rw, anon, nil, 0)
	poke(t, as, a, 1)
	if errno := as.Munmap(a+0x1000, 0x1000); errno != 0 {
		t.Fatal(errno)
	}
	if errno := as.Madvise(a, 0x3000, abi.MADV_DONTNEED); errno != abi.ENOMEM {
		t.Errorf("got %v, want ENOMEM", errno)
	}
	if got := peek(t, as, a); got != 0 {
		t.Errorf("got %d, want the mapped part dropped anyway", got)
	}
}
