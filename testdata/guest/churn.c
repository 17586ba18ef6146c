/*
 * churn.c — memory that is freed and made again, fast, while other
 * processes and threads hold their own: each must see only its own bytes.
 * vessel reuses freed pages and page tables at once, so a page or table
 * still reachable after it was freed would show here as another's bytes.
 *
 * Three parts, each printing one line:
 *   fork     a parent with 96 written pages forks 40 children one after
 *            another, 4 alive at a time; each child checks the parent's
 *            bytes, writes its own over half of them (copy-on-write),
 *            maps, fills, checks and unmaps 32 more pages three times,
 *            checks again and exits 0; the parent rewrites its pages
 *            between forks and checks them after every wait.
 *   threads  4 threads each map, fill, check and unmap regions of 1 to 32
 *            pages 60 times, MADV_DONTNEED half of each region and check
 *            it reads zero, while the main thread does the same; each
 *            checks its own bytes after every step.
 *   exec     8 children exec this program with "child", which maps and
 *            checks 64 pages and churns, and exits 0, while the parent
 *            churns its own.
 * A check that fails prints what and where and the program exits 1; a
 * child's failure is reported by its status.
 *
 * Usage: churn [child]   Prints three lines ending in "ok" and exits 0.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

/* pattern is the word j of page i of a region tagged tag. */
static uint64_t pattern(unsigned tag, long i, int j)
{
	return (uint64_t)tag << 40 | (uint64_t)i << 16 | (uint64_t)j;
}

/* fill writes pages [from, to) of the region at p with tag's pattern. */
static void fill(unsigned char *p, long from, long to, unsigned tag)
{
	for (long i = from; i < to; i++) {
		uint64_t *w = (uint64_t *)(p + i * PAGE);
		for (int j = 0; j < PAGE / 8; j++)
			w[j] = pattern(tag, i, j);
	}
}

/* check reports whether pages [from, to) of the region at p hold tag's
 * pattern. */
static int check(const unsigned char *p, long from, long to, unsigned tag)
{
	for (long i = from; i < to; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * PAGE);
		for (int j = 0; j < PAGE / 8; j++)
			if (w[j] != pattern(tag, i, j))
				return 0;
	}
	return 1;
}

/* zero reports whether n pages at p read zero. */
static int zero(const unsigned char *p, long n)
{
	for (long i = 0; i < n * PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

static unsigned char *mapn(long n)
{
	unsigned char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap failed\n");
		exit(1);
	}
	return p;
}

/* churn maps, fills, checks and unmaps rounds regions of 1 to 32 pages
 * tagged from tag on, dropping the lower half of each with
 * MADV_DONTNEED on the way, and reports whether every check held. */
static int churn(unsigned tag, int rounds, unsigned seed)
{
	for (int r = 0; r < rounds; r++) {
		seed = seed * 1103515245u + 12345u;
		long n = 1 + (seed >> 16) % 32;
		unsigned char *p = mapn(n);
		if (!zero(p, n))
			return 0;
		fill(p, 0, n, tag + r);
		if (!check(p, 0, n, tag + r))
			return 0;
		madvise(p, n / 2 * PAGE, MADV_DONTNEED);
		if (!zero(p, n / 2) || !check(p, n / 2, n, tag + r))
			return 0;
		munmap(p, n * PAGE);
	}
	return 1;
}

/* child_part is a forked child's work on the parent's region base of n
 * pages, tagged tag when it forked; its exit status. */
static int child_part(unsigned char *base, long n, unsigned tag, int k)
{
	if (!check(base, 0, n, tag))
		return 2;
	fill(base, 0, n / 2, 1000 + k);
	for (int r = 0; r < 3; r++) {
		unsigned char *q = mapn(32);
		fill(q, 0, 32, 2000 + k * 3 + r);
		if (!check(q, 0, 32, 2000 + k * 3 + r))
			return 3;
		munmap(q, 32 * PAGE);
	}
	if (!check(base, 0, n / 2, 1000 + k) || !check(base, n / 2, n, tag))
		return 4;
	return 0;
}

static int part_fork(void)
{
	const long n = 96;
	unsigned char *base = mapn(n);
	unsigned tag = 1;
	fill(base, 0, n, tag);
	pid_t alive[4] = {0};
	for (int k = 0; k < 40; k++) {
		int slot = k % 4;
		if (alive[slot]) {
			int st;
			waitpid(alive[slot], &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				printf("fork: child %d status %#x\n", k - 4, st);
				return 1;
			}
			if (!check(base, 0, n, tag)) {
				printf("fork: the parent's pages changed\n");
				return 1;
			}
		}
		pid_t pid = fork();
		if (pid < 0) {
			printf("fork failed\n");
			return 1;
		}
		if (pid == 0)
			_exit(child_part(base, n, tag, k));
		alive[slot] = pid;
		/* The parent writes its own copy while the child runs: the
		 * next child is forked with the new pattern. */
		tag++;
		fill(base, 0, n, tag);
		if (!churn(5000 + k * 10, 2, k)) {
			printf("fork: the parent's churn failed\n");
			return 1;
		}
		if (!check(base, 0, n, tag)) {
			printf("fork: the parent's pages changed\n");
			return 1;
		}
	}
	for (int s = 0; s < 4; s++) {
		int st;
		waitpid(alive[s], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("fork: a child status %#x\n", st);
			return 1;
		}
	}
	printf("fork: 40 children ok\n");
	return 0;
}

struct job {
	unsigned tag;
	int ok;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	j->ok = churn(j->tag, 60, j->tag);
	return NULL;
}

static int part_threads(void)
{
	pthread_t t[4];
	struct job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){.tag = 10000 + i * 1000};
		if (pthread_create(&t[i], NULL, worker, &jobs[i]) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
	}
	int bad = !churn(20000, 60, 7);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		if (!jobs[i].ok)
			bad = 1;
	}
	if (bad) {
		printf("threads: a check failed\n");
		return 1;
	}
	printf("threads: 5 threads ok\n");
	return 0;
}

static int part_exec(const char *self)
{
	pid_t kids[8];
	for (int i = 0; i < 8; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			printf("fork failed\n");
			return 1;
		}
		if (kids[i] == 0) {
			execl(self, self, "child", (char *)NULL);
			_exit(127);
		}
		if (!churn(30000 + i * 10, 3, i)) {
			printf("exec: the parent's churn failed\n");
			return 1;
		}
	}
	for (int i = 0; i < 8; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("exec: child status %#x\n", st);
			return 1;
		}
	}
	printf("exec: 8 children ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		unsigned char *p = mapn(64);
		fill(p, 0, 64, 77);
		return !check(p, 0, 64, 77) || !churn(40000, 4, 3);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (part_fork() || part_threads() || part_exec(argv[0]))
		return 1;
	return 0;
}
