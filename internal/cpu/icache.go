package cpu

import "encoding/binary"

// The decoded-instruction cache. Each host page the hart executes from gets
// a codePage: one Inst slot per 2-byte position, decoded lazily on the
// first execution of that position, so the hot loop never decodes twice.
// Decoding does not depend on the address (pc-relative targets are added at
// run time), so a codePage belongs to the host page and serves every
// virtual address that maps it.
//
// A codePage is dropped when
//   - the hart writes its page (the write TLB never holds a page with a
//     codePage, so every such write reaches writePage, which drops it);
//   - fence.i executes, or the kernel calls FlushICache;
//   - the address space changes (SetMemory, a new Mem.Generation).
//
// A 32-bit instruction that starts in the last two bytes of a page is
// decoded on every execution and never cached, so that a change to the
// next page cannot leave a stale half behind.
//
// Dropped codePages go to a free list and are cleared only when reused, so
// an *Inst that Run holds stays readable until its next fetch.

const (
	slotsPerPage = PageSize / 2
	maxFreePages = 64  // dropped codePages kept for reuse
	maxCodePages = 512 // codePages (16 MiB) a cache holds before it starts over
)

// codePage is the decoded code of one host page; insts[off/2] is the
// instruction at page offset off.
type codePage struct {
	insts [slotsPerPage]Inst
	page  *Page
	jit   *[slotsPerPage]jitSlot // the page's translated blocks (jit.go); nil until one is counted
	// jitWait are the exits of the page's blocks to positions in it that
	// have no block yet, to chain when they get one.
	jitWait []jitLink
}

// icache is the set of codePages of one hart, or of the harts that share
// it (ShareCode), by host page.
type icache struct {
	pages map[*Page]*codePage
	free  []*codePage
	// epoch moves on whenever a codePage is dropped, so that a sharer
	// whose fetch TLB may lead to it forgets that TLB before it runs.
	epoch uint64

	jit       *jitCode // executable memory of the pages' blocks; nil until the first
	jitBuf    []byte   // the translator's scratch buffer
	jitFailed bool     // the host refused executable memory: interpret
}

func newICache() *icache { return &icache{pages: make(map[*Page]*codePage)} }

// get returns the codePage of p, making an empty one if there is none.
func (c *icache) get(p *Page) *codePage {
	if cp := c.pages[p]; cp != nil {
		return cp
	}
	if len(c.pages) >= maxCodePages {
		// A shared cache outlives the programs that filled it; past the
		// cap, start again rather than keep their pages alive.
		c.flush()
	}
	var cp *codePage
	if n := len(c.free); n > 0 {
		cp = c.free[n-1]
		c.free[n-1] = nil
		c.free = c.free[:n-1]
		cp.insts = [slotsPerPage]Inst{}
		if cp.jit != nil {
			*cp.jit = [slotsPerPage]jitSlot{}
		}
		cp.jitWait = cp.jitWait[:0]
	} else {
		cp = new(codePage)
	}
	cp.page = p
	c.pages[p] = cp
	return cp
}

// release moves cp to the free list.
func (c *icache) release(cp *codePage) {
	if len(c.free) < maxFreePages {
		c.free = append(c.free, cp)
	}
}

// flush drops every codePage.
func (c *icache) flush() {
	for p, cp := range c.pages {
		delete(c.pages, p)
		c.release(cp)
	}
	c.epoch++
}

// dropCode drops one codePage and the fetch TLB entries that lead to it.
func (h *Hart) dropCode(cp *codePage) {
	for i := range h.tlb.x {
		if h.tlb.x[i].code == cp {
			h.tlb.x[i] = execEntry{vpn: noVPN}
		}
	}
	h.tlb.flushJumps()
	delete(h.icache.pages, cp.page)
	h.icache.release(cp)
	h.icache.epoch++
	h.codeEpoch = h.icache.epoch
	h.dropped = true
}

// codeAt returns the codePage for the instruction at pc, through the fetch
// TLB. Making a new codePage removes its page from the write TLB (see the
// invariants in tlb.go). On a fault it records it in h.fault and returns
// nil.
func (h *Hart) codeAt(pc uint64) *codePage {
	vpn := pc >> pageShift
	e := &h.tlb.x[vpn&execMask]
	if e.vpn == vpn {
		return e.code
	}
	p, f := h.Mem.Translate(pc, AccessExec)
	if p == nil {
		h.faultAt(pc, AccessExec, faultKind(f))
		return nil
	}
	cp := h.icache.pages[p]
	if cp == nil {
		epoch := h.icache.epoch
		cp = h.icache.get(p)
		if h.icache.epoch != epoch {
			// get started the cache over: forget every fetch translation
			// but the one being made.
			h.tlb.flushExec()
			h.codeEpoch = h.icache.epoch
			h.dropped = true
		}
		for i := range h.tlb.w {
			if h.tlb.w[i].page == p {
				h.tlb.w[i] = tlbEntry{vpn: noVPN}
			}
		}
	}
	*e = execEntry{vpn, cp}
	return cp
}

// decodeAt decodes the instruction at pc, which lies in cp, into its slot
// and returns the slot; a 32-bit instruction that crosses the page end is
// decoded into h.straddle instead. On a fetch fault in the next page it
// records it in h.fault and returns nil.
func (h *Hart) decodeAt(cp *codePage, pc uint64) *Inst {
	off := pc & pageMask
	lo := binary.LittleEndian.Uint16(cp.page[off:])
	slot := &cp.insts[off>>1]
	switch {
	case lo&3 != 3:
		*slot = decodeCompressed(lo)
	case off <= PageSize-4:
		*slot = decode32(binary.LittleEndian.Uint32(cp.page[off:]))
	default:
		next := h.codeAt(pc + 2)
		if next == nil {
			return nil
		}
		hi := binary.LittleEndian.Uint16(next.page[:])
		h.straddle = decode32(uint32(lo) | uint32(hi)<<16)
		return &h.straddle
	}
	return slot
}
