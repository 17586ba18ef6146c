package mm

import (
	"errors"
	"testing"

	"vessel/internal/abi"
)

func TestMmapPlacement(t *testing.T) {
	const taken = 0x10_0000_0000 // mapped by every case before it runs
	tests := []struct {
		name   string
		addr   uint64
		length uint64
		flags  int
		want   uint64
	}{
		{"free hint", 0x20_0000_0000, 0x3000, anon, 0x20_0000_0000},
		{"unaligned hint rounds up", 0x20_0000_0001, 0x1000, anon, 0x20_0000_1000},
		{"taken hint goes top-down", taken, 0x1000, anon, MmapBase - 0x1000},
		{"partly taken hint", taken - 0x1000, 0x2000, anon, MmapBase - 0x2000},
		{"no hint top-down", 0, 0x5000, anon, MmapBase - 0x5000},
		{"hint above MaxAddr", MaxAddr, 0x1000, anon, MmapBase - 0x1000},
		{"hint above TaskSize below MaxAddr", 0x7f_0000_0000_00, 0x1000, anon, 0x7f_0000_0000_00},
		{"low hint raised to MinAddr", 1, 0x1000, anon, MinAddr},
		{"fixed", 0x30_0000_0000, 0x1000, anon | abi.MAP_FIXED, 0x30_0000_0000},
		{"fixed over a mapping", taken, 0x2000, anon | abi.MAP_FIXED, taken},
		{"noreplace on free", 0x30_0000_0000, 0x1000, anon | abi.MAP_FIXED_NOREPLACE, 0x30_0000_0000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := NewAddressSpace()
			mmap(t, as, taken, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
			got := mmap(t, as, tc.addr, tc.length, rw, tc.flags, nil, 0)
			if got != tc.want {
				t.Errorf("got %#x, want %#x", got, tc.want)
			}
			checkInvariants(t, as)
		})
	}
}

func TestMmapTopDownFillsGaps(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x1000, rw, anon, nil, 0)
	b := mmap(t, as, 0, 0x2000, abi.PROT_READ, anon, nil, 0)
	c := mmap(t, as, 0, 0x1000, abi.PROT_NONE, anon, nil, 0)
	if a != MmapBase-0x1000 || b != a-0x2000 || c != b-0x1000 {
		t.Fatalf("got %#x %#x %#x, want consecutive mappings down from %#x", a, b, c, MmapBase)
	}
	if errno := as.Munmap(b, 0x2000); errno != 0 {
		t.Fatal(errno)
	}
	// A gap of two pages below a: a one-page mapping takes its top.
	if d := mmap(t, as, 0, 0x1000, rw, anon, nil, 0); d != a-0x1000 {
		t.Errorf("got %#x, want the top of the gap %#x", d, a-0x1000)
	}
	// Three pages do not fit the remaining gap of one page.
	if e := mmap(t, as, 0, 0x3000, rw, anon, nil, 0); e != c-0x3000 {
		t.Errorf("got %#x, want %#x below the lowest mapping", e, c-0x3000)
	}
}

func TestMmapNoReplace(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0x40_0000_0000, 0x3000, rw, anon|abi.MAP_FIXED, nil, 0)
	poke(t, as, a+0x1000, 7)
	gen := as.Generation()
	if _, errno := as.Mmap(a+0x2000, 0x2000, rw, anon|abi.MAP_FIXED_NOREPLACE, nil, 0); errno != abi.EEXIST {
		t.Fatalf("got %v, want EEXIST", errno)
	}
	if got := peek(t, as, a+0x1000); got != 7 || as.Generation() != gen {
		t.Errorf("a refused MAP_FIXED_NOREPLACE changed memory: byte %d, generation moved %v", got, as.Generation() != gen)
	}
	// MAP_FIXED replaces: the page reads zero, the generation moves.
	mmap(t, as, a+0x1000, 0x1000, rw, anon|abi.MAP_FIXED, nil, 0)
	if got := peek(t, as, a+0x1000); got != 0 {
		t.Errorf("after MAP_FIXED got %d, want 0", got)
	}
	if as.Generation() == gen {
		t.Error("MAP_FIXED over mapped pages did not bump the generation")
	}
}

