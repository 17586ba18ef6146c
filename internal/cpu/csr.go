package cpu

// Zicsr at user level. The CSRs a Linux user program can reach are the
// floating-point ones, which it reads and writes, and the counters, which
// it only reads. Any other CSR, or a write to a counter, is an illegal
// instruction (SIGILL), as on Linux, which leaves the counters readable and
// everything else to the supervisor.
//
//	|31    20|19   15|14  12|11 7|6     0|
//	|  csr   |rs1/uimm|funct3| rd |1110011|
//
// csrrw/csrrwi always write the CSR; csrrs/csrrc (and their immediate
// forms) write it only when rs1 is not x0 (uimm is not 0), so rdcycle
// (csrrs rd, cycle, x0) is legal.

// CSR numbers.
const (
	csrFflags  = 0x001
	csrFrm     = 0x002
	csrFcsr    = 0x003
	csrCycle   = 0xc00
	csrTime    = 0xc01
	csrInstret = 0xc02
)

// execCSR executes one csr* instruction; instret is the current count of
// retired instructions. It returns false if the instruction is illegal.
func (h *Hart) execCSR(in *Inst, instret uint64) bool {
	csr := uint32(in.Imm) & 0xfff
	var src uint64
	switch in.Op {
	case opCSRRW, opCSRRS, opCSRRC:
		src = h.X[in.Rs1&31]
	default:
		src = uint64(in.Rs1) // the 5-bit uimm
	}
	old, ok := h.csrRead(csr, instret)
	if !ok {
		return false
	}
	if in.Op == opCSRRW || in.Op == opCSRRWI || in.Rs1 != 0 {
		v := src
		switch in.Op {
		case opCSRRS, opCSRRSI:
			v = old | src
		case opCSRRC, opCSRRCI:
			v = old &^ src
		}
		if !h.csrWrite(csr, v) {
			return false
		}
	}
	h.X[in.Rd&31] = old
	return true
}

// csrRead returns the value of csr, or false if user level cannot read it.
func (h *Hart) csrRead(csr uint32, instret uint64) (uint64, bool) {
	switch csr {
	case csrFflags:
		return uint64(h.FCSR & 0x1f), true
	case csrFrm:
		return uint64(h.FCSR >> 5 & 7), true
	case csrFcsr:
		return uint64(h.FCSR & 0xff), true
	case csrCycle, csrInstret:
		return instret, true
	case csrTime:
		if h.Time != nil {
			return h.Time(), true
		}
		return instret, true
	}
	return 0, false
}

// csrWrite sets csr to v, or returns false if user level cannot write it.
func (h *Hart) csrWrite(csr uint32, v uint64) bool {
	switch csr {
	case csrFflags:
		h.FCSR = h.FCSR&^0x1f | uint32(v)&0x1f
	case csrFrm:
		h.FCSR = h.FCSR&^0xe0 | uint32(v)&7<<5
	case csrFcsr:
		h.FCSR = uint32(v) & 0xff
	default:
		return false
	}
	return true
}
