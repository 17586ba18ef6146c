package cpu

// Reference vectors from a second, independent implementation: QEMU's
// RISC-V F and D emulation (its softfloat, configured for RISC-V: tininess
// after rounding, default NaNs, fmin/fmax as minimumNumber/maximumNumber).
//
// testdata/fpu_qemu.golden holds the vectors; TestFpuQemuGolden checks every
// one and needs no tools. `go test ./internal/cpu -run FpuQemuGolden -update`
// regenerates them: it draws the operands from a fixed seed, builds
// testdata/fpu_qemu.c with riscv64-linux-gnu-gcc, runs it under
// qemu-riscv64 and rewrites the golden file. -update requires both tools
// and fails without them.

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// update makes tests rewrite their golden files in testdata. It is the
// package's one -update flag: other golden tests should use it too.
var update = flag.Bool("update", false, "rewrite golden files in testdata")

const fpuGolden = "testdata/fpu_qemu.golden"

// fpuVector is one line of the golden file:
//
//	OP RM A B C -> RESULT FLAGS
type fpuVector struct {
	op      string
	rm      int
	a, b, c uint64
	res     uint64
	flags   uint32
}

func TestFpuQemuGolden(t *testing.T) {
	if *update {
		updateFpuGolden(t)
	}
	vs, err := readFpuGolden(fpuGolden)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 1000 {
		t.Fatalf("%s: only %d vectors", fpuGolden, len(vs))
	}
	failed := 0
	for _, v := range vs {
		op, ok := fpuOps[v.op]
		if !ok {
			t.Fatalf("%s: unknown operation %q", fpuGolden, v.op)
		}
		got, fl := op(v.a, v.b, v.c, v.rm)
		if got != v.res || fl != v.flags {
			t.Errorf("%s %s %#x %#x %#x: got %#x [%s], want %#x [%s]", v.op, rmNames[v.rm], v.a, v.b, v.c,
				got, flagNames(fl), v.res, flagNames(v.flags))
			if failed++; failed == 20 {
				t.Fatal("too many failures")
			}
		}
	}
}

func readFpuGolden(path string) ([]fpuVector, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var vs []fpuVector
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		v, err := parseFpuVector(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
		}
		vs = append(vs, v)
	}
	return vs, nil
}

func parseFpuVector(line string) (fpuVector, error) {
	f := strings.Fields(line)
	if len(f) != 8 || f[5] != "->" {
		return fpuVector{}, fmt.Errorf("malformed vector %q", line)
	}
	v := fpuVector{op: f[0], rm: -1}
	for rm, n := range rmNames {
		if f[1] == n {
			v.rm = rm
		}
	}
	if v.rm < 0 {
		return v, fmt.Errorf("bad rounding mode %q", f[1])
	}
	var err error
	for i, p := range []*uint64{&v.a, &v.b, &v.c, &v.res} {
		field := f[2+i]
		if i == 3 {
			field = f[6]
		}
		if *p, err = strconv.ParseUint(field, 16, 64); err != nil {
			return v, err
		}
	}
	if f[7] != "-" {
		for _, n := range strings.Split(f[7], "|") {
			bit := -1
			for i, fn := range fflagNames {
				if n == fn {
					bit = i
				}
			}
			if bit < 0 {
				return v, fmt.Errorf("bad flag %q", n)
			}
			v.flags |= 1 << bit
		}
	}
	return v, nil
}

