/*
 * float.c — RV64 F and D: IEEE arithmetic under every rounding mode, the
 * exception flags, libm, conversions (with RISC-V's saturation), fmin/fmax,
 * signed zeros, NaN and infinity, NaN-boxing and fclass.
 *
 * Operands are volatile so that the compiler cannot fold anything; each
 * operation runs under FE_TONEAREST, FE_UPWARD, FE_DOWNWARD and
 * FE_TOWARDZERO, and the results are printed afterwards in FE_TONEAREST
 * (glibc's printf honours the rounding mode). Each line shows a value as
 * %.17g and %a, and the flags the operation raised as RISC-V names them:
 * NV (invalid), DZ (divide by zero), OF (overflow), UF (underflow),
 * NX (inexact), or "-" for none. Exits 0. Arguments: none. riscv64 only.
 */
#ifndef __riscv
#error "float.c uses RISC-V instructions; build it with riscv64-linux-gnu-gcc"
#endif

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double one = 1, two = 2, three = 3, ten = 10, tenth = 0.1, fifth = 0.2;
static volatile double half = 0.5, m_one_half = -1.5, two_half = 2.5, big = 1e308;
static volatile double tiny = 1e-300, zero = 0, mzero = -0.0, dmin = DBL_MIN;
static volatile double p53 = 9007199254740993.0; /* 2^53+1, rounds to 2^53 in RNE */
static volatile int64_t i53 = ((int64_t)1 << 53) + 1;
static volatile int32_t i24 = (1 << 24) + 1;
static volatile float fone = 1, fthree = 3, fbig = 3e38f;
static volatile double inf = INFINITY, qnan = NAN, snan = __builtin_nans("0x4000000000000"); /* 7ff4000000000000 */

/* flags names the exception flags in f; several results may share a printf. */
static const char *flags(int f)
{
	static char tab[FE_ALL_EXCEPT + 1][16];
	char *buf = tab[f & FE_ALL_EXCEPT];
	buf[0] = 0;
	if (f & FE_INVALID) strcat(buf, "NV ");
	if (f & FE_DIVBYZERO) strcat(buf, "DZ ");
	if (f & FE_OVERFLOW) strcat(buf, "OF ");
	if (f & FE_UNDERFLOW) strcat(buf, "UF ");
	if (f & FE_INEXACT) strcat(buf, "NX ");
	if (!buf[0])
		return "-";
	buf[strlen(buf) - 1] = 0;
	return buf;
}

/* measure runs fn with the flags cleared and returns what it raised. GCC may
 * move floating-point work across fenv calls (it has no FENV_ACCESS), so
 * every measured operation lives in a function of its own that reads
 * volatile operands, and is called through a pointer. */
static __attribute__((noinline)) double measure(double (*fn)(void), int *f)
{
	feclearexcept(FE_ALL_EXCEPT);
	double v = fn();
	*f = fetestexcept(FE_ALL_EXCEPT);
	return v;
}

static double op_div3(void) { return one / three; }
static double op_neg_div3(void) { return -one / three; }
static double op_add(void) { return tenth + fifth; }
static double op_sub(void) { return tenth - fifth * three; }
static double op_mul_of(void) { return big * ten; }
static double op_mul_uf(void) { return tiny * tiny; }
static double op_sqrt2(void) { return sqrt(two); }
static double op_fma(void) { return fma(tenth, ten, -one); }
static double op_d2f(void) { return (float)(one / three); }
static double op_i2d(void) { return (double)i53; }
static double op_i2f(void) { return (float)i24; }
static double op_f_div(void) { return fone / fthree; }
static double op_f_mul_of(void) { return fbig * (float)ten; }
static double op_f_sqrt(void) { return sqrtf((float)two); }
static double op_f_fma(void) { return fmaf((float)tenth, (float)ten, -fone); }
static double op_rint_p(void) { return rint(two_half); }
static double op_rint_m(void) { return rint(-two_half); }
static double op_nearbyint(void) { return nearbyint(half); }
static double op_lrint(void) { return (double)lrint(m_one_half); }
static double op_llrint(void) { return (double)llrint(two_half); }
static double op_floor(void) { return floor(-two_half); }
static double op_ceil(void) { return ceil(-two_half); }
static double op_round(void) { return round(-two_half); }
static double op_trunc(void) { return trunc(-two_half); }
static double op_exp(void) { return exp(one); }
static double op_log(void) { return log(ten); }
static double op_pow(void) { return pow(two, half); }
static double op_sin(void) { return sin(one); }
static double op_cos(void) { return cos(ten); }
static double op_p53(void) { return p53 + one; }
static double op_div0(void) { return one / zero; }
static double op_0div0(void) { return zero / zero; }
static double op_sqrtm1(void) { return sqrt(-one); }
static double op_infsub(void) { return inf - inf; }
static double op_fmin_snan(void) { return fmin(snan, one); }
static double op_snan_add(void) { return snan + one; }
static double op_qnan_lt(void) { return qnan < one; }
static double op_snan_eq(void) { return snan == one; }
static double op_qnan_eq(void) { return qnan == one; }
static double op_dmin3(void) { return dmin / three; }
static double op_d2f_uf(void) { return (float)tiny; }
static double op_exact(void) { return one + two; }
static double op_mzero_add(void) { return mzero + zero; }
static double op_mzero_sub(void) { return zero - zero; }

