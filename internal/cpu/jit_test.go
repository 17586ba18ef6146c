package cpu

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// The translator is checked against the interpreter: the same program run
// by a hart that translates and by one that interprets must leave the
// same registers, memory, pc, instruction count and exit, after every
// call of Run, whatever the budget.

// randomProgram returns a program of n random instructions ending in an
// ecall: integer and M arithmetic on x10..x31, loads and stores through
// x8 and x9 (pointers into the data pages, sometimes a page end or past
// the mapping), branches and jumps to random places in the program (so it
// loops), indirect jumps through x7 (a code address), some compressed
// instructions and some the translator leaves to the interpreter.
func randomProgram(r *rand.Rand, n int, fpHeavy, singles bool) prog {
	return randomCode(r, n, fpHeavy, singles, false)
}

// randomCode is randomProgram, with no jump or branch if straight.
func randomCode(r *rand.Rand, n int, fpHeavy, singles, straight bool) prog {
	reg := func() uint8 { return uint8(10 + r.IntN(22)) }
	src := func() uint8 {
		if r.IntN(8) == 0 {
			return uint8(r.IntN(10)) // sometimes x0..x9
		}
		return reg()
	}
	imm12 := func() int32 {
		if r.IntN(4) == 0 {
			return int32(r.IntN(7)) - 3
		}
		return int32(r.IntN(4096)) - 2048
	}
	alu := []Op{opADD, opSUB, opSLL, opSLT, opSLTU, opXOR, opSRL, opSRA, opOR, opAND,
		opADDW, opSUBW, opSLLW, opSRLW, opSRAW, opMUL, opMULH, opMULHU, opMULW,
		opDIV, opDIVU, opREM, opREMU, opMULHSU, opDIVW, opDIVUW, opREMW, opREMUW}
	imm := []Op{opADDI, opSLTI, opSLTIU, opXORI, opORI, opANDI, opADDIW}
	shift := []Op{opSLLI, opSRLI, opSRAI, opSLLIW, opSRLIW, opSRAIW}
	loads := []Op{opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opFLW, opFLD}
	stores := []Op{opSB, opSH, opSW, opSD, opFSW, opFSD}
	branches := []Op{opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU}
	atomics := []Op{opLR_W, opSC_W, opLR_D, opSC_D, opLR_W, opSC_W, opLR_D, opSC_D,
		opAMOSWAP_W, opAMOADD_W, opAMOXOR_W, opAMOAND_W, opAMOOR_W,
		opAMOMIN_W, opAMOMAX_W, opAMOMINU_W, opAMOMAXU_W,
		opAMOSWAP_D, opAMOADD_D, opAMOXOR_D, opAMOAND_D, opAMOOR_D,
		opAMOMIN_D, opAMOMAX_D, opAMOMINU_D, opAMOMAXU_D}
	compressed := []uint16{0x953e, 0x070d, 0x8d39, 0x167d, 0x0505, 0x862a, 0x4695}

	var p prog
	for i := 0; len(p) < 4*n; i++ {
		here := len(p)
		target := func() int32 { return int32(r.IntN(n)*4-here) &^ 1 }
		k := r.IntN(100)
		if fpHeavy && r.IntN(2) == 0 {
			k = 94 // half the instructions floating point
		}
		if straight && k >= 76 && k < 87 {
			k = 99 // an addi instead of a jump or branch
		}
		switch {
		case k < 30:
			p.w(enc(alu[r.IntN(len(alu))], reg(), src(), src(), 0))
		case k < 45:
			p.w(enc(imm[r.IntN(len(imm))], reg(), src(), 0, imm12()))
		case k < 52:
			op := shift[r.IntN(len(shift))]
			sh := int32(r.IntN(64))
			if op >= opSLLIW {
				sh &= 31
			}
			p.w(enc(op, reg(), src(), 0, sh))
		case k < 56:
			p.w(enc(opLUI, reg(), 0, 0, int32(r.Uint32())&^0xfff))
		case k < 58:
			p.w(enc(opAUIPC, reg(), 0, 0, int32(r.Uint32())&^0xfff))
		case k < 68:
			rd := reg()
			off := imm12()
			if r.IntN(3) == 0 {
				off = int32(r.IntN(17)) - 8 // across a page end when x8 is at one
			}
			if r.IntN(10) == 0 {
				rd = 0
			}
			p.w(enc(loads[r.IntN(len(loads))], rd, uint8(8+r.IntN(2)), 0, off))
		case k < 76:
			off := imm12()
			if r.IntN(3) == 0 {
				off = int32(r.IntN(17)) - 8
			}
			p.w(enc(stores[r.IntN(len(stores))], 0, uint8(8+r.IntN(2)), uint8(r.IntN(32)), off))
		case k < 84:
			p.w(enc(branches[r.IntN(len(branches))], 0, src(), src(), target()))
		case k < 86:
			rd := []uint8{0, 1, reg()}[r.IntN(3)]
			p.w(enc(opJAL, rd, 0, 0, target()))
		case k < 87:
			p.w(enc(opJALR, []uint8{0, 1}[r.IntN(2)], 7, 0, int32(r.IntN(16))*4))
		case k < 90:
			// In pairs, so that every 4-byte boundary, where jumps land,
			// starts an instruction.
			p.c(compressed[r.IntN(len(compressed))], compressed[r.IntN(len(compressed))])
		case k < 93:
			// Atomics, mostly through x6 (aligned), sometimes x8.
			base := uint8(6)
			if r.IntN(8) == 0 {
				base = 8
			}
			op := atomics[r.IntN(len(atomics))]
			rs2 := src()
			if op == opLR_W || op == opLR_D {
				rs2 = 0 // the field is part of the opcode
			}
			p.w(enc(op, reg(), base, rs2, 0))
		case k < 95:
			p.w(randomFP(r, reg, src, singles))
		case k < 96:
			p.w(enc(opFENCE, 0, 0, 0, 0))
		default:
			p.w(enc(opADDI, reg(), reg(), 0, imm12()))
		}
	}
	if !straight {
		p.w(wECALL)
	}
	return p
}

