package cpu

import (
	"unsafe"

	xcpu "golang.org/x/sys/cpu"
)

// Floating point in translated code, with SSE2 (and FMA3 for the fused
// multiply-adds where the host has it). x86 and RISC-V round and raise
// flags the same way for these operations in round-to-nearest-even
// (both detect tininess after rounding), so the translation covers
// exactly that: an instruction whose rounding mode is another, statically
// or through frm, leaves for Go, as does one whose result is a NaN (RISC-V
// gives the canonical NaN and has its own rules for which NaN operations
// are invalid) and a single-precision operand that is not NaN-boxed. Go
// then executes the instruction from scratch with the soft float.
//
// Flags: the first floating-point instruction of a block clears MXCSR's
// exception flags; after each instruction the flags MXCSR has gathered
// since, mapped to fflags, are ORed into FCSR. ORing the same flag twice
// changes nothing, and an instruction that leaves for Go leaves the block,
// so what reaches FCSR is exactly what the instructions raised.

// mxcsrClean is MXCSR as Go runs: every exception masked, round to nearest
// even, no flags.
var mxcsrClean uint32 = 0x1f80

// fflagsOf maps MXCSR's flag bits (IE 0, DE 1, ZE 2, OE 3, UE 4, PE 5) to
// fflags (NX 0, UF 1, OF 2, DZ 3, NV 4); DE has no RISC-V counterpart.
var fflagsOf = func() (m [64]uint8) {
	for i := range m {
		if i&1 != 0 {
			m[i] |= 1 << 4
		}
		if i&4 != 0 {
			m[i] |= 1 << 3
		}
		if i&8 != 0 {
			m[i] |= 1 << 2
		}
		if i&16 != 0 {
			m[i] |= 1 << 1
		}
		if i&32 != 0 {
			m[i] |= 1
		}
	}
	return
}()

var hasFMA = xcpu.X86.HasFMA

var offFCSR, offJitMX int32

func init() {
	var h Hart
	offFCSR = int32(unsafe.Offsetof(h.FCSR))
	offJitMX = int32(unsafe.Offsetof(h.jitMX))
}

// fpTranslatable reports whether the translator handles in, a floating
// point instruction other than a load or store.
func fpTranslatable(in *Inst) bool {
	switch in.Op {
	case opFSGNJ_D, opFSGNJN_D, opFSGNJX_D, opFMV_X_D, opFMV_D_X, opFMV_X_W, opFMV_W_X,
		opFEQ_D, opFLT_D, opFLE_D, opFSGNJ_S, opFSGNJN_S, opFSGNJX_S, opFEQ_S, opFLT_S, opFLE_S:
		return true // no rounding
	case opFADD_D, opFSUB_D, opFMUL_D, opFDIV_D, opFSQRT_D,
		opFADD_S, opFSUB_S, opFMUL_S, opFDIV_S, opFSQRT_S,
		opFCVT_D_W, opFCVT_D_WU, opFCVT_D_L, opFCVT_D_S, opFCVT_S_D,
		opFCVT_S_W, opFCVT_S_WU, opFCVT_S_L:
		return in.Rm == rmRNE || in.Rm == rmDyn
	case opFMADD_D, opFMSUB_D, opFNMSUB_D, opFNMADD_D,
		opFMADD_S, opFMSUB_S, opFNMSUB_S, opFNMADD_S:
		return hasFMA && (in.Rm == rmRNE || in.Rm == rmDyn)
	case opFCVT_W_D, opFCVT_L_D, opFCVT_W_S, opFCVT_L_S:
		return in.Rm == rmRNE || in.Rm == rmRTZ || in.Rm == rmDyn
	}
	return false
}