static const struct {
	const char *name;
	double (*fn)(void);
} ops[] = {
	{"1/3", op_div3}, {"-1/3", op_neg_div3}, {"0.1+0.2", op_add},
	{"0.1-0.2*3", op_sub}, {"1e308*10", op_mul_of}, {"1e-300*1e-300", op_mul_uf},
	{"sqrt(2)", op_sqrt2}, {"fma(0.1,10,-1)", op_fma}, {"(float)(1/3)", op_d2f},
	{"(double)(2^53+1)", op_i2d}, {"(float)(2^24+1)", op_i2f}, {"1f/3f", op_f_div},
	{"3e38f*10f", op_f_mul_of}, {"sqrtf(2)", op_f_sqrt}, {"fmaf(0.1,10,-1)", op_f_fma},
	{"rint(2.5)", op_rint_p}, {"rint(-2.5)", op_rint_m}, {"nearbyint(0.5)", op_nearbyint},
	{"lrint(-1.5)", op_lrint}, {"llrint(2.5)", op_llrint}, {"floor(-2.5)", op_floor},
	{"ceil(-2.5)", op_ceil}, {"round(-2.5)", op_round}, {"trunc(-2.5)", op_trunc},
	{"exp(1)", op_exp}, {"log(10)", op_log}, {"pow(2,0.5)", op_pow},
	{"sin(1)", op_sin}, {"cos(10)", op_cos}, {"(2^53+1)+1", op_p53},
	{"1/0", op_div0}, {"0/0", op_0div0}, {"sqrt(-1)", op_sqrtm1},
	{"inf-inf", op_infsub}, {"DBL_MIN/3", op_dmin3}, {"(float)1e-300", op_d2f_uf},
	{"1+2", op_exact}, {"-0+0", op_mzero_add}, {"0-0", op_mzero_sub},
};
#define NOPS (sizeof ops / sizeof ops[0])

static void rounding(void)
{
	static const struct {
		int mode;
		const char *name;
	} modes[] = {
		{FE_TONEAREST, "RNE"}, {FE_UPWARD, "RUP"}, {FE_DOWNWARD, "RDN"}, {FE_TOWARDZERO, "RTZ"},
	};
	for (int m = 0; m < 4; m++) {
		double v[NOPS];
		int f[NOPS];
		int set = fesetround(modes[m].mode);
		int got = fegetround();
		for (size_t i = 0; i < NOPS; i++)
			v[i] = measure(ops[i].fn, &f[i]);
		fesetround(FE_TONEAREST);
		printf("== %s: fesetround %d, fegetround matches %d\n", modes[m].name, set,
		       got == modes[m].mode);
		for (size_t i = 0; i < NOPS; i++)
			printf("%s %s = %.17g %a [%s]\n", modes[m].name, ops[i].name, v[i], v[i],
			       flags(f[i]));
	}
}

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

static uint32_t fbits(float d)
{
	uint32_t u;
	memcpy(&u, &d, 4);
	return u;
}

static void specials(void)
{
	volatile double nan = zero / zero;
	volatile float fnan = (float)zero / (float)zero;

	printf("0/0 bits %016llx (canonical NaN)\n", (unsigned long long)bits(nan));
	printf("0f/0f bits %08x\n", fbits(fnan));
	printf("print: %g %g %g %g %g %g\n", inf, -inf, nan, -nan, zero, mzero);
	printf("print %%a: %a %a %a %a\n", inf, mzero, dmin, DBL_MIN / 4);
	printf("print %%f: %f %.3f %.0f %.0f %e\n", 2.5, -0.0005, 2.5, 3.5, 12345.678);
	printf("signbit(-0) %d, 1/-0 = %g, copysign(1,-0) = %g\n", !!signbit(mzero),
	       one / mzero, copysign(one, mzero));
	printf("isnan %d isinf %d isfinite %d nan==nan %d\n", isnan(nan), !!isinf(-inf),
	       isfinite(dmin), nan == nan);

	static const struct {
		const char *name;
		double a, b;
	} mm[] = {
		{"nan,1", NAN, 1}, {"1,nan", 1, NAN}, {"nan,nan", NAN, NAN},
		{"-0,+0", -0.0, 0.0}, {"+0,-0", 0.0, -0.0}, {"-1,2", -1, 2},
	};
	for (size_t i = 0; i < sizeof mm / sizeof mm[0]; i++) {
		volatile double a = mm[i].a, b = mm[i].b;
		volatile float fa = (float)a, fb = (float)b;
		printf("fmin(%s) %g fmax(%s) %g fminf %g fmaxf %g\n", mm[i].name, fmin(a, b),
		       mm[i].name, fmax(a, b), (double)fminf(fa, fb), (double)fmaxf(fa, fb));
	}

	static const struct {
		const char *name;
		double (*fn)(void);
	} nanops[] = {
		{"fmin(sNaN,1)", op_fmin_snan}, {"sNaN+1", op_snan_add},
		{"qNaN<1 (signalling)", op_qnan_lt}, {"sNaN==1", op_snan_eq},
		{"qNaN==1 (quiet)", op_qnan_eq},
	};
	for (size_t i = 0; i < sizeof nanops / sizeof nanops[0]; i++) {
		int f;
		double v = measure(nanops[i].fn, &f);
		printf("%s = %g bits %016llx [%s]\n", nanops[i].name, v,
		       (unsigned long long)bits(v), flags(f));
	}
}

