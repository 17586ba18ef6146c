package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// synthELF builds small ELF files for tests: an ELF header, program headers
// at e_phoff and bytes placed at offsets, the rest filled with fill.
type synthELF struct {
	h     elf.Header64
	progs []elf.Prog64
	phnum int // e_phnum; -1 means len(progs)
	blobs []blob
	fill  byte
	size  int // when > 0, the file is cut or padded to size bytes
}

type blob struct {
	off int
	b   []byte
}

// defaults makes s a valid static program: text at 0x10000, data and bss
// at 0x11400, entry 0x10200. The file is 0x500 bytes.
func (s *synthELF) defaults() *synthELF {
	copy(s.h.Ident[:], elf.ELFMAG)
	s.h.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	s.h.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	s.h.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	s.h.Type = uint16(elf.ET_EXEC)
	s.h.Machine = uint16(elf.EM_RISCV)
	s.h.Version = uint32(elf.EV_CURRENT)
	s.h.Entry = 0x10200
	s.h.Phoff = 64
	s.h.Flags = 0x5
	s.h.Ehsize = 64
	s.h.Phentsize = phdrSize
	s.progs = []elf.Prog64{
		{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Off: 0, Vaddr: 0x10000, Filesz: 0x400, Memsz: 0x400, Align: 0x1000},
		{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Off: 0x400, Vaddr: 0x11400, Filesz: 0x100, Memsz: 0x3000, Align: 0x1000},
	}
	s.phnum = -1
	return s
}

// addInterp adds a PT_INTERP header whose bytes, path, are at 0x800.
func (s *synthELF) addInterp(path string) *synthELF {
	ph := elf.Prog64{Type: uint32(elf.PT_INTERP), Flags: uint32(elf.PF_R), Off: 0x800, Filesz: uint64(len(path)), Align: 1}
	s.progs = append([]elf.Prog64{ph}, s.progs...)
	s.blobs = append(s.blobs, blob{0x800, []byte(path)})
	return s
}

func (s *synthELF) bytes() []byte {
	h := s.h
	h.Phnum = uint16(len(s.progs))
	if s.phnum >= 0 {
		h.Phnum = uint16(s.phnum)
	}
	end := uint64(ehdrSize)
	table := new(bytes.Buffer)
	binary.Write(table, binary.LittleEndian, s.progs)
	if h.Phoff < 1<<20 {
		end = max(end, h.Phoff+uint64(table.Len()))
	}
	for _, p := range s.progs {
		if p.Type == uint32(elf.PT_LOAD) && p.Off+p.Filesz < 1<<20 {
			end = max(end, p.Off+p.Filesz)
		}
	}
	for _, b := range s.blobs {
		end = max(end, uint64(b.off+len(b.b)))
	}
	out := bytes.Repeat([]byte{s.fill}, int(end))
	hdr := new(bytes.Buffer)
	binary.Write(hdr, binary.LittleEndian, &h)
	copy(out, hdr.Bytes())
	if h.Phoff < 1<<20 {
		copy(out[h.Phoff:], table.Bytes())
	}
	for _, b := range s.blobs {
		copy(out[b.off:], b.b)
	}
	if s.size > 0 {
		out = append(out, make([]byte, max(0, s.size-len(out)))...)[:s.size]
	}
	return out
}

// synth returns the bytes of the default program changed by mut.
func synth(mut func(s *synthELF)) func(tb testing.TB) []byte {
	return func(testing.TB) []byte {
		s := (&synthELF{}).defaults()
		mut(s)
		return s.bytes()
	}
}

func raw(b []byte) func(testing.TB) []byte { return func(testing.TB) []byte { return b } }

// opens returns an Opener that gives every path the file of those bytes.
func opens(file func(testing.TB) []byte, tb testing.TB) Opener {
	return func(string) (mm.File, error) { return &bytesFile{name: "interp", data: file(tb)}, nil }
}

