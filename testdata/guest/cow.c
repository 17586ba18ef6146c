/*
 * cow.c — copy-on-write isolation of a large private buffer across fork,
 * in both directions.
 *
 * An 8 MiB malloc'd buffer (2048 pages; malloc maps it with mmap) is filled
 * with pattern A. Each pattern is 64-bit words w[i] = i * K ^ seed, and a
 * checksum is FNV-1a over the words with an xorshift after each step.
 *   1. fork; the child checks it sees A, writes pattern B over every word
 *      of every page, checks it reads back B, and _exits with a bit set for
 *      each check that failed. The parent waits, then checksums its copy:
 *      it must still be A.
 *   2. fork again; this time the parent writes pattern C over every page
 *      at once while the child checksums its own copy three times; each
 *      must be A whatever the interleaving. Nothing synchronises the two
 *      but the parent's final waitpid: the result is the same in any order.
 *      The parent then checks its copy is C.
 * The expected checksums are computed from the pattern formula, without the
 * buffer. Prints checksums in hex and yes/no; only the parent prints, after
 * waiting. Exits 0. Arguments: none.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SIZE = 8 << 20, WORDS = SIZE / 8, PAGES = SIZE / 4096 };
#define K 0x9e3779b97f4a7c15ull
#define SEED_A 0x0123456789abcdefull
#define SEED_B 0xfedcba9876543210ull
#define SEED_C 0x5555aaaa3333ccccull

static const char *yesno(int b) { return b ? "yes" : "no"; }

static uint64_t word(size_t i, uint64_t seed) { return (uint64_t)i * K ^ seed; }

/* mix is a bijection of h for each w, so any one changed word changes the sum */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x100000001b3ull;
	return h ^ h >> 29;
}

static void fill(uint64_t *buf, uint64_t seed)
{
	for (size_t i = 0; i < WORDS; i++)
		buf[i] = word(i, seed);
}

static uint64_t checksum(const volatile uint64_t *buf)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < WORDS; i++)
		h = mix(h, buf[i]);
	return h;
}

/* expected is the checksum of a pattern, computed without a buffer. */
static uint64_t expected(uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < WORDS; i++)
		h = mix(h, word(i, seed));
	return h;
}

int main(void)
{
	uint64_t want_a = expected(SEED_A), want_b = expected(SEED_B), want_c = expected(SEED_C);
	uint64_t *buf = malloc(SIZE);
	if (buf == NULL) {
		printf("malloc failed\n");
		return 1;
	}
	fill(buf, SEED_A);
	uint64_t before = checksum(buf);
	printf("buffer: %d MiB, %d pages\n", SIZE >> 20, PAGES);
	printf("pattern A checksum %#llx, B %#llx, C %#llx\n", (unsigned long long)want_a,
	       (unsigned long long)want_b, (unsigned long long)want_c);
	printf("parent's buffer before fork: %#llx (is A: %s)\n", (unsigned long long)before,
	       yesno(before == want_a));
	fflush(stdout);

	/* 1: the child writes, the parent's copy must not change */
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		if (checksum(buf) != want_a)
			bad |= 1;
		fill(buf, SEED_B);
		if (checksum(buf) != want_b)
			bad |= 2;
		_exit(bad);
	}
	waitpid(pid, &st, 0);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	printf("child saw A after fork: %s\n", yesno((code & 1) == 0));
	printf("child's writes of B to every page read back as B: %s\n", yesno((code & 2) == 0));
	uint64_t after = checksum(buf);
	printf("parent's buffer after the child exited: %#llx (unchanged: %s)\n",
	       (unsigned long long)after, yesno(after == before));

	/* 2: the parent writes, the child's copy must not change */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int bad = 0;
		for (int pass = 0; pass < 3; pass++)
			if (checksum(buf) != want_a)
				bad |= 1 << pass;
		_exit(bad);
	}
	fill(buf, SEED_C);
	waitpid(pid, &st, 0);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	printf("child's copy stayed A in all 3 passes while the parent wrote C: %s\n", yesno(code == 0));
	after = checksum(buf);
	printf("parent's buffer after writing C: %#llx (is C: %s)\n", (unsigned long long)after,
	       yesno(after == want_c));
	free(buf);
	return 0;
}