// randomFP returns a random F or D instruction other than a load or store,
// with a random rounding mode (mostly dynamic or RNE) where it has one;
// reg and src pick integer destinations and sources.
func randomFP(r *rand.Rand, reg, src func() uint8, singles bool) uint32 {
	rounded := []Op{opFADD_D, opFSUB_D, opFMUL_D, opFDIV_D, opFSQRT_D,
		opFADD_S, opFSUB_S, opFMUL_S, opFDIV_S, opFSQRT_S,
		opFCVT_D_S, opFCVT_S_D}
	toX := []Op{opFCVT_W_D, opFCVT_L_D, opFCVT_WU_D, opFCVT_W_S, opFCVT_L_S}
	fromX := []Op{opFCVT_D_W, opFCVT_D_WU, opFCVT_D_L, opFCVT_S_W, opFCVT_S_WU, opFCVT_S_L}
	fused := []Op{opFMADD_D, opFMSUB_D, opFNMSUB_D, opFNMADD_D, opFMADD_S, opFMSUB_S, opFNMSUB_S, opFNMADD_S}
	fixed := []Op{opFSGNJ_D, opFSGNJN_D, opFSGNJX_D, opFMV_D_X, opFMIN_D, opFMAX_S, opFSGNJ_S, opFSGNJN_S, opFSGNJX_S}
	fixedToX := []Op{opFMV_X_D, opFMV_X_W, opFEQ_D, opFLT_D, opFLE_D, opFCLASS_D, opFEQ_S, opFLT_S, opFLE_S}
	if singles {
		// Only operations that keep the registers NaN-boxed singles.
		rounded = []Op{opFADD_S, opFSUB_S, opFMUL_S, opFDIV_S, opFSQRT_S}
		toX = []Op{opFCVT_W_S, opFCVT_L_S}
		fromX = []Op{opFCVT_S_W, opFCVT_S_WU, opFCVT_S_L}
		fused = fused[4:]
		fixed = []Op{opFSGNJ_S, opFSGNJN_S, opFSGNJX_S}
		fixedToX = []Op{opFEQ_S, opFLT_S, opFLE_S, opFMV_X_W}
	}
	f := func() uint8 { return uint8(r.IntN(32)) }
	rm := uint8(rmDyn)
	switch k := r.IntN(10); {
	case k < 2:
		rm = rmRNE
	case k < 3:
		rm = []uint8{rmRTZ, rmRDN, rmRUP, rmRMM}[r.IntN(4)]
	}
	pick := func(ops []Op) Op { return ops[r.IntN(len(ops))] }
	kind := r.IntN(7)
	switch kind {
	case 0, 1:
		op := pick(rounded)
		rs2 := f()
		if op == opFSQRT_D || op == opFSQRT_S || op == opFCVT_D_S || op == opFCVT_S_D {
			rs2 = 0 // the field is part of the opcode
		}
		return encRM(op, f(), f(), rs2, rm)
	case 2:
		return encRM(pick(toX), reg(), f(), 0, rm)
	case 3:
		return encRM(pick(fromX), f(), src(), 0, rm)
	case 4:
		return enc(pick(fused), f(), f(), f(), int32(f()))&^0x7000 | uint32(rm)<<12
	case 5:
		if r.IntN(4) == 0 {
			return enc(opFMV_W_X, f(), src(), 0, 0)
		}
		if singles && r.IntN(3) == 0 {
			return enc(opFSGNJ_S, f(), f(), f(), 0) // rs1 == rs2 sometimes: fmv.s
		}
		op := pick(fixed)
		if op == opFMV_D_X {
			return enc(op, f(), src(), 0, 0)
		}
		return enc(op, f(), f(), f(), 0)
	default:
		op := pick(fixedToX)
		rs1, rs2 := f(), f()
		switch {
		case op == opFMV_X_D || op == opFMV_X_W || op == opFCLASS_D:
			rs2 = 0 // the field is part of the opcode
		case r.IntN(4) == 0:
			rs2 = rs1 // compare a value with itself
		}
		return enc(op, reg(), rs1, rs2, 0)
	}
}

