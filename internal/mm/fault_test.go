package mm

import (
	"bytes"
	"testing"

	"vessel/internal/abi"
)

func TestTranslatePermissions(t *testing.T) {
	const (
		r = AccessRead
		w = AccessWrite
		x = AccessExec
	)
	tests := []struct {
		prot   int
		access int
		want   int
	}{
		{abi.PROT_NONE, r, FaultAccErr},
		{abi.PROT_NONE, w, FaultAccErr},
		{abi.PROT_NONE, x, FaultAccErr},
		{abi.PROT_READ, r, FaultNone},
		{abi.PROT_READ, w, FaultAccErr},
		{abi.PROT_READ, x, FaultAccErr},
		{abi.PROT_WRITE, r, FaultNone}, // write implies read on riscv64
		{abi.PROT_WRITE, w, FaultNone},
		{abi.PROT_WRITE, x, FaultAccErr},
		{abi.PROT_EXEC, r, FaultAccErr}, // execute-only is not readable
		{abi.PROT_EXEC, x, FaultNone},
		{abi.PROT_READ | abi.PROT_EXEC, x, FaultNone},
		{abi.PROT_READ | abi.PROT_EXEC, w, FaultAccErr},
		{rw | abi.PROT_EXEC, w, FaultNone},
	}
	for _, tc := range tests {
		as := NewAddressSpace()
		a := mmap(t, as, 0, 0x1000, tc.prot, anon, nil, 0)
		p, fault := as.Translate(a, tc.access)
		if fault != tc.want || (p == nil) != (tc.want != FaultNone) {
			t.Errorf("prot %d access %d: got fault %d (page %v), want %d", tc.prot, tc.access, fault, p != nil, tc.want)
		}
	}
	as := NewAddressSpace()
	if _, fault := as.Translate(0x10000, AccessRead); fault != FaultMapErr {
		t.Errorf("unmapped: got %d, want FaultMapErr", fault)
	}
	if _, fault := as.Translate(^uint64(0), AccessRead); fault != FaultMapErr {
		t.Errorf("past the address space: got %d, want FaultMapErr", fault)
	}
}

func TestTranslateMaterialises(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x2000, rw, anon, nil, 0)
	p := page(t, as, a+0x1234, AccessRead)
	if *p != [4096]byte{} {
		t.Error("a new anonymous page is not zero")
	}
	p[0x234] = 9
	if q := page(t, as, a+0x1000, AccessWrite); q != p {
		t.Error("the same page translated twice gave two frames")
	}
	if got := peek(t, as, a+0x1234); got != 9 {
		t.Errorf("got %d, want 9", got)
	}
	if s := as.Stats(); s.ResidentPages != 1 || s.MinorFaults != 1 {
		t.Errorf("got %+v, want one resident page and one fault", s)
	}
}

