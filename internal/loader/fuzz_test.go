package loader

import (
	"debug/elf"
	"errors"
	"testing"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// FuzzLoad feeds arbitrary bytes to Load as the program (asInterp false,
// with the real dynamic linker as its interpreter) or as the interpreter of
// the real dynamic program (asInterp true). Load must not panic, must
// explain every refusal with an *Error, and what it accepts must be
// startable: entry and stack inside the address space.
func FuzzLoad(f *testing.F) {
	g := guests(f)
	for _, name := range []string{"static", "static-pie", "dynamic", "ld.so"} {
		b := g[name]
		f.Add(b, false)
		for _, n := range []int{0, 4, 63, 64, 200, len(b) / 2, len(b) - 1} {
			f.Add(b[:n], false)
		}
	}
	ldso := g["ld.so"]
	f.Add(ldso, true)
	f.Add(ldso[:len(ldso)/2], true)
	f.Add(g["static-pie"], true)
	small := []*synthELF{
		(&synthELF{}).defaults(),
		(&synthELF{}).defaults().addInterp(ldsoGuest + "\x00"),
		func() *synthELF {
			s := (&synthELF{}).defaults()
			s.h.Type = uint16(elf.ET_DYN)
			s.progs[0].Vaddr, s.progs[1].Vaddr, s.h.Entry = 0, 0x1400, 0x200
			return s
		}(),
	}
	for _, s := range small {
		f.Add(s.bytes(), false)
		f.Add(s.bytes(), true)
	}

	f.Fuzz(func(t *testing.T, data []byte, asInterp bool) {
		exe, interp := data, ldso
		if asInterp {
			exe, interp = g["dynamic"], data
		}
		mem := newFakeMem()
		img, err := Load(mem, &bytesFile{name: "exe", data: exe}, Request{
			Path: "/p",
			Argv: []string{"p", "x"},
			Envp: []string{"A=b"},
			Open: func(string) (mm.File, error) { return &bytesFile{name: "interp", data: interp}, nil },
		})
		if err != nil {
			var le *Error
			if !errors.As(err, &le) || le.Errno == 0 || le.Path != "/p" || le.Reason == "" {
				t.Fatalf("Load error %#v", err)
			}
			return
		}
		if img.SP%16 != 0 || img.SP >= mm.StackTop || img.SP < mm.StackTop-DefaultStackSize {
			t.Fatalf("SP = %#x", img.SP)
		}
		if img.Entry >= mm.TaskSize || img.ProgEntry >= mm.TaskSize {
			t.Fatalf("Entry %#x ProgEntry %#x", img.Entry, img.ProgEntry)
		}
		if img.Brk%abi.PageSize != 0 || img.Brk > mm.TaskSize || !mem.brkSet {
			t.Fatalf("Brk = %#x", img.Brk)
		}
	})
}
