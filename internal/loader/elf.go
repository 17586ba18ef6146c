package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"io"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// Limits on what a program's headers may say, from Linux.
const (
	ehdrSize     = 64    // sizeof(Elf64_Ehdr)
	phdrSize     = 56    // sizeof(Elf64_Phdr), the only e_phentsize accepted
	maxPhdrBytes = 65536 // load_elf_phdrs: at most 64 KiB of program headers
	pathMax      = 4096  // PATH_MAX: the longest PT_INTERP, NUL included
)

// program is what Load needs of one ELF file, read from its ELF header and
// program headers and checked. Section headers are never read: the kernel
// ignores them, and a program whose section table is damaged or missing
// (sstrip) runs on Linux. That is also why this is not elf.NewFile, which
// parses and checks the section table.
type program struct {
	typ   elf.Type  // ET_EXEC or ET_DYN
	entry uint64    // e_entry
	phoff uint64    // e_phoff
	phnum int       // e_phnum
	loads []segment // the PT_LOAD headers in file order, sorted and disjoint

	hasInterp bool   // there is a PT_INTERP
	interp    string // its path
	hasPhdr   bool   // there is a PT_PHDR
	phdr      uint64 // its p_vaddr
	execStack bool   // PT_GNU_STACK asks for PF_X
}

// segment is a PT_LOAD header and its index in the program header table,
// by which messages name it ("segment 2"), as readelf -l numbers segments.
type segment struct {
	elf.Prog64
	index int
}

