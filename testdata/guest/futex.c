/*
 * futex.c — the futex(2) system call used directly, without pthread's
 * locks on top.
 *
 * 1. Ping-pong: the main thread and one pthread_create'd thread hand a turn
 *    word back and forth 10000 times each way (10000 round trips), waiting
 *    with FUTEX_WAIT_PRIVATE while the word still holds the other side's
 *    value and waking with FUTEX_WAKE_PRIVATE after storing it. Each turn
 *    adds 1 to a plain counter, so it ends at 20000 only if no turn overlapped.
 * 2. Single calls, each printed as its return value and errno name:
 *    FUTEX_WAKE with nobody waiting: 0
 *    FUTEX_WAIT when the word differs from the value: -1 EAGAIN
 *    FUTEX_WAIT with a 1 ms relative timeout: -1 ETIMEDOUT, and at least
 *      1 ms passed on CLOCK_MONOTONIC
 *    FUTEX_WAIT_BITSET (absolute CLOCK_MONOTONIC) with a deadline 1 s in
 *      the past: -1 ETIMEDOUT; with a zero bitset: -1 EINVAL
 * Exits 0. Arguments: none.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 10000 };

static int turn; /* 0: main's turn, 1: the thread's */
static long counter;

static const char *yesno(int b) { return b ? "yes" : "no"; }

static long futex(int *uaddr, int op, int val, const struct timespec *ts, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

static const char *errname(int e)
{
	switch (e) {
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINVAL: return "EINVAL";
	case EINTR: return "EINTR";
	default: return "other";
	}
}

/* play takes ROUNDS turns as side me. */
static void play(int me)
{
	int other = 1 - me;
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			futex(&turn, FUTEX_WAIT_PRIVATE, other, NULL, 0);
		counter++;
		__atomic_store_n(&turn, other, __ATOMIC_RELEASE);
		futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL, 0);
	}
}

static void *thread(void *arg)
{
	(void)arg;
	play(1);
	return NULL;
}

static void report(const char *what, long r, int e)
{
	if (r < 0)
		printf("%s: %ld %s\n", what, r, errname(e));
	else
		printf("%s: %ld\n", what, r);
}

static int64_t ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, thread, NULL) != 0) {
		printf("pthread_create failed\n");
		return 1;
	}
	play(0);
	pthread_join(t, NULL);
	printf("ping-pong: %d round trips, counter %ld (want %d)\n", ROUNDS, counter, 2 * ROUNDS);

	int word = 5;
	errno = 0;
	long r = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0);
	report("FUTEX_WAKE, nobody waiting", r, errno);

	errno = 0;
	r = futex(&word, FUTEX_WAIT_PRIVATE, 6, NULL, 0);
	report("FUTEX_WAIT, word 5 but value 6", r, errno);

	struct timespec ms = {0, 1000000}, t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	r = futex(&word, FUTEX_WAIT_PRIVATE, 5, &ms, 0);
	int e = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report("FUTEX_WAIT, 1 ms relative timeout", r, e);
	printf("FUTEX_WAIT: at least 1 ms passed: %s\n", yesno(ns(&t1) - ns(&t0) >= 1000000));

	struct timespec past;
	clock_gettime(CLOCK_MONOTONIC, &past);
	if (past.tv_sec > 0)
		past.tv_sec--;
	else
		past.tv_nsec = 0;
	errno = 0;
	r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, FUTEX_BITSET_MATCH_ANY);
	report("FUTEX_WAIT_BITSET, absolute CLOCK_MONOTONIC deadline 1 s ago", r, errno);

	errno = 0;
	r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, 0);
	report("FUTEX_WAIT_BITSET, bitset 0", r, errno);
	return 0;
}