func TestMprotect(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x4000, rw, anon, nil, 0)
	poke(t, as, a+0x1000, 5)
	gen := as.Generation()
	if errno := as.Mprotect(a+0x1000, 0x2000, abi.PROT_READ); errno != 0 {
		t.Fatal(errno)
	}
	want := []span{{a, a + 0x1000, rw}, {a + 0x1000, a + 0x3000, abi.PROT_READ}, {a + 0x3000, a + 0x4000, rw}}
	if got := spans(as); !sameSpans(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	if as.Generation() == gen {
		t.Error("mprotect did not bump the generation")
	}
	if _, fault := as.Translate(a+0x1000, AccessWrite); fault != FaultAccErr {
		t.Errorf("write to read-only: got fault %d, want FaultAccErr", fault)
	}
	if errno := as.CopyOut(a+0x1000, []byte{1}); errno != abi.EFAULT {
		t.Errorf("CopyOut to read-only: got %v, want EFAULT", errno)
	}
	if got := peek(t, as, a+0x1000); got != 5 {
		t.Errorf("got %d, want 5", got)
	}
	// Restoring the protection merges the VMAs again.
	if errno := as.Mprotect(a+0x1000, 0x2000, rw); errno != 0 {
		t.Fatal(errno)
	}
	if got := spans(as); !sameSpans(got, []span{{a, a + 0x4000, rw}}) {
		t.Errorf("got %x, want one merged VMA", got)
	}
	checkInvariants(t, as)

	for _, tc := range []struct {
		name         string
		addr, length uint64
		prot         int
		want         abi.Errno
	}{
		{"unaligned", a + 1, 0x1000, rw, abi.EINVAL},
		{"unknown prot bit", a, 0x1000, 0x10, abi.EINVAL},
		{"growsup", a, 0x1000, abi.PROT_READ | protGrowsUp, abi.EINVAL},
		{"growsdown on an ordinary VMA", a, 0x1000, abi.PROT_READ | protGrowsDown, abi.EINVAL},
		{"hole after", a, 0x5000, abi.PROT_READ, abi.ENOMEM},
		{"hole before", a - 0x1000, 0x2000, abi.PROT_READ, abi.ENOMEM},
		{"unmapped", 0x10000, 0x1000, abi.PROT_READ, abi.ENOMEM},
		{"wraps", a, ^uint64(0) - 0x100, abi.PROT_READ, abi.ENOMEM},
		{"zero length", a + 1<<40, 0, abi.PROT_READ, 0},
		{"PROT_SEM", a, 0x1000, rw | protSem, 0},
	} {
		if errno := as.Mprotect(tc.addr, tc.length, tc.prot); errno != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, errno, tc.want)
		}
	}
	// A range with a hole changes nothing.
	if got := spans(as); !sameSpans(got, []span{{a, a + 0x4000, rw}}) {
		t.Errorf("after failures got %x, want the VMA unchanged", got)
	}
}

func TestMprotectAcrossVMAs(t *testing.T) {
	as := NewAddressSpace()
	f := &memFile{name: "/lib.so", data: bytes.Repeat([]byte{1}, 0x3000)}
	a := mmap(t, as, 0, 0x3000, abi.PROT_READ, abi.MAP_PRIVATE, f, 0)
	b := mmap(t, as, a+0x3000, 0x2000, rw, anon|abi.MAP_FIXED, nil, 0)
	if errno := as.Mprotect(a+0x2000, 0x2000, abi.PROT_NONE); errno != 0 {
		t.Fatal(errno)
	}
	want := []span{{a, a + 0x2000, abi.PROT_READ}, {a + 0x2000, a + 0x3000, 0}, {b, b + 0x1000, 0}, {b + 0x1000, b + 0x2000, rw}}
	if got := spans(as); !sameSpans(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	// The split file VMA keeps its offset.
	if r := as.Regions()[1]; r.Offset != 0x2000 || r.Name != "/lib.so" {
		t.Errorf("got offset %#x name %q, want 0x2000 /lib.so", r.Offset, r.Name)
	}
}

func TestFileMapping(t *testing.T) {
	data := make([]byte, 5000) // one full page and 904 bytes of the next
	for i := range data {
		data[i] = byte(i%251 + 1)
	}
	f := &memFile{name: "/data", data: data}
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x3000, rw, abi.MAP_PRIVATE, f, 0)

	p0 := page(t, as, a, AccessRead)
	if !bytes.Equal(p0[:], data[:4096]) {
		t.Error("page 0 does not hold the file's first page")
	}
	p1 := page(t, as, a+0x1000, AccessRead)
	if !bytes.Equal(p1[:904], data[4096:]) || !bytes.Equal(p1[904:], make([]byte, 4096-904)) {
		t.Error("page 1 is not the file's tail followed by zeros")
	}
	if _, fault := as.Translate(a+0x2000, AccessRead); fault != FaultBusErr {
		t.Errorf("page wholly past EOF: got fault %d, want FaultBusErr", fault)
	}
	if errno := as.CopyIn(a+0x2000, make([]byte, 1)); errno != abi.EFAULT {
		t.Errorf("CopyIn past EOF: got %v, want EFAULT", errno)
	}

	// Writes are private: the file does not change, DONTNEED reads it again.
	poke(t, as, a+10, 0)
	if data[10] == 0 {
		t.Fatal("a private mapping wrote to its file")
	}
	if errno := as.Madvise(a, 0x1000, abi.MADV_DONTNEED); errno != 0 {
		t.Fatal(errno)
	}
	if got := peek(t, as, a+10); got != data[10] {
		t.Errorf("after MADV_DONTNEED got %d, want the file's %d", got, data[10])
	}

	// An offset into the file.
	b := mmap(t, as, 0, 0x1000, abi.PROT_READ, abi.MAP_PRIVATE, f, 0x1000)
	if got := peek(t, as, b+5); got != data[0x1005] {
		t.Errorf("at offset 0x1000: got %d, want %d", got, data[0x1005])
	}
	if r := as.Regions()[0]; r.Name != "/data" || r.Offset != 0x1000 || r.Shared {
		t.Errorf("got %+v, want /data at offset 0x1000, private", r)
	}
	checkInvariants(t, as)
}

