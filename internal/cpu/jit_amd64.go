package cpu

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The translator: a hot run of instructions (jit.go) becomes x86-64 code
// that works on the Hart in memory. The code is entered through jitEnter
// (jit_amd64.s) with
//
//	RDI = the *Hart, RSI = the guest pc of the block's first instruction
//
// and keeps guest registers in host registers only within a block
// (jit_regs_amd64.go), writing them back before every way out, so that an
// exit anywhere leaves the hart exact. Guest addresses are computed from RSI, never
// embedded, because a block belongs to a host page, which may be mapped at
// several virtual addresses. Loads and stores look the software TLB up
// inline, as fast does; a miss, a page-crossing access or anything else
// the code cannot do leaves with jitSlow at that instruction, which the
// Go side then executes. The code uses RAX, RCX and RDX as scratch,
// touches no stack beyond its return address and never faults: every
// memory operand is the Hart or a page the TLB holds, at an offset it
// has checked.
//
// Blocks chain: an exit to a fixed address in the same page jumps straight
// to the block there, once there is one (translate patches the jump in
// when it makes the target; both go with their page, so a link never
// outlives its target), with RSI moved on to the target's pc; an exit to
// any other pc (a return, another page) looks it up in the jump cache
// (jumpVia). So a hot loop runs without coming back to Go, for as long as
// the budget lasts:
// R15 counts down the instructions that may still retire; each block
// begins by taking its own length from it, or returns to Go without
// running when there is not enough left (a block that leaves early gives
// back what it did not run).
//
// Exit protocol: the code stores the pc to go on at in h.jitPC and
// returns jitNext, or jitSlow when the instruction at h.jitPC must be
// executed by Go; R15 holds what is left of the budget jitEnter gave.

const jitSupported = true

// jitEnter calls the translated code at code for the hart at h, whose
// block starts at guest address pc, with budget instructions that may
// retire, and returns its exit code and how many of them are left.
//
//go:noescape
func jitEnter(code uintptr, h *Hart, pc, budget uint64) (r, left uint64)

// budgetReg holds the instructions that may still retire.
const budgetReg = 15

// Offsets in the Hart of what the code reaches.
var (
	offX, offF, offJitPC, offTLBR, offTLBW, offJumps int32
	offResValid, offResAddr, offResValue, offTLBTag  int32
)

func init() {
	var h Hart
	offX = int32(unsafe.Offsetof(h.X))
	offF = int32(unsafe.Offsetof(h.F))
	offJitPC = int32(unsafe.Offsetof(h.jitPC))
	offTLBR = int32(unsafe.Offsetof(h.tlb) + unsafe.Offsetof(h.tlb.r))
	offTLBW = int32(unsafe.Offsetof(h.tlb) + unsafe.Offsetof(h.tlb.w))
	offTLBTag = int32(unsafe.Offsetof(h.tlb) + unsafe.Offsetof(h.tlb.tag))
	offJumps = int32(unsafe.Offsetof(h.tlb) + unsafe.Offsetof(h.tlb.j))
	offResValid = int32(unsafe.Offsetof(h.resValid))
	offResAddr = int32(unsafe.Offsetof(h.resAddr))
	offResValue = int32(unsafe.Offsetof(h.resValue))
	if unsafe.Sizeof(tlbEntry{}) != 16 || unsafe.Offsetof(tlbEntry{}.page) != 8 ||
		unsafe.Sizeof(jumpEntry{}) != 16 || unsafe.Offsetof(jumpEntry{}.code) != 8 {
		panic("cpu: the translator assumes 16-byte TLB and jump cache entries")
	}
}

// jitCodeSize is the executable memory one icache translates into; when
// it is full the icache starts over. (A variable for tests, which make it
// small to see that happen.)
var jitCodeSize = 32 << 20

// jitCode is an icache's executable memory: code is appended at used.
// It is one memory file mapped twice, never writable and executable at
// once (W^X): mem, where the translator writes, is read-write; exec,
// where the code runs, is read-execute. Code holds no absolute address of
// itself (its jumps are relative), so it runs the same at either.
type jitCode struct {
	mem      []byte // the read-write view
	exec     []byte // the read-execute view of the same pages
	used     int
	restarts int // times it filled up and the icache started over
}

