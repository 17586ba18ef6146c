package mm

import (
	"bytes"
	"io"
	"testing"

	"vessel/internal/abi"
)

// memoryFile is a MemoryFile: a file whose data is a Memory, as a tmpfs
// file is, open for writing or not.
type memoryFile struct {
	m        *Memory
	readOnly bool
}

func (f *memoryFile) Memory() *Memory { return f.m }
func (f *memoryFile) Size() int64     { return f.m.Size() }
func (f *memoryFile) Name() string    { return "/memory" }
func (f *memoryFile) Writable() bool  { return !f.readOnly }
func (f *memoryFile) ReadAt(p []byte, off int64) (int, error) {
	panic("mm read a MemoryFile through ReadAt")
}

// memoryOf returns a Memory holding data.
func memoryOf(data []byte) *Memory {
	m := NewMemory()
	m.WriteAt(data, 0)
	return m
}

// readMemory reads n bytes of m at off.
func readMemory(m *Memory, off int64, n int) []byte {
	b := make([]byte, n)
	return b[:m.ReadAt(b, off)]
}

func TestMemoryReadWrite(t *testing.T) {
	m := NewMemory()
	m.WriteAt([]byte("hello"), 2*pageSize-2) // across a page boundary
	if got, want := m.Size(), int64(2*pageSize+3); got != want {
		t.Errorf("Size() = %d, want %d", got, want)
	}
	if got := m.Resident(); got != 2 {
		t.Errorf("Resident() = %d, want 2: the pages written, and no hole", got)
	}
	tests := []struct {
		name string
		off  int64
		n    int
		want []byte
	}{
		{"a hole reads zero", 10, 4, []byte{0, 0, 0, 0}},
		{"across the page boundary", 2*pageSize - 2, 5, []byte("hello")},
		{"stops at the end", 2*pageSize + 1, 10, []byte("lo")},
		{"past the end", 3 * pageSize, 4, []byte{}},
		{"negative", -1, 4, []byte{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := readMemory(m, tc.off, tc.n); !bytes.Equal(got, tc.want) {
				t.Errorf("ReadAt(%d, %d) = %q, want %q", tc.off, tc.n, got, tc.want)
			}
		})
	}
}

func TestMemoryTruncate(t *testing.T) {
	m := memoryOf(bytes.Repeat([]byte{7}, 3*pageSize))
	m.Truncate(pageSize + 10)
	if got := m.Resident(); got != 2 {
		t.Errorf("Resident() = %d after truncating to 1 page and 10 bytes, want 2", got)
	}
	m.Truncate(3 * pageSize)
	if got := readMemory(m, pageSize+8, 4); !bytes.Equal(got, []byte{7, 7, 0, 0}) {
		t.Errorf("the cut page reads %v, want its 10 bytes kept and the rest zero", got)
	}
	if got := readMemory(m, 2*pageSize, 4); !bytes.Equal(got, []byte{0, 0, 0, 0}) {
		t.Errorf("a page cut off and grown again reads %v, want zero", got)
	}
	m.Truncate(0)
	if m.Size() != 0 || m.Resident() != 0 {
		t.Errorf("after Truncate(0): size %d, %d pages, want none", m.Size(), m.Resident())
	}
}

