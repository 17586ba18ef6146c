/*
 * syscall_loop.c — the cost of a null system call: N calls of getppid(2)
 * through syscall(SYS_getppid), so libc can cache nothing.
 *
 * Usage: syscall_loop [N]   (default 1000000; tests pass a small N).
 * Checks that every call returned the same value, then prints "done" and
 * exits 0; prints "getppid changed" and exits 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long first = syscall(SYS_getppid);
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getppid) != first) {
			printf("getppid changed\n");
			return 1;
		}
	}
	printf("done\n");
	return 0;
}
