// Package cpu is one RV64GC hart (RV64IMAFDC + Zicsr + Zifencei, user level):
// decode, execute, floating point, atomics, CSRs and traps. It knows guest
// memory only through the Memory interface and imports nothing of vessel's.
//
// The kernel drives a hart with Run, which executes until a budget of
// retired instructions is spent or the hart traps (ecall, ebreak, an illegal
// instruction, a memory fault), and returns why it stopped in an Exit.
//
// Each instruction is decoded once (decode.go, decode_compressed.go, with
// the opcode facts in inst.go) into a per-page cache (icache.go) and run
// by one switch (exec.go; exec_muldiv.go, exec_amo.go, exec_fp.go and
// csr.go for the larger groups). Memory is reached through a software TLB
// (tlb.go). The soft float is fpu*.go.
//
// On amd64 hosts code run often is translated to host machine code
// (jit.go: when and how blocks are made, run and dropped; jit_amd64.go the
// translator, jit_fp_amd64.go its floating point, jit_regs_amd64.go guest
// registers in host registers, x86_amd64.go the encoder). Translated and
// interpreted code give the same results, instruction counts and exits;
// jit_test.go checks that on random programs.
package cpu

import "sync"

// PageSize is the size of a guest page.
const PageSize = 4096

// Page is the host memory backing one guest page.
type Page = [PageSize]byte

// Access kinds passed to Memory.Translate; the values are Linux's PROT_* bits.
const (
	AccessRead  = 1
	AccessWrite = 2
	AccessExec  = 4
)

// Fault kinds returned by Memory.Translate.
const (
	FaultNone   = 0 // no fault
	FaultMapErr = 1 // no mapping at the address: SIGSEGV, SEGV_MAPERR
	FaultAccErr = 2 // mapping forbids the access: SIGSEGV, SEGV_ACCERR
	FaultBusErr = 3 // mapping past the end of its file: SIGBUS, BUS_ADRERR
	FaultAdrAln = 4 // misaligned atomic (lr, sc, amo*): SIGBUS, BUS_ADRALN
)

// Memory is the hart's view of a guest address space.
type Memory interface {
	// Translate returns the host page backing the guest page that holds
	// addr, for the given access (one of AccessRead, AccessWrite,
	// AccessExec). A write to a copy-on-write page makes the private copy
	// before returning it. On failure page is nil and fault says why.
	Translate(addr uint64, access int) (page *Page, fault int)
	// Generation changes whenever a translation returned earlier may have
	// become stale (unmap, protection change, fork's copy-on-write marking).
	Generation() uint64
}

// CodeMemory is a Memory that also says when decoded code may have gone
// stale. Without it every new Generation drops the decoded code too.
type CodeMemory interface {
	Memory
	// CodeGeneration changes whenever the contents of a page that a
	// translation returned earlier may have changed in place, other than
	// through the hart's own stores (which the hart sees): a hole punched
	// in shared memory, say. Pages whose mapping merely changes (unmap,
	// protection, copy-on-write) keep their contents and do not count: the
	// decoded code of a host page stays right for as long as the page
	// lives, which the memory must guarantee by never reusing a page for
	// other contents while anything may hold it.
	CodeGeneration() uint64
}

// ExitReason says why Run returned.
type ExitReason int

const (
	ExitBudget  ExitReason = iota // the instruction budget is spent
	ExitEcall                     // ecall; PC is at the ecall instruction
	ExitEbreak                    // ebreak (or c.ebreak); PC is at it
	ExitIllegal                   // an illegal instruction; PC is at it
	ExitFault                     // a memory fault; PC is at the faulting instruction (for a fetch fault, the fetch address)
)

// Exit describes why Run returned.
type Exit struct {
	Reason ExitReason
	Addr   uint64 // the faulting data or fetch address (ExitFault)
	Fault  int    // FaultMapErr, FaultAccErr, FaultBusErr or FaultAdrAln (ExitFault)
	Access int    // AccessRead, AccessWrite or AccessExec (ExitFault)
	Inst   uint32 // the instruction word, as fetched (ExitIllegal, ExitEbreak, ExitEcall); 16 bits for compressed
}

