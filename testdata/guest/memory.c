/*
 * memory.c — the address space: malloc, mmap, munmap, mprotect, mremap,
 * MAP_FIXED, MAP_FIXED_NOREPLACE into a hole, madvise(MADV_DONTNEED), brk
 * and a large PROT_NONE reservation. (MAP_FIXED_NOREPLACE over a mapping is
 * in noreplace.c, because qemu-riscv64 7.2 gets that one wrong.)
 *
 * Prints one line per check with a checksum or a yes/no, never an address.
 * Exits 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static const char *yesno(int b) { return b ? "yes" : "no"; }

/* res names a call's result: "0", or "-1 EINVAL" and the like. */
static const char *res(int r)
{
	if (r == 0)
		return "0";
	return errno == EINVAL ? "-1 EINVAL" : errno == ENOMEM ? "-1 ENOMEM" : "-1 other";
}

/* fill writes a pattern that depends on seed and the byte's index. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed + (i >> 12));
}

/* sum is a position-sensitive checksum (FNV-1a over every 61st byte and the ends). */
static uint32_t sum(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i += (i + 61 < n ? 61 : 1))
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* filled reports whether p[from:to] still holds fill(p, ..., seed)'s pattern. */
static int filled(const unsigned char *p, size_t from, size_t to, unsigned seed)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != (unsigned char)(i * 31 + seed + (i >> 12)))
			return 0;
	return 1;
}

static int zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void heap(void)
{
	/* many sizes, all live at once, then checked and freed */
	enum { N = 26 };
	unsigned char *blk[N];
	size_t size[N];
	uint32_t total = 0;
	for (int i = 0; i < N; i++) {
		size[i] = ((size_t)1 << (i < 25 ? i : 24)) + (i % 3); /* 1 B .. 16 MiB */
		blk[i] = malloc(size[i]);
		fill(blk[i], size[i], i);
	}
	int ok = 1;
	for (int i = 0; i < N; i++) {
		ok &= filled(blk[i], 0, size[i], i);
		total ^= sum(blk[i], size[i]);
		free(blk[i]);
	}
	printf("malloc 1B..16MiB: intact %s checksum %08x\n", yesno(ok), total);

	/* realloc growth keeps the old contents */
	unsigned char *p = NULL;
	size_t n = 0;
	ok = 1;
	for (size_t want = 16; want <= (8 << 20); want *= 4) {
		p = realloc(p, want);
		ok &= filled(p, 0, n, 7);
		fill(p, want, 7);
		n = want;
	}
	printf("realloc 16B..8MiB: intact %s checksum %08x\n", yesno(ok), sum(p, n));
	free(p);

	/* calloc is zeroed even when reusing freed, dirty memory */
	for (int i = 0; i < 3; i++) {
		size_t sz = (size_t)1000 << (i * 6);
		unsigned char *d = malloc(sz);
		memset(d, 0xAA, sz);
		free(d);
		unsigned char *c = calloc(sz, 1);
		printf("calloc %zu zeroed: %s\n", sz, yesno(zero(c, sz)));
		free(c);
	}
}

