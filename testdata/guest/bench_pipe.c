/*
 * bench_pipe.c — the cost of pipes.
 *
 * Usage: bench_pipe pingpong|bandwidth|ring N
 *   pingpong   N round trips of one byte between a parent and a child
 *              over two pipes.
 *   bandwidth  N MiB written by a child through a pipe in 64 KiB writes
 *              and read by the parent in 64 KiB reads.
 *   ring       8 processes in a ring of pipes pass a one-byte token N
 *              times round (8N context switches).
 * Prints "done N" and exits 0; exits 1 when a transfer went wrong, 2 on
 * bad arguments. The benchmarks' pipe rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { RING = 8 };

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long n = atol(argv[2]);
	char c = 'x';
	if (strcmp(argv[1], "pingpong") == 0) {
		int a[2], b[2];
		pipe(a);
		pipe(b);
		if (fork() == 0) {
			for (long i = 0; i < n; i++) {
				if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
					_exit(1);
			}
			_exit(0);
		}
		for (long i = 0; i < n; i++) {
			if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
				return 1;
		}
	} else if (strcmp(argv[1], "bandwidth") == 0) {
		static char buf[65536];
		int p[2];
		pipe(p);
		if (fork() == 0) {
			close(p[0]);
			for (long i = 0; i < n * 16; i++)
				if (write(p[1], buf, sizeof buf) != sizeof buf)
					_exit(1);
			_exit(0);
		}
		close(p[1]);
		long total = 0;
		ssize_t r;
		while ((r = read(p[0], buf, sizeof buf)) > 0)
			total += r;
		if (total != n << 20)
			return 1;
	} else if (strcmp(argv[1], "ring") == 0) {
		int p[RING][2];
		for (int i = 0; i < RING; i++)
			pipe(p[i]);
		for (int i = 1; i < RING; i++)
			if (fork() == 0) {
				for (long k = 0; k < n; k++) {
					if (read(p[i - 1][0], &c, 1) != 1 || write(p[i][1], &c, 1) != 1)
						_exit(1);
				}
				_exit(0);
			}
		for (long k = 0; k < n; k++) {
			if (write(p[0][1], &c, 1) != 1 || read(p[RING - 1][0], &c, 1) != 1)
				return 1;
		}
	} else {
		return 2;
	}
	int st;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	printf("done %ld\n", n);
	return 0;
}