func TestMmapErrors(t *testing.T) {
	file := &memFile{name: "/f", data: make([]byte, 8192)}
	tests := []struct {
		name   string
		addr   uint64
		length uint64
		prot   int
		flags  int
		f      File
		off    uint64
		want   abi.Errno
	}{
		{"zero length", 0, 0, rw, anon, nil, 0, abi.EINVAL},
		{"unaligned offset", 0, 0x1000, rw, abi.MAP_PRIVATE, file, 1, abi.EINVAL},
		{"fixed unaligned", 0x10_0000_0001, 0x1000, rw, anon | abi.MAP_FIXED, nil, 0, abi.EINVAL},
		{"noreplace unaligned", 0x10_0000_0001, 0x1000, rw, anon | abi.MAP_FIXED_NOREPLACE, nil, 0, abi.EINVAL},
		{"no type", 0, 0x1000, rw, abi.MAP_ANONYMOUS, nil, 0, abi.EINVAL},
		{"bad type", 0, 0x1000, rw, 0x4 | abi.MAP_ANONYMOUS, nil, 0, abi.EINVAL},
		{"shared validate anonymous", 0, 0x1000, rw, abi.MAP_SHARED_VALIDATE | abi.MAP_ANONYMOUS, nil, 0, abi.EINVAL},
		{"shared validate unknown flag", 0, 0x1000, rw, abi.MAP_SHARED_VALIDATE | abi.MAP_SYNC, file, 0, abi.EOPNOTSUPP},
		{"file missing", 0, 0x1000, rw, abi.MAP_PRIVATE, nil, 0, abi.EBADF},
		{"length overflows", 0, ^uint64(0), rw, anon, nil, 0, abi.ENOMEM},
		{"too long", 0, MaxAddr, rw, anon, nil, 0, abi.ENOMEM},
		{"fixed past MaxAddr", MaxAddr - 0x1000, 0x2000, rw, anon | abi.MAP_FIXED, nil, 0, abi.ENOMEM},
		{"fixed below MinAddr", 0, 0x1000, rw, anon | abi.MAP_FIXED, nil, 0, abi.EPERM},
		{"offset overflows", 0, 0x2000, rw, abi.MAP_PRIVATE, file, ^uint64(0) &^ pageMask, abi.EOVERFLOW},
		{"shared growsdown", 0, 0x1000, rw, abi.MAP_SHARED | abi.MAP_ANONYMOUS | abi.MAP_GROWSDOWN, nil, 0, abi.EINVAL},
		{"file growsdown", 0, 0x1000, rw, abi.MAP_PRIVATE | abi.MAP_GROWSDOWN, file, 0, abi.EINVAL},
		{"hugetlb", 0, 0x200000, rw, anon | abi.MAP_HUGETLB, nil, 0, abi.ENOMEM},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := NewAddressSpace()
			_, errno := as.Mmap(tc.addr, tc.length, tc.prot, tc.flags, tc.f, tc.off)
			if errno != tc.want {
				t.Errorf("got %v, want %v", errno, tc.want)
			}
			if n := len(as.Regions()); n != 0 {
				t.Errorf("a failed mmap left %d regions", n)
			}
		})
	}
}

func TestMmapAnonymousIgnoresFile(t *testing.T) {
	as := NewAddressSpace()
	f := &memFile{name: "/f", data: []byte("not zero")}
	a := mmap(t, as, 0, 0x1000, rw, anon, f, 0x5000)
	if got := peek(t, as, a); got != 0 {
		t.Errorf("got %d, want 0", got)
	}
	if r := as.Regions()[0]; r.Name != "" || r.Offset != 0 {
		t.Errorf("got name %q offset %#x, want an anonymous region", r.Name, r.Offset)
	}
}

func TestMmapPopulate(t *testing.T) {
	as := NewAddressSpace()
	mmap(t, as, 0, 0x4000, rw, anon|abi.MAP_POPULATE, nil, 0)
	if s := as.Stats(); s.ResidentPages != 4 || s.MinorFaults != 4 {
		t.Errorf("got %+v, want 4 resident pages and 4 faults", s)
	}
}

