#include "textflag.h"

// func jitEnter(code uintptr, h *Hart, pc, budget uint64) (r, left uint64)
//
// Calls the translated code at code with RDI = h, RSI = pc and R15 =
// budget, and returns what it returns in RAX and what it left in R15. The
// code uses no stack beyond the return address the CALL pushes and
// preserves only RSP and RBP; Go's ABI wrapper restores R14 and X15.
TEXT ·jitEnter(SB), NOSPLIT, $0-48
	MOVQ code+0(FP), AX
	MOVQ h+8(FP), DI
	MOVQ pc+16(FP), SI
	MOVQ budget+24(FP), R15
	CALL AX
	MOVQ AX, r+32(FP)
	MOVQ R15, left+40(FP)
	RET
