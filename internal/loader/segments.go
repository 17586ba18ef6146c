package loader

import (
	"debug/elf"
	"strconv"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// ETDynBase is where an ET_DYN program (PIE, static-PIE, a dynamic linker
// run as a program) is loaded: riscv64 Linux's ELF_ET_DYN_BASE, two thirds
// of the task size, page-aligned. Linux adds a random offset; vessel does not.
const ETDynBase = (mm.TaskSize / 3 * 2) &^ (abi.PageSize - 1)

// mmapMinAddr is the lowest address a program may occupy: Linux refuses to
// map page zero (vm.mmap_min_addr, 4096 by default).
const mmapMinAddr = abi.PageSize

var zeroPage [abi.PageSize]byte

// span is a range of addresses [lo, hi).
type span struct{ lo, hi uint64 }

func (s span) overlaps(t span) bool { return s.lo < t.hi && t.lo < s.hi }

// programBias is what Load adds to the main program's addresses: 0 for
// ET_EXEC; for ET_DYN, ETDynBase aligned down to the largest power-of-two
// p_align, less the first segment's address, as Linux's load_elf_binary
// computes load_bias.
func programBias(p *program) uint64 {
	if p.typ != elf.ET_DYN {
		return 0
	}
	base := uint64(ETDynBase)
	if a := maxAlign(p.loads); a > abi.PageSize {
		base &^= a - 1
	}
	return pageDown(base - p.loads[0].Vaddr)
}

// maxAlign is Linux's maximum_alignment: the largest p_align of the
// PT_LOAD headers that is a power of two, at least a page.
func maxAlign(loads []segment) uint64 {
	var a uint64
	for _, ph := range loads {
		if ph.Align&(ph.Align-1) == 0 && ph.Align > a {
			a = ph.Align
		}
	}
	return max(pageUp(a), abi.PageSize)
}

// extent is the range of pages p's segments cover once bias is added.
func extent(p *program) span {
	first, last := p.loads[0], p.loads[len(p.loads)-1]
	return span{pageDown(first.Vaddr), pageUp(last.Vaddr + last.Memsz)}
}

// checkPlacement checks that p's segments, moved by bias, lie inside the
// user address space above page zero and clear of the ranges in taken.
// It runs before anything is mapped, because MAP_FIXED would silently
// replace what is there (Linux maps with MAP_FIXED_NOREPLACE and fails).
func checkPlacement(p *program, bias uint64, taken []span, takenName []string) *Error {
	for _, ph := range p.loads {
		i := ph.index
		lo := bias + ph.Vaddr
		hi, ok := add(lo, ph.Memsz)
		if !ok || hi > mm.TaskSize {
			return fail(abi.ENOMEM, "segment %d: %#x+%#x outside the address space", i, lo, ph.Memsz)
		}
		if ph.Memsz == 0 {
			continue
		}
		if lo < mmapMinAddr {
			return fail(abi.EPERM, "segment %d: maps page zero (address %#x)", i, lo)
		}
		s := span{pageDown(lo), pageUp(hi)}
		for j, t := range taken {
			if s.overlaps(t) {
				return fail(abi.ENOMEM, "segment %d: %#x-%#x overlaps the %s", i, s.lo, s.hi, takenName[j])
			}
		}
	}
	return nil
}

// spans is where p's segments lie once bias is added.
func spans(p *program, bias uint64) []span {
	var out []span
	for _, ph := range p.loads {
		if ph.Memsz > 0 {
			out = append(out, span{pageDown(bias + ph.Vaddr), pageUp(bias + ph.Vaddr + ph.Memsz)})
		}
	}
	return out
}

// reserve picks where an ET_DYN interpreter goes: it maps the whole extent
// of its segments PROT_NONE wherever Memory chooses, and returns the bias
// that puts the first segment at the start of that reservation. Segments are
// then mapped over it with MAP_FIXED; gaps between them stay reserved, as
// glibc's dynamic linker leaves them for the libraries it loads.
func reserve(mem Memory, p *program) (uint64, *Error) {
	ext := extent(p)
	if ext.hi == ext.lo {
		return 0, noexec("no loadable bytes")
	}
	addr, errno := mem.Mmap(0, ext.hi-ext.lo, abi.PROT_NONE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, nil, 0)
	if errno != 0 {
		return 0, fail(errno, "reserving %#x bytes: %s", ext.hi-ext.lo, strerror(errno))
	}
	if addr%abi.PageSize != 0 || addr+(ext.hi-ext.lo) > mm.TaskSize || addr < mmapMinAddr {
		return 0, fail(abi.ENOMEM, "reserving %#x bytes: got address %#x", ext.hi-ext.lo, addr)
	}
	return addr - ext.lo, nil
}

// mapSegments maps p's PT_LOAD segments from f, each moved by bias. For
// each segment, as Linux's elf_load does:
//
//	pageDown(start)    start+filesz   pageUp(start+filesz)   pageUp(start+memsz)
//	|  file, MAP_PRIVATE, p_flags  |  zeroed  |  anonymous, zero-filled  |
//
// The file part maps whole pages from the page holding p_offset; when the
// segment has bss, the rest of its last file page is zeroed, making that page
// writable for the moment if the segment is not. Linux maps the anonymous
// part read-write (and executable if the segment is), whatever p_flags say:
// it comes from vm_brk_flags.
func mapSegments(mem Memory, f mm.File, p *program, bias uint64) *Error {
	for _, ph := range p.loads {
		if e := mapSegment(mem, f, ph, bias); e != nil {
			e.Reason = "segment " + strconv.Itoa(ph.index) + ": " + e.Reason
			return e
		}
	}
	return nil
}

func mapSegment(mem Memory, f mm.File, ph segment, bias uint64) *Error {
	prot := protOf(ph.Flags)
	start := bias + ph.Vaddr
	fileEnd := start + ph.Filesz
	memEnd := start + ph.Memsz
	anon := pageDown(start)
	if ph.Filesz > 0 {
		lo, hi := pageDown(start), pageUp(fileEnd)
		off := ph.Off - ph.Vaddr%abi.PageSize
		if e := mmapFixed(mem, lo, hi-lo, prot, abi.MAP_PRIVATE|abi.MAP_FIXED, f, off); e != nil {
			return e
		}
		if ph.Memsz > ph.Filesz && fileEnd < hi {
			if e := zero(mem, fileEnd, hi-fileEnd, prot); e != nil {
				return e
			}
		}
		anon = hi
	}
	if hi := pageUp(memEnd); ph.Memsz > ph.Filesz && hi > anon {
		bssProt := abi.PROT_READ | abi.PROT_WRITE | prot&abi.PROT_EXEC
		return mmapFixed(mem, anon, hi-anon, bssProt, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0)
	}
	return nil
}

// zero clears [addr, addr+n), which lies in one page mapped with prot.
func zero(mem Memory, addr, n uint64, prot int) *Error {
	page := pageDown(addr)
	if prot&abi.PROT_WRITE == 0 {
		if errno := mem.Mprotect(page, abi.PageSize, prot|abi.PROT_WRITE); errno != 0 {
			return fail(errno, "mprotect %#x: %s", page, strerror(errno))
		}
	}
	if errno := mem.CopyOut(addr, zeroPage[:n]); errno != 0 {
		return fail(errno, "clearing %#x+%#x: %s", addr, n, strerror(errno))
	}
	if prot&abi.PROT_WRITE == 0 {
		if errno := mem.Mprotect(page, abi.PageSize, prot); errno != 0 {
			return fail(errno, "mprotect %#x: %s", page, strerror(errno))
		}
	}
	return nil
}

// mmapFixed maps at exactly addr or fails.
func mmapFixed(mem Memory, addr, length uint64, prot, flags int, f mm.File, off uint64) *Error {
	got, errno := mem.Mmap(addr, length, prot, flags, f, off)
	if errno != 0 {
		return fail(errno, "mmap %#x+%#x: %s", addr, length, strerror(errno))
	}
	if got != addr {
		return fail(abi.ENOMEM, "mmap %#x+%#x: mapped at %#x", addr, length, got)
	}
	return nil
}

// protOf turns p_flags into PROT_* bits (Linux's make_prot).
func protOf(flags uint32) int {
	prot := abi.PROT_NONE
	if elf.ProgFlag(flags)&elf.PF_R != 0 {
		prot |= abi.PROT_READ
	}
	if elf.ProgFlag(flags)&elf.PF_W != 0 {
		prot |= abi.PROT_WRITE
	}
	if elf.ProgFlag(flags)&elf.PF_X != 0 {
		prot |= abi.PROT_EXEC
	}
	return prot
}

// phdrAddr is where p's program headers are in memory, for AT_PHDR: PT_PHDR's
// address if there is one, else the address of the first PT_LOAD whose file
// bytes hold e_phoff (Linux's load_elf_binary). If no segment holds them,
// the result is bias, as in Linux, and the program cannot find them.
func phdrAddr(p *program, bias uint64) uint64 {
	if p.hasPhdr {
		return bias + p.phdr
	}
	for _, ph := range p.loads {
		if ph.Off <= p.phoff && p.phoff-ph.Off < ph.Filesz {
			return bias + p.phoff - ph.Off + ph.Vaddr
		}
	}
	return bias
}

// brkStart is the page-aligned end of p's highest segment, moved by bias:
// where Linux starts the program break (without randomisation).
func brkStart(p *program, bias uint64) uint64 {
	var end uint64
	for _, ph := range p.loads {
		end = max(end, bias+ph.Vaddr+ph.Memsz)
	}
	return pageUp(end)
}

func pageDown(a uint64) uint64 { return a &^ (abi.PageSize - 1) }
func pageUp(a uint64) uint64   { return (a + abi.PageSize - 1) &^ (abi.PageSize - 1) }