// Hart is one RV64IMAFDC hart at user level. The hot architectural state is
// plain fields the kernel reads and writes directly between calls to Run:
// the syscall number is X[17], its arguments X[10]..X[15], its result goes
// to X[10]. A Hart is not safe for concurrent use; the kernel runs it on
// one goroutine at a time.
type Hart struct {
	hartState
	// tlb is the software TLB (tlb.go), apart from the rest so that a
	// released hart's (Release) is reused without being cleared.
	tlb tlb
}

// hartState is all of a Hart but its TLB: the architectural state the
// kernel reads and writes (promoted into Hart) and the run loop's own.
type hartState struct {
	X    [32]uint64 // integer registers; X[0] reads as 0 (Run keeps it so)
	F    [32]uint64 // FP registers; singles are NaN-boxed (upper 32 bits all ones)
	PC   uint64     // address of the next instruction
	FCSR uint32     // frm<<5 | fflags; the bits above 7 are zero

	// Instret counts retired instructions. It is the value of the instret
	// and cycle CSRs, and of time when Time is nil.
	Instret uint64

	// Mem is the address space the hart runs in. Change it with SetMemory,
	// which also drops the caches built from the old one.
	Mem Memory

	// Time returns the value of the time CSR (rdtime). If Time is nil, time
	// reads as Instret.
	Time func() uint64

	gen uint64 // Mem.Generation() when the TLB was last valid

	// LR/SC reservation: valid, the reserved address and the value lr read.
	resValid bool
	resAddr  uint64
	resValue uint64

	icache *icache // decoded-instruction cache (icache.go), shared by ShareCode
	// codeGen is the CodeMemory's CodeGeneration the decoded code is
	// current with.
	codeGen uint64
	// codeEpoch is the icache epoch this hart's fetch TLB was filled in;
	// another sharer's drop moves the epoch on and Run refills.
	codeEpoch uint64
	// dropped is set whenever this hart drops a codePage; Run clears it
	// and forgets its current codePage.
	dropped bool

	// fault is the exit a slow path returns through Run after a failed
	// memory access.
	fault Exit
	// straddle holds the decoding of a 32-bit instruction that crosses a
	// page end; such instructions are never cached.
	straddle Inst

	// Interpret makes the hart interpret every instruction instead of
	// translating hot code to host machine code (jit.go); it matters only
	// where the host has a translator. Clone copies it.
	Interpret bool

	// jitPC is where translated code left off (jit.go); jitMX is where it
	// reads MXCSR (jit_fp_amd64.go).
	jitPC uint64
	jitMX uint32
}

// New returns a hart with all registers zero that runs in mem (which may be
// nil until SetMemory is called; Run needs a memory).
func New(mem Memory) *Hart {
	h := newHart(hartState{Mem: mem, icache: newICache()})
	if mem != nil {
		h.gen = mem.Generation()
		h.syncCodeGen()
	}
	return h
}

// SetMemory switches the hart to address space m: it flushes the TLB, the
// decoded-instruction cache and the LR/SC reservation.
func (h *Hart) SetMemory(m Memory) {
	h.Mem = m
	h.gen = m.Generation()
	h.syncCodeGen()
	h.FlushTLB()
	h.FlushICache()
	h.ClearReservation()
}

// syncCodeGen takes the memory's code generation as seen.
func (h *Hart) syncCodeGen() {
	if cm, ok := h.Mem.(CodeMemory); ok {
		h.codeGen = cm.CodeGeneration()
	}
}

// FlushTLB forgets every translation the hart holds. The kernel calls it
// when a mapping of the hart's address space changes and the generation
// does not show it; Run also does it itself when Mem.Generation changes.
func (h *Hart) FlushTLB() { h.tlb.flush() }

// FlushTLBKeepCode is FlushTLB for a change of the address space that
// leaves the contents of its pages as they were (fork making private pages
// copy-on-write): the translations go, the decoded code stays, and the
// hart takes the memory's new generation as seen.
func (h *Hart) FlushTLBKeepCode() {
	h.tlb.flush()
	if h.Mem != nil {
		h.gen = h.Mem.Generation()
	}
}

// FlushICache drops every decoded instruction, as fence.i does; the kernel
// calls it for riscv_flush_icache or after writing code into guest memory.
func (h *Hart) FlushICache() {
	h.icache.flush()
	h.dropped = true
	h.tlb.flushExec()
	h.codeEpoch = h.icache.epoch
}