// fpuGoldenInputs draws the operands of the golden vectors: special values
// crossed with each other, and biased random ones, for every operation and
// rounding mode.
func fpuGoldenInputs() []fpuVector {
	g := newFpuGen(4242)
	specials := func(f *fpFormat) []uint64 {
		return []uint64{0, f.signBit(), 1, f.fracMask() | f.signBit(), 1 << (f.prec - 1),
			uint64(f.bias) << (f.prec - 1), uint64(f.bias)<<(f.prec-1) | f.signBit() | 1,
			f.inf(false) - 1, f.inf(false), f.inf(true), f.nan, f.nan | f.signBit() | 5, f.inf(false) | 1}
	}
	var vs []fpuVector
	add := func(op string, rm int, a, b, c uint64) {
		vs = append(vs, fpuVector{op: op, rm: rm, a: a, b: b, c: c})
	}
	type opSpec struct {
		f      *fpFormat
		ops    []string
		kind   string // fpuGen.operands kind
		arity  int
		rms    int // how many rounding modes matter: 1 or 5
		random int
	}
	f32, f64 := &binary32, &binary64
	specs := []opSpec{
		{f32, []string{"fadd.s", "fsub.s"}, "add", 2, 5, 80},
		{f32, []string{"fmul.s", "fdiv.s"}, "mul", 2, 5, 80},
		{f32, []string{"fsqrt.s"}, "sqrt", 1, 5, 80},
		{f32, []string{"fmadd.s"}, "fma", 3, 5, 120},
		{f32, []string{"fmin.s", "fmax.s", "feq.s", "flt.s", "fle.s"}, "add", 2, 1, 60},
		{f32, []string{"fclass.s"}, "sqrt", 1, 1, 100},
		{f32, []string{"fcvt.d.s"}, "sqrt", 1, 1, 100},
		{f64, []string{"fadd.d", "fsub.d"}, "add", 2, 5, 80},
		{f64, []string{"fmul.d", "fdiv.d"}, "mul", 2, 5, 80},
		{f64, []string{"fsqrt.d"}, "sqrt", 1, 5, 80},
		{f64, []string{"fmadd.d"}, "fma", 3, 5, 120},
		{f64, []string{"fmin.d", "fmax.d", "feq.d", "flt.d", "fle.d"}, "add", 2, 1, 60},
		{f64, []string{"fclass.d"}, "sqrt", 1, 1, 100},
	}
	for _, sp := range specs {
		for _, op := range sp.ops {
			sv := specials(sp.f)
			for rm := range sp.rms {
				if rm == rmRNE || rm == rmRDN { // RDN: the signs of exact zeros
					for _, a := range sv {
						for _, b := range sv[:min(len(sv), 1+12*(sp.arity-1))] {
							add(op, rm, a, b, sv[(a+b)%uint64(len(sv))])
						}
					}
				}
				for range sp.random {
					a, b, c := g.operands(sp.f, sp.kind)
					add(op, rm, a, b, c)
				}
			}
		}
	}
	for _, w := range []string{"w", "wu", "l", "lu"} {
		width := 32
		if w[0] == 'l' {
			width = 64
		}
		for _, f := range []*fpFormat{f32, f64} {
			sfx := map[*fpFormat]string{f32: "s", f64: "d"}[f]
			for rm := range 5 {
				for _, a := range specials(f) {
					add("fcvt."+w+"."+sfx, rm, a, 0, 0)
				}
				for range 80 {
					a := g.value(f)
					if g.r.IntN(3) != 0 { // near the integer range
						e := f.bias + g.r.IntN(width+3) - 2
						a = a&^(uint64(f.expMax())<<(f.prec-1)) | uint64(e)<<(f.prec-1)
					}
					add("fcvt."+w+"."+sfx, rm, a, 0, 0)
				}
				for range 40 {
					v := g.r.Uint64() >> g.r.UintN(64)
					if g.r.IntN(2) == 0 {
						v = -v
					}
					if width == 32 && g.r.IntN(2) == 0 {
						v = v&0xffffffff | g.r.Uint64()<<32 // the upper half is ignored
					}
					add("fcvt."+sfx+"."+w, rm, v, 0, 0)
				}
			}
		}
	}
	for rm := range 5 {
		for _, a := range specials(f64) {
			add("fcvt.s.d", rm, a, 0, 0)
		}
		for range 100 {
			a := g.value(f64)
			if g.r.IntN(2) == 0 {
				e := 1023 - 160 + g.r.IntN(300)
				a = a&^(0x7ff<<52) | uint64(e)<<52
			}
			add("fcvt.s.d", rm, a, 0, 0)
		}
	}
	for i := range vs {
		if vs[i].op[len(vs[i].op)-1] == 's' && !strings.HasPrefix(vs[i].op, "fcvt.s.") {
			vs[i].a &= 0xffffffff // a single operand
			vs[i].b &= 0xffffffff
			vs[i].c &= 0xffffffff
		}
	}
	return vs
}

// updateFpuGolden regenerates the golden file under qemu-riscv64.
func updateFpuGolden(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"riscv64-linux-gnu-gcc", "qemu-riscv64"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("-update needs %s: %v", tool, err)
		}
	}
	bin := filepath.Join(t.TempDir(), "fpu_qemu")
	out, err := exec.Command("riscv64-linux-gnu-gcc", "-O1", "-static", "-o", bin, "testdata/fpu_qemu.c").CombinedOutput()
	if err != nil {
		t.Fatalf("riscv64-linux-gnu-gcc: %v\n%s", err, out)
	}
	version, err := exec.Command("qemu-riscv64", "--version").Output()
	if err != nil {
		t.Fatalf("qemu-riscv64 --version: %v", err)
	}
	vs := fpuGoldenInputs()
	var in bytes.Buffer
	for _, v := range vs {
		fmt.Fprintf(&in, "%s %d %x %x %x\n", v.op, v.rm, v.a, v.b, v.c)
	}
	cmd := exec.Command("qemu-riscv64", bin)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("qemu-riscv64 fpu_qemu: %v", err)
	}
	var gold bytes.Buffer
	fmt.Fprintf(&gold, "# RISC-V F/D reference vectors: testdata/fpu_qemu.c under %s", firstLine(version))
	fmt.Fprintf(&gold, "# Regenerate with: go test ./internal/cpu -run FpuQemuGolden -update\n")
	fmt.Fprintf(&gold, "# OP RM A B C -> RESULT FLAGS (hex; singles in the low 32 bits)\n")
	sc := bufio.NewScanner(bytes.NewReader(res))
	for _, v := range vs {
		if !sc.Scan() {
			t.Fatalf("qemu-riscv64 fpu_qemu: %d results for %d operations", len(vs)-1, len(vs))
		}
		var r uint64
		var fl uint32
		if _, err := fmt.Sscanf(sc.Text(), "%x %x", &r, &fl); err != nil {
			t.Fatalf("qemu-riscv64 fpu_qemu: bad output %q", sc.Text())
		}
		fmt.Fprintf(&gold, "%s %s %x %x %x -> %x %s\n", v.op, rmNames[v.rm], v.a, v.b, v.c, r, flagNames(fl))
	}
	if err := os.WriteFile(fpuGolden, gold.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(line) + "\n"
}