// newJITCode maps the executable memory, or returns nil if the host
// refuses (the hart then interprets).
func newJITCode() *jitCode {
	fd, err := unix.MemfdCreate("vessel-jit", unix.MFD_CLOEXEC)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	if unix.Ftruncate(fd, int64(jitCodeSize)) != nil {
		return nil
	}
	mem, err := unix.Mmap(fd, 0, jitCodeSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil
	}
	exec, err := unix.Mmap(fd, 0, jitCodeSize, unix.PROT_READ|unix.PROT_EXEC, unix.MAP_SHARED)
	if err != nil {
		unix.Munmap(mem)
		return nil
	}
	jc := &jitCode{mem: mem, exec: exec}
	runtime.AddCleanup(jc, func(m [2][]byte) { unix.Munmap(m[0]); unix.Munmap(m[1]) }, [2][]byte{mem, exec})
	return jc
}

// addr returns the host address of the code at off, in the executable view.
func (jc *jitCode) addr(off uint32) uintptr { return uintptr(unsafe.Pointer(&jc.exec[off])) }

// run enters the code at off for the hart, whose block starts at pc, for
// at most budget instructions, and returns its exit code and the number of
// instructions it retired.
func (jc *jitCode) run(off uint32, h *Hart, pc, budget uint64) (uint64, uint64) {
	r, left := jitEnter(jc.addr(off), h, pc, budget)
	return r, budget - left
}

// translatable reports whether the translator handles op.
func translatable(op Op) bool {
	switch op {
	case opLUI, opAUIPC, opJAL, opJALR,
		opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU,
		opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opFLW, opFLD,
		opSB, opSH, opSW, opSD, opFSW, opFSD,
		opADDI, opSLTI, opSLTIU, opXORI, opORI, opANDI, opSLLI, opSRLI, opSRAI,
		opADD, opSUB, opSLL, opSLT, opSLTU, opXOR, opSRL, opSRA, opOR, opAND,
		opADDIW, opSLLIW, opSRLIW, opSRAIW, opADDW, opSUBW, opSLLW, opSRLW, opSRAW,
		opMUL, opMULH, opMULHU, opMULW,
		opDIV, opDIVU, opREM, opREMU, opDIVW, opDIVUW, opREMW, opREMUW, opFENCE,
		opLR_W, opLR_D, opSC_W, opSC_D,
		opAMOSWAP_W, opAMOADD_W, opAMOXOR_W, opAMOAND_W, opAMOOR_W,
		opAMOMIN_W, opAMOMAX_W, opAMOMINU_W, opAMOMAXU_W,
		opAMOSWAP_D, opAMOADD_D, opAMOXOR_D, opAMOAND_D, opAMOOR_D,
		opAMOMIN_D, opAMOMAX_D, opAMOMINU_D, opAMOMAXU_D:
		return true
	}
	return false
}

// endsBlock reports whether op transfers control: the block ends after it.
func endsBlock(op Op) bool {
	switch op {
	case opJAL, opJALR, opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU:
		return true
	}
	return false
}

