package cpu

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/arch/riscv64/riscv64asm"
)

// The decoder against an independent one, golang.org/x/arch's riscv64asm:
// for every word both must agree on whether it is an instruction of ours
// and which. riscv64asm also knows extensions we do not implement (B, V,
// Zfh, Q, Zicond, Zicbo*, Zk*, ...); a word it decodes as one of those must
// be illegal for us.
//
// Where the two disagree, riscv64asm is the one that departs from the
// specification, and the test names each case:
//   - compressed HINTs: c.addi with a zero immediate, c.nop with a
//     non-zero one (riscv64asm shows it as nop), c.li, c.lui, c.mv,
//     c.add and c.slli with rd = x0, c.slli, c.srli and c.srai by zero. The
//     specification makes them legal instructions that do nothing
//     (RV64C "HINT instructions"); riscv64asm rejects them.
//   - the all-zero halfword, which the specification defines as illegal;
//     riscv64asm decodes it as c.unimp (and expands that to csrrw x0,
//     cycle, x0, itself illegal to execute since cycle is read-only).
//   - the offset of c.j: riscv64asm's arg_c_imm12 takes offset[4:1] from
//     bits [5:2] of the instruction and so ORs bit 2 (offset[5]) into
//     offset[1] and bit 5 (offset[3]) into offset[4]; the specification
//     puts offset[3:1] at bits [5:3]. Only c.j's operands are left out of
//     the comparison; its own offsets are checked by TestDecodeCompressed
//     and TestCompressedExec.
//   - F/D instructions with the reserved static rounding modes 5 and 6,
//     which riscv64asm accepts; they are reserved encodings.

// asmDecode returns riscv64asm's mnemonic for the instruction at the
// start of w, without .aq/.rl suffixes, or "" if it decodes none, with its
// length and its operands flattened (registers by number; a register with
// offset as the register, then the offset).
func asmDecode(w uint32) (name string, n int, args []int64) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	inst, err := riscv64asm.Decode(b[:])
	if err != nil {
		return "", 0, nil
	}
	for _, a := range inst.Args {
		switch a := a.(type) {
		case riscv64asm.Reg:
			args = append(args, int64(a)&31)
		case riscv64asm.RegOffset:
			args = append(args, int64(a.OfsReg)&31, int64(a.Ofs.Imm))
		case riscv64asm.Simm:
			args = append(args, int64(a.Imm))
		case riscv64asm.Uimm:
			args = append(args, int64(a.Imm))
		}
	}
	name = strings.ToLower(inst.Op.String())
	for _, suffix := range []string{".aqrl", ".aq", ".rl"} {
		name = strings.TrimSuffix(name, suffix)
	}
	return name, inst.Len, args
}

// ourOperands flattens the operands of in the way asmDecode does, for the
// integer instructions and the FP loads and stores (the forms compressed
// instructions expand to); ok is false for the others.
func ourOperands(in Inst) (args []int64, ok bool) {
	rd, rs1, rs2, imm := int64(in.Rd), int64(in.Rs1), int64(in.Rs2), int64(in.Imm)
	switch opTable[in.Op].format {
	case fmtI, fmtShift:
		return []int64{rd, rs1, imm}, true
	case fmtS:
		return []int64{rs2, rs1, imm}, true
	case fmtB:
		return []int64{rs1, rs2, imm}, true
	case fmtU:
		return []int64{rd, int64(uint32(in.Imm) >> 12)}, true
	case fmtJ:
		return []int64{rd, imm}, true
	case fmtR:
		if in.Op < opFENCE || in.Op >= opMUL && in.Op <= opREMUW {
			return []int64{rd, rs1, rs2}, true
		}
	}
	return nil, false
}

// ourNames is the set of our mnemonics.
var ourNames = func() map[string]bool {
	m := map[string]bool{}
	for op := opLUI; op < opCount; op++ {
		m[opTable[op].name] = true
	}
	return m
}()

