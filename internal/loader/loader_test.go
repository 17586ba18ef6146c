package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"testing"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

func TestETDynBase(t *testing.T) {
	if ETDynBase != 0x2aaaaaa000 {
		t.Errorf("ETDynBase = %#x, want 0x2aaaaaa000", uint64(ETDynBase))
	}
}

// checkSegments checks, against debug/elf's independent reading of file,
// that every PT_LOAD segment moved by bias is in mem: its file bytes, then
// zeros up to p_memsz, on pages with the segment's protection.
func checkSegments(t *testing.T, mem *fakeMem, name string, file []byte, bias uint64) {
	t.Helper()
	ef, err := elf.NewFile(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("%s: debug/elf: %v", name, err)
	}
	var prevEnd uint64
	for i, p := range ef.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		start := bias + p.Vaddr
		got, ok := mem.read(start, int(p.Memsz))
		if !ok {
			t.Errorf("%s: segment %d at %#x+%#x not mapped", name, i, start, p.Memsz)
			continue
		}
		want := make([]byte, p.Memsz)
		copy(want, file[p.Off:p.Off+p.Filesz])
		if !bytes.Equal(got, want) {
			t.Errorf("%s: segment %d at %#x: memory differs from the file's bytes and zeros", name, i, start)
		}
		// The first page the segment has to itself carries its protection.
		if page := pageDown(start); page >= prevEnd || pageDown(start) == start {
			if r := mem.regionAt(page); r == nil || r.prot != protOf(uint32(p.Flags)) {
				t.Errorf("%s: segment %d: page %#x has region %+v, want prot %#x", name, i, page, r, protOf(uint32(p.Flags)))
			}
		}
		// Past the file bytes, to the end of the segment, memory is writable
		// (bss), and the stack is not there.
		if p.Memsz > p.Filesz {
			if r := mem.regionAt(start + p.Memsz - 1); r == nil || r.prot&abi.PROT_WRITE == 0 {
				t.Errorf("%s: segment %d: bss end not writable: %+v", name, i, r)
			}
		}
		prevEnd = pageUp(start + p.Memsz)
	}
	// The program headers are where AT_PHDR says, for the program (checked
	// by the caller) — here: the ELF header is mapped when the first
	// segment starts at offset 0.
}

func TestLoad(t *testing.T) {
	type want struct {
		bias    uint64 // program's load bias
		interp  string
		phdrOff uint64 // Phdr - bias
	}
	tests := []struct {
		name string
		want want
	}{
		{"static", want{bias: 0, phdrOff: 0x10040}},
		{"static-pie", want{bias: ETDynBase, phdrOff: 0x40}},
		{"dynamic", want{bias: ETDynBase, interp: ldsoGuest, phdrOff: 0x40}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			exe := guestFile(t, tc.name)
			var asked []string
			mem := newFakeMem()
			img, err := Load(mem, exe, Request{
				Path: "/bin/" + tc.name,
				Argv: []string{tc.name, "-v"},
				Envp: []string{"HOME=/root"},
				Open: ldsoOpener(t, &asked),
			})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			hdr := header(t, exe.data)
			if img.LoadBias != tc.want.bias {
				t.Errorf("LoadBias = %#x, want %#x", img.LoadBias, tc.want.bias)
			}
			if img.ProgEntry != tc.want.bias+hdr.Entry {
				t.Errorf("ProgEntry = %#x, want %#x", img.ProgEntry, tc.want.bias+hdr.Entry)
			}
			if img.Phdr != tc.want.bias+tc.want.phdrOff {
				t.Errorf("Phdr = %#x, want %#x", img.Phdr, tc.want.bias+tc.want.phdrOff)
			}
			if img.Interp != tc.want.interp {
				t.Errorf("Interp = %q, want %q", img.Interp, tc.want.interp)
			}
			if img.Path != "/bin/"+tc.name {
				t.Errorf("Path = %q, want %q", img.Path, "/bin/"+tc.name)
			}
			checkSegments(t, mem, tc.name, exe.data, img.LoadBias)

			// AT_PHDR points at the program headers, as in the file.
			table := exe.data[hdr.Phoff : hdr.Phoff+uint64(hdr.Phnum)*phdrSize]
			if got, ok := mem.read(img.Phdr, len(table)); !ok || !bytes.Equal(got, table) {
				t.Errorf("memory at Phdr %#x does not hold the program headers", img.Phdr)
			}

			// The break starts at the page after the highest segment.
			if !mem.brkSet || mem.brk != img.Brk {
				t.Errorf("SetBrk(%#x) called %v, Image.Brk %#x", mem.brk, mem.brkSet, img.Brk)
			}
			if want := pageUp(highest(t, exe.data) + img.LoadBias); img.Brk != want {
				t.Errorf("Brk = %#x, want %#x", img.Brk, want)
			}

			// The stack is the first mapping.
			wantStack := mmapCall{addr: mm.StackTop - DefaultStackSize, length: DefaultStackSize,
				prot: abi.PROT_READ | abi.PROT_WRITE, flags: abi.MAP_PRIVATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED | abi.MAP_GROWSDOWN}
			if len(mem.mmaps) == 0 || mem.mmaps[0] != wantStack {
				t.Errorf("first mmap = %+v, want %+v", mem.mmaps[:min(1, len(mem.mmaps))], wantStack)
			}

			if tc.want.interp == "" {
				if img.Entry != img.ProgEntry || img.Base != 0 {
					t.Errorf("Entry %#x Base %#x, want %#x and 0", img.Entry, img.Base, img.ProgEntry)
				}
				if len(asked) != 0 {
					t.Errorf("opened %q, want nothing", asked)
				}
				return
			}
			// The dynamic linker: opened by its guest path, mapped inside a
			// PROT_NONE reservation that mmap placed, entered first.
			if len(asked) != 1 || asked[0] != ldsoGuest {
				t.Errorf("opened %q, want [%s]", asked, ldsoGuest)
			}
			ldso := guests(t)["ld.so"]
			var reserved bool
			for _, c := range mem.mmaps {
				if c.addr == 0 && c.prot == abi.PROT_NONE && c.flags == abi.MAP_PRIVATE|abi.MAP_ANONYMOUS {
					reserved = true
				}
			}
			if !reserved {
				t.Errorf("no PROT_NONE reservation in %+v", mem.mmaps)
			}
			if img.Base == 0 || img.Base%abi.PageSize != 0 || img.Base >= mm.MmapBase {
				t.Errorf("Base = %#x, want a page below MmapBase", img.Base)
			}
			if want := img.Base + header(t, ldso).Entry; img.Entry != want {
				t.Errorf("Entry = %#x, want %#x", img.Entry, want)
			}
			checkSegments(t, mem, "ld.so", ldso, img.Base)
		})
	}
}

