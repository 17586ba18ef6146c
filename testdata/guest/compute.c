/*
 * compute.c — a CPU-bound workload with no system calls in its loops: the
 * interpreter's speed, integer and floating-point alike.
 *
 * Usage: compute [SCALE]   (SCALE: rounds, default 1; one round takes about
 * 50 ms natively on a 2020s x86-64 core). Each round, with a seed that
 * depends on the round:
 *   crc32   CRC-32 (IEEE, table-driven) over 1 MiB of LCG bytes
 *   sort    quicksort of 100,000 LCG ints, then a sortedness check
 *   matmul  a 128x128 double matrix product (small integer entries, so the
 *           result is exact whether or not the compiler fuses multiply-adds)
 *   hash    an FNV-1a open-addressing table: 60,000 string inserts, then
 *           as many hits and misses looked up
 * Prints one checksum line per part (folded over the rounds) and exits 0;
 * the output is the same natively and on riscv64 for a given SCALE.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lcg_state;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return lcg_state;
}

static uint32_t crc_table[256];

static uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint32_t part_crc(void)
{
	enum { N = 1 << 20 };
	static unsigned char buf[N];
	for (size_t i = 0; i < N; i++)
		buf[i] = lcg() >> 24;
	return crc32(buf, N);
}

static void quicksort(int32_t *a, long lo, long hi)
{
	while (lo < hi) {
		int32_t pivot = a[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int32_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		/* recurse into the smaller side, loop on the larger */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

static uint32_t part_sort(void)
{
	enum { N = 100000 };
	static int32_t a[N];
	for (int i = 0; i < N; i++)
		a[i] = (int32_t)lcg();
	quicksort(a, 0, N - 1);
	uint32_t h = 0;
	for (int i = 0; i < N; i++) {
		if (i > 0 && a[i - 1] > a[i])
			return 0; /* not sorted */
		h = h * 31 + (uint32_t)a[i];
	}
	return h;
}

static uint64_t part_matmul(void)
{
	enum { N = 128 };
	static double a[N][N], b[N][N], c[N][N];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (double)(int)(lcg() % 17) - 8;
			b[i][j] = (double)(int)(lcg() % 13) - 6;
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;
			for (int k = 0; k < N; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	uint64_t h = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			h = h * 1099511628211ull + (uint64_t)(int64_t)c[i][j];
	return h;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static uint32_t part_hash(void)
{
	enum { N = 60000, SLOTS = 1 << 17 };
	static char keys[SLOTS][16];
	static uint32_t vals[SLOTS];
	static unsigned char used[SLOTS];
	memset(used, 0, sizeof used);
	uint32_t base = lcg() % 1000000;
	char k[16];
	for (uint32_t i = 0; i < N; i++) {
		snprintf(k, sizeof k, "k%u", base + i * 7);
		uint32_t s = fnv1a(k) & (SLOTS - 1);
		while (used[s])
			s = (s + 1) & (SLOTS - 1);
		used[s] = 1;
		strcpy(keys[s], k);
		vals[s] = i;
	}
	uint32_t hits = 0, misses = 0, sum = 0;
	for (uint32_t i = 0; i < 2 * N; i++) {
		/* even i: a key that is present; odd i: one that is not */
		snprintf(k, sizeof k, "k%u", base + (i / 2) * 7 + (i & 1) * 3);
		uint32_t s = fnv1a(k) & (SLOTS - 1);
		while (used[s] && strcmp(keys[s], k) != 0)
			s = (s + 1) & (SLOTS - 1);
		if (used[s]) {
			hits++;
			sum = sum * 33 + vals[s];
		} else {
			misses++;
		}
	}
	return hits * 1000003u ^ misses ^ sum;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 1;
	if (rounds < 1)
		rounds = 1;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	uint32_t crc = 0, sort = 0, hash = 0;
	uint64_t mat = 0;
	for (long r = 0; r < rounds; r++) {
		lcg_state = (uint32_t)r * 2654435761u + 1;
		crc = crc * 31 + part_crc();
		sort = sort * 31 + part_sort();
		mat = mat * 31 + part_matmul();
		hash = hash * 31 + part_hash();
	}
	printf("rounds %ld\n", rounds);
	printf("crc32 %08x\n", crc);
	printf("sort %08x\n", sort);
	printf("matmul %016llx\n", (unsigned long long)mat);
	printf("hash %08x\n", hash);
	return 0;
}
