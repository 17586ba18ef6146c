// selftest.c is a freestanding riscv64 program (no libc: it talks to the
// kernel with ecall write and exit only) that exercises the hart on
// compiled code: integer, M, A, F and D instructions, CSRs, misaligned
// accesses, compressed code. It prints one line per group, a hash of the
// results, so that its output under the hart (selftest_test.go) can be
// compared with its output under qemu-riscv64.
//
// With -DBENCH it instead runs a compute loop and prints its checksum, for
// comparing speed with qemu-riscv64.
//
// Build: riscv64-linux-gnu-gcc -O2 -march=rv64gc -mabi=lp64d -static
//        -nostdlib -ffreestanding -fno-builtin -o selftest selftest.c
typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;

asm(".globl _start\n"
    "_start:\n"
    "  .option push\n  .option norelax\n  la gp, __global_pointer$\n  .option pop\n"
    "  call main\n"
    "  li a7, 93\n"
    "  ecall\n");

static long sys3(long n, long a, long b, long c) {
	register long a0 asm("a0") = a;
	register long a1 asm("a1") = b;
	register long a2 asm("a2") = c;
	register long a7 asm("a7") = n;
	asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

static void put(const char *s, long n) { sys3(64, 1, (long)s, n); }

static void puthex(const char *name, u64 v) {
	char buf[64];
	int n = 0;
	while (name[n]) {
		buf[n] = name[n];
		n++;
	}
	buf[n++] = ' ';
	for (int i = 60; i >= 0; i -= 4)
		buf[n++] = "0123456789abcdef"[(v >> i) & 15];
	buf[n++] = '\n';
	put(buf, n);
}

static u64 hash;
static void mix(u64 v) {
	hash ^= v;
	hash *= 0x100000001b3ul;
	hash ^= hash >> 29;
}
static void report(const char *name) {
	puthex(name, hash);
	hash = 0xcbf29ce484222325ul;
}

static const u64 ints[] = {
	0, 1, 2, 3, 7, 0xffffffffffffffff, 0xfffffffffffffffe, 0xfffffffffffffff9,
	0x8000000000000000, 0x7fffffffffffffff, 0x80000000, 0x7fffffff,
	0xffffffff, 0xffffffff80000000, 0x100000000, 0x123456789abcdef0,
	0xfedcba9876543210, 63, 64, 65, 31, 32, 33, 12345678901234567,
};
#define NINTS (sizeof ints / sizeof ints[0])

#define R(insn, a, b) ({ u64 r_; asm volatile(insn " %0,%1,%2" : "=r"(r_) : "r"(a), "r"(b)); r_; })

static void test_int(void) {
	for (unsigned i = 0; i < NINTS; i++) {
		for (unsigned j = 0; j < NINTS; j++) {
			u64 a = ints[i], b = ints[j];
			mix(R("add", a, b)); mix(R("sub", a, b)); mix(R("sll", a, b));
			mix(R("srl", a, b)); mix(R("sra", a, b)); mix(R("slt", a, b));
			mix(R("sltu", a, b)); mix(R("xor", a, b)); mix(R("or", a, b));
			mix(R("and", a, b)); mix(R("addw", a, b)); mix(R("subw", a, b));
			mix(R("sllw", a, b)); mix(R("srlw", a, b)); mix(R("sraw", a, b));
		}
		u64 a = ints[i];
		mix((i64)a >> 13); mix(a << 17); mix((i32)a); mix((u32)a >> 3);
		mix((i64)(i32)a >> 5); mix((i32)((u32)a << 9));
		mix((i64)a < -5); mix(a < 2048);
	}
	report("int");
}

static void test_muldiv(void) {
	for (unsigned i = 0; i < NINTS; i++) {
		for (unsigned j = 0; j < NINTS; j++) {
			u64 a = ints[i], b = ints[j];
			mix(R("mul", a, b)); mix(R("mulh", a, b)); mix(R("mulhsu", a, b));
			mix(R("mulhu", a, b)); mix(R("div", a, b)); mix(R("divu", a, b));
			mix(R("rem", a, b)); mix(R("remu", a, b)); mix(R("mulw", a, b));
			mix(R("divw", a, b)); mix(R("divuw", a, b)); mix(R("remw", a, b));
			mix(R("remuw", a, b));
		}
	}
	report("muldiv");
}

static u64 amem[4];
static u32 wmem[4];

static void test_atomic(void) {
	for (unsigned i = 0; i < NINTS; i++) {
		u64 v = ints[i];
		mix(__atomic_fetch_add(&amem[0], v, __ATOMIC_SEQ_CST));
		mix(__atomic_fetch_xor(&amem[1], v, __ATOMIC_ACQUIRE));
		mix(__atomic_fetch_or(&amem[2], v >> 7, __ATOMIC_RELEASE));
		mix(__atomic_fetch_and(&amem[2], ~v, __ATOMIC_RELAXED));
		mix(__atomic_exchange_n(&amem[3], v, __ATOMIC_SEQ_CST));
		mix(__atomic_fetch_add(&wmem[0], (u32)v, __ATOMIC_SEQ_CST));
		mix(__atomic_exchange_n(&wmem[1], (u32)v, __ATOMIC_SEQ_CST));
		u64 expect = amem[0];
		mix(__atomic_compare_exchange_n(&amem[0], &expect, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
		expect = 12345;
		mix(__atomic_compare_exchange_n(&amem[0], &expect, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
		mix(expect);
		u32 wexpect = wmem[1];
		mix(__atomic_compare_exchange_n(&wmem[1], &wexpect, (u32)v + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
		u64 r;
		asm volatile("amomin.d %0,%2,(%1)" : "=r"(r) : "r"(&amem[1]), "r"(v) : "memory"); mix(r);
		asm volatile("amomax.d %0,%2,(%1)" : "=r"(r) : "r"(&amem[2]), "r"(v) : "memory"); mix(r);
		asm volatile("amominu.d %0,%2,(%1)" : "=r"(r) : "r"(&amem[3]), "r"(v) : "memory"); mix(r);
		asm volatile("amomaxu.d %0,%2,(%1)" : "=r"(r) : "r"(&amem[0]), "r"(v) : "memory"); mix(r);
		asm volatile("amomin.w %0,%2,(%1)" : "=r"(r) : "r"(&wmem[0]), "r"(v) : "memory"); mix(r);
		asm volatile("amomax.w %0,%2,(%1)" : "=r"(r) : "r"(&wmem[1]), "r"(v) : "memory"); mix(r);
		asm volatile("amominu.w %0,%2,(%1)" : "=r"(r) : "r"(&wmem[2]), "r"(v) : "memory"); mix(r);
		asm volatile("amomaxu.w %0,%2,(%1)" : "=r"(r) : "r"(&wmem[3]), "r"(v) : "memory"); mix(r);
		asm volatile("amoxor.w %0,%2,(%1)" : "=r"(r) : "r"(&wmem[2]), "r"(v) : "memory"); mix(r);
	}
	for (int i = 0; i < 4; i++) {
		mix(amem[i]);
		mix(wmem[i]);
	}
	report("atomic");
}

static const u64 dbl[] = {
	0, 0x8000000000000000, 0x3ff0000000000000, 0xbff8000000000000,
	0x7fefffffffffffff, 0x0000000000000001, 0x000fffffffffffff,
	0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
	0x7ff0000000000001, 0x3fd5555555555555, 0x43e0000000000000,
	0xc3e0000000000000, 0x41dfffffffc00000, 0x4330000000000001,
	0x3fe0000000000000, 0x4004000000000000, 0xc004000000000000,
};
#define NDBL (sizeof dbl / sizeof dbl[0])
static const u32 flt[] = {
	0, 0x80000000, 0x3f800000, 0xbfc00000, 0x7f7fffff, 0x00000001,
	0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x3eaaaaab,
	0x4f000000, 0xcf000000, 0x5f000000, 0x3f000000, 0x40200000,
	0xc0200000, 0x4b800001,
};
#define NFLT (sizeof flt / sizeof flt[0])

static double D(u64 x) { union { u64 u; double d; } v = { x }; return v.d; }
static u64 DB(double d) { union { double d; u64 u; } v = { d }; return v.u; }
static float F(u32 x) { union { u32 u; float f; } v = { x }; return v.f; }
static u32 FB(float f) { union { float f; u32 u; } v = { f }; return v.u; }

static void setrm(u64 rm) { asm volatile("fsrm %0" : : "r"(rm)); }
static u64 flags(void) {
	u64 f;
	asm volatile("frflags %0; fsflags zero" : "=r"(f));
	return f;
}

#define DOP2(insn, a, b) ({ double r_; asm volatile(insn " %0,%1,%2" : "=f"(r_) : "f"(a), "f"(b)); DB(r_); })
#define FOP2(insn, a, b) ({ float r_; asm volatile(insn " %0,%1,%2" : "=f"(r_) : "f"(a), "f"(b)); FB(r_); })
#define XOP2(insn, a, b) ({ u64 r_; asm volatile(insn " %0,%1,%2" : "=r"(r_) : "f"(a), "f"(b)); r_; })
#define XOP1(insn, a) ({ u64 r_; asm volatile(insn " %0,%1" : "=r"(r_) : "f"(a)); r_; })
#define DOP1(insn, a) ({ double r_; asm volatile(insn " %0,%1" : "=f"(r_) : "f"(a)); DB(r_); })
#define FOP1(insn, a) ({ float r_; asm volatile(insn " %0,%1" : "=f"(r_) : "f"(a)); FB(r_); })

static void test_fp(void) {
	for (u64 rm = 0; rm < 5; rm++) {
		setrm(rm);
		for (unsigned i = 0; i < NDBL; i++) {
			double a = D(dbl[i]);
			for (unsigned j = 0; j < NDBL; j++) {
				double b = D(dbl[j]);
				mix(DOP2("fadd.d", a, b)); mix(flags());
				mix(DOP2("fsub.d", a, b)); mix(flags());
				mix(DOP2("fmul.d", a, b)); mix(flags());
				mix(DOP2("fdiv.d", a, b)); mix(flags());
				double r;
				asm volatile("fmadd.d %0,%1,%2,%3" : "=f"(r) : "f"(a), "f"(b), "f"(a)); mix(DB(r)); mix(flags());
				asm volatile("fnmsub.d %0,%1,%2,%3" : "=f"(r) : "f"(a), "f"(b), "f"(b)); mix(DB(r)); mix(flags());
				if (rm == 0) {
					mix(DOP2("fmin.d", a, b)); mix(DOP2("fmax.d", a, b)); mix(flags());
					mix(DOP2("fsgnj.d", a, b)); mix(DOP2("fsgnjn.d", a, b)); mix(DOP2("fsgnjx.d", a, b));
					mix(XOP2("feq.d", a, b)); mix(XOP2("flt.d", a, b)); mix(XOP2("fle.d", a, b)); mix(flags());
				}
			}
			mix(DOP1("fsqrt.d", a)); mix(flags());
			mix(XOP1("fcvt.w.d", a)); mix(flags());
			mix(XOP1("fcvt.wu.d", a)); mix(flags());
			mix(XOP1("fcvt.l.d", a)); mix(flags());
			mix(XOP1("fcvt.lu.d", a)); mix(flags());
			mix(FB((float)a)); mix(flags());
			mix(XOP1("fclass.d", a));
		}
		for (unsigned i = 0; i < NFLT; i++) {
			float a = F(flt[i]);
			for (unsigned j = 0; j < NFLT; j++) {
				float b = F(flt[j]);
				mix(FOP2("fadd.s", a, b)); mix(flags());
				mix(FOP2("fsub.s", a, b)); mix(flags());
				mix(FOP2("fmul.s", a, b)); mix(flags());
				mix(FOP2("fdiv.s", a, b)); mix(flags());
				float r;
				asm volatile("fmsub.s %0,%1,%2,%3" : "=f"(r) : "f"(a), "f"(b), "f"(b)); mix(FB(r)); mix(flags());
				asm volatile("fnmadd.s %0,%1,%2,%3" : "=f"(r) : "f"(a), "f"(b), "f"(a)); mix(FB(r)); mix(flags());
				if (rm == 0) {
					mix(FOP2("fmin.s", a, b)); mix(FOP2("fmax.s", a, b)); mix(flags());
					mix(FOP2("fsgnj.s", a, b)); mix(FOP2("fsgnjn.s", a, b)); mix(FOP2("fsgnjx.s", a, b));
					mix(XOP2("feq.s", a, b)); mix(XOP2("flt.s", a, b)); mix(XOP2("fle.s", a, b)); mix(flags());
				}
			}
			mix(FOP1("fsqrt.s", a)); mix(flags());
			mix(XOP1("fcvt.w.s", a)); mix(flags());
			mix(XOP1("fcvt.lu.s", a)); mix(flags());
			mix(DB((double)a)); mix(flags());
			mix(XOP1("fclass.s", a));
			mix(XOP1("fmv.x.w", a));
		}
		for (unsigned i = 0; i < NINTS; i++) {
			u64 v = ints[i];
			double d; float f;
			asm volatile("fcvt.d.l %0,%1" : "=f"(d) : "r"(v)); mix(DB(d)); mix(flags());
			asm volatile("fcvt.d.lu %0,%1" : "=f"(d) : "r"(v)); mix(DB(d)); mix(flags());
			asm volatile("fcvt.d.w %0,%1" : "=f"(d) : "r"(v)); mix(DB(d)); mix(flags());
			asm volatile("fcvt.s.l %0,%1" : "=f"(f) : "r"(v)); mix(FB(f)); mix(flags());
			asm volatile("fcvt.s.wu %0,%1" : "=f"(f) : "r"(v)); mix(FB(f)); mix(flags());
			asm volatile("fmv.d.x %0,%1" : "=f"(d) : "r"(v)); mix(DB(d));
		}
	}
	setrm(0);
	// An unboxed single reads as the canonical NaN.
	double d = D(0x123456783f800000);
	float f;
	asm volatile("fadd.s %0,%1,%1" : "=f"(f) : "f"(d));
	mix(FB(f)); mix(flags());
	asm volatile("fsgnjn.s %0,%1,%1" : "=f"(d) : "f"(d));
	mix(DB(d));
	u64 fcsr;
	asm volatile("fscsr %0,%1" : "=r"(fcsr) : "r"(0xffl)); mix(fcsr);
	asm volatile("frcsr %0" : "=r"(fcsr)); mix(fcsr);
	asm volatile("csrrci %0, fflags, 5" : "=r"(fcsr)); mix(fcsr);
	asm volatile("csrrsi %0, frm, 1" : "=r"(fcsr)); mix(fcsr);
	asm volatile("frcsr %0; fscsr zero" : "=r"(fcsr)); mix(fcsr);
	report("fp");
}

static unsigned char buf[64];

static void test_misaligned(void) {
	for (int i = 0; i < 64; i++)
		buf[i] = i * 37 + 1;
	for (int off = 0; off < 16; off++) {
		volatile u64 *p64 = (volatile u64 *)(buf + off);
		volatile u32 *p32 = (volatile u32 *)(buf + off);
		volatile unsigned short *p16 = (volatile unsigned short *)(buf + off);
		volatile double *pd = (volatile double *)(buf + off);
		mix(*p64); mix(*p32); mix(*p16); mix(DB(*pd));
		*p64 = *p64 * 3 + off;
		*(volatile i32 *)(buf + 32 + off) = (i32)*p32 - 5;
		*pd = *pd;
	}
	for (int i = 0; i < 64; i++)
		mix(buf[i]);
	report("misaligned");
}

// Branchy, call-heavy code that compiles to compressed instructions.
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void sort(i64 *a, int n) {
	for (int i = 1; i < n; i++) {
		i64 v = a[i];
		int j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void test_code(void) {
	mix(fib(20));
	i64 a[100];
	u64 x = 88172645463325252ul;
	for (int i = 0; i < 100; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		a[i] = (i64)x;
	}
	sort(a, 100);
	for (int i = 0; i < 100; i++)
		mix(a[i]);
	u64 c;
	asm volatile("rdinstret %0" : "=r"(c));
	mix(c != 0);
	report("code");
}

#ifdef BENCH
// Compute kernels: integer hashing, a sieve, a double-precision matrix
// product.
static char sieve[1 << 20];
static double ma[64][64], mb[64][64], mc[64][64];

static void bench(void) {
	u64 h = 0;
	for (int round = 0; round < 20; round++) {
		for (int i = 2; i < (1 << 20); i++)
			sieve[i] = 1;
		for (int i = 2; i * i < (1 << 20); i++)
			if (sieve[i])
				for (int j = i * i; j < (1 << 20); j += i)
					sieve[j] = 0;
		for (int i = 0; i < (1 << 20); i++)
			h = h * 31 + sieve[i];
		for (int i = 0; i < 64; i++)
			for (int j = 0; j < 64; j++) {
				ma[i][j] = i + j + round;
				mb[i][j] = i - j;
			}
		for (int i = 0; i < 64; i++)
			for (int j = 0; j < 64; j++) {
				double s = 0;
				for (int k = 0; k < 64; k++)
					s += ma[i][k] * mb[k][j];
				mc[i][j] = s;
			}
		h += DB(mc[round][63 - round]);
	}
	puthex("bench", h);
}
#endif

int main(void) {
	hash = 0xcbf29ce484222325ul;
#ifdef BENCH
	bench();
#else
	test_int();
	test_muldiv();
	test_atomic();
	test_fp();
	test_misaligned();
	test_code();
#endif
	return 0;
}