// randomF returns a value for an F register: a double that is small,
// special (zeros, infinities, NaNs, subnormals, extremes) or anything, or
// a NaN-boxed single, sometimes special too.
func randomF(r *rand.Rand) uint64 {
	specials := []uint64{0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, canonicalNaN64,
		0x7ff4000000000000, 0xfff8000000000001, 1, 0x000fffffffffffff, 0x0010000000000000,
		0x7fefffffffffffff, 0x3ff0000000000000, 0xc3e0000000000000, 0x43e0000000000000, 0x41dfffffffc00000}
	singles := []uint32{0, 1 << 31, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 1, 0x00800000, 0x7f7fffff, 0x3f800000}
	switch r.IntN(8) {
	case 0, 1:
		return math.Float64bits(float64(r.IntN(2001)-1000) / float64(1+r.IntN(16)))
	case 2:
		return specials[r.IntN(len(specials))]
	case 3:
		return math.Float64bits(r.NormFloat64() * math.Pow(2, float64(r.IntN(2100)-1050)))
	case 4:
		return boxed | uint64(math.Float32bits(float32(r.IntN(2001)-1000)/float32(1+r.IntN(16))))
	case 5:
		return boxed | uint64(singles[r.IntN(len(singles))])
	case 6:
		return boxed | uint64(math.Float32bits(float32(r.NormFloat64()*math.Pow(2, float64(r.IntN(280)-140)))))
	}
	return r.Uint64()
}