// TestMemoryMappings checks that a Memory's file and its mappings see one
// another at once, as a tmpfs file's mappings and read(2) and write(2) do.
func TestMemoryMappings(t *testing.T) {
	m := memoryOf(bytes.Repeat([]byte{1}, 2*pageSize))
	f := &memoryFile{m: m}
	as, bs := NewAddressSpace(), NewAddressSpace()
	a := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_SHARED, f, 0)
	b := mmap(t, bs, 0x7000_0000, 2*pageSize, rw, abi.MAP_SHARED, f, 0)
	p := mmap(t, bs, 0, 2*pageSize, rw, abi.MAP_PRIVATE, f, 0)
	poke(t, bs, p+pageSize, 0x11) // the private mapping's own copy of page 1

	poke(t, as, a+5, 0xaa)
	if got := peek(t, bs, b+5); got != 0xaa {
		t.Errorf("another space's shared mapping got %#x, want 0xaa", got)
	}
	if got := readMemory(m, 5, 1); got[0] != 0xaa {
		t.Errorf("the file reads %#x, want the mapping's write 0xaa", got[0])
	}
	m.WriteAt([]byte{0xbb}, 6)
	m.WriteAt([]byte{0xcc}, pageSize+6)
	if got := peek(t, as, a+6); got != 0xbb {
		t.Errorf("a shared mapping got %#x after the file's write, want 0xbb", got)
	}
	if got := peek(t, bs, p+6); got != 0xbb {
		t.Errorf("a private mapping got %#x on a page it has not copied, want the file's 0xbb", got)
	}
	for _, x := range []struct {
		as   *AddressSpace
		addr uint64
	}{{as, a}, {bs, b}} {
		if got := peek(t, x.as, x.addr+pageSize+6); got != 0xcc {
			t.Errorf("a shared mapping got %#x on page 1 after the file's write, want 0xcc", got)
		}
	}
	if got := peek(t, bs, p+pageSize+6); got != 1 {
		t.Errorf("a private copy got %#x, want its own copy's 1", got)
	}
	ka, offa, _ := as.SharedKey(a + pageSize + 8)
	kb, offb, _ := bs.SharedKey(b + pageSize + 8)
	if ka != kb || offa != offb || offa != pageSize+8 {
		t.Errorf("futex keys (%p, %#x) and (%p, %#x) differ, want one at offset %#x", ka, offa, kb, offb, pageSize+8)
	}

	// A truncate zeroes the mapped page it cuts off; a page past the end
	// that nobody mapped faults SIGBUS.
	m.Truncate(pageSize)
	if got := peek(t, as, a+pageSize+6); got != 0 {
		t.Errorf("a page cut off reads %#x through its mapping, want 0", got)
	}
	if _, fault := bs.Translate(b+pageSize, AccessRead); fault != FaultNone {
		t.Errorf("a page mapped before the truncate faults %d, want it kept", fault)
	}
	cs := NewAddressSpace()
	c := mmap(t, cs, 0, 2*pageSize, rw, abi.MAP_SHARED, f, 0)
	if _, fault := cs.Translate(c+pageSize, AccessRead); fault != FaultBusErr {
		t.Errorf("a page past the end faults %d, want FaultBusErr", fault)
	}
	// When the file grows again, the mapped page is the file's page still.
	m.Truncate(2 * pageSize)
	m.WriteAt([]byte{0xdd}, pageSize+7)
	if got := peek(t, as, a+pageSize+7); got != 0xdd {
		t.Errorf("a page mapped across a truncate got %#x after the file grew and was written, want 0xdd", got)
	}
	if got := peek(t, cs, c+pageSize+7); got != 0xdd {
		t.Errorf("a new mapping got %#x, want 0xdd", got)
	}
	checkShares(t, as, bs, cs)
	for _, s := range []*AddressSpace{as, bs, cs} {
		s.Release()
	}
	if got := readMemory(m, 5, 2); !bytes.Equal(got, []byte{0xaa, 0xbb}) {
		t.Errorf("after the last mapping went the file reads %v, want [0xaa 0xbb]: a Memory keeps its data", got)
	}
}

