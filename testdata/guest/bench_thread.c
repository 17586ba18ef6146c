/*
 * bench_thread.c — the cost of a thread: N times, pthread_create a thread
 * that returns at once and pthread_join it.
 *
 * Usage: bench_thread N
 * Prints "done N" and exits 0; prints what failed and exits 1 otherwise;
 * exits 2 on bad arguments. The benchmarks' thread create+join row.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *nothing(void *arg) { return arg; }

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_thread N\n");
		return 2;
	}
	long n = atol(argv[1]);
	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *ret;
		if (pthread_create(&t, NULL, nothing, &n) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
		if (pthread_join(t, &ret) != 0 || ret != &n) {
			printf("pthread_join failed\n");
			return 1;
		}
	}
	printf("done %ld\n", n);
	return 0;
}