func failing(err error) Opener {
	return func(string) (mm.File, error) { return nil, err }
}

func TestReject(t *testing.T) {
	valid := synth(func(*synthELF) {})
	withInterp := synth(func(s *synthELF) { s.addInterp("/lib/ld.so\x00") })
	x86 := synth(func(s *synthELF) { s.h.Machine = uint16(elf.EM_X86_64) })
	big := strings.Repeat("x", maxArgStrlen)

	tests := []struct {
		name  string
		file  func(testing.TB) []byte
		open  func(testing.TB) Opener
		req   func(r *Request)
		mem   func(m *fakeMem)
		errno abi.Errno
		msg   string // the whole of Error()
	}{
		// Not a riscv64 ELF program.
		{name: "empty file", file: raw(nil), errno: abi.ENOEXEC, msg: "/bin/prog: not an ELF file"},
		{name: "script", file: raw([]byte("#!/bin/sh\necho hi\n")), errno: abi.ENOEXEC, msg: "/bin/prog: not an ELF file"},
		{name: "short header", file: func(tb testing.TB) []byte { return valid(tb)[:20] }, errno: abi.ENOEXEC,
			msg: "/bin/prog: truncated file: ELF header is 20 bytes, want 64"},
		{name: "32-bit", file: synth(func(s *synthELF) { s.h.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS32) }), errno: abi.ENOEXEC,
			msg: "/bin/prog: not a 64-bit ELF file (ELFCLASS32)"},
		{name: "big-endian", file: synth(func(s *synthELF) { s.h.Ident[elf.EI_DATA] = byte(elf.ELFDATA2MSB) }), errno: abi.ENOEXEC,
			msg: "/bin/prog: not a little-endian ELF file (ELFDATA2MSB)"},
		{name: "x86-64", file: x86, errno: abi.ENOEXEC, msg: "/bin/prog: not a riscv64 ELF file (EM_X86_64)"},
		{name: "relocatable", file: synth(func(s *synthELF) { s.h.Type = uint16(elf.ET_REL) }), errno: abi.ENOEXEC,
			msg: "/bin/prog: not an executable ELF file (ET_REL)"},
		{name: "core", file: synth(func(s *synthELF) { s.h.Type = uint16(elf.ET_CORE) }), errno: abi.ENOEXEC,
			msg: "/bin/prog: not an executable ELF file (ET_CORE)"},

		// Broken program headers.
		{name: "phentsize", file: synth(func(s *synthELF) { s.h.Phentsize = 32 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: bad program header size 32, want 56"},
		{name: "no program headers", file: synth(func(s *synthELF) { s.phnum = 0 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: no program headers"},
		{name: "too many program headers", file: synth(func(s *synthELF) { s.phnum = 1171 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: too many program headers (1171)"},
		{name: "extended numbering", file: synth(func(s *synthELF) { s.phnum = 0xffff }), errno: abi.ENOEXEC,
			msg: "/bin/prog: too many program headers (65535)"},
		{name: "program headers past EOF", file: synth(func(s *synthELF) { s.h.Phoff = 0x480; s.size = 0x4b0 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: truncated file: program headers end at 0x4f0, file is 0x4b0 bytes"},
		{name: "program headers offset overflows", file: synth(func(s *synthELF) { s.h.Phoff = ^uint64(0) - 8 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: truncated file: program headers end at 0x67, file is 0x500 bytes"},
		{name: "no PT_LOAD", file: synth(func(s *synthELF) {
			s.progs = []elf.Prog64{{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W)}}
		}), errno: abi.ENOEXEC, msg: "/bin/prog: no loadable segments"},
		{name: "filesz > memsz", file: synth(func(s *synthELF) { s.progs[1].Memsz = 0x80 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: segment 1: file size 0x100 larger than memory size 0x80"},
		{name: "truncated", file: func(tb testing.TB) []byte { return valid(tb)[:0x450] }, errno: abi.ENOEXEC,
			msg: "/bin/prog: truncated file: segment 1 ends at 0x500, file is 0x450 bytes"},
		{name: "segment offset overflows", file: synth(func(s *synthELF) { s.progs[1].Off = ^uint64(0) - 0xff }), errno: abi.ENOEXEC,
			msg: "/bin/prog: truncated file: segment 1 ends at 0x0, file is 0x400 bytes"},
		{name: "unsorted", file: synth(func(s *synthELF) { s.progs[0], s.progs[1] = s.progs[1], s.progs[0] }), errno: abi.ENOEXEC,
			msg: "/bin/prog: segment 1: address 0x10000 overlaps or precedes the segment before it"},
		{name: "overlapping", file: synth(func(s *synthELF) { s.progs[1].Vaddr, s.progs[1].Off = 0x10300, 0x300 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: segment 1: address 0x10300 overlaps or precedes the segment before it"},
		{name: "offset and address disagree", file: synth(func(s *synthELF) { s.progs[1].Vaddr = 0x11500 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: segment 1: file offset 0x400 and address 0x11500 differ modulo the page size"},
		{name: "beyond the task size", file: synth(func(s *synthELF) { s.progs[1].Vaddr = mm.TaskSize - 0x1000 + 0x400 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: segment 1: 0x3ffffff400+0x3000 outside the address space"},
		{name: "address overflows", file: synth(func(s *synthELF) { s.progs[1].Vaddr = ^uint64(0) - 0xbff }), errno: abi.ENOEXEC,
			msg: "/bin/prog: segment 1: 0xfffffffffffff400+0x3000 outside the address space"},
		{name: "entry outside", file: synth(func(s *synthELF) { s.h.Entry = 1 << 40 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: entry point 0x10000000000 outside the address space"},

		// Where the segments go.
		{name: "page zero", file: synth(func(s *synthELF) { s.progs[0].Vaddr = 0 }), errno: abi.EPERM,
			msg: "/bin/prog: segment 0: maps page zero (address 0x0)"},
		{name: "over the stack", file: synth(func(s *synthELF) { s.progs[1].Vaddr = mm.StackTop - 0x10000 + 0x400 }), errno: abi.ENOMEM,
			msg: "/bin/prog: segment 1: 0x3fffef0000-0x3fffef4000 overlaps the stack"},
		{name: "segments named by header index", file: synth(func(s *synthELF) {
			s.addInterp("/lib/ld.so\x00")
			s.progs[2].Vaddr = mm.StackTop - 0x10000 + 0x400
		}), open: func(tb testing.TB) Opener { return opens(valid, tb) }, errno: abi.ENOMEM,
			msg: "/bin/prog: segment 2: 0x3fffef0000-0x3fffef4000 overlaps the stack"},
		{name: "ET_DYN aligned to nothing", file: synth(func(s *synthELF) {
			s.h.Type = uint16(elf.ET_DYN)
			s.progs[0].Vaddr, s.progs[1].Vaddr, s.h.Entry = 0, 0x1400, 0x200
			s.progs[1].Align = 1 << 63
		}), errno: abi.EPERM, msg: "/bin/prog: segment 0: maps page zero (address 0x0)"},

		// The interpreter.
		{name: "PT_INTERP not NUL-terminated", file: synth(func(s *synthELF) { s.addInterp("/lib/ld.so") }), errno: abi.ENOEXEC,
			msg: "/bin/prog: bad PT_INTERP: path not NUL-terminated"},
		{name: "PT_INTERP too long", file: synth(func(s *synthELF) { s.addInterp(strings.Repeat("/x", 2048) + "\x00") }), errno: abi.ENOEXEC,
			msg: "/bin/prog: bad PT_INTERP: path of 4097 bytes"},
		{name: "PT_INTERP too short", file: synth(func(s *synthELF) { s.addInterp("\x00") }), errno: abi.ENOEXEC,
			msg: "/bin/prog: bad PT_INTERP: path of 1 bytes"},
		{name: "PT_INTERP past EOF", file: synth(func(s *synthELF) { s.addInterp("/lib/ld.so\x00"); s.size = 0x805 }), errno: abi.ENOEXEC,
			msg: "/bin/prog: truncated file: PT_INTERP ends at 0x80b, file is 0x805 bytes"},
		{name: "missing interpreter", file: func(tb testing.TB) []byte { return guests(tb)["dynamic"] },
			open: func(testing.TB) Opener { return failing(abi.ENOENT) }, errno: abi.ENOENT,
			msg: "/bin/prog: interpreter /lib/ld-linux-riscv64-lp64d.so.1: no such file or directory"},
		{name: "no opener", file: withInterp, errno: abi.ENOENT,
			msg: "/bin/prog: interpreter /lib/ld.so: no such file or directory"},
		{name: "empty interpreter path", file: synth(func(s *synthELF) { s.addInterp("\x00\x00") }),
			open: func(testing.TB) Opener { return failing(fs.ErrNotExist) }, errno: abi.ENOENT,
			msg: "/bin/prog: interpreter : no such file or directory"},
		{name: "interpreter not allowed", file: withInterp, open: func(testing.TB) Opener { return failing(abi.EACCES) },
			errno: abi.EACCES, msg: "/bin/prog: interpreter /lib/ld.so: permission denied"},
		{name: "interpreter fs.ErrPermission", file: withInterp,
			open:  func(testing.TB) Opener { return failing(fmt.Errorf("open: %w", fs.ErrPermission)) },
			errno: abi.EACCES, msg: "/bin/prog: interpreter /lib/ld.so: permission denied"},
		{name: "interpreter I/O error", file: withInterp, open: func(testing.TB) Opener { return failing(errors.New("disk on fire")) },
			errno: abi.EIO, msg: "/bin/prog: interpreter /lib/ld.so: disk on fire"},
		{name: "interpreter not ELF", file: withInterp, open: func(tb testing.TB) Opener { return opens(raw([]byte("#!/bin/sh\n")), tb) },
			errno: abi.ENOEXEC, msg: "/bin/prog: interpreter /lib/ld.so: not an ELF file"},
		{name: "interpreter x86-64", file: withInterp, open: func(tb testing.TB) Opener { return opens(x86, tb) },
			errno: abi.ENOEXEC, msg: "/bin/prog: interpreter /lib/ld.so: not a riscv64 ELF file (EM_X86_64)"},
		{name: "interpreter dynamic", file: withInterp, open: func(tb testing.TB) Opener { return opens(withInterp, tb) },
			errno: abi.ENOEXEC, msg: "/bin/prog: interpreter /lib/ld.so: is itself dynamically linked (PT_INTERP /lib/ld.so)"},
		{name: "interpreter over the program", file: withInterp, open: func(tb testing.TB) Opener { return opens(valid, tb) },
			errno: abi.ENOMEM, msg: "/bin/prog: interpreter /lib/ld.so: segment 0: 0x10000-0x11000 overlaps the program"},

		// Arguments.
		{name: "argument too long", file: valid, req: func(r *Request) { r.Argv = []string{"prog", big} }, errno: abi.E2BIG,
			msg: "/bin/prog: argument list too long: a string of 131073 bytes, limit 131072"},
		{name: "environment too large", file: valid, req: func(r *Request) {
			for range 21 {
				r.Envp = append(r.Envp, big[:100<<10])
			}
		}, errno: abi.E2BIG, msg: "/bin/prog: argument list too long: 2150436 bytes of strings, limit 2096976"},
		{name: "stack too small", file: valid, req: func(r *Request) { r.StackSize = 4096; r.Argv = []string{big[:8000]} }, errno: abi.E2BIG,
			msg: "/bin/prog: argument list too long: 8368 bytes do not fit a stack of 4096"},
		{name: "E2BIG before ENOEXEC", file: raw(nil), req: func(r *Request) { r.Argv = []string{big} }, errno: abi.E2BIG,
			msg: "/bin/prog: argument list too long: a string of 131073 bytes, limit 131072"},

		// Memory.
		{name: "no memory for the stack", file: valid, mem: func(m *fakeMem) { m.failMmap = abi.ENOMEM }, errno: abi.ENOMEM,
			msg: "/bin/prog: stack: mmap 0x3fff700000+0x800000: cannot allocate memory"},
		{name: "no memory for a segment", file: valid, mem: func(m *fakeMem) { m.failMmap, m.failAfter = abi.ENOMEM, 2 }, errno: abi.ENOMEM,
			msg: "/bin/prog: segment 1: mmap 0x11000+0x1000: cannot allocate memory"},
		{name: "no memory for the interpreter", file: withInterp, open: func(tb testing.TB) Opener {
			return opens(synth(func(s *synthELF) { s.h.Type = uint16(elf.ET_DYN); s.progs[0].Vaddr, s.progs[1].Vaddr = 0, 0x1400 }), tb)
		}, mem: func(m *fakeMem) { m.failMmap, m.failAfter = abi.ENOMEM, 4 }, errno: abi.ENOMEM,
			msg: "/bin/prog: interpreter /lib/ld.so: reserving 0x5000 bytes: cannot allocate memory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{Path: "/bin/prog", Argv: []string{"prog"}}
			if tc.open != nil {
				req.Open = tc.open(t)
			}
			if tc.req != nil {
				tc.req(&req)
			}
			mem := newFakeMem()
			if tc.mem != nil {
				tc.mem(mem)
			}
			img, err := Load(mem, &bytesFile{name: "prog", data: tc.file(t)}, req)
			if err == nil {
				t.Fatalf("Load = %+v, want error %q", img, tc.msg)
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("Load error %T %v, want *Error", err, err)
			}
			if le.Errno != tc.errno || !errors.Is(err, tc.errno) {
				t.Errorf("Errno = %v, want %v", le.Errno, tc.errno)
			}
			if err.Error() != tc.msg {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), tc.msg)
			}
			if le.Path != "/bin/prog" {
				t.Errorf("Path = %q, want /bin/prog", le.Path)
			}
		})
	}
}

// TestRejectBeforeMapping checks that what Load can refuse before it maps
// anything — a bad program or interpreter, arguments too large for the
// stack, a segment over the stack — leaves the address space untouched.
func TestRejectBeforeMapping(t *testing.T) {
	withInterp := synth(func(s *synthELF) { s.addInterp("/lib/ld.so\x00") })(t)
	overStack := synth(func(s *synthELF) { s.progs[1].Vaddr = mm.StackTop - 0x10000 + 0x400 })(t)
	tests := []struct {
		name string
		file []byte
		req  Request
	}{
		{"no opener", withInterp, Request{}},
		{"missing interpreter", withInterp, Request{Open: failing(abi.ENOENT)}},
		{"bad interpreter", withInterp, Request{Open: opens(raw([]byte("junk")), t)}},
		{"stack too small", synth(func(*synthELF) {})(t), Request{StackSize: 4096, Argv: []string{strings.Repeat("x", 5000)}}},
		{"segment over the stack", overStack, Request{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := newFakeMem()
			tc.req.Path = "p"
			if _, err := Load(mem, &bytesFile{name: "p", data: tc.file}, tc.req); err == nil {
				t.Fatal("Load succeeded")
			}
			if len(mem.mmaps) != 0 || mem.brkSet || len(mem.pages) != 0 {
				t.Errorf("mappings %+v, brk set %v, pages %d; want none", mem.mmaps, mem.brkSet, len(mem.pages))
			}
		})
	}
}
