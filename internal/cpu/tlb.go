package cpu

import "encoding/binary"

// The software TLB: three direct-mapped arrays, for reads, writes and
// instruction fetch, from virtual page number to the host page behind it.
// A hit costs an index, a compare and a load; a miss asks Mem.Translate
// and fills the entry. Run flushes everything when Mem.Generation changes.
//
// The read and write arrays are large (2 MiB of pages each) and flushing
// them must stay cheap, so their entries are tagged: an entry holds its
// page number plus the tag current when it was filled, and a flush moves
// the tag on, leaving every entry behind at once. Only when the tag wraps
// are the arrays cleared.
//
// Invariants:
//   - a write entry is also a read entry: filling a write entry overwrites
//     the read entry of its page, so that after a copy-on-write break both
//     see the private copy;
//   - no write entry holds a page that has decoded code (icache.go): writes
//     to code pages always take the slow path, which drops the decoding.

const (
	pageShift = 12
	pageMask  = PageSize - 1
	tlbSize   = 512 // entries of the read and write arrays; a power of two
	tlbMask   = tlbSize - 1
	execSize  = 128 // entries of the fetch array; a power of two
	execMask  = execSize - 1
	noVPN     = ^uint64(0) // tag of an empty entry: no address has this page number
	tagStep   = 1 << 40    // the flush tag's unit: above every page number of a 52-bit address
)

// tlbEntry maps one virtual page number to its host page.
type tlbEntry struct {
	vpn  uint64
	page *Page
}

// execEntry maps one virtual page number to the decoded code of its host
// page (whose page field is the host page).
type execEntry struct {
	vpn  uint64
	code *codePage
}

// jumpEntry maps a guest pc to the host address of the translated block
// that starts there (jit.go).
type jumpEntry struct {
	pc   uint64
	code uintptr
}

// jumpSize is the number of jump cache entries; a power of two.
const jumpSize = 256

// jumpIndex returns the jump cache index of pc: the bits of its page
// offset mixed with those of its page number, so that the same offset in
// two pages (a call and the function it calls, say) rarely collide. The
// translated code computes the same (jumpVia).
func jumpIndex(pc uint64) uint64 { return (pc>>1 ^ pc>>pageShift) & (jumpSize - 1) }

// tlb is the hart's software TLB.
type tlb struct {
	r [tlbSize]tlbEntry
	w [tlbSize]tlbEntry
	// tag is added to the page number of every read and write entry
	// filled now; a flush moves it on.
	tag uint64
	x   [execSize]execEntry
	// j is the jump cache: where translated code that leaves for a pc
	// not fixed in its page finds the block there, indexed by pc>>1. It
	// is a cache of fetch translations and goes with them.
	j [jumpSize]jumpEntry

	// owner is what the TLB of a released hart is valid for (Release);
	// zero while a hart uses it.
	owner tlbOwner
}

// tlbOwner names the memory, generation and code epoch a TLB's
// translations are valid for.
type tlbOwner struct {
	mem       Memory
	gen       uint64
	codeEpoch uint64
}

// flush empties all three arrays.
func (t *tlb) flush() {
	if t.tag += tagStep; t.tag == 0 {
		// The tag wrapped: an entry from its last time round could match.
		for i := range t.r {
			t.r[i] = tlbEntry{vpn: noVPN}
			t.w[i] = tlbEntry{vpn: noVPN}
		}
		t.tag = tagStep
	}
	t.flushExec()
}

// flushExec empties the fetch array and the jump cache.
func (t *tlb) flushExec() {
	for i := range t.x {
		t.x[i] = execEntry{vpn: noVPN}
	}
	t.flushJumps()
}

// flushJumps empties the jump cache.
func (t *tlb) flushJumps() {
	for i := range t.j {
		t.j[i] = jumpEntry{pc: noVPN}
	}
}

// rpage returns the host page for a read of size bytes at a when the read
// TLB holds it and the read does not cross the page end; nil otherwise.
func (h *Hart) rpage(a, size uint64) *Page {
	e := &h.tlb.r[a>>pageShift&tlbMask]
	if e.vpn != a>>pageShift+h.tlb.tag || a&pageMask > PageSize-size {
		return nil
	}
	return e.page
}

// wpage is rpage for writes.
func (h *Hart) wpage(a, size uint64) *Page {
	e := &h.tlb.w[a>>pageShift&tlbMask]
	if e.vpn != a>>pageShift+h.tlb.tag || a&pageMask > PageSize-size {
		return nil
	}
	return e.page
}

