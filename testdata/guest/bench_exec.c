/*
 * bench_exec.c — the cost of running a program: N times, fork a child that
 * execs TRUE (a static program that exits 0, such as bench_true.c built
 * -static) and reap it with waitpid.
 *
 * Usage: bench_exec N TRUE
 * Prints "done N" and exits 0 when every child exited 0; prints what went
 * wrong and exits 1 otherwise (a failed execve makes the child exit 127);
 * exits 2 on bad arguments. The benchmarks' fork+exec+wait row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_exec N TRUE\n");
		return 2;
	}
	long n = atol(argv[1]);
	char *const args[] = {argv[2], NULL};
	char *const env[] = {NULL};
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("fork failed\n");
			return 1;
		}
		if (pid == 0) {
			execve(argv[2], args, env);
			_exit(127);
		}
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
