package cpu

import "encoding/binary"

// Run executes instructions until budget of them have retired (ExitBudget)
// or one traps: ecall (ExitEcall), ebreak or c.ebreak (ExitEbreak), an
// illegal instruction (ExitIllegal, with Inst), or a memory access or fetch
// that Mem refuses or a misaligned atomic (ExitFault, with Addr, Access and
// Fault). On a trap PC is the address of the trapping instruction, which
// has not retired (for a fetch fault, of the instruction that could not be
// fetched: the jump to it has retired); after handling an ecall the kernel
// sets PC += 4. Instret grows by the number of instructions retired. A
// budget of 0 returns ExitBudget at once.
//
// Run is two loops. The inner one, fast, runs the instructions that need
// no call: the integer ones, and loads and stores that hit the TLB. It
// keeps the decoded page of pc in hand and looks a page up only when pc
// leaves it, so each instruction costs a slot load and one switch. It
// calls nothing, so the Go compiler keeps its state in registers; a loop
// that also made the calls of the slow paths would spill and reload pc,
// the count and the current page around every instruction. Whatever fast
// cannot do it hands back to the outer loop, here: a page missing from
// the fetch TLB, a slot not yet decoded, a TLB miss, and the instructions
// with calls of their own (floating point, atomics, CSRs, ecall), which
// slowStep executes one at a time.
//
// Where the host has a translator (jit.go), Run first runs translated
// blocks for as long as there are some at pc (runBlocks), and fast, in
// block mode, hands back after every jump or branch so that Run can look
// for one there.
//
// Run first compares Mem.Generation with the generation it last saw and
// flushes the TLB and the decoded-instruction cache if it changed.
func (h *Hart) Run(budget uint64) Exit {
	if g := h.Mem.Generation(); g != h.gen {
		h.gen = g
		h.FlushTLB()
		if cm, ok := h.Mem.(CodeMemory); !ok {
			h.FlushICache()
		} else if c := cm.CodeGeneration(); c != h.codeGen {
			h.codeGen = c
			h.FlushICache()
		}
	}
	if h.codeEpoch != h.icache.epoch {
		// Another sharer dropped code this hart's fetch TLB may lead to.
		h.tlb.flushExec()
		h.codeEpoch = h.icache.epoch
	}
	pc := h.PC
	if pc&1 != 0 {
		// Linux sends SIGBUS (BUS_ADRALN) for a misaligned fetch.
		return Exit{Reason: ExitFault, Addr: pc, Fault: FaultAdrAln, Access: AccessExec}
	}
	var n uint64      // instructions retired in this call
	var first *Inst   // an instruction decoded here for fast to run first
	h.dropped = false // fast looks its page up afresh every time anyway
	jit := h.jitOn()
	step := false // interpret one instruction only (runBlocks)
	for {
		if jit && first == nil {
			var e *Exit
			if pc, n, step, e = h.runBlocks(pc, n, budget); e != nil {
				return h.stop(pc, n, *e)
			}
		}
		limit := budget
		if step {
			limit = n + 1
		}
		var in *Inst
		var why int
		pc, n, in, why = h.fast(pc, n, limit, first, jit)
		first = nil
		switch why {
		case whyBudget:
			if n < budget {
				continue // the one step is done
			}
			return h.stop(pc, n, Exit{Reason: ExitBudget})
		case whyBlock:
			continue
		case whyFetch:
			if h.codeAt(pc) == nil {
				return h.stop(pc, n, h.fault)
			}
			continue
		}
		if in.Op == opDecode {
			// The page is in the fetch TLB: fast found the slot there.
			d := h.decodeAt(h.codeAt(pc), pc)
			if d == nil {
				return h.stop(pc, n, h.fault)
			}
			if d == &h.straddle {
				first = d // never cached in its slot: run it now
			}
			continue
		}
		next, e, trap := h.slowStep(in, pc, n)
		if trap {
			return h.stop(next, n, e)
		}
		h.X[0] = 0
		pc, n = next, n+1
		if n >= budget {
			return h.stop(pc, n, Exit{Reason: ExitBudget})
		}
	}
}

