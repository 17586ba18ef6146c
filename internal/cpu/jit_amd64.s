#include "textflag.h"

// func jitEnter(code uintptr, h *Hart, pc uint64) uint64
//
// Calls the translated code at code with RDI = h and RSI = pc, and
// returns what it returns in RAX. The code uses no stack beyond the return
// address the CALL pushes and clobbers only RAX, RCX, RDX and R8.
TEXT ·jitEnter(SB), NOSPLIT, $0-32
	MOVQ code+0(FP), AX
	MOVQ h+8(FP), DI
	MOVQ pc+16(FP), SI
	CALL AX
	MOVQ AX, ret+24(FP)
	RET