// compressedHint reports whether c is an RV64C HINT encoding.
func compressedHint(c uint16) bool {
	rd := c >> 7 & 31
	rs2 := c >> 2 & 31
	imm6 := c>>12&1<<5 | c>>2&31
	switch c&3 | c>>13<<2 {
	case 0<<2 | 1: // c.addi with a zero immediate, c.nop with a non-zero one
		return (rd == 0) != (imm6 == 0)
	case 2<<2 | 1: // c.li
		return rd == 0
	case 3<<2 | 1: // c.lui (rd = 2 is c.addi16sp)
		return rd == 0 && imm6 != 0
	case 4<<2 | 1: // c.srli, c.srai
		return c>>10&3 < 2 && imm6 == 0
	case 0<<2 | 2: // c.slli
		return rd == 0 || imm6 == 0
	case 4<<2 | 2: // c.mv, c.add
		return rd == 0 && rs2 != 0
	}
	return false
}

// reservedRM reports whether w is one of our F/D encodings but for a
// reserved static rounding mode.
func reservedRM(w uint32) bool {
	rm := w >> 12 & 7
	if rm != 5 && rm != 6 {
		return false
	}
	in := Decode(w&^0x7000 | 7<<12)
	return in.Valid() && opTable[in.Op].rm
}

// diffStats counts the outcomes of diffDecode, by kind.
var diffStats = map[string]int{}

// diffDecode compares the two decoders on w; it returns a description of
// the disagreement, or "".
func diffDecode(w uint32) string {
	d, kind := diffDecodeKind(w)
	diffStats[kind]++
	return d
}

func diffDecodeKind(w uint32) (string, string) {
	in := Decode(w)
	theirs, n, theirArgs := asmDecode(w)
	ours := ""
	if in.Valid() {
		ours = in.Op.String()
	}
	switch {
	case theirs != "" && !ourNames[theirs]:
		// Another extension's instruction: it must not be ours.
		if ours != "" {
			return "riscv64asm: " + theirs + " (not ours), we: " + ours, "bad"
		}
		return "", "other extension"
	case ours == theirs:
		if ours != "" && n != int(in.Len) {
			return "length differs", "bad"
		}
		if ours == "" {
			return "", "both illegal"
		}
		if opTable[in.Op].format == fmtU && len(theirArgs) == 2 {
			theirArgs[1] &= 0xfffff // c.lui: riscv64asm keeps the sign extension
		}
		hint := w&3 != 3 && compressedHint(uint16(w)) // riscv64asm shows c.nop's as "nop"
		cj := w&0xe003 == 0xa001                      // riscv64asm misreads c.j's offset
		if args, ok := ourOperands(in); ok && !hint && !cj && !slices.Equal(args, theirArgs) {
			return fmt.Sprintf("%s: operands: riscv64asm %v, we %v", ours, theirArgs, args), "bad"
		}
		return "", "same instruction"
	case w&3 != 3 && ours != "" && theirs == "" && compressedHint(uint16(w)):
		return "", "HINT"
	case w&0xffff == 0 && ours == "" && theirs == "csrrw":
		return "", "c.unimp"
	case w&3 == 3 && ours == "" && reservedRM(w):
		return "", "reserved rm"
	}
	if ours == "" {
		ours = "illegal"
	}
	if theirs == "" {
		theirs = "illegal"
	}
	return "riscv64asm: " + theirs + ", we: " + ours, "bad"
}

func TestDecodeDiffCompressed(t *testing.T) {
	bad := 0
	for c := 0; c < 1<<16; c++ {
		if c&3 == 3 {
			continue
		}
		if d := diffDecode(uint32(c)); d != "" {
			if bad++; bad <= 20 {
				t.Errorf("%#04x: %s", c, d)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d compressed words disagree", bad)
	}
	t.Logf("outcomes: %v", diffStats)
	clear(diffStats)
}

func TestDecodeDiff32(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 1 << 18
	if testing.Short() {
		n = 1 << 16
	}
	bad := 0
	check := func(w uint32) {
		if d := diffDecode(w); d != "" {
			if bad++; bad <= 20 {
				t.Errorf("%#08x: %s", w, d)
			}
		}
	}
	for i := 0; i < n; i++ {
		// Uniformly random words.
		check(r.Uint32() | 3)
		// Words near each of our encodings: the fixed bits of an op with
		// random operands, then the same with one more bit flipped.
		op := Op(r.IntN(int(opCount-opLUI))) + opLUI
		f := opTable[op]
		w := r.Uint32()&^f.mask | f.match
		check(w)
		check(w ^ 1<<r.IntN(30)<<2)
	}
	if bad > 0 {
		t.Errorf("%d words disagree", bad)
	}
	t.Logf("outcomes: %v", diffStats)
	clear(diffStats)
}