func TestSharedFileMapping(t *testing.T) {
	data := bytes.Repeat([]byte{3}, 0x1800)
	f := &memFile{name: "/shm", data: data}
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x2000, rw, abi.MAP_SHARED, f, 0)
	if got := peek(t, as, a+0x17ff); got != 3 {
		t.Errorf("got %d, want 3", got)
	}
	child := as.Fork()
	poke(t, child, a, 9)
	if got := peek(t, as, a); got != 9 {
		t.Errorf("parent got %d, want the child's 9 through the shared mapping", got)
	}
	if data[0] != 3 {
		t.Error("the file changed: write-back is not implemented and must not be half done")
	}
	if !as.Regions()[0].Shared {
		t.Error("region is not marked shared")
	}
}

func TestStackGrowth(t *testing.T) {
	as := NewAddressSpace()
	top := uint64(StackTop)
	lo := mmap(t, as, top-0x10000, 0x10000, rw, anon|abi.MAP_FIXED|abi.MAP_GROWSDOWN, nil, 0)
	poke(t, as, lo-0x2000+8, 1) // two pages below
	if r := as.Regions()[0]; r.Start != lo-0x2000 || r.Name != "[stack]" {
		t.Errorf("got %+v, want the stack grown to %#x", r, lo-0x2000)
	}
	// PROT_GROWSDOWN extends an mprotect down to the start of the stack.
	if errno := as.Mprotect(lo, 0x1000, abi.PROT_READ|abi.PROT_EXEC|protGrowsDown); errno != 0 {
		t.Fatal(errno)
	}
	want := []span{{lo - 0x2000, lo + 0x1000, abi.PROT_READ | abi.PROT_EXEC}, {lo + 0x1000, top, rw}}
	if got := spans(as); !sameSpans(got, want) {
		t.Errorf("after PROT_GROWSDOWN got %x, want %x", got, want)
	}
	if errno := as.Mprotect(lo, 0x1000, rw|protGrowsDown); errno != 0 {
		t.Fatal(errno)
	}
	if _, fault := as.Translate(top-defaultStackLimit-1, AccessRead); fault != FaultMapErr {
		t.Errorf("past the stack limit: got fault %d, want FaultMapErr", fault)
	}
	// A mapping within the guard gap stops growth.
	mmap(t, as, lo-0x2000-stackGuardGap-0x1000, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
	if _, fault := as.Translate(lo-0x3000, AccessWrite); fault != FaultMapErr {
		t.Errorf("into the guard gap: got fault %d, want FaultMapErr", fault)
	}
	// Placement keeps out of the guard gap too.
	as2 := NewAddressSpace()
	s := mmap(t, as2, MmapBase-0x10000, 0x10000, rw, anon|abi.MAP_FIXED|abi.MAP_GROWSDOWN, nil, 0)
	if got := mmap(t, as2, 0, 0x1000, rw, anon, nil, 0); got != s-stackGuardGap-0x1000 {
		t.Errorf("got %#x, want %#x below the guard gap", got, s-stackGuardGap-0x1000)
	}
	checkInvariants(t, as)
}
