/*
 * bench_futex.c — the cost of a futex hand-off between two threads: the
 * main thread and one pthread pass a turn word back and forth N times each
 * way (N round trips), waiting with raw FUTEX_WAIT_PRIVATE while the word
 * holds the other side's value and waking with FUTEX_WAKE_PRIVATE after
 * storing their own, as futex.c does.
 *
 * Usage: bench_futex N
 * Each turn adds 1 to a plain counter; prints "done N" and exits 0 when it
 * ends at 2N (no turn overlapped), prints the count and exits 1 otherwise;
 * exits 2 on bad arguments. The benchmarks' futex ping-pong row.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long rounds;
static int turn; /* 0: main's turn, 1: the thread's */
static long counter;

/* play takes rounds turns as side me. */
static void play(int me)
{
	int other = 1 - me;
	for (long i = 0; i < rounds; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, other, NULL, NULL, 0);
		counter++;
		__atomic_store_n(&turn, other, __ATOMIC_RELEASE);
		syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void *thread(void *arg)
{
	(void)arg;
	play(1);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_futex N\n");
		return 2;
	}
	rounds = atol(argv[1]);
	pthread_t t;
	if (pthread_create(&t, NULL, thread, NULL) != 0) {
		printf("pthread_create failed\n");
		return 1;
	}
	play(0);
	pthread_join(t, NULL);
	if (counter != 2 * rounds) {
		printf("counter %ld, want %ld\n", counter, 2 * rounds);
		return 1;
	}
	printf("done %ld\n", rounds);
	return 0;
}
