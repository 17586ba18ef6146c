package loader

import (
	"debug/elf"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// Memory is the address space Load fills; *mm.AddressSpace satisfies it.
// Protections and flags are Linux's (abi.PROT_*, abi.MAP_*); a failure is
// the errno the guest would see.
type Memory interface {
	// Mmap maps length bytes at addr (exactly there with MAP_FIXED,
	// wherever it chooses when addr is 0) from f at offset off, or zeroed
	// anonymous memory when f is nil, and returns the address mapped.
	Mmap(addr, length uint64, prot, flags int, f mm.File, off uint64) (uint64, abi.Errno)
	// Mprotect sets the protection of the pages in [addr, addr+length).
	Mprotect(addr, length uint64, prot int) abi.Errno
	// CopyOut writes src to guest memory at addr. It may fail with EFAULT
	// where a store from the guest would fault; Load only writes where it
	// mapped writable memory.
	CopyOut(addr uint64, src []byte) abi.Errno
	// SetBrk sets where the program break starts, and is.
	SetBrk(start uint64)
}

// Opener opens a file the loader needs by the path the guest would use,
// resolved in the guest's file system: the interpreter a PT_INTERP names.
// It reports failure as an abi.Errno, or as an error wrapping
// fs.ErrNotExist (ENOENT) or fs.ErrPermission (EACCES); any other error
// becomes EIO.
type Opener func(path string) (mm.File, error)

// Request is what Load needs besides the file: what execve was given and
// what the new program's auxiliary vector reports.
type Request struct {
	// Path is the program's path as the guest named it in execve. It
	// names the program in errors, becomes AT_EXECFN and Image.Path.
	Path string
	// Argv and Envp are the argument and environment strings. A string
	// ends at its first NUL, as in C. An empty Argv gets one empty string,
	// as Linux (5.18 on) gives it, so that argv[0] always exists.
	Argv, Envp []string
	// Open opens the interpreter a PT_INTERP header names. If Open is nil,
	// such a program fails with ENOENT.
	Open Opener
	// UID, EUID, GID and EGID are the credentials the auxiliary vector
	// reports (AT_UID ...); AT_SECURE is 1 when the real and effective
	// ids differ.
	UID, EUID, GID, EGID uint32
	// Random holds the 16 bytes AT_RANDOM points at, which seed glibc's
	// stack protector and pointer guard. The caller chooses them, so that
	// a deterministic run stays deterministic.
	Random [16]byte
	// StackSize is the stack size limit in bytes (RLIMIT_STACK's soft
	// value); 0 means DefaultStackSize. The stack is mapped this large,
	// rounded up to a page and at most mm.StackTop-mm.MmapBase. As in
	// Linux, a quarter of it (at most 6 MiB, at least 128 KiB) bounds the
	// argument and environment strings with their pointers.
	StackSize uint64
}

// Image is a loaded program, ready to run: the hart starts at Entry with
// sp = SP and every other register zero.
type Image struct {
	Path   string // Request.Path (AT_EXECFN)
	Interp string // the interpreter's path from PT_INTERP, "" when none

	Entry     uint64 // where the hart starts: the interpreter's entry point if any, else ProgEntry
	SP        uint64 // the initial stack pointer, 16-byte aligned; argc is there
	ProgEntry uint64 // the program's entry point (AT_ENTRY)
	Phdr      uint64 // the address of the program's program headers (AT_PHDR)
	Base      uint64 // where the interpreter is loaded (AT_BASE), 0 when none
	LoadBias  uint64 // what was added to the program's p_vaddr: 0 for ET_EXEC
	Brk       uint64 // the start of the program break, as given to Memory.SetBrk

	// ArgStart, ArgEnd, EnvStart and EnvEnd delimit the argument and
	// environment strings on the stack, for /proc/PID/cmdline and
	// /proc/PID/environ (Linux's mm->arg_start ...).
	ArgStart, ArgEnd, EnvStart, EnvEnd uint64

	// Auxv is the auxiliary vector as written on the stack, AT_NULL last,
	// for /proc/PID/auxv.
	Auxv []Aux
}

// Load loads the program in exe into mem, which should be a new, empty
// address space, and builds its initial stack, as Linux's execve does for
// an ELF file (fs/binfmt_elf.c, load_elf_binary). req.Path names it.
//
// Load checks the arguments, the program and its interpreter before it maps
// anything; a failure after that leaves mem partly filled, and the caller
// throws it away. Errors are *Error. Load never panics, whatever exe holds.
func Load(mem Memory, exe mm.File, req Request) (*Image, error) {
	img, e := load(mem, exe, req)
	if e != nil {
		e.Path = req.Path
		return nil, e
	}
	return img, nil
}

func load(mem Memory, exe mm.File, req Request) (*Image, *Error) {
	// The strings first: Linux copies them before it looks at the file.
	argv, envp, execfn := cStrings(req)
	stackSize := req.StackSize
	if stackSize == 0 {
		stackSize = DefaultStackSize
	}
	if e := checkArgs(argv, envp, execfn, stackSize); e != nil {
		return nil, e
	}
	stackLen := pageUp(min(stackSize, mm.StackTop-mm.MmapBase))
	stackSpan := span{mm.StackTop - stackLen, mm.StackTop}
	stack := newInitialStack(mm.StackTop, argv, envp, execfn, req.Random)

	// The program and its interpreter.
	prog, e := parseELF(exe)
	if e != nil {
		return nil, e
	}
	var interp *program
	var interpFile mm.File
	if prog.hasInterp {
		if interpFile, interp, e = openInterp(req.Open, prog.interp); e != nil {
			return nil, e
		}
	}

	// Where everything goes, checked before anything is mapped.
	if need := stack.size(len(auxv(&Image{}, prog, &req, stack))); need > stackLen {
		return nil, fail(abi.E2BIG, "argument list too long: %d bytes do not fit a stack of %d", need, stackLen)
	}
	bias := programBias(prog)
	if e := checkLayout(prog, bias, interp, stackSpan); e != nil {
		return nil, e
	}

	// The stack, the program, the interpreter, the break.
	stackProt := abi.PROT_READ | abi.PROT_WRITE
	if prog.execStack {
		stackProt |= abi.PROT_EXEC
	}
	if e := mmapFixed(mem, stackSpan.lo, stackLen, stackProt,
		abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED|abi.MAP_GROWSDOWN, nil, 0); e != nil {
		e.Reason = "stack: " + e.Reason
		return nil, e
	}
	if e := mapSegments(mem, exe, prog, bias); e != nil {
		return nil, e
	}
	img := &Image{
		Path:      req.Path,
		Interp:    prog.interp,
		ProgEntry: bias + prog.entry,
		Phdr:      phdrAddr(prog, bias),
		LoadBias:  bias,
		Brk:       brkStart(prog, bias),
	}
	img.Entry = img.ProgEntry
	if interp != nil {
		if img.Base, e = mapInterp(mem, interpFile, interp); e != nil {
			return nil, interpError(prog.interp, e)
		}
		img.Entry = img.Base + interp.entry
	}
	mem.SetBrk(img.Brk)

	// The initial stack.
	img.Auxv = auxv(img, prog, &req, stack)
	sp, bytes := stack.build(img.Auxv)
	if errno := mem.CopyOut(sp, bytes); errno != 0 {
		return nil, fail(errno, "writing the stack at %#x: %s", sp, strerror(errno))
	}
	img.SP = sp
	img.ArgStart, img.ArgEnd = stack.argStart, stack.envStart
	img.EnvStart, img.EnvEnd = stack.envStart, stack.envEnd
	return img, nil
}

// cStrings returns the strings of req as the guest will see them: each
// up to its first NUL, and argv never empty.
func cStrings(req Request) (argv, envp []string, execfn string) {
	argv = make([]string, 0, max(len(req.Argv), 1))
	for _, s := range req.Argv {
		argv = append(argv, cString(s))
	}
	if len(argv) == 0 {
		argv = append(argv, "")
	}
	envp = make([]string, len(req.Envp))
	for i, s := range req.Envp {
		envp[i] = cString(s)
	}
	return argv, envp, cString(req.Path)
}

// checkLayout checks, before anything is mapped, that the program moved by
// bias and an ET_EXEC interpreter fit the address space beside the stack
// and each other, and that the program's entry point is in the address
// space. (An ET_DYN interpreter goes where mmap finds room.)
func checkLayout(prog *program, bias uint64, interp *program, stack span) *Error {
	taken, names := []span{stack}, []string{"stack"}
	if e := checkPlacement(prog, bias, taken, names); e != nil {
		return e
	}
	if bias+prog.entry >= mm.TaskSize {
		return noexec("entry point %#x outside the address space", bias+prog.entry)
	}
	if interp != nil && interp.typ == elf.ET_EXEC {
		for _, s := range spans(prog, bias) {
			taken, names = append(taken, s), append(names, "program")
		}
		if e := checkPlacement(interp, 0, taken, names); e != nil {
			return interpError(prog.interp, e)
		}
	}
	return nil
}

// mapInterp maps the interpreter: an ET_EXEC one where its headers say, an
// ET_DYN one inside a reservation mmap places. It returns the load base,
// AT_BASE: 0 for ET_EXEC, as in Linux's load_elf_interp.
func mapInterp(mem Memory, f mm.File, p *program) (uint64, *Error) {
	var base uint64
	if p.typ == elf.ET_DYN {
		var e *Error
		if base, e = reserve(mem, p); e != nil {
			return 0, e
		}
	}
	if e := mapSegments(mem, f, p, base); e != nil {
		return 0, e
	}
	if base+p.entry >= mm.TaskSize {
		return 0, noexec("entry point %#x outside the address space", base+p.entry)
	}
	return base, nil
}

// auxv is the auxiliary vector of img, in the order of Linux's
// create_elf_tables, AT_NULL last.
func auxv(img *Image, prog *program, req *Request, stack *initialStack) []Aux {
	secure := uint64(0)
	if req.UID != req.EUID || req.GID != req.EGID {
		secure = 1
	}
	return []Aux{
		{abi.AT_MINSIGSTKSZ, minSigStkSz}, // riscv's ARCH_DLINFO comes first
		{abi.AT_HWCAP, hwcap},
		{abi.AT_PAGESZ, abi.PageSize},
		{abi.AT_CLKTCK, clkTck},
		{abi.AT_PHDR, img.Phdr},
		{abi.AT_PHENT, phdrSize},
		{abi.AT_PHNUM, uint64(prog.phnum)},
		{abi.AT_BASE, img.Base},
		{abi.AT_FLAGS, 0},
		{abi.AT_ENTRY, img.ProgEntry},
		{abi.AT_UID, uint64(req.UID)},
		{abi.AT_EUID, uint64(req.EUID)},
		{abi.AT_GID, uint64(req.GID)},
		{abi.AT_EGID, uint64(req.EGID)},
		{abi.AT_SECURE, secure},
		{abi.AT_RANDOM, stack.randomAddr},
		{abi.AT_EXECFN, stack.execfnAddr},
		{abi.AT_NULL, 0},
	}
}

// openInterp opens and checks the interpreter at path.
func openInterp(open Opener, path string) (mm.File, *program, *Error) {
	if open == nil {
		return nil, nil, interpError(path, fail(abi.ENOENT, "%s", strerror(abi.ENOENT)))
	}
	f, err := open(path)
	if err != nil {
		errno, text := openError(err)
		return nil, nil, interpError(path, fail(errno, "%s", text))
	}
	if f == nil {
		return nil, nil, interpError(path, fail(abi.ENOENT, "%s", strerror(abi.ENOENT)))
	}
	p, e := parseELF(f)
	if e != nil {
		return nil, nil, interpError(path, e)
	}
	if p.hasInterp {
		return nil, nil, interpError(path, noexec("is itself dynamically linked (PT_INTERP %s)", p.interp))
	}
	return f, p, nil
}

// interpError puts "interpreter PATH: " before e's reason.
func interpError(path string, e *Error) *Error {
	e.Reason = "interpreter " + path + ": " + e.Reason
	return e
}