// jitPair returns an interpreting and a translating hart, each in its own
// memory holding code, with the same registers from seed.
func jitPair(r *rand.Rand, code prog) (interp, jit *Hart, mi, mj *testMem) {
	// Half the programs span a page end, so that blocks end there and
	// jumps cross it.
	start := uint64(codeBase)
	if r.IntN(2) == 0 {
		start += PageSize - 2*uint64(r.IntN(min(len(code), PageSize)/2))
	}
	mk := func() (*Hart, *testMem) {
		m := newTestMem()
		m.mapPages(codeBase, codeSize, AccessRead|AccessExec)
		m.mapPages(dataBase, dataSize, AccessRead|AccessWrite)
		m.mapPages(aliasBase, dataSize, AccessRead|AccessWrite)
		for _, a := range dataPages() {
			// Each data page is followed in host memory by a canary page,
			// so that an access that runs past a page end reads or
			// writes something else than the next guest page.
			pair := new([2]Page)
			for i := range pair[1] {
				pair[1][i] = 0xa5
			}
			m.pages[a>>pageShift] = &pair[0]
		}
		m.poke(start, code)
		return New(m), m
	}
	interp, mi = mk()
	jit, mj = mk()
	interp.Interpret = true
	for i := 1; i < 32; i++ {
		v := r.Uint64()
		switch r.IntN(6) {
		case 0, 1:
			v = uint64(int64(r.IntN(200) - 100))
		case 2:
			// What division treats specially, in 64 and 32 bits.
			v = []uint64{0, ^uint64(0), 1 << 63, 0xffffffff_80000000, 0x80000000, 0xffffffff, 1 << 32}[r.IntN(7)]
		}
		interp.X[i], jit.X[i] = v, v
		f := randomF(r)
		interp.F[i], jit.F[i] = f, f
	}
	if r.IntN(5) == 0 {
		// Another rounding mode, or an invalid one, and some flags.
		interp.FCSR = uint32(r.IntN(8))<<5 | uint32(r.IntN(32))
		jit.FCSR = interp.FCSR
	}
	for _, h := range []*Hart{interp, jit} {
		h.PC = start
		h.X[7] = start + uint64(r.IntN(8))*4
		h.X[6] = dataBase + 8*uint64(r.IntN(dataSize/8))
		h.X[8] = dataBase + 2048 + uint64(r.IntN(3*PageSize))
		if r.IntN(2) == 0 {
			h.X[8] = dataBase + uint64(1+r.IntN(3))*PageSize // at a page end
		}
		h.X[9] = dataBase + 2048 + uint64(r.IntN(3*PageSize))
		if r.IntN(2) == 0 {
			h.X[9] += aliasBase - dataBase
		}
	}
	if r.IntN(10) == 0 {
		jit.X[9] += 2 * PageSize // loads and stores past the mapping fault
	}
	interp.X[8], interp.X[9] = jit.X[8], jit.X[9]
	interp.X[7], interp.X[6] = jit.X[7], jit.X[6]
	for _, p := range dataPages() {
		for i := uint64(0); i < PageSize; i += 8 {
			v := r.Uint64()
			mi.poke64(p+i, v)
			mj.poke64(p+i, v)
		}
	}
	return interp, jit, mi, mj
}

// aliasBase is where the random programs have more data pages, at the
// same TLB indexes as those at dataBase, so that accesses through x8 and
// x9 evict each other's translations.
const aliasBase = dataBase + tlbSize*PageSize

// dataPages returns the addresses of the random programs' data pages.
func dataPages() []uint64 {
	var as []uint64
	for a := uint64(0); a < dataSize; a += PageSize {
		as = append(as, dataBase+a, aliasBase+a)
	}
	return as
}

// sameState reports how a and b differ, or "" if they do not.
func sameState(a, b *Hart, ma, mb *testMem) string {
	switch {
	case a.PC != b.PC:
		return fmt.Sprintf("pc %#x, want %#x", b.PC, a.PC)
	case a.Instret != b.Instret:
		return fmt.Sprintf("instret %d, want %d", b.Instret, a.Instret)
	case a.X != b.X:
		for i := range a.X {
			if a.X[i] != b.X[i] {
				return fmt.Sprintf("x%d = %#x, want %#x", i, b.X[i], a.X[i])
			}
		}
	case a.F != b.F:
		return "f registers differ"
	case a.FCSR != b.FCSR:
		return "fcsr differs"
	}
	for _, p := range dataPages() {
		if !bytes.Equal(ma.peek(p, PageSize), mb.peek(p, PageSize)) {
			return fmt.Sprintf("data page %#x differs", p)
		}
	}
	return ""
}

