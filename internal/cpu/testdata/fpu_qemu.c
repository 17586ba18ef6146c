// fpu_qemu.c runs RISC-V F and D instructions on operands read from stdin
// and prints their results and fflags, to make the reference vectors in
// fpu_qemu.golden (see fpu_qemu_test.go, which builds it with
// riscv64-linux-gnu-gcc and runs it under qemu-riscv64 when given -update).
//
// Input, one operation a line:  MNEMONIC RM A B C   (RM decimal, A B C hex)
// Output, one a line:           RESULT FFLAGS       (hex)
// Singles travel in the low 32 bits of A, B, C and RESULT; integer results
// are the 64-bit value written to rd.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float f32(uint64_t x) { uint32_t u = (uint32_t)x; float f; memcpy(&f, &u, 4); return f; }
static double f64(uint64_t x) { double d; memcpy(&d, &x, 8); return d; }
static uint64_t b32(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t b64(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

// Every operation runs with frm = rm and fflags cleared before it, then
// reads fflags; asm volatile keeps the three in order.
#define RUN(body) do { \
	asm volatile("fsrm %0" : : "r"(rm)); \
	asm volatile("fsflags zero"); \
	body; \
	asm volatile("frflags %0" : "=r"(fl)); \
} while (0)

#define FF2(insn) if (!strcmp(op, insn)) { float r; float x = f32(a), y = f32(b); \
	RUN(asm volatile(insn " %0, %1, %2" : "=f"(r) : "f"(x), "f"(y))); res = b32(r); }
#define DD2(insn) if (!strcmp(op, insn)) { double r; double x = f64(a), y = f64(b); \
	RUN(asm volatile(insn " %0, %1, %2" : "=f"(r) : "f"(x), "f"(y))); res = b64(r); }
#define FR2(insn) if (!strcmp(op, insn)) { long r; float x = f32(a), y = f32(b); \
	RUN(asm volatile(insn " %0, %1, %2" : "=r"(r) : "f"(x), "f"(y))); res = r; }
#define DR2(insn) if (!strcmp(op, insn)) { long r; double x = f64(a), y = f64(b); \
	RUN(asm volatile(insn " %0, %1, %2" : "=r"(r) : "f"(x), "f"(y))); res = r; }
#define FF1(insn) if (!strcmp(op, insn)) { float r; float x = f32(a); \
	RUN(asm volatile(insn " %0, %1" : "=f"(r) : "f"(x))); res = b32(r); }
#define DD1(insn) if (!strcmp(op, insn)) { double r; double x = f64(a); \
	RUN(asm volatile(insn " %0, %1" : "=f"(r) : "f"(x))); res = b64(r); }
#define FR1(insn) if (!strcmp(op, insn)) { long r; float x = f32(a); \
	RUN(asm volatile(insn " %0, %1" : "=r"(r) : "f"(x))); res = r; }
#define DR1(insn) if (!strcmp(op, insn)) { long r; double x = f64(a); \
	RUN(asm volatile(insn " %0, %1" : "=r"(r) : "f"(x))); res = r; }
#define RF1(insn) if (!strcmp(op, insn)) { float r; long x = a; \
	RUN(asm volatile(insn " %0, %1" : "=f"(r) : "r"(x))); res = b32(r); }
#define RD1(insn) if (!strcmp(op, insn)) { double r; long x = a; \
	RUN(asm volatile(insn " %0, %1" : "=f"(r) : "r"(x))); res = b64(r); }
#define FD1(insn) if (!strcmp(op, insn)) { double r; float x = f32(a); \
	RUN(asm volatile(insn " %0, %1" : "=f"(r) : "f"(x))); res = b64(r); }
#define DF1(insn) if (!strcmp(op, insn)) { float r; double x = f64(a); \
	RUN(asm volatile(insn " %0, %1" : "=f"(r) : "f"(x))); res = b32(r); }

int main(void) {
	char op[32];
	unsigned long rm, a, b, c;
	while (scanf("%31s %lu %lx %lx %lx", op, &rm, &a, &b, &c) == 5) {
		unsigned long res = 0, fl = 0;
		int known = 1;
		FF2("fadd.s") else FF2("fsub.s") else FF2("fmul.s") else FF2("fdiv.s")
		else FF2("fmin.s") else FF2("fmax.s")
		else DD2("fadd.d") else DD2("fsub.d") else DD2("fmul.d") else DD2("fdiv.d")
		else DD2("fmin.d") else DD2("fmax.d")
		else FR2("feq.s") else FR2("flt.s") else FR2("fle.s")
		else DR2("feq.d") else DR2("flt.d") else DR2("fle.d")
		else FF1("fsqrt.s") else DD1("fsqrt.d")
		else FR1("fclass.s") else DR1("fclass.d")
		else FR1("fcvt.w.s") else FR1("fcvt.wu.s") else FR1("fcvt.l.s") else FR1("fcvt.lu.s")
		else DR1("fcvt.w.d") else DR1("fcvt.wu.d") else DR1("fcvt.l.d") else DR1("fcvt.lu.d")
		else RF1("fcvt.s.w") else RF1("fcvt.s.wu") else RF1("fcvt.s.l") else RF1("fcvt.s.lu")
		else RD1("fcvt.d.w") else RD1("fcvt.d.wu") else RD1("fcvt.d.l") else RD1("fcvt.d.lu")
		else FD1("fcvt.d.s") else DF1("fcvt.s.d")
		else if (!strcmp(op, "fmadd.s")) {
			float r; float x = f32(a), y = f32(b), z = f32(c);
			RUN(asm volatile("fmadd.s %0, %1, %2, %3" : "=f"(r) : "f"(x), "f"(y), "f"(z)));
			res = b32(r);
		} else if (!strcmp(op, "fmadd.d")) {
			double r; double x = f64(a), y = f64(b), z = f64(c);
			RUN(asm volatile("fmadd.d %0, %1, %2, %3" : "=f"(r) : "f"(x), "f"(y), "f"(z)));
			res = b64(r);
		} else known = 0;
		if (!known) {
			fprintf(stderr, "fpu_qemu: unknown operation %s\n", op);
			return 1;
		}
		printf("%lx %lx\n", res, fl);
	}
	return 0;
}
