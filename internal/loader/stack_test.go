package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"vessel/internal/abi"
	"vessel/internal/mm"
)

// decodedStack is the initial stack read back from memory, as a program's
// _start reads it.
type decodedStack struct {
	argv, envp         []string
	argvPtrs, envpPtrs []uint64
	auxv               []Aux
}

func decodeStack(t *testing.T, mem *fakeMem, sp uint64) decodedStack {
	t.Helper()
	word := func(a uint64) uint64 {
		b, ok := mem.read(a, 8)
		if !ok {
			t.Fatalf("stack word at %#x not mapped", a)
		}
		return binary.LittleEndian.Uint64(b)
	}
	var d decodedStack
	argc := word(sp)
	if argc > 1<<16 {
		t.Fatalf("argc = %d", argc)
	}
	a := sp + 8
	for range argc {
		d.argvPtrs = append(d.argvPtrs, word(a))
		d.argv = append(d.argv, cStringAt(t, mem, word(a)))
		a += 8
	}
	if word(a) != 0 {
		t.Fatalf("argv[argc] = %#x, want NULL", word(a))
	}
	for a += 8; word(a) != 0; a += 8 {
		d.envpPtrs = append(d.envpPtrs, word(a))
		d.envp = append(d.envp, cStringAt(t, mem, word(a)))
	}
	for a += 8; ; a += 16 {
		e := Aux{word(a), word(a + 8)}
		d.auxv = append(d.auxv, e)
		if e.Type == abi.AT_NULL {
			break
		}
		if len(d.auxv) > 100 {
			t.Fatal("auxv has no AT_NULL")
		}
	}
	return d
}

func cStringAt(t *testing.T, mem *fakeMem, a uint64) string {
	t.Helper()
	var s []byte
	for {
		b, ok := mem.read(a+uint64(len(s)), 1)
		if !ok {
			t.Fatalf("string at %#x runs off the stack", a)
		}
		if b[0] == 0 {
			return string(s)
		}
		s = append(s, b[0])
	}
}