func TestJITMatchesInterpreter(t *testing.T) {
	if !jitSupported {
		t.Skip("no translator on this host")
	}
	translated := 0
	for seed := uint64(0); seed < 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 1))
		n := 24 + r.IntN(200)
		if seed%4 == 0 {
			n = 1100 + r.IntN(400) // over a page: slots of both pages in use
		}
		singles := seed%6 == 4
		code := randomProgram(r, n, seed%3 == 1 || singles, singles)
		if runBoth(t, r, seed, code, singles) {
			translated++
		}
	}
	if translated < 150 {
		t.Errorf("only %d of 300 programs ran translated code, want 150", translated)
	}
}

// runBoth runs code on an interpreting and a translating hart (jitPair)
// for up to 40 random budgets, failing at the first difference, and
// reports whether any of it was translated. singles starts the F
// registers at NaN-boxed singles.
func runBoth(t *testing.T, r *rand.Rand, seed uint64, code prog, singles bool) bool {
	t.Helper()
	interp, jit, mi, mj := jitPair(r, code)
	if singles {
		for i := range jit.F {
			f := boxed | uint64(math.Float32bits(float32(r.IntN(2001)-1000)/float32(1+r.IntN(16))))
			interp.F[i], jit.F[i] = f, f
		}
	}
	for call := 0; call < 40; call++ {
		budget := uint64(1 + r.IntN(3000))
		if r.IntN(4) == 0 {
			budget = uint64(1 + r.IntN(20))
		}
		ei := interp.Run(budget)
		ej := jit.Run(budget)
		if ei != ej {
			t.Fatalf("seed %d, call %d: exit %+v, want %+v (pc %#x)", seed, call, ej, ei, interp.PC)
		}
		if d := sameState(interp, jit, mi, mj); d != "" {
			t.Fatalf("seed %d, call %d (budget %d, exit %+v): %s", seed, call, budget, ei, d)
		}
		if ei.Reason != ExitBudget {
			break
		}
	}
	return jit.icache.jit != nil && jit.icache.jit.used > 0
}

// FuzzJIT: guest code is untrusted bytes too. A random program from the
// seed, with the fuzzer's bytes spliced in as instructions (any encoding,
// legal or not), runs the same translated and interpreted.
func FuzzJIT(f *testing.F) {
	if !jitSupported {
		f.Skip("no translator on this host")
	}
	f.Add(uint64(1), []byte{0x13, 0, 0, 0})
	f.Add(uint64(2), []byte{0xb3, 0x05, 0xb5, 0x02, 0x01, 0x45})
	f.Add(uint64(4), []byte{0xd3, 0x72, 0x73, 0x02})
	f.Fuzz(func(t *testing.T, seed uint64, raw []byte) {
		r := rand.New(rand.NewPCG(seed, 2))
		singles := seed%6 == 4
		code := randomProgram(r, 24+r.IntN(200), seed%3 == 1 || singles, singles)
		raw = raw[:min(len(raw), 4096)&^3] // whole words, so what follows stays aligned
		at := 4 * r.IntN(len(code)/4)
		code = append(code[:at:at], append(raw, code[at:]...)...)
		runBoth(t, r, seed, code, singles)
	})
}

