package cpu

// The A extension: lr/sc and the read-modify-write AMOs, in word (.w) and
// doubleword (.d) forms.
//
//	|31  27|26|25|24 20|19 15|14  12|11 7|6     0|
//	|funct5|aq|rl| rs2 | rs1 |funct3| rd |0101111|   funct3 010 = .w, 011 = .d
//
// aq and rl are accepted and need no action: a hart runs alone while it
// runs, and it sees its own memory accesses in program order. Every access
// must be naturally aligned; a misaligned one faults with FaultAdrAln
// (Linux does not emulate misaligned atomics: SIGBUS, BUS_ADRALN). Word
// results are sign-extended into rd.
//
// The reservation of lr holds the address and the value read; sc succeeds
// (writes, and sets rd to 0) only if the reservation is valid, is for the
// same address, and memory still holds the value lr read; in every case it
// ends the reservation, and on failure it sets rd to 1 and writes nothing.
// The kernel ends reservations with ClearReservation on a context switch,
// so a store by another task between lr and sc makes sc fail.
//
// When several harts run in parallel (SMP), the AMOs and sc will need host
// atomic operations on the page; today one hart runs at a time.

// execAMO executes one lr, sc or AMO. It returns false after a fault,
// recorded in h.fault.
func (h *Hart) execAMO(in *Inst) bool {
	a := h.X[in.Rs1&31]
	src := h.X[in.Rs2&31]
	size := uint64(8)
	if in.Op <= opAMOMAXU_W {
		size = 4
	}
	if a&(size-1) != 0 {
		access := AccessWrite
		if in.Op == opLR_W || in.Op == opLR_D {
			access = AccessRead
		}
		h.faultAt(a, access, FaultAdrAln)
		return false
	}
	off := a & pageMask

	switch in.Op {
	case opLR_W, opLR_D:
		p := h.readPage(a)
		if p == nil {
			return false
		}
		v := leGet(p[off:], size)
		h.resValid, h.resAddr, h.resValue = true, a, v
		h.X[in.Rd&31] = amoSext(v, size)
		return true

	case opSC_W, opSC_D:
		valid := h.resValid && h.resAddr == a
		h.resValid = false
		if !valid {
			h.X[in.Rd&31] = 1
			return true
		}
		p := h.writePage(a)
		if p == nil {
			return false
		}
		if leGet(p[off:], size) != h.resValue {
			h.X[in.Rd&31] = 1
			return true
		}
		lePut(p[off:], size, src)
		h.X[in.Rd&31] = 0
		return true
	}

	p := h.writePage(a)
	if p == nil {
		return false
	}
	old := leGet(p[off:], size)
	lePut(p[off:], size, amoResult(in.Op, old, src))
	h.X[in.Rd&31] = amoSext(old, size)
	return true
}

// amoResult is the value an AMO stores, given the old memory value and rs2
// (both as read: word operands in the low 32 bits).
func amoResult(op Op, old, src uint64) uint64 {
	switch op {
	case opAMOSWAP_W, opAMOSWAP_D:
		return src
	case opAMOADD_W, opAMOADD_D:
		return old + src
	case opAMOXOR_W, opAMOXOR_D:
		return old ^ src
	case opAMOAND_W, opAMOAND_D:
		return old & src
	case opAMOOR_W, opAMOOR_D:
		return old | src
	case opAMOMIN_W:
		return amoPick(int32(old) < int32(src), old, src)
	case opAMOMAX_W:
		return amoPick(int32(old) > int32(src), old, src)
	case opAMOMINU_W:
		return amoPick(uint32(old) < uint32(src), old, src)
	case opAMOMAXU_W:
		return amoPick(uint32(old) > uint32(src), old, src)
	case opAMOMIN_D:
		return amoPick(int64(old) < int64(src), old, src)
	case opAMOMAX_D:
		return amoPick(int64(old) > int64(src), old, src)
	case opAMOMINU_D:
		return amoPick(old < src, old, src)
	case opAMOMAXU_D:
		return amoPick(old > src, old, src)
	}
	panic("cpu: amoResult of " + op.String())
}

// amoPick returns a if c, else b.
func amoPick(c bool, a, b uint64) uint64 {
	if c {
		return a
	}
	return b
}

// amoSext sign-extends a size-byte (4 or 8) value to 64 bits.
func amoSext(v, size uint64) uint64 {
	if size == 4 {
		return uint64(int64(int32(v)))
	}
	return v
}