// Why fast returned.
const (
	whyBudget = iota // the budget is spent
	whyFetch         // pc's page is not in the fetch TLB: codeAt, then go on
	whySlow          // in needs the outer loop: a slot to decode, or slowStep
	whyBlock         // a jump or branch retired in block mode: look for a block
)

// fast runs instructions from pc, counting them on from n, until budget
// have retired or one needs the outer loop (see Run), and returns the pc
// and count it stopped at, with the instruction there and why. first, if
// not nil, is the instruction at pc, to run before fetching any. In block
// mode (bb) it also returns after each jump or branch, where a translated
// block may start (jit.go).
func (h *Hart) fast(pc, n, budget uint64, first *Inst, bb bool) (uint64, uint64, *Inst, int) {
	x := &h.X
	// The codePage of the page holding pc, and that page's number; noVPN
	// forces a lookup.
	var cp *codePage
	cpVPN := noVPN
	in := first
	if in != nil {
		goto dispatch
	}
loop:
	if n >= budget {
		return pc, n, nil, whyBudget
	}
	if vpn := pc >> pageShift; vpn != cpVPN {
		e := &h.tlb.x[vpn&execMask]
		if e.vpn != vpn {
			return pc, n, nil, whyFetch
		}
		cp, cpVPN = e.code, vpn
	}
	in = &cp.insts[pc>>1&(slotsPerPage-1)]
dispatch:
	switch in.Op {
	// Upper immediates and jumps.
	case opLUI:
		x[in.Rd&31] = uint64(int64(in.Imm))
		pc += uint64(in.Len)
	case opAUIPC:
		x[in.Rd&31] = pc + uint64(int64(in.Imm))
		pc += uint64(in.Len)
	case opJAL:
		x[in.Rd&31] = pc + uint64(in.Len)
		pc += uint64(int64(in.Imm))
		if bb {
			goto block
		}
	case opJALR:
		t := (x[in.Rs1&31] + uint64(int64(in.Imm))) &^ 1
		x[in.Rd&31] = pc + uint64(in.Len)
		pc = t
		if bb {
			goto block
		}

	// Branches.
	case opBEQ:
		if x[in.Rs1&31] == x[in.Rs2&31] {
			pc += uint64(int64(in.Imm))
		} else {
			pc += uint64(in.Len)
		}
		if bb {
			goto block
		}
	case opBNE:
		if x[in.Rs1&31] != x[in.Rs2&31] {
			pc += uint64(int64(in.Imm))
		} else {
			pc += uint64(in.Len)
		}
		if bb {
			goto block
		}
	case opBLT:
		if int64(x[in.Rs1&31]) < int64(x[in.Rs2&31]) {
			pc += uint64(int64(in.Imm))
		} else {
			pc += uint64(in.Len)
		}
		if bb {
			goto block
		}
	case opBGE:
		if int64(x[in.Rs1&31]) >= int64(x[in.Rs2&31]) {
			pc += uint64(int64(in.Imm))
		} else {
			pc += uint64(in.Len)
		}
		if bb {
			goto block
		}
	case opBLTU:
		if x[in.Rs1&31] < x[in.Rs2&31] {
			pc += uint64(int64(in.Imm))
		} else {
			pc += uint64(in.Len)
		}
		if bb {
			goto block
		}
	case opBGEU:
		if x[in.Rs1&31] >= x[in.Rs2&31] {
			pc += uint64(int64(in.Imm))
		} else {
			pc += uint64(in.Len)
		}
		if bb {
			goto block
		}

	// Loads: the TLB hit is inline, everything else is loadSlow.
	case opLB:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 1); p != nil {
			x[in.Rd&31] = uint64(int8(p[a&pageMask]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opLH:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 2); p != nil {
			x[in.Rd&31] = uint64(int16(binary.LittleEndian.Uint16(p[a&pageMask:])))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opLW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 4); p != nil {
			x[in.Rd&31] = uint64(int32(binary.LittleEndian.Uint32(p[a&pageMask:])))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opLD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 8); p != nil {
			x[in.Rd&31] = binary.LittleEndian.Uint64(p[a&pageMask:])
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opLBU:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 1); p != nil {
			x[in.Rd&31] = uint64(p[a&pageMask])
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opLHU:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 2); p != nil {
			x[in.Rd&31] = uint64(binary.LittleEndian.Uint16(p[a&pageMask:]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opLWU:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 4); p != nil {
			x[in.Rd&31] = uint64(binary.LittleEndian.Uint32(p[a&pageMask:]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opFLW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 4); p != nil {
			h.F[in.Rd&31] = boxed | uint64(binary.LittleEndian.Uint32(p[a&pageMask:]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opFLD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.rpage(a, 8); p != nil {
			h.F[in.Rd&31] = binary.LittleEndian.Uint64(p[a&pageMask:])
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)

	// Stores: the TLB hit is inline. storeSlow may drop decoded code,
	// possibly the current page's, which must then be looked up again.
	case opSB:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.wpage(a, 1); p != nil {
			p[a&pageMask] = byte(x[in.Rs2&31])
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opSH:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.wpage(a, 2); p != nil {
			binary.LittleEndian.PutUint16(p[a&pageMask:], uint16(x[in.Rs2&31]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opSW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.wpage(a, 4); p != nil {
			binary.LittleEndian.PutUint32(p[a&pageMask:], uint32(x[in.Rs2&31]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opSD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.wpage(a, 8); p != nil {
			binary.LittleEndian.PutUint64(p[a&pageMask:], x[in.Rs2&31])
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opFSW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.wpage(a, 4); p != nil {
			binary.LittleEndian.PutUint32(p[a&pageMask:], uint32(h.F[in.Rs2&31]))
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)
	case opFSD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if p := h.wpage(a, 8); p != nil {
			binary.LittleEndian.PutUint64(p[a&pageMask:], h.F[in.Rs2&31])
		} else {
			return pc, n, in, whySlow
		}
		pc += uint64(in.Len)

	// Register-immediate.
	case opADDI:
		x[in.Rd&31] = x[in.Rs1&31] + uint64(int64(in.Imm))
		pc += uint64(in.Len)
	case opSLTI:
		x[in.Rd&31] = boolToU64(int64(x[in.Rs1&31]) < int64(in.Imm))
		pc += uint64(in.Len)
	case opSLTIU:
		x[in.Rd&31] = boolToU64(x[in.Rs1&31] < uint64(int64(in.Imm)))
		pc += uint64(in.Len)
	case opXORI:
		x[in.Rd&31] = x[in.Rs1&31] ^ uint64(int64(in.Imm))
		pc += uint64(in.Len)
	case opORI:
		x[in.Rd&31] = x[in.Rs1&31] | uint64(int64(in.Imm))
		pc += uint64(in.Len)
	case opANDI:
		x[in.Rd&31] = x[in.Rs1&31] & uint64(int64(in.Imm))
		pc += uint64(in.Len)
	case opSLLI:
		x[in.Rd&31] = x[in.Rs1&31] << (in.Imm & 63)
		pc += uint64(in.Len)
	case opSRLI:
		x[in.Rd&31] = x[in.Rs1&31] >> (in.Imm & 63)
		pc += uint64(in.Len)
	case opSRAI:
		x[in.Rd&31] = uint64(int64(x[in.Rs1&31]) >> (in.Imm & 63))
		pc += uint64(in.Len)
	case opADDIW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31]) + in.Imm))
		pc += uint64(in.Len)
	case opSLLIW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31]) << (in.Imm & 31)))
		pc += uint64(in.Len)
	case opSRLIW:
		x[in.Rd&31] = uint64(int64(int32(uint32(x[in.Rs1&31]) >> (in.Imm & 31))))
		pc += uint64(in.Len)
	case opSRAIW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31]) >> (in.Imm & 31)))
		pc += uint64(in.Len)

	// Register-register.
	case opADD:
		x[in.Rd&31] = x[in.Rs1&31] + x[in.Rs2&31]
		pc += uint64(in.Len)
	case opSUB:
		x[in.Rd&31] = x[in.Rs1&31] - x[in.Rs2&31]
		pc += uint64(in.Len)
	case opSLL:
		x[in.Rd&31] = x[in.Rs1&31] << (x[in.Rs2&31] & 63)
		pc += uint64(in.Len)
	case opSLT:
		x[in.Rd&31] = boolToU64(int64(x[in.Rs1&31]) < int64(x[in.Rs2&31]))
		pc += uint64(in.Len)
	case opSLTU:
		x[in.Rd&31] = boolToU64(x[in.Rs1&31] < x[in.Rs2&31])
		pc += uint64(in.Len)
	case opXOR:
		x[in.Rd&31] = x[in.Rs1&31] ^ x[in.Rs2&31]
		pc += uint64(in.Len)
	case opSRL:
		x[in.Rd&31] = x[in.Rs1&31] >> (x[in.Rs2&31] & 63)
		pc += uint64(in.Len)
	case opSRA:
		x[in.Rd&31] = uint64(int64(x[in.Rs1&31]) >> (x[in.Rs2&31] & 63))
		pc += uint64(in.Len)
	case opOR:
		x[in.Rd&31] = x[in.Rs1&31] | x[in.Rs2&31]
		pc += uint64(in.Len)
	case opAND:
		x[in.Rd&31] = x[in.Rs1&31] & x[in.Rs2&31]
		pc += uint64(in.Len)
	case opADDW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31] + x[in.Rs2&31])))
		pc += uint64(in.Len)
	case opSUBW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31] - x[in.Rs2&31])))
		pc += uint64(in.Len)
	case opSLLW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31]) << (x[in.Rs2&31] & 31)))
		pc += uint64(in.Len)
	case opSRLW:
		x[in.Rd&31] = uint64(int64(int32(uint32(x[in.Rs1&31]) >> (x[in.Rs2&31] & 31))))
		pc += uint64(in.Len)
	case opSRAW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31]) >> (x[in.Rs2&31] & 31)))
		pc += uint64(in.Len)

	// M.
	case opMUL:
		x[in.Rd&31] = x[in.Rs1&31] * x[in.Rs2&31]
		pc += uint64(in.Len)
	case opMULH:
		x[in.Rd&31] = mulh(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opMULHSU:
		x[in.Rd&31] = mulhsu(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opMULHU:
		x[in.Rd&31] = mulhu(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opDIV:
		x[in.Rd&31] = div(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opDIVU:
		x[in.Rd&31] = divu(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opREM:
		x[in.Rd&31] = rem(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opREMU:
		x[in.Rd&31] = remu(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opMULW:
		x[in.Rd&31] = uint64(int64(int32(x[in.Rs1&31] * x[in.Rs2&31])))
		pc += uint64(in.Len)
	case opDIVW:
		x[in.Rd&31] = divw(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opDIVUW:
		x[in.Rd&31] = divuw(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opREMW:
		x[in.Rd&31] = remw(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)
	case opREMUW:
		x[in.Rd&31] = remuw(x[in.Rs1&31], x[in.Rs2&31])
		pc += uint64(in.Len)

	// System.
	case opFENCE:
		// One hart at a time sees memory in program order.
		pc += uint64(in.Len)

	default:
		return pc, n, in, whySlow
	}
	x[0] = 0
	n++
	goto loop
block:
	x[0] = 0
	return pc, n + 1, nil, whyBlock
}

// slowStep executes in, the instruction at pc that fast handed back, and
// returns the next pc; or, when it traps, its own pc and the exit.
// Loads and stores come here when they missed the TLB (or cross a page).
func (h *Hart) slowStep(in *Inst, pc, n uint64) (next uint64, e Exit, trap bool) {
	x := &h.X
	switch in.Op {
	case opIllegal:
		return pc, Exit{Reason: ExitIllegal, Inst: in.Raw}, true

	// Loads: the TLB hit is inline, everything else is loadSlow.
	case opLB:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 1); ok {
			x[in.Rd&31] = uint64(int8(v))
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opLH:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 2); ok {
			x[in.Rd&31] = uint64(int16(v))
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opLW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 4); ok {
			x[in.Rd&31] = uint64(int32(v))
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opLD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 8); ok {
			x[in.Rd&31] = v
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opLBU:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 1); ok {
			x[in.Rd&31] = v
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opLHU:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 2); ok {
			x[in.Rd&31] = v
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opLWU:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 4); ok {
			x[in.Rd&31] = v
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opFLW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 4); ok {
			h.F[in.Rd&31] = boxed | v
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opFLD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if v, ok := h.loadSlow(a, 8); ok {
			h.F[in.Rd&31] = v
		} else {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	// Stores: the TLB hit is inline. storeSlow may drop decoded code,
	// possibly the current page's, which must then be looked up again.
	case opSB:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if !h.storeSlow(a, 1, x[in.Rs2&31]) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opSH:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if !h.storeSlow(a, 2, x[in.Rs2&31]) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opSW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if !h.storeSlow(a, 4, x[in.Rs2&31]) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opSD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if !h.storeSlow(a, 8, x[in.Rs2&31]) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opFSW:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if !h.storeSlow(a, 4, h.F[in.Rs2&31]) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opFSD:
		a := x[in.Rs1&31] + uint64(int64(in.Imm))
		if !h.storeSlow(a, 8, h.F[in.Rs2&31]) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)
	case opFENCE_I:
		h.FlushICache()
		pc += uint64(in.Len)
	case opECALL:
		return pc, Exit{Reason: ExitEcall, Inst: in.Raw}, true
	case opEBREAK:
		return pc, Exit{Reason: ExitEbreak, Inst: in.Raw}, true
	case opCSRRW, opCSRRS, opCSRRC, opCSRRWI, opCSRRSI, opCSRRCI:
		if !h.execCSR(in, h.Instret+n) {
			return pc, Exit{Reason: ExitIllegal, Inst: in.Raw}, true
		}
		pc += uint64(in.Len)

	// A.
	case opLR_W, opSC_W, opAMOSWAP_W, opAMOADD_W, opAMOXOR_W, opAMOAND_W,
		opAMOOR_W, opAMOMIN_W, opAMOMAX_W, opAMOMINU_W, opAMOMAXU_W,
		opLR_D, opSC_D, opAMOSWAP_D, opAMOADD_D, opAMOXOR_D, opAMOAND_D,
		opAMOOR_D, opAMOMIN_D, opAMOMAX_D, opAMOMINU_D, opAMOMAXU_D:
		if !h.execAMO(in) {
			return pc, h.fault, true
		}
		pc += uint64(in.Len)

	// F and D arithmetic.
	case opFMADD_S, opFMSUB_S, opFNMSUB_S, opFNMADD_S, opFADD_S, opFSUB_S,
		opFMUL_S, opFDIV_S, opFSQRT_S, opFSGNJ_S, opFSGNJN_S, opFSGNJX_S,
		opFMIN_S, opFMAX_S, opFCVT_W_S, opFCVT_WU_S, opFCVT_L_S, opFCVT_LU_S,
		opFMV_X_W, opFEQ_S, opFLT_S, opFLE_S, opFCLASS_S, opFCVT_S_W,
		opFCVT_S_WU, opFCVT_S_L, opFCVT_S_LU, opFMV_W_X,
		opFMADD_D, opFMSUB_D, opFNMSUB_D, opFNMADD_D, opFADD_D, opFSUB_D,
		opFMUL_D, opFDIV_D, opFSQRT_D, opFSGNJ_D, opFSGNJN_D, opFSGNJX_D,
		opFMIN_D, opFMAX_D, opFCVT_S_D, opFCVT_D_S, opFEQ_D, opFLT_D,
		opFLE_D, opFCLASS_D, opFCVT_W_D, opFCVT_WU_D, opFCVT_L_D,
		opFCVT_LU_D, opFMV_X_D, opFCVT_D_W, opFCVT_D_WU, opFCVT_D_L,
		opFCVT_D_LU, opFMV_D_X:
		if !h.execFP(in) {
			return pc, Exit{Reason: ExitIllegal, Inst: in.Raw}, true
		}
		pc += uint64(in.Len)

	default:
		// Unreachable: fast runs every other Op the decoder produces.
		return pc, Exit{Reason: ExitIllegal, Inst: in.Raw}, true
	}
	return pc, Exit{}, false
}

// stop saves the hart's state at the end of Run: pc is where to resume and
// n the number of instructions retired in this call.
func (h *Hart) stop(pc, n uint64, e Exit) Exit {
	h.PC = pc
	h.Instret += n
	return e
}

// boolToU64 converts a comparison result to the 0 or 1 that slt* write.
func boolToU64(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// boxed is the upper half of a NaN-boxed single in an FP register.
const boxed = 0xffffffff_00000000
