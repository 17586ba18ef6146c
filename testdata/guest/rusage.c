/*
 * rusage.c — getrusage(2) of a process whose threads come and go.
 *
 * Creates and joins 200 threads that return at once, then checks that
 * RUSAGE_SELF's minor faults grew by fewer than 32 per thread (each
 * thread touches a few pages of its stack, and the address space's faults
 * are counted once, not once per exited thread), that RUSAGE_SELF counts at
 * least the faults of RUSAGE_THREAD, and that the maximum resident size is
 * not zero. Prints one yes/no line per check. Exits 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>

enum { N = 200 };

static void *nothing(void *arg) { return arg; }

int main(void)
{
	struct rusage before, after, thread;
	getrusage(RUSAGE_SELF, &before);
	for (int i = 0; i < N; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0) {
			printf("pthread failed\n");
			return 1;
		}
	}
	getrusage(RUSAGE_SELF, &after);
	getrusage(RUSAGE_THREAD, &thread);
	long grown = after.ru_minflt - before.ru_minflt;
	printf("minor faults grew by fewer than 32 per thread: %s\n", grown >= 0 && grown < 32L * N ? "yes" : "no");
	printf("process faults at least the thread's: %s\n", after.ru_minflt >= thread.ru_minflt ? "yes" : "no");
	printf("max resident size above zero: %s\n", after.ru_maxrss > 0 ? "yes" : "no");
	return 0;
}
