/*
 * bench_fork.c — the cost of creating and reaping a process: N times, fork
 * (or vfork) a child that calls _exit(0) at once and reap it with waitpid.
 *
 * Usage: bench_fork fork|vfork N
 * Prints "done N" and exits 0 when every child exited 0; prints what went
 * wrong and exits 1 otherwise; exits 2 on bad arguments. The benchmarks'
 * fork+exit+wait and vfork+exit+wait rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "fork") != 0 && strcmp(argv[1], "vfork") != 0)) {
		fprintf(stderr, "usage: bench_fork fork|vfork N\n");
		return 2;
	}
	int use_vfork = strcmp(argv[1], "vfork") == 0;
	long n = atol(argv[2]);
	for (long i = 0; i < n; i++) {
		pid_t pid = use_vfork ? vfork() : fork();
		if (pid < 0) {
			printf("%s failed\n", argv[1]);
			return 1;
		}
		if (pid == 0)
			_exit(0);
		int st;
		if (waitpid(pid, &st, 0) != pid) {
			printf("waitpid failed\n");
			return 1;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("child status %#x\n", st);
			return 1;
		}
	}
	printf("done %ld\n", n);
	return 0;
}
