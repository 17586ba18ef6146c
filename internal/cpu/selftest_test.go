package cpu

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The hart on compiled code: testdata/selftest.c, built with Debian's
// riscv64-linux-gnu-gcc, must print what it prints under qemu-riscv64
// (and what testdata/selftest.golden records, for machines without qemu).

// buildGuest compiles testdata/selftest.c with extra flags, or skips the
// test when the cross compiler is missing.
func buildGuest(tb testing.TB, flags ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("riscv64-linux-gnu-gcc"); err != nil {
		tb.Skip("riscv64-linux-gnu-gcc not installed")
	}
	out := filepath.Join(tb.TempDir(), "selftest")
	args := append([]string{"-O2", "-march=rv64gc", "-mabi=lp64d", "-static", "-nostdlib",
		"-ffreestanding", "-fno-builtin", "-o", out, "testdata/selftest.c"}, flags...)
	if b, err := exec.Command("riscv64-linux-gnu-gcc", args...).CombinedOutput(); err != nil {
		tb.Fatalf("riscv64-linux-gnu-gcc: %v\n%s", err, b)
	}
	return out
}

// loadGuest maps the PT_LOAD segments of the ELF file at path and a stack
// into a fresh memory, and returns a hart ready to run its entry point.
func loadGuest(tb testing.TB, path string) (*Hart, *testMem) {
	tb.Helper()
	f, err := elf.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	m := newTestMem()
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		prot := 0
		if p.Flags&elf.PF_R != 0 {
			prot |= AccessRead
		}
		if p.Flags&elf.PF_W != 0 {
			prot |= AccessWrite
		}
		if p.Flags&elf.PF_X != 0 {
			prot |= AccessExec
		}
		m.mapPages(p.Vaddr, p.Memsz, prot)
		data := make([]byte, p.Filesz)
		if _, err := p.ReadAt(data, 0); err != nil {
			tb.Fatal(err)
		}
		m.poke(p.Vaddr, data)
	}
	const stackTop = 0x7fff0000
	m.mapPages(stackTop-256*1024, 256*1024, AccessRead|AccessWrite)
	h := New(m)
	h.PC = f.Entry
	h.X[rSp] = stackTop - 64
	return h, m
}

// runGuest runs h, serving write(2) and exit(2), and returns what the
// guest wrote and its exit status.
func runGuest(tb testing.TB, h *Hart, m *testMem) (stdout []byte, status int) {
	tb.Helper()
	for {
		e := h.Run(1 << 24)
		switch e.Reason {
		case ExitBudget:
			continue
		case ExitEcall:
		default:
			tb.Fatalf("guest stopped: %+v at pc %#x", e, h.PC)
		}
		switch a0, a1, a2 := h.X[10], h.X[11], h.X[12]; h.X[17] {
		case 64: // write
			if a0 != 1 {
				tb.Fatalf("write to fd %d", a0)
			}
			stdout = append(stdout, m.peek(a1, int(a2))...)
			h.X[10] = a2
		case 93, 94: // exit, exit_group
			return stdout, int(a0)
		default:
			tb.Fatalf("unexpected syscall %d", h.X[17])
		}
		h.PC += 4
	}
}

func TestSelftest(t *testing.T) {
	if !fpuReady() {
		t.Skip("fpu not implemented yet")
	}
	bin := buildGuest(t)
	want, err := os.ReadFile("testdata/selftest.golden")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("qemu-riscv64"); err == nil {
		q, err := exec.Command("qemu-riscv64", bin).Output()
		if err != nil {
			t.Fatalf("qemu-riscv64: %v", err)
		}
		if !bytes.Equal(q, want) {
			t.Errorf("qemu-riscv64 disagrees with testdata/selftest.golden:\n%s", q)
			want = q
		}
	}
	h, m := loadGuest(t, bin)
	got, status := runGuest(t, h, m)
	if status != 0 || !bytes.Equal(got, want) {
		t.Errorf("got status %d, output:\n%s\nwant status 0, output:\n%s", status, got, want)
	}
	t.Logf("%d instructions", h.Instret)
}

// BenchmarkVsQemu runs selftest.c's compute kernels on the hart and
// reports the speed and the ratio of its time to qemu-riscv64's (which
// includes qemu's start-up, a few ms).
func BenchmarkVsQemu(b *testing.B) {
	if !fpuReady() {
		b.Skip("fpu not implemented yet")
	}
	bin := buildGuest(b, "-DBENCH")
	qemu := time.Duration(0)
	if _, err := exec.LookPath("qemu-riscv64"); err == nil {
		for i := 0; i < 3; i++ { // best of three
			start := time.Now()
			if err := exec.Command("qemu-riscv64", bin).Run(); err != nil {
				b.Fatalf("qemu-riscv64: %v", err)
			}
			if d := time.Since(start); qemu == 0 || d < qemu {
				qemu = d
			}
		}
	}
	var instructions uint64
	var out []byte
	b.ResetTimer()
	for b.Loop() {
		h, m := loadGuest(b, bin)
		out, _ = runGuest(b, h, m)
		instructions += h.Instret
	}
	b.ReportMetric(float64(instructions)/b.Elapsed().Seconds()/1e6, "MIPS")
	if qemu > 0 {
		perRun := b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(perRun)/float64(qemu), "x-qemu")
	}
	if len(out) == 0 {
		b.Fatal(fmt.Errorf("no output"))
	}
}