func TestHugeReservation(t *testing.T) {
	as := NewAddressSpace()
	const size = 64 << 30
	base := mmap(t, as, 0, size, abi.PROT_NONE, anon|abi.MAP_NORESERVE, nil, 0)
	if s := as.Stats(); s.VirtualBytes != size || s.ResidentPages != 0 {
		t.Fatalf("got %+v, want %d virtual bytes and nothing resident", s, size)
	}
	if _, fault := as.Translate(base+size/2, AccessRead); fault != FaultAccErr {
		t.Fatalf("PROT_NONE read: got fault %d, want FaultAccErr", fault)
	}
	mid := base + 32<<30
	if errno := as.Mprotect(mid, 0x10000, rw); errno != 0 {
		t.Fatal(errno)
	}
	poke(t, as, mid+0xffff, 42)
	if got := peek(t, as, mid+0xffff); got != 42 {
		t.Errorf("got %d, want 42", got)
	}
	want := []span{{base, mid, 0}, {mid, mid + 0x10000, rw}, {mid + 0x10000, base + size, 0}}
	if got := spans(as); !sameSpans(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	checkInvariants(t, as)
	if errno := as.Munmap(base, size); errno != 0 {
		t.Fatal(errno)
	}
	if s := as.Stats(); s != (Stats{MinorFaults: 1}) {
		t.Errorf("after munmap got %+v, want only the one fault counted", s)
	}
	checkInvariants(t, as)
}

func TestMunmap(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x5000, rw, anon, nil, 0)
	for i := range uint64(5) {
		poke(t, as, a+i*0x1000, byte(i+1))
	}
	gen := as.Generation()
	if errno := as.Munmap(a+0x1000, 0x2000); errno != 0 {
		t.Fatal(errno)
	}
	want := []span{{a, a + 0x1000, rw}, {a + 0x3000, a + 0x5000, rw}}
	if got := spans(as); !sameSpans(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	if as.Generation() == gen {
		t.Error("munmap did not bump the generation")
	}
	if _, fault := as.Translate(a+0x1000, AccessRead); fault != FaultMapErr {
		t.Errorf("unmapped page: got fault %d, want FaultMapErr", fault)
	}
	if got := peek(t, as, a+0x3000); got != 4 {
		t.Errorf("kept page: got %d, want 4", got)
	}
	if s := as.Stats(); s.ResidentPages != 3 {
		t.Errorf("got %d resident pages, want 3", s.ResidentPages)
	}
	checkInvariants(t, as)

	gen = as.Generation()
	if errno := as.Munmap(a+0x1000, 0x1000); errno != 0 || as.Generation() != gen {
		t.Errorf("munmap of a hole: got %v (generation moved %v), want success without a bump", errno, as.Generation() != gen)
	}
	for _, tc := range []struct {
		name         string
		addr, length uint64
	}{
		{"unaligned", a + 1, 0x1000},
		{"zero length", a, 0},
		{"past MaxAddr", MaxAddr - 0x1000, 0x2000},
		{"wraps", a, ^uint64(0) - 0x100},
	} {
		if errno := as.Munmap(tc.addr, tc.length); errno != abi.EINVAL {
			t.Errorf("%s: got %v, want EINVAL", tc.name, errno)
		}
	}
}

func TestMmapFallsBackBottomUp(t *testing.T) {
	as := NewAddressSpace()
	mmap(t, as, MinAddr, MmapBase-MinAddr, abi.PROT_NONE, anon|abi.MAP_FIXED|abi.MAP_NORESERVE, nil, 0)
	if got := mmap(t, as, 0, 0x1000, rw, anon, nil, 0); got != MmapBase {
		t.Errorf("got %#x, want the lowest gap above TaskSize/3, %#x", got, uint64(MmapBase))
	}
	mmap(t, as, MmapBase, TaskSize-MmapBase, abi.PROT_NONE, anon|abi.MAP_FIXED|abi.MAP_NORESERVE, nil, 0)
	if _, errno := as.Mmap(0, 0x1000, rw, anon, nil, 0); errno != abi.ENOMEM {
		t.Errorf("full address space: got %v, want ENOMEM", errno)
	}
	// A hint beyond TaskSize still finds room.
	if got := mmap(t, as, TaskSize, 0x1000, rw, anon, nil, 0); got != TaskSize {
		t.Errorf("got %#x, want the hint %#x", got, uint64(TaskSize))
	}
}

// failingFile fails every read.
type failingFile struct{}

func (failingFile) ReadAt([]byte, int64) (int, error) { return 0, errors.New("I/O error") }
func (failingFile) Size() int64                       { return 1 << 20 }
func (failingFile) Name() string                      { return "/bad" }

func TestFileReadErrorIsSIGBUS(t *testing.T) {
	as := NewAddressSpace()
	a := mmap(t, as, 0, 0x1000, abi.PROT_READ, abi.MAP_PRIVATE, failingFile{}, 0)
	if _, fault := as.Translate(a, AccessRead); fault != FaultBusErr {
		t.Errorf("got fault %d, want FaultBusErr", fault)
	}
	b := mmap(t, as, 0, 0x1000, abi.PROT_READ, abi.MAP_SHARED, failingFile{}, 0)
	if _, fault := as.Translate(b, AccessRead); fault != FaultBusErr {
		t.Errorf("shared: got fault %d, want FaultBusErr", fault)
	}
	if s := as.Stats(); s.ResidentPages != 0 {
		t.Errorf("got %d resident pages, want 0", s.ResidentPages)
	}
}