// TestLoadVariants loads programs that Linux runs although they look odd.
func TestLoadVariants(t *testing.T) {
	static := guests(t)["static"]
	tests := []struct {
		name      string
		patch     func(b []byte)
		goRejects bool // debug/elf.NewFile refuses the file
	}{
		// Go's riscv64 binaries use compressed instructions but say only
		// "double-float ABI" in e_flags.
		{"no RVC flag", func(b []byte) { binary.LittleEndian.PutUint32(b[48:], 0x4) }, false},
		{"no flags", func(b []byte) { binary.LittleEndian.PutUint32(b[48:], 0) }, false},
		// The kernel never reads the section headers; debug/elf.NewFile
		// rejects this file.
		{"section table past EOF", func(b []byte) { binary.LittleEndian.PutUint64(b[40:], 1<<40) }, true},
		{"no section table", func(b []byte) {
			binary.LittleEndian.PutUint64(b[40:], 0)
			binary.LittleEndian.PutUint16(b[60:], 0)
			binary.LittleEndian.PutUint16(b[62:], 0)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(static)
			tc.patch(b)
			if _, err := elf.NewFile(bytes.NewReader(b)); tc.goRejects && err == nil {
				t.Errorf("debug/elf.NewFile accepts the file; the case is moot")
			}
			mem := newFakeMem()
			img, err := Load(mem, &bytesFile{name: "p", data: b}, Request{Path: "p"})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if img.Entry != header(t, b).Entry {
				t.Errorf("Entry = %#x, want %#x", img.Entry, header(t, b).Entry)
			}
		})
	}
}

// TestLoadExecInterp loads an interpreter that is ET_EXEC: it goes where
// its headers say and AT_BASE is 0, as Linux's load_elf_interp does.
func TestLoadExecInterp(t *testing.T) {
	interp := (&synthELF{}).defaults()
	interp.progs[0].Vaddr, interp.progs[1].Vaddr = 0x200000, 0x201400
	interp.h.Entry = 0x200200
	prog := (&synthELF{}).defaults()
	prog.addInterp("/lib/ld.so\x00")
	mem := newFakeMem()
	img, err := Load(mem, &bytesFile{name: "prog", data: prog.bytes()}, Request{
		Path: "prog",
		Open: func(string) (mm.File, error) { return &bytesFile{name: "ld.so", data: interp.bytes()}, nil },
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if img.Base != 0 || img.Entry != 0x200200 || img.ProgEntry != 0x10200 {
		t.Errorf("Base %#x Entry %#x ProgEntry %#x, want 0, 0x200200, 0x10200", img.Base, img.Entry, img.ProgEntry)
	}
	checkSegments(t, mem, "interp", interp.bytes(), 0)
	checkSegments(t, mem, "prog", prog.bytes(), 0)
}

// TestLoadBSSZeroing checks that the file bytes after p_filesz on the last
// file page of a segment with bss read as zero, even in a read-only segment,
// which is made writable only for the moment.
func TestLoadBSSZeroing(t *testing.T) {
	s := (&synthELF{}).defaults()
	s.progs[0].Memsz = 0x2000 // the text segment gets bss too
	s.progs[1].Vaddr = 0x13400
	s.fill = 0xAA // so that the bytes past p_filesz are not zero in the file
	mem := newFakeMem()
	if _, err := Load(mem, &bytesFile{name: "p", data: s.bytes()}, Request{Path: "p"}); err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkSegments(t, mem, "p", s.bytes(), 0)
	if r := mem.regionAt(0x10000); r == nil || r.prot != abi.PROT_READ|abi.PROT_EXEC {
		t.Errorf("text page after zeroing: %+v, want prot r-x", r)
	}
	if r := mem.regionAt(0x11000); r == nil || r.prot != abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC || r.file != nil {
		t.Errorf("text bss page: %+v, want anonymous rwx (Linux's vm_brk_flags)", r)
	}
}

// header is the ELF header of b, read by debug/elf.
func header(t *testing.T, b []byte) elf.Header64 {
	t.Helper()
	var h elf.Header64
	if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// highest is the end of the highest PT_LOAD segment of b.
func highest(t *testing.T, b []byte) uint64 {
	t.Helper()
	ef, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var end uint64
	for _, p := range ef.Progs {
		if p.Type == elf.PT_LOAD {
			end = max(end, p.Vaddr+p.Memsz)
		}
	}
	return end
}
