/*
 * bench_shared.c — the cost of a hand-off between two processes over
 * MAP_SHARED|MAP_ANONYMOUS memory: a parent and its child pass a turn
 * word back and forth N times each way (N round trips).
 *
 *   futex N  waits with FUTEX_WAIT while the word holds the other side's
 *            value and wakes with FUTEX_WAKE after storing its own, both
 *            without FUTEX_PRIVATE_FLAG: shared futexes, keyed by the page.
 *   spin N   spins on the word with an atomic load, calling sched_yield
 *            in the loop: with one CPU (vessel's) a spinner that does not
 *            yield holds it for a whole time slice, and with several the
 *            yield returns at once when nothing else wants the CPU.
 *
 * Usage: bench_shared futex|spin N
 * Each turn adds 1 to a plain counter in the shared memory; prints
 * "done N" and exits 0 when it ends at 2N (no turn overlapped), prints the
 * count and exits 1 otherwise; exits 2 on bad arguments. The benchmarks'
 * shared-memory round-trip rows.
 */
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct game {
	int turn; /* 0: the parent's, 1: the child's */
	long counter;
};

static long rounds;
static int spin;

/* play takes rounds turns as side me. */
static void play(struct game *g, int me)
{
	int other = 1 - me;
	for (long i = 0; i < rounds; i++) {
		while (__atomic_load_n(&g->turn, __ATOMIC_ACQUIRE) != me) {
			if (spin)
				sched_yield();
			else
				syscall(SYS_futex, &g->turn, FUTEX_WAIT, other, NULL, NULL, 0);
		}
		g->counter++;
		__atomic_store_n(&g->turn, other, __ATOMIC_RELEASE);
		if (!spin)
			syscall(SYS_futex, &g->turn, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "futex") != 0 && strcmp(argv[1], "spin") != 0)) {
		fprintf(stderr, "usage: bench_shared futex|spin N\n");
		return 2;
	}
	spin = strcmp(argv[1], "spin") == 0;
	rounds = atol(argv[2]);
	struct game *g = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED) {
		printf("mmap failed\n");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		printf("fork failed\n");
		return 1;
	}
	if (pid == 0) {
		play(g, 1);
		_exit(0);
	}
	play(g, 0);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("child failed\n");
		return 1;
	}
	if (g->counter != 2 * rounds) {
		printf("counter %ld, want %ld\n", g->counter, 2 * rounds);
		return 1;
	}
	printf("done %ld\n", rounds);
	return 0;
}