// parseELF reads and checks f's headers, the way Linux's load_elf_binary
// and load_elf_phdrs do before they map anything, and more strictly where a
// file could only fail later (see the package comment). The *Error it
// returns has no Path.
func parseELF(f mm.File) (*program, *Error) {
	size := f.Size()
	if size < 0 {
		size = 0
	}
	r := io.NewSectionReader(f, 0, size)

	var ident [ehdrSize]byte
	n, err := r.ReadAt(ident[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fail(abi.EIO, "read error: %v", err)
	}
	if n < len(elf.ELFMAG) || string(ident[:len(elf.ELFMAG)]) != elf.ELFMAG {
		return nil, noexec("not an ELF file")
	}
	if n < ehdrSize {
		return nil, noexec("truncated file: ELF header is %d bytes, want %d", n, ehdrSize)
	}
	if c := elf.Class(ident[elf.EI_CLASS]); c != elf.ELFCLASS64 {
		return nil, noexec("not a 64-bit ELF file (%v)", c)
	}
	if d := elf.Data(ident[elf.EI_DATA]); d != elf.ELFDATA2LSB {
		return nil, noexec("not a little-endian ELF file (%v)", d)
	}
	var h elf.Header64
	if err := binary.Read(bytes.NewReader(ident[:]), binary.LittleEndian, &h); err != nil {
		return nil, noexec("bad ELF header: %v", err)
	}
	if m := elf.Machine(h.Machine); m != elf.EM_RISCV {
		return nil, noexec("not a riscv64 ELF file (%v)", m)
	}
	p := &program{typ: elf.Type(h.Type), entry: h.Entry, phoff: h.Phoff, phnum: int(h.Phnum)}
	if p.typ != elf.ET_EXEC && p.typ != elf.ET_DYN {
		return nil, noexec("not an executable ELF file (%v)", p.typ)
	}
	if h.Phentsize != phdrSize {
		return nil, noexec("bad program header size %d, want %d", h.Phentsize, phdrSize)
	}
	if p.phnum == 0 {
		return nil, noexec("no program headers")
	}
	tableSize := uint64(p.phnum) * phdrSize
	if tableSize > maxPhdrBytes {
		return nil, noexec("too many program headers (%d)", p.phnum)
	}
	if end, ok := add(p.phoff, tableSize); !ok || end > uint64(size) {
		return nil, noexec("truncated file: program headers end at %#x, file is %#x bytes", p.phoff+tableSize, size)
	}
	table := make([]byte, tableSize)
	if _, err := r.ReadAt(table, int64(p.phoff)); err != nil {
		return nil, fail(abi.EIO, "read error: %v", err)
	}
	progs := make([]elf.Prog64, p.phnum)
	if err := binary.Read(bytes.NewReader(table), binary.LittleEndian, progs); err != nil {
		return nil, noexec("bad program headers: %v", err)
	}
	if p.entry >= mm.TaskSize {
		return nil, noexec("entry point %#x outside the address space", p.entry)
	}

	var seenStack bool
	for i, ph := range progs {
		switch elf.ProgType(ph.Type) {
		case elf.PT_LOAD:
			if e := checkLoad(i, ph, p.loads, uint64(size)); e != nil {
				return nil, e
			}
			p.loads = append(p.loads, segment{ph, i})
		case elf.PT_INTERP:
			// Linux uses the first PT_INTERP and ignores any other.
			if p.hasInterp {
				continue
			}
			path, e := readInterp(r, ph, uint64(size))
			if e != nil {
				return nil, e
			}
			p.interp, p.hasInterp = path, true
		case elf.PT_PHDR:
			if !p.hasPhdr {
				p.phdr, p.hasPhdr = ph.Vaddr, true
			}
		case elf.PT_GNU_STACK:
			if !seenStack {
				seenStack = true
				p.execStack = elf.ProgFlag(ph.Flags)&elf.PF_X != 0
			}
		}
	}
	if len(p.loads) == 0 {
		return nil, noexec("no loadable segments")
	}
	return p, nil
}

// checkLoad checks program header i, a PT_LOAD, against the file and the
// PT_LOAD headers before it.
func checkLoad(i int, ph elf.Prog64, prev []segment, size uint64) *Error {
	if ph.Filesz > ph.Memsz {
		return noexec("segment %d: file size %#x larger than memory size %#x", i, ph.Filesz, ph.Memsz)
	}
	if end, ok := add(ph.Off, ph.Filesz); !ok || end > size {
		return noexec("truncated file: segment %d ends at %#x, file is %#x bytes", i, ph.Off+ph.Filesz, size)
	}
	if ph.Filesz > 0 && (ph.Off-ph.Vaddr)%abi.PageSize != 0 {
		return noexec("segment %d: file offset %#x and address %#x differ modulo the page size", i, ph.Off, ph.Vaddr)
	}
	if end, ok := add(ph.Vaddr, ph.Memsz); !ok || end > mm.TaskSize {
		return noexec("segment %d: %#x+%#x outside the address space", i, ph.Vaddr, ph.Memsz)
	}
	// The ELF specification wants PT_LOAD entries sorted by p_vaddr; the
	// dynamic linker relies on it, and overlapping ones would silently
	// replace each other's bytes. They may share a page, not a byte.
	if n := len(prev); n > 0 && ph.Vaddr < prev[n-1].Vaddr+prev[n-1].Memsz {
		return noexec("segment %d: address %#x overlaps or precedes the segment before it", i, ph.Vaddr)
	}
	return nil
}

// readInterp reads and checks the path a PT_INTERP header names, as Linux's
// load_elf_binary does: 2 to PATH_MAX bytes, the last one NUL. Like the C
// string it is, the path ends at its first NUL.
func readInterp(r io.ReaderAt, ph elf.Prog64, size uint64) (string, *Error) {
	if ph.Filesz < 2 || ph.Filesz > pathMax {
		return "", noexec("bad PT_INTERP: path of %d bytes", ph.Filesz)
	}
	if end, ok := add(ph.Off, ph.Filesz); !ok || end > size {
		return "", noexec("truncated file: PT_INTERP ends at %#x, file is %#x bytes", ph.Off+ph.Filesz, size)
	}
	buf := make([]byte, ph.Filesz)
	if _, err := r.ReadAt(buf, int64(ph.Off)); err != nil {
		return "", fail(abi.EIO, "read error: %v", err)
	}
	if buf[len(buf)-1] != 0 {
		return "", noexec("bad PT_INTERP: path not NUL-terminated")
	}
	return string(buf[:bytes.IndexByte(buf, 0)]), nil
}

// add returns a+b and whether it did not overflow.
func add(a, b uint64) (uint64, bool) {
	s := a + b
	return s, s >= a
}