// ShareCode makes h use o's decoded-instruction cache, so that the harts
// of a kernel decode each host page once between them: threads of one
// address space, a fork child whose pages are its parent's, a new program
// whose pages its predecessor's were. Only one of the sharers may run at a
// time. A page one of them writes is dropped for all; a write through
// another sharer's stale write translation is seen after fence.i
// (FlushICache), as the RISC-V specification requires of code modified by
// another hart. Sharing across address spaces is right only for a
// CodeMemory, whose pages keep their contents for as long as they live.
func (h *Hart) ShareCode(o *Hart) {
	h.icache = o.icache
	h.tlb.flushExec()
	h.codeEpoch = h.icache.epoch
}

// ClearReservation invalidates the LR/SC reservation, so that the next
// sc fails. The kernel calls it on a context switch and on signal delivery,
// as Linux's entry code does for every trap.
func (h *Hart) ClearReservation() { h.resValid = false }

// Clone returns a new hart with a copy of h's architectural state (X, F,
// PC, FCSR, Instret, Time, Interpret) that runs in mem, with no reservation and with
// h's TLB if mem is h's memory (a thread), else an empty one: the starting point of a child of clone or fork, whose kernel
// then sets the child's return value and stack. mem is h's own memory for a
// thread, or a copy-on-write copy of it for a fork child, whose pages hold
// the same code; the child shares h's decoded-instruction cache (see
// ShareCode) in either case, unless mem is another memory that is not a
// CodeMemory.
func (h *Hart) Clone(mem Memory) *Hart {
	s := hartState{X: h.X, F: h.F, PC: h.PC, FCSR: h.FCSR, Instret: h.Instret, Mem: mem, Time: h.Time, Interpret: h.Interpret}
	if mem == h.Mem {
		// A thread starts with its creator's translations, which stand
		// or go stale together: its first Run checks them as h's would.
		s.icache, s.codeGen, s.codeEpoch, s.gen = h.icache, h.codeGen, h.codeEpoch, h.gen
		c := newHartWithTLB(s, &h.tlb)
		if cm, ok := mem.(CodeMemory); ok && cm.CodeGeneration() != h.codeGen {
			c.gen = noGen // the first Run checks the code, as h's next one would
		}
		return c
	}
	c := newHart(s)
	if _, ok := mem.(CodeMemory); !ok {
		c.icache = newICache()
		c.gen = mem.Generation()
		return c
	}
	c.icache = h.icache
	c.codeGen, c.codeEpoch = h.codeGen, h.icache.epoch
	c.gen = mem.Generation()
	if cm, ok := mem.(CodeMemory); ok && cm.CodeGeneration() != h.codeGen {
		c.gen = noGen // the first Run checks the code, as h's next one would
	}
	return c
}

// noGen is a generation no memory has.
const noGen = ^uint64(0)

// released holds harts given back by Release, for New and Clone to reuse:
// a thread that lives for a moment then costs no allocation of its TLB.
var released sync.Pool

// newHart returns a hart with state s and an empty TLB: a released one if
// there is one (its TLB emptied by a flush, which costs next to nothing),
// else a new one.
func newHart(s hartState) *Hart {
	h, _ := released.Get().(*Hart)
	if h == nil {
		h = new(Hart)
	}
	h.hartState = s
	h.tlb.flush()
	return h
}

// newHartWithTLB is newHart for a hart that starts with the translations
// of t, valid for s's memory as s's gen and codeEpoch say. A released
// hart whose own TLB was valid for the same memory, generation and code
// (the last thread of the same process, typically) keeps it as it is;
// otherwise it gets a copy of t.
func newHartWithTLB(s hartState, t *tlb) *Hart {
	h, _ := released.Get().(*Hart)
	if h == nil {
		h = new(Hart)
	}
	if h.tlb.owner != (tlbOwner{s.Mem, s.gen, s.codeEpoch}) {
		h.tlb = *t
	}
	h.tlb.owner = tlbOwner{}
	h.hartState = s
	return h
}

// Release gives h back for reuse. The caller promises that nothing will
// use h again: the kernel releases a task's hart once the task has exited
// for good and no longer points to it.
func (h *Hart) Release() {
	if h.Mem != nil && h.gen == h.Mem.Generation() && h.codeEpoch == h.icache.epoch {
		h.tlb.owner = tlbOwner{h.Mem, h.gen, h.codeEpoch}
	}
	h.hartState = hartState{}
	released.Put(h)
}