func TestStack(t *testing.T) {
	random := [16]byte{0: 0xde, 1: 0xad, 15: 0xff}
	tests := []struct {
		name               string
		path               string
		argv, envp         []string
		uid, euid, gid, eg uint32
		wantArgv           []string
		wantEnvp           []string
		wantSecure         uint64
	}{
		{name: "plain", path: "/bin/hello", argv: []string{"hello", "world", ""}, envp: []string{"HOME=/root", "PATH=/bin"},
			uid: 1000, euid: 1000, gid: 100, eg: 100,
			wantArgv: []string{"hello", "world", ""}, wantEnvp: []string{"HOME=/root", "PATH=/bin"}},
		{name: "no arguments", path: "./x", argv: nil, envp: nil,
			wantArgv: []string{""}, wantEnvp: nil},
		{name: "setuid", path: "/bin/su", argv: []string{"su"}, uid: 1000, euid: 0, gid: 100, eg: 100,
			wantArgv: []string{"su"}, wantSecure: 1},
		{name: "setgid", path: "/bin/wall", argv: []string{"wall"}, uid: 1000, euid: 1000, gid: 100, eg: 5,
			wantArgv: []string{"wall"}, wantSecure: 1},
		{name: "NUL ends a string", path: "/bin/a\x00b", argv: []string{"a\x00b", "c"}, envp: []string{"X=1\x00Y=2"},
			wantArgv: []string{"a", "c"}, wantEnvp: []string{"X=1"}},
		{name: "many", path: "/p", argv: slices.Repeat([]string{"arg"}, 1000), envp: slices.Repeat([]string{"V=" + strings.Repeat("v", 100)}, 100),
			wantArgv: slices.Repeat([]string{"arg"}, 1000), wantEnvp: slices.Repeat([]string{"V=" + strings.Repeat("v", 100)}, 100)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := newFakeMem()
			img, err := Load(mem, guestFile(t, "static"), Request{
				Path: tc.path, Argv: tc.argv, Envp: tc.envp,
				UID: tc.uid, EUID: tc.euid, GID: tc.gid, EGID: tc.eg,
				Random: random,
			})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if img.SP%16 != 0 {
				t.Errorf("SP = %#x, not 16-byte aligned", img.SP)
			}
			d := decodeStack(t, mem, img.SP)
			if !slices.Equal(d.argv, tc.wantArgv) {
				t.Errorf("argv = %q, want %q", d.argv, tc.wantArgv)
			}
			if !slices.Equal(d.envp, tc.wantEnvp) {
				t.Errorf("envp = %q, want %q", d.envp, tc.wantEnvp)
			}

			// The auxiliary vector, in Linux's order.
			execfn := strings.Split(tc.path, "\x00")[0]
			randomAddr := auxVal(d.auxv, abi.AT_RANDOM)
			execfnAddr := auxVal(d.auxv, abi.AT_EXECFN)
			want := []Aux{
				{abi.AT_MINSIGSTKSZ, 1088},
				{abi.AT_HWCAP, 0x112d}, // IMAFDC
				{abi.AT_PAGESZ, 4096},
				{abi.AT_CLKTCK, 100},
				{abi.AT_PHDR, img.Phdr},
				{abi.AT_PHENT, 56},
				{abi.AT_PHNUM, uint64(header(t, guests(t)["static"]).Phnum)},
				{abi.AT_BASE, 0},
				{abi.AT_FLAGS, 0},
				{abi.AT_ENTRY, img.ProgEntry},
				{abi.AT_UID, uint64(tc.uid)},
				{abi.AT_EUID, uint64(tc.euid)},
				{abi.AT_GID, uint64(tc.gid)},
				{abi.AT_EGID, uint64(tc.eg)},
				{abi.AT_SECURE, tc.wantSecure},
				{abi.AT_RANDOM, randomAddr},
				{abi.AT_EXECFN, execfnAddr},
				{abi.AT_NULL, 0},
			}
			if !slices.Equal(d.auxv, want) {
				t.Errorf("auxv =\n%v\nwant\n%v", d.auxv, want)
			}
			if !slices.Equal(img.Auxv, d.auxv) {
				t.Errorf("Image.Auxv = %v, on the stack %v", img.Auxv, d.auxv)
			}
			if got, ok := mem.read(randomAddr, 16); !ok || !bytes.Equal(got, random[:]) {
				t.Errorf("AT_RANDOM %#x holds %x, want %x", randomAddr, got, random)
			}
			if got := cStringAt(t, mem, execfnAddr); got != execfn {
				t.Errorf("AT_EXECFN string = %q, want %q", got, execfn)
			}

			// The strings: argv's, then envp's, then execfn, then 8 zero
			// bytes up to the top, as Linux places them.
			var strs []byte
			for _, s := range append(slices.Clone(tc.wantArgv), tc.wantEnvp...) {
				strs = append(append(strs, s...), 0)
			}
			strs = append(append(strs, execfn...), 0)
			strs = append(strs, make([]byte, 8)...)
			if img.ArgStart != mm.StackTop-uint64(len(strs)) {
				t.Errorf("ArgStart = %#x, want %#x", img.ArgStart, mm.StackTop-uint64(len(strs)))
			}
			if got, _ := mem.read(img.ArgStart, len(strs)); !bytes.Equal(got, strs) {
				t.Errorf("strings at the top of the stack = %q, want %q", got, strs)
			}
			if d.argvPtrs[0] != img.ArgStart || img.ArgEnd != img.EnvStart || img.EnvEnd != execfnAddr {
				t.Errorf("argv[0] %#x ArgStart %#x ArgEnd %#x EnvStart %#x EnvEnd %#x AT_EXECFN %#x",
					d.argvPtrs[0], img.ArgStart, img.ArgEnd, img.EnvStart, img.EnvEnd, execfnAddr)
			}
			if len(d.envpPtrs) > 0 && d.envpPtrs[0] != img.EnvStart {
				t.Errorf("envp[0] = %#x, want EnvStart %#x", d.envpPtrs[0], img.EnvStart)
			}
			// The random bytes sit 16-byte aligned below the strings; the
			// tables end below them.
			if randomAddr%16 != 0 || randomAddr+16 > img.ArgStart || img.ArgStart-(randomAddr+16) >= 16 {
				t.Errorf("AT_RANDOM %#x, ArgStart %#x", randomAddr, img.ArgStart)
			}
			tablesEnd := img.SP + 8*uint64(1+len(d.argv)+1+len(d.envp)+1+2*len(d.auxv))
			if tablesEnd > randomAddr || randomAddr-tablesEnd >= 16 {
				t.Errorf("tables end at %#x, AT_RANDOM at %#x: want a gap under 16 bytes", tablesEnd, randomAddr)
			}
		})
	}
}

func auxVal(auxv []Aux, typ uint64) uint64 {
	for _, a := range auxv {
		if a.Type == typ {
			return a.Val
		}
	}
	return 0
}

// TestStackExecutable checks that PT_GNU_STACK's PF_X makes the stack
// executable, and that its absence does not (riscv64 has no
// READ_IMPLIES_EXEC).
func TestStackExecutable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		progs func(s *synthELF)
		prot  int
	}{
		{"no PT_GNU_STACK", func(*synthELF) {}, abi.PROT_READ | abi.PROT_WRITE},
		{"PT_GNU_STACK RW", func(s *synthELF) {
			s.progs = append(s.progs, elf.Prog64{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W)})
		}, abi.PROT_READ | abi.PROT_WRITE},
		{"PT_GNU_STACK RWX", func(s *synthELF) {
			s.progs = append(s.progs, elf.Prog64{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W | elf.PF_X)})
		}, abi.PROT_READ | abi.PROT_WRITE | abi.PROT_EXEC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := newFakeMem()
			if _, err := Load(mem, &bytesFile{name: "p", data: synth(tc.progs)(t)}, Request{Path: "p"}); err != nil {
				t.Fatal(err)
			}
			if r := mem.regionAt(mm.StackTop - 1); r == nil || r.prot != tc.prot {
				t.Errorf("stack region %+v, want prot %#x", r, tc.prot)
			}
		})
	}
}