static void maps(void)
{
	int rw = PROT_READ | PROT_WRITE, priv = MAP_PRIVATE | MAP_ANONYMOUS;

	unsigned char *a = mmap(NULL, 8 * PAGE, rw, priv, -1, 0);
	printf("mmap 8 pages: %s, zeroed %s\n", yesno(a != MAP_FAILED), yesno(zero(a, 8 * PAGE)));
	fill(a, 8 * PAGE, 1);

	/* punch out pages 3..4; the rest keep their data */
	printf("munmap middle: %d\n", munmap(a + 3 * PAGE, 2 * PAGE));
	printf("head intact %s, tail intact %s\n", yesno(filled(a, 0, 3 * PAGE, 1)),
	       yesno(filled(a, 5 * PAGE, 8 * PAGE, 1)));
	/* the hole can be mapped again with MAP_FIXED_NOREPLACE */
	void *h = mmap(a + 3 * PAGE, 2 * PAGE, rw, priv | MAP_FIXED_NOREPLACE, -1, 0);
	printf("NOREPLACE into hole: %s, zeroed %s\n", yesno(h == a + 3 * PAGE),
	       yesno(h != MAP_FAILED && zero(h, 2 * PAGE)));
	/* NOREPLACE over a live mapping (EEXIST) is in noreplace.c: qemu 7.2 gets it wrong */
	/* MAP_FIXED replaces pages 0..1 with fresh zero pages */
	h = mmap(a, 2 * PAGE, rw, priv | MAP_FIXED, -1, 0);
	printf("MAP_FIXED over mapping: %s, zeroed %s, page 2 intact %s\n", yesno(h == a),
	       yesno(zero(a, 2 * PAGE)), yesno(filled(a, 2 * PAGE, 3 * PAGE, 1)));
	munmap(a, 8 * PAGE);

	/* mprotect read-only and back */
	unsigned char *r = mmap(NULL, 2 * PAGE, rw, priv, -1, 0);
	fill(r, 2 * PAGE, 2);
	int rc = mprotect(r, 2 * PAGE, PROT_READ);
	printf("mprotect RO: %s, readable %s\n", res(rc), yesno(filled(r, 0, 2 * PAGE, 2)));
	printf("mprotect RW: %d\n", mprotect(r, 2 * PAGE, rw));
	r[5] = 0;
	printf("write after RW: %d\n", r[5]);
	rc = mprotect(r + 1, PAGE, PROT_READ);
	printf("mprotect unaligned: %s\n", res(rc));

	/* mremap grows, moving if it must, and keeps the contents */
	fill(r, 2 * PAGE, 3);
	unsigned char *g = mremap(r, 2 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
	printf("mremap grow: %s, kept %s, new part zeroed %s\n", yesno(g != MAP_FAILED),
	       yesno(filled(g, 0, 2 * PAGE, 3)), yesno(zero(g + 2 * PAGE, 62 * PAGE)));
	g = mremap(g, 64 * PAGE, PAGE, 0);
	printf("mremap shrink: %s, kept %s\n", yesno(g != MAP_FAILED), yesno(filled(g, 0, PAGE, 3)));
	munmap(g, PAGE);

	/* MADV_DONTNEED drops private anonymous pages: they read back as zero */
	unsigned char *d = mmap(NULL, 4 * PAGE, rw, priv, -1, 0);
	fill(d, 4 * PAGE, 4);
	rc = madvise(d + PAGE, 2 * PAGE, MADV_DONTNEED);
	printf("madvise DONTNEED: %s, zeroed %s, neighbours intact %s\n",
	       res(rc), yesno(zero(d + PAGE, 2 * PAGE)),
	       yesno(filled(d, 0, PAGE, 4) && filled(d, 3 * PAGE, 4 * PAGE, 4)));
	munmap(d, 4 * PAGE);

	/* a 16 GiB reservation costs nothing until touched */
	size_t big = (size_t)16 << 30;
	unsigned char *v = mmap(NULL, big, PROT_NONE, priv | MAP_NORESERVE, -1, 0);
	printf("16 GiB PROT_NONE reserve: %s\n", yesno(v != MAP_FAILED));
	printf("commit 1 MiB in the middle: %d\n", mprotect(v + big / 2, 1 << 20, rw));
	fill(v + big / 2, 1 << 20, 5);
	printf("committed intact: %s\n", yesno(filled(v + big / 2, 0, 1 << 20, 5)));
	printf("munmap reserve: %d\n", munmap(v, big));

	rc = munmap((char *)v + 1, PAGE);
	printf("munmap unaligned: %s\n", res(rc));
	void *z = mmap(NULL, 0, rw, priv, -1, 0);
	printf("mmap len 0: %s\n", z == MAP_FAILED ? res(-1) : "mapped");
}

static void brk_(void)
{
	/* start page-aligned: Linux leaves a partial page's old bytes alone on shrink */
	char *b0 = sbrk(0);
	b0 = sbrk((PAGE - (uintptr_t)b0 % PAGE) % PAGE);
	b0 = sbrk(0);
	char *b1 = sbrk(256 * 1024);
	printf("sbrk grow: %s\n", yesno(b1 == b0 && sbrk(0) == b0 + 256 * 1024));
	fill((unsigned char *)b0, 256 * 1024, 6);
	printf("brk memory intact: %s\n", yesno(filled((unsigned char *)b0, 0, 256 * 1024, 6)));
	sbrk(-128 * 1024);
	printf("sbrk shrink: %s\n", yesno(sbrk(0) == b0 + 128 * 1024));
	sbrk(128 * 1024);
	printf("regrown tail zeroed: %s, head intact %s\n",
	       yesno(zero((unsigned char *)b0 + 128 * 1024, 128 * 1024)),
	       yesno(filled((unsigned char *)b0, 0, 128 * 1024, 6)));
	sbrk(-256 * 1024);
	printf("sbrk back to start: %s\n", yesno(sbrk(0) == b0));
}

int main(void)
{
	heap();
	maps();
	brk_();
	return 0;
}