// jitForm is, for the ops of a group the translator emits alike, the x86
// detail that tells them apart: the condition code of a branch, the size
// of a load or store, the group digit of an immediate ALU op or shift, the
// opcode of a register ALU op or of an FP operation (jit_fp_amd64.go).
var jitForm = map[Op]int{
	opBEQ: ccE, opBNE: ccNE, opBLT: ccL, opBGE: ccGE, opBLTU: ccB, opBGEU: ccAE,
	opAMOMIN_W: ccL, opAMOMIN_D: ccL, opAMOMAX_W: ccG, opAMOMAX_D: ccG,
	opAMOMINU_W: ccB, opAMOMINU_D: ccB, opAMOMAXU_W: ccA, opAMOMAXU_D: ccA,
	opLB: 1, opLBU: 1, opLH: 2, opLHU: 2, opLW: 4, opLWU: 4, opFLW: 4, opLD: 8, opFLD: 8,
	opSB: 1, opSH: 2, opSW: 4, opFSW: 4, opSD: 8, opFSD: 8,
	opADDI: aluAdd, opXORI: aluXor, opORI: aluOr, opANDI: aluAnd,
	opSLLI: shShl, opSRLI: shShr, opSRAI: shSar, opSLLIW: shShl, opSRLIW: shShr, opSRAIW: shSar,
	opSLL: shShl, opSRL: shShr, opSRA: shSar, opSLLW: shShl, opSRLW: shShr, opSRAW: shSar,
	opADD: 0x03, opSUB: 0x2b, opXOR: 0x33, opOR: 0x0b, opAND: 0x23, opADDW: 0x03, opSUBW: 0x2b,
	opFADD_D: sseAdd, opFSUB_D: sseSub, opFMUL_D: sseMul, opFDIV_D: sseDiv,
	opFADD_S: sseAdd, opFSUB_S: sseSub, opFMUL_S: sseMul, opFDIV_S: sseDiv,
	// The FMA3 213 forms; RISC-V's fnmsub is -(a*b)+c, x86's fnmadd, and
	// its fnmadd -(a*b)-c, x86's fnmsub.
	opFMADD_D: 0xa9, opFMSUB_D: 0xab, opFNMSUB_D: 0xad, opFNMADD_D: 0xaf,
	opFMADD_S: 0xa9, opFMSUB_S: 0xab, opFNMSUB_S: 0xad, opFNMADD_S: 0xaf,
}

// maxBlock is the most instructions one block holds.
const maxBlock = 64

// jitAsm translates one block.
type jitAsm struct {
	x86
	n     int32     // instructions in the block
	body  int       // where the block's code starts after its loads
	loop  bool      // the block jumps back to its own start
	slow  []jitStub // exits to emit after the block's body
	links []jitLink // exits to a fixed pc in the page: jumps to chain
	page  int32     // the block's page offset
	// fpClean says MXCSR's flags have been cleared in this block
	// (jit_fp_amd64.go).
	fpClean bool
	// cache is the host register of each guest register the block keeps
	// in one, or noCache; dirty has a bit for each it has changed so far
	// (jit_regs_amd64.go).
	cache   [32]int8
	dirty   uint32
	written uint32 // the cached registers the block writes
}

// jitLink is a jmp rel32 at pos (in the block, then in the icache's
// code) that leads to the exit it precedes until the block at slot is
// translated, and then to that block.
type jitLink struct {
	pos  uint32
	slot uint16
}

// jitStub is an out-of-line slow exit: the jcc at pos leads to it; the
// instruction at byte delta from the block start, the i-th, must run in Go.
type jitStub struct {
	pos   int
	delta int32
	i     int32
	dirty uint32 // cached guest registers to write back first
}

// xr is the displacement of X[r] from RDI; fr of F[r].
func xr(r uint8) int32 { return offX + 8*int32(r&31) }
func fr(r uint8) int32 { return offF + 8*int32(r&31) }

