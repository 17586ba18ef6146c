package cpu

import "slices"

// Guest registers in host registers. Within a block, the integer
// registers it uses most (at least twice) live in up to eight host
// registers: loaded after the block's budget check, written back to h.X
// before every way out (an exit, a chained jump, a jump through the jump
// cache, a slow exit to Go). Everything in between reads and writes the
// host register. Which guest registers a block has changed is known as it
// is assembled, so each way out writes back exactly those.

// cacheRegs are the host registers that hold guest registers: none of
// the scratch registers (RAX, RCX, RDX), RDI, RSI, R15 (the budget), RSP
// or RBP.
var cacheRegs = [...]int{rBX, 8, 9, 10, 11, 12, 13, 14}

// noCache marks a guest register that stays in memory.
const noCache = -1

// xUses returns the integer registers in reads or writes (0 for none of
// an operand's slots), as the translator emits it.
func xUses(in *Inst) (rd, rs1, rs2 uint8) {
	switch in.Op {
	case opFMV_X_D, opFMV_X_W, opFEQ_D, opFLT_D, opFLE_D, opFCVT_W_D, opFCVT_L_D,
		opFEQ_S, opFLT_S, opFLE_S, opFCVT_W_S, opFCVT_L_S:
		return in.Rd, 0, 0
	case opFMV_D_X, opFMV_W_X, opFCVT_D_W, opFCVT_D_WU, opFCVT_D_L, opFLW, opFLD, opFSW, opFSD,
		opFCVT_S_W, opFCVT_S_WU, opFCVT_S_L:
		return 0, in.Rs1, 0
	}
	if !translatable(in.Op) {
		return 0, 0, 0 // other FP: no integer registers
	}
	// Integer instructions leave unused fields zero, and x0 is not cached.
	return in.Rd, in.Rs1, in.Rs2
}

// allocate picks the guest registers the block of insts keeps in host
// registers.
func (a *jitAsm) allocate(insts []*Inst) {
	var uses [32]int
	for _, in := range insts {
		rd, rs1, rs2 := xUses(in)
		uses[rd]++
		uses[rs1]++
		uses[rs2]++
	}
	uses[0] = 0
	var order []uint8
	for x := range uses {
		if uses[x] >= 2 {
			order = append(order, uint8(x))
		}
	}
	slices.SortStableFunc(order, func(p, q uint8) int { return uses[q] - uses[p] })
	for i := range a.cache {
		a.cache[i] = noCache
	}
	for i, x := range order {
		if i == len(cacheRegs) {
			break
		}
		a.cache[x] = int8(cacheRegs[i])
		a.load64(cacheRegs[i], rDI, xr(x))
	}
	for _, in := range insts {
		if rd, _, _ := xUses(in); rd != 0 && a.cache[rd] != noCache {
			a.written |= 1 << rd
		}
	}
}

// flush writes back every cached guest register changed so far (in a
// loop, every one the block changes).
func (a *jitAsm) flush() { a.writeBack(a.dirty) }

// writeBack writes back the cached guest registers in mask.
func (a *jitAsm) writeBack(mask uint32) {
	for x := range 32 {
		if mask&(1<<x) != 0 {
			a.store64(rDI, xr(uint8(x)), int(a.cache[x]))
		}
	}
}

// target returns the register to compute a result for X[x] in: its host
// register if it has one, else RAX.
func (a *jitAsm) target(x uint8) int {
	if h := a.cache[x&31]; h != noCache && x != 0 {
		return int(h)
	}
	return rAX
}

// compute emits an integer instruction whose only effect is X[rd] = an
// operation on rs1 (and perhaps rs2): nothing for rd x0; else rs1 goes to
// the register the result is made in (rd's host register, unless that
// also holds an rs2 the operation still reads), emit makes the result
// there, and it goes to rd: all 64 bits if w, else the low 32
// sign-extended.
func (a *jitAsm) compute(in *Inst, w, readsRs2 bool, emit func(dst int)) {
	if in.Rd == 0 {
		return
	}
	dst := rAX
	if !readsRs2 || in.Rd != in.Rs2 {
		dst = a.target(in.Rd)
	}
	if w {
		a.loadX(dst, in.Rs1)
	} else {
		a.loadXLow(dst, in.Rs1)
	}
	emit(dst)
	if w {
		a.storeX(in.Rd, dst)
	} else {
		a.storeXW(in.Rd, dst)
	}
}

// loadX: mov r, X[x].
func (a *jitAsm) loadX(r int, x uint8) {
	if h := a.cache[x&31]; h != noCache {
		if int(h) != r {
			a.movRR(r, int(h))
		}
		return
	}
	a.load64(r, rDI, xr(x))
}

// loadX32: mov r32, X[x] (the low half, zero-extended).
func (a *jitAsm) loadX32(r int, x uint8) {
	if h := a.cache[x&31]; h != noCache {
		a.rr(false, []byte{0x89}, int(h), r)
		return
	}
	a.load32(r, rDI, xr(x))
}

// loadXLow: the low 32 bits of X[x] into r32, for an operation that uses
// no more (the upper half of r is left as it comes).
func (a *jitAsm) loadXLow(r int, x uint8) {
	if h := a.cache[x&31]; h != noCache && int(h) == r {
		return
	}
	a.loadX32(r, x)
}

// storeX: X[x] = r; nothing for x0.
func (a *jitAsm) storeX(x uint8, r int) {
	if x == 0 {
		return
	}
	if h := a.cache[x&31]; h != noCache {
		if int(h) != r {
			a.movRR(int(h), r)
		}
		a.dirty |= 1 << (x & 31)
		return
	}
	a.store64(rDI, xr(x), r)
}

// storeXW: X[x] = the low 32 bits of r, sign-extended.
func (a *jitAsm) storeXW(x uint8, r int) {
	if x != 0 {
		a.movsxd(r, r)
		a.storeX(x, r)
	}
}

// storeXImm: X[x] = imm, sign-extended.
func (a *jitAsm) storeXImm(x uint8, imm int32) {
	if x == 0 {
		return
	}
	if h := a.cache[x&31]; h != noCache {
		a.rr(true, []byte{0xc7}, 0, int(h)) // mov h, imm32
		a.imm32(imm)
		a.dirty |= 1 << (x & 31)
		return
	}
	a.storeImm64(rDI, xr(x), imm)
}

// opX emits op with reg and X[x] as its r/m operand (64 bits if w).
func (a *jitAsm) opX(w bool, op []byte, reg int, x uint8) {
	if h := a.cache[x&31]; h != noCache {
		a.rr(w, op, reg, int(h))
		return
	}
	a.mem(0, w, op, reg, rDI, noIndex, xr(x))
}

// sseX is opX for an SSE op with a mandatory prefix.
func (a *jitAsm) sseX(prefix byte, w bool, op byte, reg int, x uint8) {
	if h := a.cache[x&31]; h != noCache {
		a.byte1(prefix)
		a.rr(w, []byte{0x0f, op}, reg, int(h))
		return
	}
	a.mem(prefix, w, []byte{0x0f, op}, reg, rDI, noIndex, xr(x))
}
