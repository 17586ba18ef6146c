package syscalls

import (
	"testing"

	"vessel/internal/abi"
	"vessel/internal/kernel"
	"vessel/internal/mm"
)

func TestFormatFlags(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"rdonly", formatOpenFlags(abi.O_RDONLY), "O_RDONLY"},
		{"creat", formatOpenFlags(abi.O_WRONLY | abi.O_CREAT | abi.O_TRUNC | abi.O_CLOEXEC), "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"},
		{"map", formatMapFlags(abi.MAP_PRIVATE | abi.MAP_ANONYMOUS), "MAP_PRIVATE|MAP_ANONYMOUS"},
		{"prot none", flagNames(0, protNames, "PROT_NONE"), "PROT_NONE"},
		{"prot rw", flagNames(abi.PROT_READ|abi.PROT_WRITE, protNames, "PROT_NONE"), "PROT_READ|PROT_WRITE"},
		{"errno", formatErrno(abi.ENOENT), "-1 ENOENT (No such file or directory)"},
		{"quote", quote([]byte("a\"b\\\n\x00\xff"), 7), `"a\"b\\\n\0\377"`},
		{"quote cut", quote([]byte("abc"), 10), `"abc"...`},
		{"hex result", formatResult(fHex, 0x1000, 0, false), "0x1000"},
		{"exit result", formatResult(fInt, 0, 0, true), "?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
}

// TestTableNames: every row's name is the ABI's name for its number, so
// that strace output and the compatibility list cannot drift from the ABI.
func TestTableNames(t *testing.T) {
	for _, r := range Rows() {
		if want := abi.SyscallName(r.Nr); r.Name != want {
			t.Errorf("syscall %d: row name %q, ABI name %q", r.Nr, r.Name, want)
		}
	}
}

// fuzzTask returns a task with an address space holding one page of
// guest-controlled bytes at 0x10000.
func fuzzTask(t testing.TB, page []byte) *kernel.Task {
	as := mm.NewAddressSpace()
	if _, err := as.Mmap(0x10000, 4096, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); err != 0 {
		t.Fatal(err)
	}
	if err := as.CopyOut(0x10000, page[:min(len(page), 4096)]); err != 0 {
		t.Fatal(err)
	}
	return &kernel.Task{MM: as}
}

// FuzzFormatArgs decodes arbitrary arguments of every syscall for strace,
// as a hostile guest could pass them: pointers into, across the end of and
// outside its memory. Decoding must never panic.
func FuzzFormatArgs(f *testing.F) {
	f.Add(uint16(abi.SYS_OPENAT), uint64(0xffffff9c), uint64(0x10000), uint64(0x80000), uint64(0o644), uint64(0), uint64(0), []byte("/etc/passwd\x00"))
	f.Add(uint16(abi.SYS_WRITE), uint64(1), uint64(0x10ff0), uint64(100), uint64(0), uint64(0), uint64(0), []byte("hello"))
	f.Add(uint16(abi.SYS_MMAP), uint64(0), uint64(4096), uint64(7), uint64(0x22), uint64(1<<63), uint64(0), []byte{})
	f.Add(uint16(abi.SYS_RT_SIGACTION), uint64(65), uint64(0x10000), uint64(0), uint64(8), uint64(0), uint64(0), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, nr uint16, a0, a1, a2, a3, a4 uint64, a5 uint64, page []byte) {
		task := fuzzTask(t, page)
		r := &table[int(nr)%len(table)]
		a := [6]uint64{a0, a1, a2, a3, a4, a5}
		args := formatArgs(task, r, &a, false)
		completeArgs(task, r, &a, args, a2, 0)
		formatResult(r.ret, a1, abi.Errno(a0%4096), false)
	})
}
