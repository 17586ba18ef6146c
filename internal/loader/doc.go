// Package loader turns an executable file into a program ready to run: it
// maps a riscv64 ELF program — static, static-PIE or dynamically linked —
// and its interpreter (the dynamic linker PT_INTERP names) into an address
// space, and builds the initial stack: the argument and environment
// strings, argv, envp and the auxiliary vector. It does what Linux's execve
// does for an ELF file (fs/exec.c, fs/binfmt_elf.c: load_elf_binary,
// load_elf_interp, create_elf_tables), and parses "#!" lines as
// fs/binfmt_script.c does, for the kernel's execve to run scripts.
//
// The package holds no state and takes no locks. Load runs on the exec'ing
// task, and the address space it fills is not yet anyone else's.
//
// # Order of work
//
// Load refuses what it can before it changes the address space:
//
//  1. the strings: E2BIG, as Linux refuses them before it reads the file;
//  2. the program's ELF header and program headers, read through
//     io.ReaderAt with debug/elf's types; its interpreter, opened through
//     Request.Open and checked the same way;
//  3. where the segments go: inside the user address space, above page
//     zero, clear of the stack.
//
// Then it maps the stack (StackSize bytes ending at mm.StackTop), the
// program's PT_LOAD segments, the interpreter's, sets the break and writes
// the initial stack. A failure in this second half (the address space out
// of memory) leaves the address space partly filled; the kernel loads into
// a new address space and keeps the old one until Load succeeds, so a
// failed execve returns to its caller, which Linux cannot promise past its
// point of no return.
//
// # Layout
//
// An ET_EXEC program goes where its headers say. An ET_DYN program goes at
// ETDynBase (riscv64's ELF_ET_DYN_BASE, 2/3 of mm.TaskSize) aligned to its
// largest p_align. An ET_DYN interpreter goes where Memory's mmap puts the
// PROT_NONE reservation of its whole extent, below mm.MmapBase. The break
// starts at the page after the program's highest segment. Nothing is
// randomised: there is no ASLR, and the 16 AT_RANDOM bytes come from the
// caller.
//
// # Differences from Linux
//
//   - An ET_DYN program without PT_INTERP (static-PIE, or ld.so run as a
//     program) is placed at ETDynBase like a PIE; Linux (4.13 on) puts it in
//     the mmap area. Either keeps it clear of what the program maps.
//   - Stricter checks, where Linux would map a broken file and fail or
//     crash later: PT_LOAD headers must be sorted and disjoint (they may
//     share a page), lie wholly in the file (a truncated file is ENOEXEC,
//     not a SIGBUS at run time), and have p_offset and p_vaddr congruent
//     modulo the page size; the interpreter must not have a PT_INTERP.
//   - AT_PHDR comes from PT_PHDR when there is one; Linux (5.18 on)
//     always computes it from the PT_LOAD holding e_phoff. Both agree for
//     every program a linker makes.
//   - The bss tail of a read-only segment's last file page is zeroed too
//     (Linux tries, fails and goes on).
//   - No vDSO, so no AT_SYSINFO_EHDR; no cache-geometry entries
//     (AT_L1I_CACHESIZE ...), no rseq entries. riscv64 has no AT_PLATFORM.
//   - Holes between an interpreter's segments stay mapped PROT_NONE.
package loader