// translate assembles the block that starts at pc, in cp, and returns its
// machine code and the number of instructions it holds (0: the first
// instruction cannot be translated).
func (h *Hart) translate(cp *codePage, pc uint64, buf []byte) ([]byte, int, []jitLink) {
	a := &jitAsm{x86: x86{b: buf[:0]}, page: int32(pc & pageMask)}
	var insts []*Inst
	var delta int32 // bytes from the block start
	for len(insts) < maxBlock {
		off := int(pc&pageMask) + int(delta)
		if off >= PageSize {
			break
		}
		in := &cp.insts[off>>1]
		if in.Op == opDecode {
			lo := uint16(cp.page[off]) | uint16(cp.page[off+1])<<8
			switch {
			case lo&3 != 3:
				*in = decodeCompressed(lo)
			case off <= PageSize-4:
				*in = decode32(uint32(lo) | uint32(cp.page[off+2])<<16 | uint32(cp.page[off+3])<<24)
			}
		}
		if in.Op == opDecode || !translatable(in.Op) && !fpTranslatable(in) {
			break
		}
		insts = append(insts, in)
		delta += int32(in.Len)
		if endsBlock(in.Op) {
			break
		}
	}
	n := len(insts)
	if n == 0 {
		return nil, 0, nil
	}
	a.n = int32(n)
	// The budget: R15 counts down what may still retire; the block pays
	// for all of itself on entry, or returns to Go without running.
	a.aluImm(true, aluCmp, budgetReg, a.n)
	over := a.jcc(ccB)
	a.aluImm(true, aluSub, budgetReg, a.n)
	a.allocate(insts)
	a.body = len(a.b)
	if last := insts[n-1]; (last.Op == opJAL || endsBlock(last.Op) && last.Op != opJALR) && delta-int32(last.Len)+last.Imm == 0 {
		// A loop of one block: its last instruction jumps back to its
		// start, past the loads, with the guest registers still in host
		// registers. So every register it changes anywhere may be
		// changed (by the last time round) at every way out.
		a.loop = true
		a.dirty = a.written
	}
	delta = 0
	for i, in := range insts {
		a.inst(in, delta, int32(i))
		delta += int32(in.Len)
	}
	if !endsBlock(insts[n-1].Op) {
		a.exitAt(delta, int32(n))
	}
	a.patch(over)
	a.store64(rDI, offJitPC, rSI)
	a.zero(rAX) // jitNext
	a.ret()
	for _, s := range a.slow {
		a.patch(s.pos)
		a.writeBack(s.dirty)
		a.aluImm(true, aluAdd, budgetReg, a.n-s.i) // the instructions it did not run
		a.lea(rAX, rSI, s.delta)
		a.store64(rDI, offJitPC, rAX)
		a.byte1(0xb8, jitSlow, 0, 0, 0) // mov eax, jitSlow
		a.ret()
	}
	return a.b, n, a.links
}

// exitAt leaves the block for the instruction at byte delta after n
// instructions: through a jump that chains to the block there when that
// is in the same page, else back to Go.
func (a *jitAsm) exitAt(delta, n int32) {
	a.flush()
	if delta != 0 {
		a.lea(rSI, rSI, delta)
	}
	if t := a.page + delta; t >= 0 && t < PageSize {
		a.byte1(0xe9, 0, 0, 0, 0) // jmp rel32: to the next instruction until linked
		a.links = append(a.links, jitLink{pos: uint32(len(a.b) - 4), slot: uint16(t >> 1)})
		a.store64(rDI, offJitPC, rSI)
		a.zero(rAX) // jitNext
		a.ret()
		return
	}
	a.jumpVia()
}

// loopBack, for a jump to byte delta of a block that loops (to its start),
// runs the block again if the budget pays for it: straight to its body,
// its guest registers still in host registers. Otherwise, or for another
// target, it emits nothing and what follows leaves the block.
func (a *jitAsm) loopBack(delta int32) {
	if !a.loop || delta != 0 {
		return
	}
	a.aluImm(true, aluCmp, budgetReg, a.n)
	short := a.jcc(ccB)
	a.aluImm(true, aluSub, budgetReg, a.n)
	a.byte1(0xe9) // jmp rel32 back to the body
	a.imm32(int32(a.body - (len(a.b) + 4)))
	a.patch(short)
}

// jumpVia leaves for the pc in RSI through the jump cache: to the block
// there if the cache has it, else back to Go.
func (a *jitAsm) jumpVia() {
	a.movRR(rAX, rSI) // jumpIndex
	a.shiftImm(true, shShr, rAX, 1)
	a.movRR(rDX, rSI)
	a.shiftImm(true, shShr, rDX, pageShift)
	a.rr(false, []byte{0x31}, rDX, rAX) // xor eax, edx
	a.aluImm(false, aluAnd, rAX, jumpSize-1)
	a.shiftImm(false, shShl, rAX, 4)
	a.mem(0, true, []byte{0x3b}, rSI, rDI, rAX, offJumps) // cmp rsi, [rdi+rax+j]
	miss := a.jcc(ccNE)
	a.mem(0, false, []byte{0xff}, 4, rDI, rAX, offJumps+8) // jmp [rdi+rax+j+8]
	a.patch(miss)
	a.store64(rDI, offJitPC, rSI)
	a.zero(rAX) // jitNext
	a.ret()
}

