/*
 * bench_files.c — the cost of file descriptors.
 *
 * Usage: bench_files open|zero N
 *   open   N open+close pairs of the program's own file (argv[0]).
 *   zero   N one-byte reads from /dev/zero.
 * Prints "done N" and exits 0; exits 1 when a call failed, 2 on bad
 * arguments. The benchmarks' open+close and /dev/zero rows.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long n = atol(argv[2]);
	if (strcmp(argv[1], "open") == 0) {
		for (long i = 0; i < n; i++) {
			int fd = open(argv[0], O_RDONLY);
			if (fd < 0 || close(fd) != 0)
				return 1;
		}
	} else if (strcmp(argv[1], "zero") == 0) {
		int fd = open("/dev/zero", O_RDONLY);
		char c;
		if (fd < 0)
			return 1;
		for (long i = 0; i < n; i++)
			if (read(fd, &c, 1) != 1)
				return 1;
	} else {
		return 2;
	}
	printf("done %ld\n", n);
	return 0;
}