// TestJITSelfModifyingCode: a hot loop that rewrites one of its own
// instructions, or one of a function it calls, runs the new one from
// then on, translated or not.
func TestJITSelfModifyingCode(t *testing.T) {
	// a0 counts iterations; the patched instruction adds 1 to a1 until
	// the loop, at iteration 100, stores over it an addi a1, a1, 100.
	newInst := iADDI(rA1, rA1, 100)
	head := func(p *prog) int {
		p.w(li(rT0, uint64(newInst))...)
		p.w(
			iADDI(rA2, rZero, 100), // the iteration that patches
			iADDI(rA3, rZero, 200), // iterations in all
		)
		loop := len(*p)
		p.w(
			iADDI(rA0, rA0, 1),         // loop:
			enc(opBNE, 0, rA0, rA2, 8), // skip the store but at iteration 100
			enc(opSW, 0, rT1, rT0, 0),  // patch
		)
		return loop
	}
	tests := []struct {
		name string
		code func() (p prog, patch int)
	}{
		{"in the loop", func() (prog, int) {
			var p prog
			loop := head(&p)
			patch := len(p)
			p.w(iADDI(rA1, rA1, 1)) // the instruction rewritten
			p.w(enc(opBNE, 0, rA0, rA3, int32(loop-len(p))), wECALL)
			return p, patch
		}},
		{"in a function called", func() (prog, int) {
			var p prog
			loop := head(&p)
			p.w(enc(opJALR, rRa, rT1, 0, 0)) // call the function at t1
			p.w(enc(opBNE, 0, rA0, rA3, int32(loop-len(p))), wECALL)
			patch := len(p)
			p.w(iADDI(rA1, rA1, 1), enc(opJALR, 0, rRa, 0, 0))
			return p, patch
		}},
	}
	for _, tc := range tests {
		for _, translate := range []bool{false, true} {
			p, patch := tc.code()
			m := newTestMem()
			m.mapPages(codeBase, codeSize, AccessRead|AccessWrite|AccessExec)
			m.poke(codeBase, p)
			h := New(m)
			h.Interpret = !translate
			h.PC = codeBase
			h.X[rT1] = codeBase + uint64(patch)
			if e := h.Run(100000); e.Reason != ExitEcall {
				t.Fatalf("%s, translate=%v: exit %+v at %#x", tc.name, translate, e, h.PC)
			}
			// Iterations 1..99 add 1; 100 (right after the store) to 200 add 100.
			if want := uint64(99 + 101*100); h.X[rA1] != want {
				t.Errorf("%s, translate=%v: a1 = %d, want %d", tc.name, translate, h.X[rA1], want)
			}
		}
	}
}

// TestJITChainAcrossPages: a loop whose two blocks lie in two pages,
// chained through the jump cache, each with a load that misses the TLB on
// every iteration (x8 and x9 evict each other), so that a block entered
// from the other page leaves for Go at an instruction of its own page.
func TestJITChainAcrossPages(t *testing.T) {
	code := make(prog, 2*PageSize)
	put := func(off int, words ...uint32) {
		var p prog
		p.w(words...)
		copy(code[off:], p)
	}
	// Page 1, 0x100: load through s0 what the last iteration stored,
	// count in a5 and store it, jump to page 2, 0x100.
	put(0x100,
		enc(opLD, rA4, rS0, 0, 0),
		iR(opADD, rA0, rA0, rA4),
		iADDI(rA5, rA5, 1),
		enc(opSD, 0, rS0, rA5, 0),
		enc(opJAL, 0, 0, 0, PageSize-16),
	)
	// Page 2, 0x100: the same through s1 with a2, which counts down;
	// loop back until it runs out, then ecall.
	put(PageSize+0x100,
		enc(opLD, rA3, rS1, 0, 0),
		iR(opADD, rA0, rA0, rA3),
		iR(opMUL, rA0, rA0, rA3),
		iADDI(rA2, rA2, -1),
		enc(opSD, 0, rS1, rA2, 0),
		enc(opBEQ, 0, rA2, 0, 8),
		enc(opJAL, 0, 0, 0, -PageSize-24),
		wECALL,
	)
	var states [2]*Hart
	for i, translate := range []bool{false, true} {
		m := newTestMem()
		m.mapPages(codeBase, 2*PageSize, AccessRead|AccessExec)
		m.mapPages(dataBase, PageSize, AccessRead|AccessWrite)
		m.mapPages(aliasBase, PageSize, AccessRead|AccessWrite)
		m.poke(codeBase, code)
		m.poke64(dataBase, 3)
		m.poke64(aliasBase, 4)
		h := New(m)
		h.Interpret = !translate
		h.PC = codeBase + 0x100
		h.X[rS0], h.X[rS1], h.X[rA2] = dataBase, aliasBase, 1000
		if e := h.Run(1 << 20); e.Reason != ExitEcall {
			t.Fatalf("translate=%v: exit %+v at %#x", translate, e, h.PC)
		}
		states[i] = h
	}
	for r := range states[0].X {
		if got, want := states[1].X[r], states[0].X[r]; got != want {
			t.Errorf("translated: x%d = %#x, want %#x", r, got, want)
		}
	}
	if states[0].X[rA5] != 1000 {
		t.Errorf("interpreted: a5 %d, want 1000", states[0].X[rA5])
	}
}

