package mm

import (
	"bytes"
	"strings"
	"testing"

	"vessel/internal/abi"
)

func TestCopyAcrossPages(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x3000, rw, anon, nil, 0)
	src := make([]byte, 0x2000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	if errno := as.CopyOut(a+0xf80, src); errno != 0 {
		t.Fatal(errno)
	}
	dst := make([]byte, len(src))
	if errno := as.CopyIn(a+0xf80, dst); errno != 0 {
		t.Fatal(errno)
	}
	if !bytes.Equal(dst, src) {
		t.Error("read back different bytes")
	}
	if s := as.Stats(); s.ResidentPages != 3 {
		t.Errorf("got %d resident pages, want 3", s.ResidentPages)
	}
}

func TestCopyFaults(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0x10_0000_0000, 0x2000, rw, anon|abi.MAP_FIXED, nil, 0)
	mmap(t, as, a+0x2000, 0x1000, abi.PROT_READ, anon|abi.MAP_FIXED, nil, 0)
	mmap(t, as, a+0x3000, 0x1000, abi.PROT_EXEC, anon|abi.MAP_FIXED, nil, 0)
	tests := []struct {
		name string
		addr uint64
		n    int
		in   abi.Errno
		out  abi.Errno
	}{
		{"inside", a + 0x10, 0x100, 0, 0},
		{"empty anywhere", 0, 0, 0, 0},
		{"unmapped", a - 0x1000, 1, abi.EFAULT, abi.EFAULT},
		{"runs into a hole", a + 0x3ff0, 0x20, abi.EFAULT, abi.EFAULT},
		{"read-only", a + 0x2000, 8, 0, abi.EFAULT},
		{"across into read-only", a + 0x1ff8, 16, 0, abi.EFAULT},
		{"execute-only", a + 0x3000, 8, abi.EFAULT, abi.EFAULT},
		{"past MaxAddr", MaxAddr - 4, 8, abi.EFAULT, abi.EFAULT},
		{"wraps", ^uint64(0) - 2, 8, abi.EFAULT, abi.EFAULT},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errno := as.CopyIn(tc.addr, make([]byte, tc.n)); errno != tc.in {
				t.Errorf("CopyIn: got %v, want %v", errno, tc.in)
			}
			if errno := as.CopyOut(tc.addr, make([]byte, tc.n)); errno != tc.out {
				t.Errorf("CopyOut: got %v, want %v", errno, tc.out)
			}
		})
	}
}

func TestCopyInString(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0x10_0000_0000, 0x2000, rw, anon|abi.MAP_FIXED, nil, 0)
	long := strings.Repeat("x", 0x1000-0x10+0x20) // crosses into the second page
	poke(t, as, a+0x10, append([]byte(long), 0)...)
	poke(t, as, a+0x1ff0, []byte("tail-no-nul-here")...) // runs to the end of the mapping
	tests := []struct {
		name string
		addr uint64
		max  int
		want string
		err  abi.Errno
	}{
		{"across a page", a + 0x10, 8192, long, 0},
		{"empty", a, 10, "", 0},
		{"exactly fits", a + 0x10, len(long) + 1, long, 0},
		{"too long", a + 0x10, len(long), "", abi.ENAMETOOLONG},
		{"zero max", a + 0x10, 0, "", abi.ENAMETOOLONG},
		{"runs off the mapping", a + 0x1ff0, 100, "", abi.EFAULT},
		{"too long before the fault", a + 0x1ff0, 16, "", abi.ENAMETOOLONG},
		{"unmapped", a - 0x10, 100, "", abi.EFAULT},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errno := as.CopyInString(tc.addr, tc.max)
			if got != tc.want || errno != tc.err {
				t.Errorf("got %q, %v; want %q, %v", got, errno, tc.want, tc.err)
			}
		})
	}
}
