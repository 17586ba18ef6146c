/*
 * bench_unix.c — the cost of a Unix socket round trip.
 *
 * Usage: bench_unix pingpong N
 *   pingpong   N round trips of one byte between a parent and a child
 *              over a SOCK_STREAM socketpair: the parent sends, the child
 *              echoes, the parent reads the echo.
 * Prints "done N" and exits 0; exits 1 when a transfer went wrong, 2 on
 * bad arguments. The benchmarks' Unix socket row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "pingpong") != 0)
		return 2;
	long n = atol(argv[2]);
	char c = 'x';
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	if (fork() == 0) {
		close(sv[0]);
		for (long i = 0; i < n; i++) {
			if (read(sv[1], &c, 1) != 1 || write(sv[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(sv[1]);
	for (long i = 0; i < n; i++) {
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			return 1;
	}
	int st;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	printf("done %ld\n", n);
	return 0;
}