// TestMemoryWriters checks the count of shared mappings that may write a
// Memory, which F_SEAL_WRITE needs at zero.
func TestMemoryWriters(t *testing.T) {
	m := memoryOf(make([]byte, 2*pageSize))
	f, ro := &memoryFile{m: m}, &memoryFile{m: m, readOnly: true}
	as := NewAddressSpace()
	a := mmap(t, as, 0, 2*pageSize, abi.PROT_READ, abi.MAP_SHARED, f, 0)
	mmap(t, as, 0, pageSize, rw, abi.MAP_PRIVATE, f, 0)
	mmap(t, as, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, ro, 0)
	if got := m.writers.Load(); got != 1 {
		t.Errorf("writers = %d, want 1: a read-only shared mapping of a writable file counts (VM_MAYWRITE), others do not", got)
	}
	if errno := as.Mprotect(a, pageSize, rw); errno != 0 { // splits it in two
		t.Fatalf("Mprotect: %v", errno)
	}
	c := as.Fork()
	if got := m.writers.Load(); got != 4 {
		t.Errorf("writers = %d after a split and a fork, want 4", got)
	}
	if m.DenyWriters() {
		t.Fatal("DenyWriters succeeded while shared mappings may write")
	}
	c.Release()
	as.Munmap(a, 2*pageSize)
	if got := m.writers.Load(); got != 0 {
		t.Fatalf("writers = %d after the mappings went, want 0", got)
	}
	if !m.DenyWriters() {
		t.Fatal("DenyWriters failed with no writer")
	}
	if _, errno := as.Mmap(0, pageSize, rw, abi.MAP_SHARED, f, 0); errno != abi.EPERM {
		t.Errorf("a shared writable mapping after DenyWriters: %v, want EPERM", errno)
	}
	if _, errno := as.Mmap(0, pageSize, abi.PROT_READ, abi.MAP_SHARED, f, 0); errno != abi.EPERM {
		t.Errorf("a shared read-only mapping of a writable file after DenyWriters: %v, want EPERM (it may write later)", errno)
	}
	if _, errno := as.Mmap(0, pageSize, rw, abi.MAP_PRIVATE, f, 0); errno != 0 {
		t.Errorf("a private writable mapping after DenyWriters: %v, want success", errno)
	}
	as.Release()
}

// TestSharedMappingMayWrite checks VM_MAYWRITE: a shared mapping of a file
// not open for writing is never writable, by mmap or mprotect.
func TestSharedMappingMayWrite(t *testing.T) {
	ro := &memoryFile{m: memoryOf(make([]byte, pageSize)), readOnly: true}
	as := NewAddressSpace()
	defer as.Release()
	if _, errno := as.Mmap(0, pageSize, rw, abi.MAP_SHARED, ro, 0); errno != abi.EACCES {
		t.Errorf("Mmap shared writable: %v, want EACCES", errno)
	}
	a := mmap(t, as, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, ro, 0)
	if errno := as.Mprotect(a, pageSize, rw); errno != abi.EACCES {
		t.Errorf("Mprotect writable: %v, want EACCES", errno)
	}
	p := mmap(t, as, 0, pageSize, abi.PROT_READ, abi.MAP_PRIVATE, ro, 0)
	if errno := as.Mprotect(p, pageSize, rw); errno != 0 {
		t.Errorf("Mprotect of a private mapping writable: %v, want success", errno)
	}
	anonShared := mmap(t, as, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
	if errno := as.Mprotect(anonShared, pageSize, rw); errno != 0 {
		t.Errorf("Mprotect of shared anonymous memory writable: %v, want success", errno)
	}
}

// TestMemoryHolePunch checks MADV_REMOVE on a shared mapping of a Memory:
// the pages read zero for every mapper and the file.
func TestMemoryHolePunch(t *testing.T) {
	m := memoryOf(bytes.Repeat([]byte{9}, 2*pageSize))
	as := NewAddressSpace()
	defer as.Release()
	a := mmap(t, as, 0, 2*pageSize, rw, abi.MAP_SHARED, &memoryFile{m: m}, 0)
	if errno := as.Madvise(a, pageSize, abi.MADV_REMOVE); errno != 0 {
		t.Fatalf("MADV_REMOVE: %v", errno)
	}
	if got := readMemory(m, 0, 1)[0]; got != 0 {
		t.Errorf("the file reads %d in the hole, want 0", got)
	}
	if got := readMemory(m, pageSize, 1)[0]; got != 9 {
		t.Errorf("the file reads %d past the hole, want 9", got)
	}
}

var _ io.ReaderAt = (*memoryFile)(nil)
