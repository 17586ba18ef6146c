package loader

import (
	"encoding/binary"
	"strings"

	"vessel/internal/abi"
)

// Limits on arguments and the stack, from Linux's fs/exec.c and
// include/uapi/linux/binfmts.h.
const (
	// DefaultStackSize is the stack size when Request.StackSize is 0:
	// _STK_LIM, the default RLIMIT_STACK.
	DefaultStackSize = 8 << 20

	maxArgStrlen = 32 * abi.PageSize // MAX_ARG_STRLEN: the longest string, NUL included
	argMax       = 32 * abi.PageSize // ARG_MAX: the strings may always use this much
)

// Values of the auxiliary vector that describe the machine.
const (
	// hwcap is AT_HWCAP: the single-letter extensions of RV64GC.
	hwcap = abi.HWCAP_ISA_I | abi.HWCAP_ISA_M | abi.HWCAP_ISA_A |
		abi.HWCAP_ISA_F | abi.HWCAP_ISA_D | abi.HWCAP_ISA_C

	// minSigStkSz is AT_MINSIGSTKSZ: riscv64 Linux reports the size of its
	// signal frame, sizeof(struct rt_sigframe) rounded up to 16 —
	// siginfo (128) + ucontext (960) = 1088 — plus the vector state on
	// a hart with V, which vessel's has not (arch/riscv/kernel/signal.c,
	// get_rt_frame_size(true)). MINSIGSTKSZ in the C headers, 2048, is
	// a static upper bound of the same thing.
	minSigStkSz = 1088

	clkTck = 100 // AT_CLKTCK: USER_HZ
)

// Aux is one entry of the auxiliary vector: a key (abi.AT_*) and its value.
type Aux struct{ Type, Val uint64 }

// checkArgs refuses with E2BIG what Linux's do_execveat_common refuses: a
// string longer than MAX_ARG_STRLEN, or strings and pointers that need more
// than a quarter of the stack limit (at most 6 MiB, at least ARG_MAX);
// see bprm_stack_limits. argv is never empty here.
func checkArgs(argv, envp []string, execfn string, stackSize uint64) *Error {
	limit := max(min(DefaultStackSize/4*3, stackSize/4), argMax)
	ptrs := uint64(len(argv)+len(envp)) * 8
	if limit <= ptrs {
		return fail(abi.E2BIG, "argument list too long: %d arguments and environment strings", len(argv)+len(envp))
	}
	limit -= ptrs
	total := uint64(0)
	for _, list := range [][]string{{execfn}, envp, argv} {
		for _, s := range list {
			n := uint64(len(s)) + 1
			if n > maxArgStrlen {
				return fail(abi.E2BIG, "argument list too long: a string of %d bytes, limit %d", n, maxArgStrlen)
			}
			total += n
		}
	}
	if total > limit {
		return fail(abi.E2BIG, "argument list too long: %d bytes of strings, limit %d", total, limit)
	}
	return nil
}

// cString is s as C sees it: up to its first NUL.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// initialStack is the initial stack of a new program, laid out as Linux's
// fs/exec.c and create_elf_tables (fs/binfmt_elf.c) lay it out, from the
// top (without randomisation):
//
//	top        8 bytes of zero
//	           execfn string                 <- AT_EXECFN
//	           envp strings, envp[0] lowest  <- EnvStart .. EnvEnd
//	           argv strings, argv[0] lowest  <- ArgStart .. ArgEnd
//	           (down to a 16-byte boundary)
//	           16 random bytes               <- AT_RANDOM
//	           (padding, so that sp is 16-byte aligned)
//	           auxv pairs, AT_NULL last
//	           NULL, envp[envc-1] ... envp[0]
//	           NULL, argv[argc-1] ... argv[0]
//	sp ->      argc
//
// riscv64 has no AT_PLATFORM string (ELF_PLATFORM is NULL).
type initialStack struct {
	top        uint64
	argv, envp []string
	execfn     string
	random     [16]byte

	argStart, envStart, envEnd uint64
	execfnAddr, randomAddr     uint64
}

// newInitialStack places the strings and the random bytes below top.
func newInitialStack(top uint64, argv, envp []string, execfn string, random [16]byte) *initialStack {
	s := &initialStack{top: top, argv: argv, envp: envp, execfn: execfn, random: random}
	p := top - 8
	p -= uint64(len(execfn)) + 1
	s.execfnAddr = p
	p -= stringsLen(envp)
	s.envStart, s.envEnd = p, p+stringsLen(envp)
	p -= stringsLen(argv)
	s.argStart = p
	p &^= 15 // as arch_align_stack does where an architecture defines it
	p -= uint64(len(random))
	s.randomAddr = p
	return s
}

func stringsLen(list []string) uint64 {
	n := uint64(0)
	for _, s := range list {
		n += uint64(len(s)) + 1
	}
	return n
}

// sp is the initial stack pointer below an auxiliary vector of n entries:
// Linux's STACK_ROUND of what argc, argv, envp and auxv need.
func (s *initialStack) sp(n int) uint64 {
	sp := s.randomAddr - uint64(n)*16
	items := uint64(len(s.argv)+1+len(s.envp)+1) + 1
	return (sp - items*8) &^ 15
}

// size is how many bytes of stack the whole layout needs with an auxiliary
// vector of n entries.
func (s *initialStack) size(n int) uint64 { return s.top - s.sp(n) }

// build lays out argc, the pointer arrays and auxv (which must end with
// AT_NULL) below the random bytes and returns the stack pointer and the
// bytes of [sp, top).
func (s *initialStack) build(auxv []Aux) (sp uint64, image []byte) {
	sp = s.sp(len(auxv))
	image = make([]byte, s.top-sp)
	at := func(addr uint64) []byte { return image[addr-sp:] }

	// The strings.
	p := s.argStart
	for _, list := range [][]string{s.argv, s.envp} {
		for _, str := range list {
			copy(at(p), str)
			p += uint64(len(str)) + 1
		}
	}
	copy(at(s.execfnAddr), s.execfn)
	copy(at(s.randomAddr), s.random[:])

	// argc, argv, envp, auxv.
	w := sp
	word := func(v uint64) {
		binary.LittleEndian.PutUint64(at(w), v)
		w += 8
	}
	word(uint64(len(s.argv)))
	p = s.argStart
	for _, list := range [][]string{s.argv, s.envp} {
		for _, str := range list {
			word(p)
			p += uint64(len(str)) + 1
		}
		word(0)
	}
	for _, a := range auxv {
		word(a.Type)
		word(a.Val)
	}
	return sp, image
}