// slowIf emits a jcc to a slow exit for instruction i at delta.
func (a *jitAsm) slowIf(cc byte, delta, i int32) {
	a.slow = append(a.slow, jitStub{pos: a.jcc(cc), delta: delta, i: i, dirty: a.dirty})
}

// translateAddr computes the address rs1+imm into RAX and looks the TLB
// at tlbOff up: on a hit RCX holds the page and RAX the offset in it; a
// miss, or an access of size bytes crossing the page end, exits slow.
func (a *jitAsm) translateAddr(in *Inst, size int32, tlbOff, delta, i int32) {
	a.loadX(rAX, in.Rs1)
	if in.Imm != 0 {
		a.aluImm(true, aluAdd, rAX, in.Imm)
	}
	a.lookup(size, tlbOff, delta, i)
}

// lookup is translateAddr for the address in RAX.
func (a *jitAsm) lookup(size int32, tlbOff, delta, i int32) {
	a.movRR(rDX, rAX)
	a.shiftImm(true, shShr, rDX, pageShift)
	a.rr(false, []byte{0x89}, rAX, rCX) // mov ecx, eax
	a.shiftImm(false, shShr, rCX, pageShift-4)
	a.aluImm(false, aluAnd, rCX, tlbMask<<4)            // the entry's offset: index*16
	a.aluMem(true, 0x03, rDX, rDI, offTLBTag)           // add rdx, [tag]
	a.mem(0, true, []byte{0x3b}, rDX, rDI, rCX, tlbOff) // cmp rdx, [rdi+rcx+tlb]
	a.slowIf(ccNE, delta, i)
	a.mem(0, true, []byte{0x8b}, rCX, rDI, rCX, tlbOff+8) // mov rcx, [rdi+rcx+tlb+8]
	a.aluImm(false, aluAnd, rAX, pageMask)
	if size > 1 {
		a.aluImm(false, aluCmp, rAX, PageSize-size)
		a.slowIf(ccA, delta, i)
	}
}