// faultAt records a memory fault for Run to return and returns nil.
func (h *Hart) faultAt(a uint64, access, fault int) *Page {
	h.fault = Exit{Reason: ExitFault, Addr: a, Fault: fault, Access: access}
	return nil
}

// readPage returns the host page for reading at a, filling the read TLB on
// a miss. On a fault it records it in h.fault and returns nil.
func (h *Hart) readPage(a uint64) *Page {
	vpn := a >> pageShift
	e := &h.tlb.r[vpn&tlbMask]
	if e.vpn == vpn+h.tlb.tag {
		return e.page
	}
	p, f := h.Mem.Translate(a, AccessRead)
	if p == nil {
		return h.faultAt(a, AccessRead, faultKind(f))
	}
	if vpn < tagStep { // else its number would reach into the tag
		*e = tlbEntry{vpn + h.tlb.tag, p}
	}
	return p
}

// writePage returns the host page for writing at a, filling the write TLB
// on a miss. Filling drops the decoded code of the page (the write may
// change it) and of the page the address held before (a copy-on-write
// break replaces it). On a fault it records it in h.fault and returns nil.
func (h *Hart) writePage(a uint64) *Page {
	vpn := a >> pageShift
	i := vpn & tlbMask
	if e := &h.tlb.w[i]; e.vpn == vpn+h.tlb.tag {
		return e.page
	}
	p, f := h.Mem.Translate(a, AccessWrite)
	if p == nil {
		return h.faultAt(a, AccessWrite, faultKind(f))
	}
	if x := &h.tlb.x[vpn&execMask]; x.vpn == vpn && x.code.page != p {
		h.dropCode(x.code)
	}
	if cp := h.icache.pages[p]; cp != nil {
		h.dropCode(cp)
	}
	if vpn < tagStep { // else its number would reach into the tag
		h.tlb.w[i] = tlbEntry{vpn + h.tlb.tag, p}
		h.tlb.r[i] = tlbEntry{vpn + h.tlb.tag, p}
	}
	return p
}

// faultKind maps a fault that Translate reported with a nil page, which
// should not be FaultNone, to a fault kind.
func faultKind(f int) int {
	if f == FaultNone {
		return FaultMapErr
	}
	return f
}

// loadSlow reads size (1, 2, 4 or 8) bytes, little-endian, at a when rpage
// missed: it fills the TLB, and reads an access that crosses a page end
// byte by byte, faulting at the first byte that cannot be read. ok is false
// after a fault, recorded in h.fault.
func (h *Hart) loadSlow(a, size uint64) (v uint64, ok bool) {
	if a&pageMask <= PageSize-size {
		p := h.readPage(a)
		if p == nil {
			return 0, false
		}
		return leGet(p[a&pageMask:], size), true
	}
	for i := uint64(0); i < size; i++ {
		p := h.readPage(a + i)
		if p == nil {
			return 0, false
		}
		v |= uint64(p[(a+i)&pageMask]) << (8 * i)
	}
	return v, true
}

// storeSlow writes the low size bytes of v, little-endian, at a when wpage
// missed. An access that crosses a page end translates both pages before
// writing either, so that a fault leaves memory unchanged. It returns false
// after a fault, recorded in h.fault.
func (h *Hart) storeSlow(a, size, v uint64) bool {
	if a&pageMask <= PageSize-size {
		p := h.writePage(a)
		if p == nil {
			return false
		}
		lePut(p[a&pageMask:], size, v)
		return true
	}
	first := h.writePage(a)
	if first == nil {
		return false
	}
	second := h.writePage(a + size - 1)
	if second == nil {
		// Report the first byte of the access that lies in the bad page.
		h.fault.Addr = (a + size - 1) &^ pageMask
		return false
	}
	for i := uint64(0); i < size; i++ {
		p := first
		if (a+i)&^pageMask != a&^pageMask {
			p = second
		}
		p[(a+i)&pageMask] = byte(v >> (8 * i))
	}
	return true
}

// leGet reads a size-byte little-endian value from the start of b.
func leGet(b []byte, size uint64) uint64 {
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

// lePut writes the low size bytes of v, little-endian, to the start of b.
func lePut(b []byte, size, v uint64) {
	switch size {
	case 1:
		b[0] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		binary.LittleEndian.PutUint64(b, v)
	}
}