/* The fcvt instructions saturate out-of-range values and map NaN to the
 * largest value, raising NV; C leaves those casts undefined, so use asm. */
#define CVT(insn, rm, x)                                                         \
	({                                                                           \
		long r_;                                                                 \
		double x_ = (x);                                                         \
		__asm__ volatile(insn " %0, %1, " rm : "=r"(r_) : "f"(x_));              \
		r_;                                                                      \
	})

static void conversions(void)
{
	volatile double in[] = {NAN, INFINITY, -INFINITY, 3e9, -3e9, 1e19, 2e19, -1e19,
				-1.5, 2.5, -0.0, 4294967295.5};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		double x = in[i];
		long r[6];
		int f[6];
		/* clear and read fflags with asm too, so nothing moves across */
#define ONE(k, insn, rm)                                                         \
	__asm__ volatile("fsflags zero");                                         \
	r[k] = CVT(insn, rm, x);                                                 \
	__asm__ volatile("frflags %0" : "=r"(f[k]));
		ONE(0, "fcvt.w.d", "rtz")
		ONE(1, "fcvt.wu.d", "rtz")
		ONE(2, "fcvt.l.d", "rtz")
		ONE(3, "fcvt.lu.d", "rtz")
		ONE(4, "fcvt.w.d", "rne")
		ONE(5, "fcvt.l.d", "rmm")
#undef ONE
		printf("cvt %g: w.rtz %ld [%s] wu.rtz %#lx [%s] l.rtz %ld [%s]", x, r[0],
		       flags(f[0]), r[1], flags(f[1]), r[2], flags(f[2]));
		printf(" lu.rtz %#lx [%s] w.rne %ld [%s] l.rmm %ld [%s]\n", r[3], flags(f[3]),
		       r[4], flags(f[4]), r[5], flags(f[5]));
	}
	/* casts C defines */
	volatile double d = -7.9;
	volatile float fl = 1e10f;
	volatile uint64_t u = 18446744073709551615ull;
	volatile int64_t s = -9007199254740993ll;
	printf("(int)-7.9 %d (unsigned)7.9 %u (long)1e10f %ld (double)UINT64_MAX %.17g "
	       "(double)-(2^53+1) %.17g (float)u %.9g\n",
	       (int)d, (unsigned)-d, (long)fl, (double)u, (double)s, (double)(float)u);
}

static void boxing(void)
{
	/* a float in a 64-bit FP register is NaN-boxed: upper 32 bits all ones */
	uint64_t boxed, unboxed_sum;
	float f1 = fone;
	__asm__ volatile("fmv.x.d %0, %1" : "=r"(boxed) : "f"(f1));
	printf("boxed 1.0f = %016llx\n", (unsigned long long)boxed);
	/* an improperly boxed value reads as the canonical NaN in single ops */
	__asm__ volatile("fmv.d.x ft0, %1\n\t"
			 "fadd.s ft1, ft0, ft0\n\t"
			 "fmv.x.d %0, ft1"
			 : "=r"(unboxed_sum)
			 : "r"((uint64_t)0x3f800000)
			 : "ft0", "ft1");
	printf("unboxed+unboxed = %016llx\n", (unsigned long long)unboxed_sum);

	volatile double cls[] = {-INFINITY, -1, -DBL_MIN / 2, -0.0, 0.0, DBL_MIN / 2, 1,
				 INFINITY, snan, NAN};
	printf("fclass.d:");
	for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++) {
		long c;
		double x = cls[i];
		__asm__ volatile("fclass.d %0, %1" : "=r"(c) : "f"(x));
		printf(" %#lx", c);
	}
	printf("\n");
}

int main(void)
{
	rounding();
	specials();
	conversions();
	boxing();
	return 0;
}