// inst emits instruction i of the block, at byte delta from its start.
func (a *jitAsm) inst(in *Inst, delta, i int32) {
	next := delta + int32(in.Len)
	switch in.Op {
	case opLUI:
		a.storeXImm(in.Rd, in.Imm)
	case opAUIPC:
		a.lea(rAX, rSI, delta)
		a.aluImm(true, aluAdd, rAX, in.Imm)
		a.storeX(in.Rd, rAX)
	case opJAL:
		a.lea(rAX, rSI, next)
		a.storeX(in.Rd, rAX)
		a.loopBack(delta + in.Imm)
		a.exitAt(delta+in.Imm, i+1)
	case opJALR:
		a.loadX(rCX, in.Rs1)
		if in.Imm != 0 {
			a.aluImm(true, aluAdd, rCX, in.Imm)
		}
		a.aluImm(true, aluAnd, rCX, -2)
		a.lea(rAX, rSI, next)
		a.storeX(in.Rd, rAX)
		a.flush()
		a.movRR(rSI, rCX)
		a.jumpVia()
	case opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU:
		cc := byte(jitForm[in.Op])
		a.loadX(rAX, in.Rs1)
		a.opX(true, []byte{0x3b}, rAX, in.Rs2)
		taken := a.jcc(cc)
		a.exitAt(next, i+1)
		a.patch(taken)
		a.loopBack(delta + in.Imm)
		a.exitAt(delta+in.Imm, i+1)

	case opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opFLW, opFLD:
		size := int32(jitForm[in.Op])
		a.translateAddr(in, size, offTLBR, delta, i)
		switch in.Op {
		case opLB:
			a.mem(0, true, []byte{0x0f, 0xbe}, rDX, rCX, rAX, 0) // movsx rdx, byte
		case opLBU:
			a.mem(0, false, []byte{0x0f, 0xb6}, rDX, rCX, rAX, 0) // movzx edx, byte
		case opLH:
			a.mem(0, true, []byte{0x0f, 0xbf}, rDX, rCX, rAX, 0) // movsx rdx, word
		case opLHU:
			a.mem(0, false, []byte{0x0f, 0xb7}, rDX, rCX, rAX, 0) // movzx edx, word
		case opLW:
			a.mem(0, true, []byte{0x63}, rDX, rCX, rAX, 0) // movsxd rdx, dword
		case opLWU, opFLW:
			a.mem(0, false, []byte{0x8b}, rDX, rCX, rAX, 0) // mov edx, dword
		case opLD, opFLD:
			a.mem(0, true, []byte{0x8b}, rDX, rCX, rAX, 0) // mov rdx, qword
		}
		switch in.Op {
		case opFLW:
			a.movImm64(rCX, boxed)
			a.rr(true, []byte{0x09}, rCX, rDX) // or rdx, rcx
			a.store64(rDI, fr(in.Rd), rDX)
		case opFLD:
			a.store64(rDI, fr(in.Rd), rDX)
		default:
			a.storeX(in.Rd, rDX)
		}

	case opSB, opSH, opSW, opSD, opFSW, opFSD:
		size := int32(jitForm[in.Op])
		a.translateAddr(in, size, offTLBW, delta, i)
		if in.Op == opFSW || in.Op == opFSD {
			a.load64(rDX, rDI, fr(in.Rs2))
		} else {
			a.loadX(rDX, in.Rs2)
		}
		switch size {
		case 1:
			a.mem(0, false, []byte{0x88}, rDX, rCX, rAX, 0) // mov [rcx+rax], dl
		case 2:
			a.mem(0x66, false, []byte{0x89}, rDX, rCX, rAX, 0) // mov [rcx+rax], dx
		case 4:
			a.mem(0, false, []byte{0x89}, rDX, rCX, rAX, 0) // mov [rcx+rax], edx
		case 8:
			a.mem(0, true, []byte{0x89}, rDX, rCX, rAX, 0) // mov [rcx+rax], rdx
		}

	case opADDI, opXORI, opORI, opANDI:
		a.compute(in, true, false, func(dst int) {
			if in.Imm != 0 || in.Op == opANDI {
				a.aluImm(true, jitForm[in.Op], dst, in.Imm)
			}
		})
	case opADDIW:
		a.compute(in, false, false, func(dst int) { a.aluImm(false, aluAdd, dst, in.Imm) })
	case opSLTI, opSLTIU:
		if in.Rd == 0 {
			break
		}
		a.zero(rDX)
		a.loadX(rAX, in.Rs1)
		a.aluImm(true, aluCmp, rAX, in.Imm)
		if in.Op == opSLTI {
			a.setcc(ccL, rDX)
		} else {
			a.setcc(ccB, rDX)
		}
		a.storeX(in.Rd, rDX)
	case opSLLI, opSRLI, opSRAI:
		a.compute(in, true, false, func(dst int) { a.shiftImm(true, jitForm[in.Op], dst, uint8(in.Imm&63)) })
	case opSLLIW, opSRLIW, opSRAIW:
		a.compute(in, false, false, func(dst int) { a.shiftImm(false, jitForm[in.Op], dst, uint8(in.Imm&31)) })

	case opADD, opSUB, opXOR, opOR, opAND:
		a.compute(in, true, true, func(dst int) { a.opX(true, []byte{byte(jitForm[in.Op])}, dst, in.Rs2) })
	case opADDW, opSUBW:
		a.compute(in, false, true, func(dst int) { a.opX(false, []byte{byte(jitForm[in.Op])}, dst, in.Rs2) })
	case opSLT, opSLTU:
		if in.Rd == 0 {
			break
		}
		a.zero(rDX)
		a.loadX(rAX, in.Rs1)
		a.opX(true, []byte{0x3b}, rAX, in.Rs2)
		if in.Op == opSLT {
			a.setcc(ccL, rDX)
		} else {
			a.setcc(ccB, rDX)
		}
		a.storeX(in.Rd, rDX)
	case opSLL, opSRL, opSRA, opSLLW, opSRLW, opSRAW:
		a.loadX(rCX, in.Rs2) // the count, before rd is computed over it
		w := in.Op == opSLL || in.Op == opSRL || in.Op == opSRA
		a.compute(in, w, false, func(dst int) { a.shiftCL(w, jitForm[in.Op], dst) })

	case opMUL:
		a.compute(in, true, true, func(dst int) { a.opX(true, []byte{0x0f, 0xaf}, dst, in.Rs2) }) // imul
	case opMULW:
		a.compute(in, false, true, func(dst int) { a.opX(false, []byte{0x0f, 0xaf}, dst, in.Rs2) })
	case opMULH, opMULHU:
		if in.Rd == 0 {
			break
		}
		digit := mulS
		if in.Op == opMULHU {
			digit = mulU
		}
		a.loadX(rAX, in.Rs1)
		a.opX(true, []byte{0xf7}, digit, in.Rs2) // (i)mul qword [X+rs2]
		a.storeX(in.Rd, rDX)

	case opDIV, opDIVU, opREM, opREMU, opDIVW, opDIVUW, opREMW, opREMUW:
		a.divide(in)

	case opLR_W, opLR_D, opSC_W, opSC_D,
		opAMOSWAP_W, opAMOADD_W, opAMOXOR_W, opAMOAND_W, opAMOOR_W,
		opAMOMIN_W, opAMOMAX_W, opAMOMINU_W, opAMOMAXU_W,
		opAMOSWAP_D, opAMOADD_D, opAMOXOR_D, opAMOAND_D, opAMOOR_D,
		opAMOMIN_D, opAMOMAX_D, opAMOMINU_D, opAMOMAXU_D:
		a.atomic(in, delta, i)

	case opFENCE:
		// One hart at a time sees memory in program order.

	default:
		a.fp(in, delta, i)
	}
}

