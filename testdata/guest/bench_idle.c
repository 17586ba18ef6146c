/*
 * bench_idle.c — idle processes to weigh: forks K children that each
 * sleep, then holds them alive while someone measures memory from outside.
 *
 * Usage: bench_idle K
 * Each child asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG, so
 * none outlives a crashed run), counts itself in a MAP_SHARED word and
 * sleeps in nanosleep for an hour. Once all K have counted themselves the
 * parent prints "ready" (flushed) and reads standard input until EOF: that
 * is the measuring window. Then it SIGKILLs and reaps the children — where
 * kill(2) fails with ENOSYS it leaves them, its own exit ending the rest
 * (vessel ends every guest when init exits) — prints "done K" and exits 0;
 * exits 1 if fork or kill fails otherwise, 2 on bad arguments. K may be 0.
 * The benchmarks' memory per idle child row.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2 || atol(argv[1]) < 0) {
		fprintf(stderr, "usage: bench_idle K\n");
		return 2;
	}
	long k = atol(argv[1]);
	pid_t *kids = calloc(k + 1, sizeof *kids);
	int *alive = mmap(NULL, sizeof *alive, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (kids == NULL || alive == MAP_FAILED) {
		printf("out of memory\n");
		return 1;
	}
	pid_t parent = getpid();
	for (long i = 0; i < k; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			printf("fork failed\n");
			return 1;
		}
		if (kids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			__atomic_add_fetch(alive, 1, __ATOMIC_SEQ_CST);
			for (;;) {
				struct timespec hour = {3600, 0};
				nanosleep(&hour, NULL);
			}
		}
	}
	while (__atomic_load_n(alive, __ATOMIC_SEQ_CST) < k) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	printf("ready\n");
	fflush(stdout);

	char buf[256];
	while (read(0, buf, sizeof buf) > 0)
		;

	int reap = 1;
	for (long i = 0; i < k && reap; i++) {
		if (kill(kids[i], SIGKILL) == 0)
			continue;
		if (errno != ENOSYS) {
			printf("kill failed\n");
			return 1;
		}
		reap = 0;
	}
	for (long i = 0; i < k && reap; i++)
		waitpid(kids[i], NULL, 0);
	printf("done %ld\n", k);
	return 0;
}
