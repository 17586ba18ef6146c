package cpu

import (
	"fmt"
	"io"
	"sync"
)

// Translation of hot code. Where the host has a translator (amd64:
// jit_amd64.go), a position the hart reaches jitHot times by a jump is
// translated into host machine code: a block of up to maxBlock
// instructions that ends after the first jump or branch, before the first
// instruction the translator does not handle, or at the end of its page.
// Run then executes the block in one call when the budget can pay for all
// of it, so a budget still stops the hart at exactly the instruction it
// would stop at interpreting, and Instret stays exact.
//
// Blocks belong to the codePage of their host page, slot by slot, and go
// with it: everything that drops decoded code (a store to the page, fence.i,
// a new generation of the code) drops its blocks too, and their machine
// code is garbage in the icache's executable memory until that fills and
// the icache starts over. Since decoding and translation depend on the page
// alone, a block serves every virtual address the page is mapped at: the
// code computes guest addresses from the pc it is entered with.

// The translated code's exit codes (jitEnter's result).
const (
	jitNext = 0 // go on at h.jitPC
	jitSlow = 1 // execute the instruction at h.jitPC in Go, then go on
)

// PerfMap, when not nil, gets a line "ADDR SIZE NAME" for every block
// translated, as Linux's perf reads from /tmp/perf-PID.map, so that a
// profile of vessel names the guest code its translated code runs
// (VESSEL_PERFMAP=1 makes the command line write it).
var PerfMap io.Writer

var perfMapMu sync.Mutex

// jitHot is how many times a block head is reached before it is translated.
const jitHot = 16

// noBlock in jitSlot.hits marks a position that cannot start a block.
const noBlock = ^uint16(0)

// jitSlot is the translation state of one instruction position.
type jitSlot struct {
	off  uint32 // 1 + the offset of the block's code in the icache's jitCode; 0 while there is none
	n    uint16 // instructions in the block
	hits uint16 // times reached while untranslated, up to jitHot; noBlock
}

// jitOn reports whether Run translates for this hart.
func (h *Hart) jitOn() bool { return jitSupported && !h.Interpret && !h.icache.jitFailed }

// runBlocks runs translated blocks from pc, with n instructions retired so
// far, for as long as there is one at pc and the budget pays for it, and
// returns the pc and count it stopped at. step says that pc cannot start a
// block: the interpreter should run that one instruction and come back,
// not run on to the next jump (a long run of straight code would be
// interpreted every time because of one instruction, one that crosses a
// page end, say). When an instruction a block left to Go traps, it
// returns that exit too.
func (h *Hart) runBlocks(pc, n, budget uint64) (_, _ uint64, step bool, _ *Exit) {
	for n < budget {
		vpn := pc >> pageShift
		e := &h.tlb.x[vpn&execMask]
		if e.vpn != vpn {
			return pc, n, false, nil // fast fills the fetch TLB
		}
		cp := e.code
		if cp.jit == nil {
			cp.jit = new([slotsPerPage]jitSlot)
		}
		s := &cp.jit[pc>>1&(slotsPerPage-1)]
		if s.off == 0 {
			if s.hits == noBlock {
				return pc, n, true, nil
			}
			if s.hits++; s.hits < jitHot || !h.translateAt(cp, pc, s) {
				return pc, n, s.hits == noBlock, nil
			}
		}
		if budget-n < uint64(s.n) {
			return pc, n, false, nil
		}
		h.tlb.j[jumpIndex(pc)] = jumpEntry{pc, h.icache.jit.addr(s.off - 1)}
		r, ran := h.icache.jit.run(s.off-1, h, pc, budget-n)
		pc, n = h.jitPC, n+ran
		if r == jitSlow {
			// The block that left may be one chained to in another page.
			cp := h.codeAt(pc)
			if cp == nil {
				return pc, n, false, nil // fast reports the fault
			}
			in := &cp.insts[pc>>1&(slotsPerPage-1)]
			if in.Op == opDecode {
				return pc, n, false, nil
			}
			next, ex, trap := h.slowStep(in, pc, n)
			if trap {
				return next, n, false, &ex
			}
			h.X[0] = 0
			pc, n = next, n+1
		}
	}
	return pc, n, false, nil
}

// translateAt translates the block at pc, in cp, into s. It reports false
// when there is none: the position cannot start a block (marked so), or
// the executable memory was full and the icache started over (cp is gone).
func (h *Hart) translateAt(cp *codePage, pc uint64, s *jitSlot) bool {
	c := h.icache
	if c.jit == nil {
		if c.jit = newJITCode(); c.jit == nil {
			c.jitFailed = true
			return false
		}
	}
	code, n, links := h.translate(cp, pc, c.jitBuf)
	c.jitBuf = code[:0]
	if n == 0 {
		s.hits = noBlock
		return false
	}
	jc := c.jit
	if jc.used+len(code) > len(jc.mem) {
		jc.used = 0
		jc.restarts++
		h.FlushICache()
		return false
	}
	off := uint32(jc.used)
	copy(jc.mem[off:], code)
	if PerfMap != nil {
		perfMapMu.Lock()
		fmt.Fprintf(PerfMap, "%x %x riscv64:%#x+%d\n", jc.addr(off), len(code), pc, n)
		perfMapMu.Unlock()
	}
	jc.used = (int(off) + len(code) + 15) &^ 15
	s.off, s.n = off+1, uint16(n)
	// Chain: the new block's exits to blocks of the page, and the page's
	// waiting exits to the new block.
	for _, l := range links {
		l.pos += off
		if t := &cp.jit[l.slot]; t.off != 0 {
			patchRel32(jc.mem, l.pos, t.off-1)
		} else {
			cp.jitWait = append(cp.jitWait, l)
		}
	}
	slot := uint16(pc >> 1 & (slotsPerPage - 1))
	wait := cp.jitWait[:0]
	for _, l := range cp.jitWait {
		if l.slot == slot {
			patchRel32(jc.mem, l.pos, off)
		} else {
			wait = append(wait, l)
		}
	}
	cp.jitWait = wait
	return true
}

// patchRel32 points the jmp rel32 whose displacement is at pos in code to
// target.
func patchRel32(code []byte, pos, target uint32) {
	rel := target - (pos + 4)
	code[pos], code[pos+1], code[pos+2], code[pos+3] = byte(rel), byte(rel>>8), byte(rel>>16), byte(rel>>24)
}