// SSE opcodes (the byte after 0F) and their prefixes.
const (
	sseSD = 0xf2 // scalar double
	sseSS = 0xf3 // scalar single

	sseLoad  = 0x10 // movsd/movss xmm, m
	sseStore = 0x11 // movsd/movss m, xmm
	sseSqrt  = 0x51
	sseAdd   = 0x58
	sseMul   = 0x59
	sseCvt   = 0x5a // cvtsd2ss / cvtss2sd
	sseSub   = 0x5c
	sseDiv   = 0x5e
)

// sse emits prefix 0F op with xmm register x and the operand [base+disp].
func (a *jitAsm) sse(prefix byte, w bool, op byte, x, base int, disp int32) {
	a.mem(prefix, w, []byte{0x0f, op}, x, base, noIndex, disp)
}

// fma emits a VEX-encoded FMA3 op (0F38 map, 66 prefix): xmm0 = op(xmm0,
// xmm1, [rdi+disp]) in the 213 operand order, W1 for doubles.
func (a *jitAsm) fma(op byte, double bool, disp int32) {
	b2 := byte(0x71) // vvvv = ~xmm1, L0, pp 01
	if double {
		b2 |= 0x80
	}
	a.byte1(0xc4, 0xe2, b2, op)
	a.b = append(a.b, 0x80|byte(rDI)) // mod 10, reg xmm0, rm rdi
	a.imm32(disp)
}

// fpBegin emits what every rounding instruction needs first: with the
// dynamic mode, leaving for Go unless frm is RNE; and on the block's first
// floating-point instruction, clearing MXCSR's flags.
func (a *jitAsm) fpBegin(in *Inst, delta, i int32) {
	if opTable[in.Op].rm && in.Rm == rmDyn {
		a.mem(0, false, []byte{0xf7}, 0, rDI, noIndex, offFCSR) // test dword [fcsr], 0xe0
		a.imm32(0xe0)
		a.slowIf(ccNE, delta, i)
	}
	if !a.fpClean {
		a.movImm64(rAX, uint64(uintptr(unsafe.Pointer(&mxcsrClean))))
		a.mem(0, false, []byte{0x0f, 0xae}, 2, rAX, noIndex, 0) // ldmxcsr [rax]
		a.fpClean = true
	}
}

// fpFlags ORs the flags MXCSR has gathered into FCSR.
func (a *jitAsm) fpFlags() {
	a.mem(0, false, []byte{0x0f, 0xae}, 3, rDI, noIndex, offJitMX) // stmxcsr [jitMX]
	a.load32(rAX, rDI, offJitMX)
	a.aluImm(false, aluAnd, rAX, 0x3d) // all but DE
	a.movImm64(rCX, uint64(uintptr(unsafe.Pointer(&fflagsOf))))
	a.mem(0, false, []byte{0x0f, 0xb6}, rAX, rCX, rAX, 0)     // movzx eax, byte [rcx+rax]
	a.mem(0, false, []byte{0x09}, rAX, rDI, noIndex, offFCSR) // or [fcsr], eax
}

// slowIfNaN leaves for Go if xmm0 holds a NaN (a single if !double).
func (a *jitAsm) slowIfNaN(double bool, delta, i int32) {
	if double {
		a.byte1(0x66, 0x0f, 0x2e, 0xc0) // ucomisd xmm0, xmm0
	} else {
		a.byte1(0x0f, 0x2e, 0xc0) // ucomiss xmm0, xmm0
	}
	a.slowIf(0xa, delta, i) // jp: unordered
}

// slowIfUnboxed leaves for Go if F[r] is not a NaN-boxed single.
func (a *jitAsm) slowIfUnboxed(r uint8, delta, i int32) {
	a.mem(0, false, []byte{0x83}, aluCmp, rDI, noIndex, fr(r)+4) // cmp dword [F+r+4], -1
	a.byte1(0xff)
	a.slowIf(ccNE, delta, i)
}

// storeSingle writes xmm0's single to F[rd], boxed.
func (a *jitAsm) storeSingle(rd uint8) {
	a.sse(sseSS, false, sseStore, 0, rDI, fr(rd))
	a.mem(0, false, []byte{0xc7}, 0, rDI, noIndex, fr(rd)+4) // mov dword [F+rd+4], -1
	a.imm32(-1)
}