// divide emits a division or remainder with RISC-V's answers where x86's
// div and idiv would trap: by zero, all ones for a quotient and the
// dividend for a remainder; the most negative number by -1, itself for a
// quotient and 0 for a remainder. W forms work on the low 32 bits and
// sign-extend the result.
func (a *jitAsm) divide(in *Inst) {
	if in.Rd == 0 {
		return
	}
	w := in.Op == opDIV || in.Op == opDIVU || in.Op == opREM || in.Op == opREMU
	signed := in.Op == opDIV || in.Op == opREM || in.Op == opDIVW || in.Op == opREMW
	quotient := in.Op == opDIV || in.Op == opDIVU || in.Op == opDIVW || in.Op == opDIVUW
	a.opX(w, []byte{0x8b}, rAX, in.Rs1) // mov rax/eax, rs1
	a.opX(w, []byte{0x8b}, rCX, in.Rs2) // mov rcx/ecx, rs2
	a.rr(w, []byte{0x85}, rCX, rCX)     // test rcx, rcx
	byZero := a.jcc(ccE)
	var byMinus1 int
	if signed {
		a.aluImm(w, aluCmp, rCX, -1)
		byMinus1 = a.jcc(ccE)
		a.rex(w, 0, 0, 0)
		a.byte1(0x99)                 // cqo / cdq
		a.rr(w, []byte{0xf7}, 7, rCX) // idiv rcx
	} else {
		a.zero(rDX)
		a.rr(w, []byte{0xf7}, 6, rCX) // div rcx
	}
	done := []int{a.jmp()}
	if signed {
		a.patch(byMinus1)
		if quotient {
			a.rr(w, []byte{0xf7}, 3, rAX) // neg rax: the most negative stays
		} else {
			a.zero(rDX)
		}
		done = append(done, a.jmp())
	}
	a.patch(byZero)
	if quotient {
		a.rr(true, []byte{0xc7}, 0, rAX) // mov rax, -1
		a.imm32(-1)
	} else {
		a.movRR(rDX, rAX) // the dividend
	}
	for _, d := range done {
		a.patch(d)
	}
	r := rDX
	if quotient {
		r = rAX
	}
	if w {
		a.storeX(in.Rd, r)
	} else {
		a.storeXW(in.Rd, r)
	}
}

