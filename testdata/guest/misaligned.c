/*
 * misaligned.c — loads and stores at addresses that are not a multiple of
 * their size. RISC-V Linux lets them succeed (in hardware or by emulating
 * them in the trap handler), so the guest must see ordinary results.
 *
 * Three ways in: packed structs and memcpy through unaligned pointers (what
 * C code really does; GCC may split these into byte accesses), and inline
 * asm with lh/lhu/lw/lwu/ld/sh/sw/sd/flw/fld/fsw/fsd on every offset 1..7 of
 * a buffer, which are genuine misaligned accesses. Prints a checksum per
 * group and the values read at a few offsets. Exits 0. Arguments: none.
 * riscv64 only.
 */
#ifndef __riscv
#error "misaligned.c uses RISC-V instructions; build it with riscv64-linux-gnu-gcc"
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct __attribute__((packed)) rec {
	uint8_t tag;
	uint64_t a;
	uint16_t b;
	uint32_t c;
	double d;
};

static unsigned char buf[64] __attribute__((aligned(16)));

static void reset(void)
{
	for (int i = 0; i < 64; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
}

static uint64_t fold(uint64_t h, uint64_t v) { return (h ^ v) * 1099511628211ull; }

int main(void)
{
	/* packed structs */
	static struct rec recs[5];
	volatile uint64_t seed = 0x0123456789abcdefull;
	for (int i = 0; i < 5; i++) {
		recs[i].tag = (uint8_t)i;
		recs[i].a = seed * (i + 1);
		recs[i].b = (uint16_t)(seed >> (i * 8));
		recs[i].c = (uint32_t)(seed >> i);
		recs[i].d = (double)i / 8 + 0.5;
	}
	uint64_t h = 14695981039346656037ull;
	for (int i = 0; i < 5; i++)
		h = fold(fold(fold(h, recs[i].a), recs[i].b), recs[i].c) + (uint64_t)(recs[i].d * 8);
	printf("packed: sizeof %zu checksum %016llx\n", sizeof(struct rec), (unsigned long long)h);

	/* memcpy through unaligned pointers */
	reset();
	h = 14695981039346656037ull;
	for (int off = 0; off < 8; off++) {
		uint64_t v64;
		uint32_t v32;
		memcpy(&v64, buf + off, 8);
		memcpy(&v32, buf + off + 9, 4);
		h = fold(fold(h, v64), v32);
		v64 = ~v64;
		memcpy(buf + off + 20, &v64, 8);
	}
	printf("memcpy: checksum %016llx\n", (unsigned long long)h);

	/* real misaligned integer loads and stores */
	reset();
	h = 14695981039346656037ull;
	for (int off = 1; off < 8; off++) {
		unsigned char *p = buf + off;
		int64_t lh, lhu, lw, lwu, ld;
		__asm__ volatile("lh %0, 0(%1)" : "=r"(lh) : "r"(p) : "memory");
		__asm__ volatile("lhu %0, 0(%1)" : "=r"(lhu) : "r"(p) : "memory");
		__asm__ volatile("lw %0, 0(%1)" : "=r"(lw) : "r"(p) : "memory");
		__asm__ volatile("lwu %0, 0(%1)" : "=r"(lwu) : "r"(p) : "memory");
		__asm__ volatile("ld %0, 0(%1)" : "=r"(ld) : "r"(p) : "memory");
		int16_t e16;
		int32_t e32;
		uint64_t e64;
		memcpy(&e16, p, 2);
		memcpy(&e32, p, 4);
		memcpy(&e64, p, 8);
		if (lh != e16 || lhu != (uint16_t)e16 || lw != e32 || lwu != (uint32_t)e32 ||
		    (uint64_t)ld != e64)
			printf("off %d: a load disagrees with memcpy\n", off);
		if (off == 1 || off == 3 || off == 7)
			printf("off %d: lh %lld lhu %lld lw %lld lwu %lld ld %016llx\n", off,
			       (long long)lh, (long long)lhu, (long long)lw, (long long)lwu,
			       (unsigned long long)ld);
		h = fold(fold(fold(fold(fold(h, lh), lhu), lw), lwu), ld);
		uint64_t v = 0x1122334455667788ull + off;
		__asm__ volatile("sd %0, 16(%1)" : : "r"(v), "r"(p) : "memory");
		__asm__ volatile("sw %0, 26(%1)" : : "r"(v >> 8), "r"(p) : "memory");
		__asm__ volatile("sh %0, 33(%1)" : : "r"(v >> 16), "r"(p) : "memory");
	}
	for (int i = 0; i < 64; i += 8) {
		uint64_t v;
		memcpy(&v, buf + i, 8);
		h = fold(h, v);
	}
	printf("int ld/st: checksum %016llx\n", (unsigned long long)h);

	/* real misaligned floating-point loads and stores */
	h = 14695981039346656037ull;
	for (int off = 1; off < 8; off++) {
		unsigned char *p = buf + off;
		double d = 1.0 / (off + 2);
		float f = (float)off * 0.75f;
		double dr;
		float fr;
		__asm__ volatile("fsd %1, 40(%2)\n\tfld %0, 40(%2)" : "=f"(dr) : "f"(d), "r"(p) : "memory");
		__asm__ volatile("fsw %1, 50(%2)\n\tflw %0, 50(%2)" : "=f"(fr) : "f"(f), "r"(p) : "memory");
		uint64_t db;
		uint32_t fb;
		memcpy(&db, &dr, 8);
		memcpy(&fb, &fr, 4);
		h = fold(fold(h, db), fb);
		if (dr != d || fr != f)
			printf("off %d: fp round trip differs\n", off);
	}
	printf("fp ld/st: checksum %016llx\n", (unsigned long long)h);
	return 0;
}
