package cpu

import (
	"encoding/binary"
	"testing"
)

// testMem is a Memory for tests: a map of pages with per-page protections.
type testMem struct {
	pages map[uint64]*Page // by page number
	prot  map[uint64]int   // Access* bits, by page number
	cow   map[uint64]bool  // pages shared copy-on-write, by page number
	gen   uint64
	calls int // Translate calls, to see TLB misses
}

func newTestMem() *testMem {
	return &testMem{pages: map[uint64]*Page{}, prot: map[uint64]int{}, cow: map[uint64]bool{}}
}

// Translate implements Memory.
func (m *testMem) Translate(addr uint64, access int) (*Page, int) {
	m.calls++
	vpn := addr >> pageShift
	p := m.pages[vpn]
	if p == nil {
		return nil, FaultMapErr
	}
	if m.prot[vpn]&access == 0 {
		return nil, FaultAccErr
	}
	if access == AccessWrite && m.cow[vpn] {
		// Break the sharing: the writer gets a private copy.
		c := *p
		p = &c
		m.pages[vpn] = p
		delete(m.cow, vpn)
	}
	return p, FaultNone
}

// Generation implements Memory.
func (m *testMem) Generation() uint64 { return m.gen }

// mapPages maps [addr, addr+size) with prot, zero-filled.
func (m *testMem) mapPages(addr, size uint64, prot int) {
	for a := addr &^ pageMask; a < addr+size; a += PageSize {
		if m.pages[a>>pageShift] == nil {
			m.pages[a>>pageShift] = new(Page)
		}
		m.prot[a>>pageShift] = prot
	}
}

// poke writes b at addr regardless of protections.
func (m *testMem) poke(addr uint64, b []byte) {
	for i, c := range b {
		a := addr + uint64(i)
		m.pages[a>>pageShift][a&pageMask] = c
	}
}

// peek reads n bytes at addr regardless of protections.
func (m *testMem) peek(addr uint64, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		a := addr + uint64(i)
		b[i] = m.pages[a>>pageShift][a&pageMask]
	}
	return b
}

func (m *testMem) peek64(addr uint64) uint64 { return binary.LittleEndian.Uint64(m.peek(addr, 8)) }
func (m *testMem) peek32(addr uint64) uint32 { return binary.LittleEndian.Uint32(m.peek(addr, 4)) }

func (m *testMem) poke64(addr, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	m.poke(addr, b[:])
}

// Test address space layout.
const (
	codeBase = 0x10000 // 4 pages, read+exec
	dataBase = 0x20000 // 4 pages, read+write
	codeSize = 4 * PageSize
	dataSize = 4 * PageSize
)

// prog assembles machine code: 32-bit words and 16-bit compressed ones.
type prog []byte

func (p *prog) w(words ...uint32) *prog {
	for _, w := range words {
		*p = binary.LittleEndian.AppendUint32(*p, w)
	}
	return p
}

func (p *prog) c(halves ...uint16) *prog {
	for _, c := range halves {
		*p = binary.LittleEndian.AppendUint16(*p, c)
	}
	return p
}

// newTestHart returns a hart whose memory has code at codeBase (read+exec)
// and zeroed data at dataBase (read+write), with PC at codeBase.
func newTestHart(t *testing.T, code []byte) (*Hart, *testMem) {
	t.Helper()
	m := newTestMem()
	m.mapPages(codeBase, codeSize, AccessRead|AccessExec)
	m.mapPages(dataBase, dataSize, AccessRead|AccessWrite)
	m.poke(codeBase, code)
	h := New(m)
	h.PC = codeBase
	return h, m
}

// runToEcall runs h until it traps and fails unless the trap is an ecall.
func runToEcall(t *testing.T, h *Hart) {
	t.Helper()
	e := h.Run(100000)
	if e.Reason != ExitEcall {
		t.Fatalf("Run: got exit %+v at pc %#x, want ExitEcall", e, h.PC)
	}
}