// atomic emits lr, sc or an AMO as execAMO does them (exec_amo.go); a
// misaligned address, which faults, leaves for Go, as does a TLB miss
// (before sc has touched the reservation). One hart runs at a time, so
// plain loads and stores are atomic enough.
func (a *jitAsm) atomic(in *Inst, delta, i int32) {
	w := in.Op == opLR_D || in.Op == opSC_D || in.Op >= opAMOSWAP_D
	size := int32(4)
	if w {
		size = 8
	}
	a.loadX(rAX, in.Rs1)
	a.rr(false, []byte{0xf7}, 0, rAX) // test eax, size-1
	a.imm32(size - 1)
	a.slowIf(ccNE, delta, i)
	switch in.Op {
	case opLR_W, opLR_D:
		a.lookup(size, offTLBR, delta, i)
		a.mem(0, w, []byte{0x8b}, rDX, rCX, rAX, 0) // mov rdx/edx, [rcx+rax]
		a.mem(0, false, []byte{0xc6}, 0, rDI, noIndex, offResValid)
		a.byte1(1) // mov byte [resValid], 1
		a.loadX(rAX, in.Rs1)
		a.store64(rDI, offResAddr, rAX)
		a.store64(rDI, offResValue, rDX)
		a.storeLoaded(in.Rd, w)
		return
	case opSC_W, opSC_D:
		// valid := resValid && resAddr == a
		a.mem(0, false, []byte{0x80}, aluCmp, rDI, noIndex, offResValid)
		a.byte1(0) // cmp byte [resValid], 0
		invalid := a.jcc(ccE)
		a.aluMem(true, 0x3b, rAX, rDI, offResAddr)
		other := a.jcc(ccNE)
		a.lookup(size, offTLBW, delta, i)
		a.mem(0, false, []byte{0xc6}, 0, rDI, noIndex, offResValid)
		a.byte1(0)                                  // the reservation ends, whatever happens
		a.mem(0, w, []byte{0x8b}, rDX, rCX, rAX, 0) // the value now
		a.aluMem(true, 0x3b, rDX, rDI, offResValue) // as lr read it? (all 64 bits, as execAMO)
		changed := a.jcc(ccNE)
		a.loadX(rDX, in.Rs2)
		a.mem(0, w, []byte{0x89}, rDX, rCX, rAX, 0) // store
		if in.Rd != 0 {
			a.storeXImm(in.Rd, 0)
		}
		done := a.jmp()
		a.patch(invalid)
		a.patch(other)
		a.mem(0, false, []byte{0xc6}, 0, rDI, noIndex, offResValid)
		a.byte1(0)
		a.patch(changed)
		if in.Rd != 0 {
			a.storeXImm(in.Rd, 1)
		}
		a.patch(done)
		return
	}
	a.lookup(size, offTLBW, delta, i)
	a.mem(0, true, []byte{0x8d}, rCX, rCX, rAX, 0)  // lea rcx, [rcx+rax]: the host address
	a.mem(0, w, []byte{0x8b}, rDX, rCX, noIndex, 0) // old
	a.loadX(rAX, in.Rs2)
	switch in.Op {
	case opAMOADD_W, opAMOADD_D:
		a.rr(w, []byte{0x01}, rDX, rAX) // add rax, rdx
	case opAMOXOR_W, opAMOXOR_D:
		a.rr(w, []byte{0x31}, rDX, rAX)
	case opAMOAND_W, opAMOAND_D:
		a.rr(w, []byte{0x21}, rDX, rAX)
	case opAMOOR_W, opAMOOR_D:
		a.rr(w, []byte{0x09}, rDX, rAX)
	case opAMOMIN_W, opAMOMIN_D, opAMOMAX_W, opAMOMAX_D, opAMOMINU_W, opAMOMINU_D, opAMOMAXU_W, opAMOMAXU_D:
		// The old value where it wins the comparison with rs2: cmp, cmov.
		a.rr(w, []byte{0x39}, rAX, rDX)                              // cmp rdx, rax: old against rs2
		a.rr(w, []byte{0x0f, 0x40 | byte(jitForm[in.Op])}, rAX, rDX) // cmovcc rax, rdx
	}
	a.mem(0, w, []byte{0x89}, rAX, rCX, noIndex, 0) // store the result
	a.storeLoaded(in.Rd, w)
}

// storeLoaded sets X[rd] to the value in RDX: sign-extended from 32 bits
// unless w.
func (a *jitAsm) storeLoaded(rd uint8, w bool) {
	if w {
		a.storeX(rd, rDX)
	} else {
		a.storeXW(rd, rDX)
	}
}