// fp emits a floating-point instruction that fpTranslatable accepts.
func (a *jitAsm) fp(in *Inst, delta, i int32) {
	double := true
	switch in.Op {
	case opFADD_S, opFSUB_S, opFMUL_S, opFDIV_S, opFSQRT_S,
		opFMADD_S, opFMSUB_S, opFNMSUB_S, opFNMADD_S:
		double = false
	}
	prefix := byte(sseSD)
	if !double {
		prefix = sseSS
	}
	switch in.Op {
	case opFSGNJ_D, opFSGNJN_D, opFSGNJX_D:
		a.load64(rAX, rDI, fr(in.Rs1))
		if in.Rs1 == in.Rs2 && in.Op == opFSGNJ_D {
			a.store64(rDI, fr(in.Rd), rAX) // fmv.d
			return
		}
		a.load64(rCX, rDI, fr(in.Rs2))
		if in.Op == opFSGNJN_D {
			a.rr(true, []byte{0xf7}, 2, rCX) // not rcx
		}
		a.shiftImm(true, shShr, rCX, 63)
		a.shiftImm(true, shShl, rCX, 63)
		if in.Op == opFSGNJX_D {
			a.rr(true, []byte{0x31}, rCX, rAX) // xor rax, rcx
		} else {
			a.shiftImm(true, shShl, rAX, 1)
			a.shiftImm(true, shShr, rAX, 1)
			a.rr(true, []byte{0x09}, rCX, rAX) // or rax, rcx
		}
		a.store64(rDI, fr(in.Rd), rAX)
	case opFSGNJ_S, opFSGNJN_S, opFSGNJX_S:
		// As the double forms on the low halves, of boxed singles only.
		a.slowIfUnboxed(in.Rs1, delta, i)
		a.slowIfUnboxed(in.Rs2, delta, i)
		a.load32(rAX, rDI, fr(in.Rs1))
		if in.Rs1 != in.Rs2 || in.Op != opFSGNJ_S {
			a.load32(rCX, rDI, fr(in.Rs2))
			if in.Op == opFSGNJN_S {
				a.rr(false, []byte{0xf7}, 2, rCX) // not ecx
			}
			a.aluImm(false, aluAnd, rCX, -1<<31)
			if in.Op == opFSGNJX_S {
				a.rr(false, []byte{0x31}, rCX, rAX) // xor eax, ecx
			} else {
				a.aluImm(false, aluAnd, rAX, 1<<31-1)
				a.rr(false, []byte{0x09}, rCX, rAX) // or eax, ecx
			}
		}
		a.mem(0, false, []byte{0x89}, rAX, rDI, noIndex, fr(in.Rd)) // mov [F+rd], eax
		a.mem(0, false, []byte{0xc7}, 0, rDI, noIndex, fr(in.Rd)+4)
		a.imm32(-1)
	case opFMV_X_D:
		a.load64(rAX, rDI, fr(in.Rs1))
		a.storeX(in.Rd, rAX)
	case opFMV_D_X:
		a.loadX(rAX, in.Rs1)
		a.store64(rDI, fr(in.Rd), rAX)
	case opFMV_X_W:
		if in.Rd != 0 {
			a.mem(0, true, []byte{0x63}, rAX, rDI, noIndex, fr(in.Rs1)) // movsxd rax, dword [F+rs1]
			a.storeX(in.Rd, rAX)
		}
	case opFMV_W_X:
		a.loadX32(rAX, in.Rs1)
		a.mem(0, false, []byte{0x89}, rAX, rDI, noIndex, fr(in.Rd)) // mov [F+rd], eax
		a.mem(0, false, []byte{0xc7}, 0, rDI, noIndex, fr(in.Rd)+4)
		a.imm32(-1)

	case opFEQ_D, opFLT_D, opFLE_D, opFEQ_S, opFLT_S, opFLE_S:
		// ucomis[sd] flags invalid for a signaling NaN only (feq),
		// comis[sd] for any NaN (flt, fle), as RISC-V does.
		ld, cmpPrefix := byte(sseSD), byte(0x66)
		if in.Op == opFEQ_S || in.Op == opFLT_S || in.Op == opFLE_S {
			a.slowIfUnboxed(in.Rs1, delta, i)
			a.slowIfUnboxed(in.Rs2, delta, i)
			ld, cmpPrefix = sseSS, 0
		}
		a.fpBegin(in, delta, i)
		a.zero(rDX)
		if in.Op == opFEQ_D || in.Op == opFEQ_S {
			a.sse(ld, false, sseLoad, 0, rDI, fr(in.Rs1))
			a.mem(cmpPrefix, false, []byte{0x0f, 0x2e}, 0, rDI, noIndex, fr(in.Rs2)) // ucomis[sd] xmm0, [rs2]
			a.setcc(ccE, rDX)
			a.byte1(0x0f, 0x9b, 0xc1)                 // setnp cl
			a.rr(false, []byte{0x21}, rCX, rDX)       // and edx, ecx
			a.rr(false, []byte{0x0f, 0xb6}, rDX, rDX) // movzx edx, dl
		} else {
			a.sse(ld, false, sseLoad, 0, rDI, fr(in.Rs2))
			a.mem(cmpPrefix, false, []byte{0x0f, 0x2f}, 0, rDI, noIndex, fr(in.Rs1)) // comis[sd] xmm0, [rs1]
			if in.Op == opFLT_D || in.Op == opFLT_S {
				a.setcc(ccA, rDX) // rs2 > rs1
			} else {
				a.setcc(ccAE, rDX) // rs2 >= rs1
			}
		}
		a.fpFlags()
		a.storeX(in.Rd, rDX)

	case opFADD_D, opFSUB_D, opFMUL_D, opFDIV_D, opFADD_S, opFSUB_S, opFMUL_S, opFDIV_S:
		op := byte(jitForm[in.Op])
		if !double {
			a.slowIfUnboxed(in.Rs1, delta, i)
			a.slowIfUnboxed(in.Rs2, delta, i)
		}
		a.fpBegin(in, delta, i)
		a.sse(prefix, false, sseLoad, 0, rDI, fr(in.Rs1))
		a.sse(prefix, false, op, 0, rDI, fr(in.Rs2))
		a.fpResult(in.Rd, double, delta, i)
	case opFSQRT_D, opFSQRT_S:
		if !double {
			a.slowIfUnboxed(in.Rs1, delta, i)
		}
		a.fpBegin(in, delta, i)
		a.sse(prefix, false, sseSqrt, 0, rDI, fr(in.Rs1))
		a.fpResult(in.Rd, double, delta, i)
	case opFMADD_D, opFMSUB_D, opFNMSUB_D, opFNMADD_D, opFMADD_S, opFMSUB_S, opFNMSUB_S, opFNMADD_S:
		op := byte(jitForm[in.Op])
		if !double {
			a.slowIfUnboxed(in.Rs1, delta, i)
			a.slowIfUnboxed(in.Rs2, delta, i)
			a.slowIfUnboxed(in.Rs3, delta, i)
		}
		a.fpBegin(in, delta, i)
		a.sse(prefix, false, sseLoad, 0, rDI, fr(in.Rs1))
		a.sse(prefix, false, sseLoad, 1, rDI, fr(in.Rs2))
		a.fma(op, double, fr(in.Rs3)) // xmm0 = xmm1*xmm0 op [rs3]
		a.fpResult(in.Rd, double, delta, i)

	case opFCVT_D_W, opFCVT_D_WU, opFCVT_D_L:
		a.fpBegin(in, delta, i)
		switch in.Op {
		case opFCVT_D_W:
			a.sseX(sseSD, false, 0x2a, 0, in.Rs1) // cvtsi2sd xmm0, dword
		case opFCVT_D_WU:
			a.loadX32(rAX, in.Rs1) // zero-extended
			a.byte1(0xf2)
			a.rr(true, []byte{0x0f, 0x2a}, 0, rAX) // cvtsi2sd xmm0, rax
		case opFCVT_D_L:
			a.sseX(sseSD, true, 0x2a, 0, in.Rs1) // cvtsi2sd xmm0, qword
		}
		a.fpFlags()
		a.sse(sseSD, false, sseStore, 0, rDI, fr(in.Rd))
	case opFCVT_S_W, opFCVT_S_WU, opFCVT_S_L:
		a.fpBegin(in, delta, i)
		switch in.Op {
		case opFCVT_S_W:
			a.sseX(sseSS, false, 0x2a, 0, in.Rs1) // cvtsi2ss xmm0, dword
		case opFCVT_S_WU:
			a.loadX32(rAX, in.Rs1) // zero-extended
			a.byte1(sseSS)
			a.rr(true, []byte{0x0f, 0x2a}, 0, rAX) // cvtsi2ss xmm0, rax
		case opFCVT_S_L:
			a.sseX(sseSS, true, 0x2a, 0, in.Rs1) // cvtsi2ss xmm0, qword
		}
		a.fpFlags()
		a.storeSingle(in.Rd)
	case opFCVT_D_S:
		a.slowIfUnboxed(in.Rs1, delta, i)
		a.fpBegin(in, delta, i)
		a.sse(sseSS, false, sseCvt, 0, rDI, fr(in.Rs1)) // cvtss2sd xmm0, [rs1]
		a.fpResult(in.Rd, true, delta, i)
	case opFCVT_S_D:
		a.fpBegin(in, delta, i)
		a.sse(sseSD, false, sseCvt, 0, rDI, fr(in.Rs1)) // cvtsd2ss xmm0, [rs1]
		a.fpResult(in.Rd, false, delta, i)
	case opFCVT_W_D, opFCVT_L_D, opFCVT_W_S, opFCVT_L_S:
		// cvtts[sd]2si truncates (rtz); cvts[sd]2si rounds as MXCSR says
		// (rne). Out of range or NaN gives the "integer indefinite", the
		// most negative number, which RISC-V answers otherwise: leave for
		// Go then (the most negative number itself goes too, harmlessly).
		prefix := byte(sseSD)
		if in.Op == opFCVT_W_S || in.Op == opFCVT_L_S {
			a.slowIfUnboxed(in.Rs1, delta, i)
			prefix = sseSS
		}
		a.fpBegin(in, delta, i)
		op := byte(0x2d)
		if in.Rm == rmRTZ {
			op = 0x2c
		}
		w := in.Op == opFCVT_L_D || in.Op == opFCVT_L_S
		a.sse(prefix, w, op, rAX, rDI, fr(in.Rs1))
		if w {
			a.movImm64(rCX, 1<<63)
			a.rr(true, []byte{0x39}, rCX, rAX) // cmp rax, rcx
		} else {
			a.aluImm(false, aluCmp, rAX, -1<<31)
		}
		a.slowIf(ccE, delta, i)
		if !w {
			a.movsxd(rAX, rAX)
		}
		a.movRR(rDX, rAX)
		a.fpFlags()
		a.storeX(in.Rd, rDX)
	}
}

// fpResult finishes an arithmetic instruction whose result is in xmm0:
// to Go if it is a NaN, else the flags, and the result to F[rd].
func (a *jitAsm) fpResult(rd uint8, double bool, delta, i int32) {
	a.slowIfNaN(double, delta, i)
	a.fpFlags()
	if double {
		a.sse(sseSD, false, sseStore, 0, rDI, fr(rd))
	} else {
		a.storeSingle(rd)
	}
}