// TestJITReservations: lr and sc in a hot loop, translated or not: sc
// succeeds after an lr of the same address with the value unchanged, and
// fails without a reservation, for another address, or after the value
// changed.
func TestJITReservations(t *testing.T) {
	const s2, s3 = 18, 19
	var p prog
	p.w(
		enc(opLR_W, rA0, rT1, 0, 0),   // loop:
		enc(opSC_W, rA1, rT1, rA0, 0), // succeeds (storing what it read): a1 = 0
		iR(opADD, s2, s2, rA1),
		enc(opSC_W, rA1, rT1, rA0, 0), // no reservation left: 1
		iR(opADD, s2, s2, rA1),
		enc(opLR_D, rA0, rT1, 0, 0),
		enc(opSC_D, rA1, rT0, rA2, 0), // another address: 1
		iR(opADD, s2, s2, rA1),
		enc(opLR_D, rA0, rT1, 0, 0),
		iR(opADD, rA3, rA0, rA4),
		enc(opSD, 0, rT1, rA3, 0),     // the value changes
		enc(opSC_D, rA1, rT1, rA2, 0), // so: 1
		iR(opADD, s2, s2, rA1),
		enc(opLR_D, rA0, rT1, 0, 0),
		enc(opSC_D, rA1, rT1, rA4, 0), // succeeds
		iR(opADD, s3, s3, rA1),
		iR(opADD, s3, s3, rA0),
		iADDI(rA2, rA2, 3),
		iADDI(rA4, rA4, -1),
		enc(opBNE, 0, rA4, 0, -19*4),
		wECALL,
	)
	var states [2]*Hart
	for i, translate := range []bool{false, true} {
		h, m := newTestHart(t, p)
		h.Interpret = !translate
		h.X[rT1], h.X[rT0], h.X[rA4] = dataBase+64, dataBase+128, 100
		if e := h.Run(1 << 20); e.Reason != ExitEcall {
			t.Fatalf("translate=%v: exit %+v at %#x", translate, e, h.PC)
		}
		if h.X[s2] != 300 {
			t.Errorf("translate=%v: %d sc failures, want 300", translate, h.X[s2])
		}
		if got := m.peek64(dataBase + 64); got != 1 {
			t.Errorf("translate=%v: memory holds %d, want 1 (a4 at the last sc)", translate, got)
		}
		states[i] = h
	}
	if states[0].X != states[1].X {
		t.Errorf("translated registers %v, want %v", states[1].X, states[0].X)
	}
}

