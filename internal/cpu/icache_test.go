package cpu

import (
	"encoding/binary"
	"testing"
)

// selfModifying returns code that runs "addi a0, a0, 1" at offset 4, then
// overwrites that instruction with "addi a0, a0, 100" (the word at offset
// 40), runs sync (fence.i or a nop), and runs offset 4 again: a0 ends as
// 101 if the new instruction ran, 2 if a stale decoding did.
func selfModifying(sync uint32) prog {
	var p prog
	p.w(
		enc(opAUIPC, rA1, 0, 0, 0), // 0
		iADDI(rA0, rA0, 1),         // 4: replaced
		enc(opBNE, 0, rA3, 0, 28),  // 8: second time: to 36
		enc(opLW, rA2, rA1, 0, 40), // 12
		enc(opSW, 0, rA1, rA2, 4),  // 16
		sync,                       // 20
		iADDI(rA3, rZero, 1),       // 24
		enc(opJAL, 0, 0, 0, -24),   // 28: to 4
		iADDI(0, 0, 0),             // 32
		wECALL,                     // 36
		iADDI(rA0, rA0, 100),       // 40: the new instruction
	)
	return p
}

func TestSelfModifyingCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		sync uint32
	}{
		{"store then fence.i", wFENCEI},
		// Without fence.i the specification allows either result; the hart
		// drops the decoding of a page it writes, so it runs the new code.
		{"store alone", iADDI(0, 0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, m := newTestHart(t, selfModifying(tc.sync))
			m.mapPages(codeBase, PageSize, AccessRead|AccessWrite|AccessExec)
			runToEcall(t, h)
			if h.X[rA0] != 101 {
				t.Errorf("a0: got %d, want 101 (the rewritten instruction ran)", h.X[rA0])
			}
		})
	}
}

// Code written into another page, then called: the decoding of that page,
// made by an earlier call, must not survive the write.
func TestWriteOtherCodePage(t *testing.T) {
	var p prog
	p.w(
		enc(opLUI, rA1, 0, 0, codeBase+PageSize), // 0: a1 = second page
		enc(opJALR, rRa, rA1, 0, 0),              // 4: call it
		enc(opSW, 0, rA1, rA2, 0),                // 8: rewrite its first instruction
		enc(opJALR, rRa, rA1, 0, 0),              // 12: call it again
		wECALL,                                   // 16
	)
	h, m := newTestHart(t, p)
	m.mapPages(codeBase, 2*PageSize, AccessRead|AccessWrite|AccessExec)
	var callee prog
	callee.w(iADDI(rA0, rA0, 1), enc(opJALR, 0, rRa, 0, 0))
	m.poke(codeBase+PageSize, callee)
	h.X[rA2] = uint64(iADDI(rA0, rA0, 10))
	runToEcall(t, h)
	if h.X[rA0] != 11 {
		t.Errorf("a0: got %d, want 11", h.X[rA0])
	}
}

// Code changed behind the hart's back (by the kernel, another process) is
// seen after FlushICache or a new generation, and not before: each
// instruction is decoded once.
func TestICacheFlush(t *testing.T) {
	var p prog
	p.w(iADDI(rA0, rZero, 1), wECALL)
	newCode := make([]byte, 4)
	binary.LittleEndian.PutUint32(newCode, iADDI(rA0, rZero, 2))
	for _, tc := range []struct {
		name  string
		flush func(h *Hart, m *testMem)
		want  uint64
	}{
		{"no flush: cached decoding", func(h *Hart, m *testMem) {}, 1},
		{"FlushICache", func(h *Hart, m *testMem) { h.FlushICache() }, 2},
		{"new generation", func(h *Hart, m *testMem) { m.gen++ }, 2},
		{"SetMemory", func(h *Hart, m *testMem) { h.SetMemory(m) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, m := newTestHart(t, p)
			runToEcall(t, h)
			m.poke(codeBase, newCode)
			tc.flush(h, m)
			h.PC = codeBase
			runToEcall(t, h)
			if h.X[rA0] != tc.want {
				t.Errorf("a0: got %d, want %d", h.X[rA0], tc.want)
			}
		})
	}
}

// A 32-bit instruction in the last two bytes of a page.
func TestStraddlingInstruction(t *testing.T) {
	build := func(m *testMem, word uint32) {
		var p prog
		p.w(enc(opJAL, 0, 0, 0, PageSize-2))
		m.poke(codeBase, p)
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], word)
		m.poke(codeBase+PageSize-2, b[:])
	}
	h, m := newTestHart(t, nil)
	build(m, iADDI(rA0, rZero, 7))
	var tail prog
	tail.w(wECALL)
	m.poke(codeBase+PageSize+2, tail)
	runToEcall(t, h)
	if h.X[rA0] != 7 || h.PC != codeBase+PageSize+2 {
		t.Errorf("got a0 %d PC %#x, want 7 %#x", h.X[rA0], h.PC, codeBase+PageSize+2)
	}

	// The second half changes without any flush: straddling instructions
	// are never cached.
	build(m, iADDI(rA0, rZero, 0x123))
	h.PC = codeBase
	runToEcall(t, h)
	if h.X[rA0] != 0x123 {
		t.Errorf("after rewrite: got a0 %#x, want 0x123", h.X[rA0])
	}

	// A compressed instruction in the last two bytes does not need the
	// next page.
	var c prog
	c.c(0x4515) // c.li a0, 5
	m.poke(codeBase+PageSize-2, c)
	h.PC = codeBase
	runToEcall(t, h)
	if h.X[rA0] != 5 {
		t.Errorf("compressed at page end: got a0 %d, want 5", h.X[rA0])
	}
}

func TestStraddlingFetchFault(t *testing.T) {
	m := newTestMem()
	m.mapPages(codeBase, PageSize, AccessRead|AccessExec) // the next page is unmapped
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], iADDI(rA0, rZero, 7))
	m.poke(codeBase+PageSize-2, b[:2])
	h := New(m)
	h.PC = codeBase + PageSize - 2
	e := h.Run(10)
	want := Exit{Reason: ExitFault, Addr: codeBase + PageSize, Fault: FaultMapErr, Access: AccessExec}
	if e != want || h.PC != codeBase+PageSize-2 {
		t.Errorf("got %+v at PC %#x, want %+v at %#x", e, h.PC, want, codeBase+PageSize-2)
	}
}

// codeMem is a testMem that reports a code generation (CodeMemory).
type codeMem struct {
	*testMem
	code uint64
}

func (m *codeMem) CodeGeneration() uint64 { return m.code }

// With a CodeMemory, a new generation alone (a mapping changed) keeps the
// decoded code; a new code generation (contents changed in place) drops it.
func TestICacheCodeGeneration(t *testing.T) {
	var p prog
	p.w(iADDI(rA0, rZero, 1), wECALL)
	newCode := make([]byte, 4)
	binary.LittleEndian.PutUint32(newCode, iADDI(rA0, rZero, 2))
	for _, tc := range []struct {
		name string
		bump func(m *codeMem)
		want uint64
	}{
		{"generation only: decoded code kept", func(m *codeMem) { m.gen++ }, 1},
		{"code generation: decoded code dropped", func(m *codeMem) { m.gen++; m.code++ }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, tm := newTestHart(t, p)
			m := &codeMem{testMem: tm}
			h := New(m)
			h.PC = codeBase
			runToEcall(t, h)
			m.poke(codeBase, newCode)
			tc.bump(m)
			h.PC = codeBase
			runToEcall(t, h)
			if h.X[rA0] != tc.want {
				t.Errorf("a0: got %d, want %d", h.X[rA0], tc.want)
			}
		})
	}
}
