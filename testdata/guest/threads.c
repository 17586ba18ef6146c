/*
 * threads.c — POSIX threads on clone(CLONE_THREAD|CLONE_VM|...), futex and
 * thread-local storage.
 *
 * Four threads each add 1..100000 to a mutex-protected total and to an
 * atomic counter (LR/SC or AMO), keep a per-thread __thread sum, and pass a
 * token round a ring of condition variables for 1000 laps. The main thread
 * joins them and prints the totals, each thread's TLS sum and return value,
 * and whether gettid differed between threads while getpid did not.
 * Exits 0. Arguments: none. Link with -pthread.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { NT = 4, N = 100000, LAPS = 1000 };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long long total;
static long long atomic_total;
static int turn; /* whose turn in the ring */
static __thread long long tls_sum;
static long tids[NT], pids[NT];

static void *worker(void *arg)
{
	long id = (long)arg;
	tids[id] = syscall(SYS_gettid);
	pids[id] = getpid();
	for (long i = 1; i <= N; i++) {
		tls_sum += i;
		__atomic_fetch_add(&atomic_total, i, __ATOMIC_SEQ_CST);
		if (i % 1000 == 0) {
			pthread_mutex_lock(&mu);
			total += 1000 * (i - 999 + i) / 2;
			pthread_mutex_unlock(&mu);
		}
	}
	for (int lap = 0; lap < LAPS; lap++) {
		pthread_mutex_lock(&mu);
		while (turn != id)
			pthread_cond_wait(&cv, &mu);
		turn = (turn + 1) % NT;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return (void *)(tls_sum + id);
}

int main(void)
{
	pthread_t t[NT];
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NT; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		printf("thread %d returned %lld\n", i, (long long)(long)ret);
	}
	long long want = (long long)NT * N * (N + 1) / 2;
	printf("mutex total %lld (want %lld)\n", total, want);
	printf("atomic total %lld (want %lld)\n", atomic_total, want);
	printf("main's tls_sum untouched: %lld\n", tls_sum);
	printf("ring laps done, turn back at %d\n", turn);
	int distinct = 1, samepid = 1;
	for (int i = 0; i < NT; i++) {
		samepid &= pids[i] == getpid();
		distinct &= tids[i] != getpid();
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	printf("gettid distinct: %s, getpid shared: %s\n", distinct ? "yes" : "no", samepid ? "yes" : "no");
	return 0;
}