// TestJITSeesRemap: after the memory's generation moves on (a page
// remapped elsewhere), a hot translated loop reads and writes the new
// page, not the one its TLB held.
func TestJITSeesRemap(t *testing.T) {
	var p prog
	p.w(
		enc(opLD, rA0, rA1, 0, 0),    // loop: a0 = *a1
		iADDI(rA0, rA0, 1),           //
		enc(opSD, 0, rA1, rA0, 8),    // a1[1] = a0 + 1
		enc(opBEQ, 0, rZero, 0, -12), // forever
	)
	h, m := newTestHart(t, p)
	h.X[rA1] = dataBase
	m.poke64(dataBase, 41)
	if e := h.Run(10000); e.Reason != ExitBudget {
		t.Fatalf("Run: %+v", e)
	}
	if h.icache.jit == nil || h.icache.jit.used == 0 {
		t.Fatal("the loop was not translated")
	}
	old := m.pages[dataBase>>pageShift]
	fresh := new(Page)
	fresh[0] = 99
	m.pages[dataBase>>pageShift] = fresh
	m.gen++
	if e := h.Run(10000); e.Reason != ExitBudget {
		t.Fatalf("Run: %+v", e)
	}
	if got := m.peek64(dataBase + 8); got != 100 {
		t.Errorf("the loop wrote %d, want 100 (from the new page)", got)
	}
	if old[8] != 42 {
		t.Errorf("the old page holds %d at 8, want 42 (written before the remap only)", old[8])
	}
}

// TestJITCodeFull: when an icache's executable memory fills up, it starts
// over (all decoded and translated code dropped, blocks translated again
// as they are reached), and programs run on unchanged.
func TestJITCodeFull(t *testing.T) {
	if !jitSupported {
		t.Skip("no translator on this host")
	}
	defer func(n int) { jitCodeSize = n }(jitCodeSize)
	jitCodeSize = 4 << 10 // a few blocks
	starts := 0
	for seed := uint64(1000); seed < 1060; seed++ {
		r := rand.New(rand.NewPCG(seed, 1))
		code := randomProgram(r, 200+r.IntN(200), seed%3 == 1, false)
		interp, jit, mi, mj := jitPair(r, code)
		for call := 0; call < 40; call++ {
			budget := uint64(1 + r.IntN(3000))
			ei, ej := interp.Run(budget), jit.Run(budget)
			if ei != ej {
				t.Fatalf("seed %d, call %d: exit %+v, want %+v", seed, call, ej, ei)
			}
			if d := sameState(interp, jit, mi, mj); d != "" {
				t.Fatalf("seed %d, call %d: %s", seed, call, d)
			}
			if ei.Reason != ExitBudget {
				break
			}
		}
		if jit.icache.jit != nil {
			starts += jit.icache.jit.restarts
		}
	}
	if starts == 0 {
		t.Error("no program filled the executable memory")
	}
	if testing.Verbose() {
		t.Logf("%d restarts", starts)
	}
}

// TestJITLoops: random loops of one block (straight code, then a counted
// branch back to its start), which translated code runs round and round
// with the guest registers in host registers, leaving, after some turns,
// through loads and stores that miss the TLB, faults, NaNs and
// instructions left to Go.
func TestJITLoops(t *testing.T) {
	if !jitSupported {
		t.Skip("no translator on this host")
	}
	for seed := uint64(0); seed < 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		var p prog
		p.w(iADDI(rT0, rZero, int32(20+r.IntN(200))))
		body := randomCode(r, 3+r.IntN(50), seed%3 == 1, false, true)
		// s1 walks through memory, so that its loads and stores reach
		// pages the TLB does not hold only after some turns.
		body.w(iADDI(rS1, rS1, 24))
		p = append(p, body...)
		p.w(iADDI(rT0, rT0, -1))
		p.w(enc(opBNE, 0, rT0, rZero, -int32(len(body)+4)), wECALL)
		runBoth(t, r, seed, p, false)
	}
}

// TestJITWriteXorExecute: the translator's memory is never writable and
// executable at once: after code has been translated, no mapping of the
// process is both.
func TestJITWriteXorExecute(t *testing.T) {
	if !jitSupported {
		t.Skip("no translator on this host")
	}
	var p prog
	p.w(iADDI(rA0, rA0, 1), enc(opBEQ, 0, rZero, 0, -4)) // loop: a0++
	h, _ := newTestHart(t, p)
	if e := h.Run(10000); e.Reason != ExitBudget || h.icache.jit == nil || h.icache.jit.used == 0 {
		t.Fatalf("Run: %+v; nothing was translated", e)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], "rwx") {
			t.Errorf("a mapping is writable and executable: %s", line)
		}
	}
}
