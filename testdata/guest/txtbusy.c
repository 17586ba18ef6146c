/*
 * txtbusy.c — ETXTBSY: a program cannot be executed while it is open for
 * writing, and a running program's file cannot be opened for writing.
 *
 * Usage: txtbusy DIR (an empty scratch directory; static build; argv[0]
 * must be a path to the program). It copies itself to DIR/copy, and
 *   1. with DIR/copy open for writing, a child's execve of it fails;
 *   2. with a child running DIR/copy (it sleeps 200 ms), opening it for
 *      writing fails; after the child exits it succeeds.
 * Prints one line per step; the copy is removed. Exit status 0.
 *
 * Expected output (Linux):
 *   exec while open for writing: ETXTBSY
 *   open for writing while it runs: ETXTBSY
 *   open for writing after it exited: ok
 * qemu-riscv64 7.2 gets the second wrong (the host runs qemu, not the
 * guest's file), so compare with the lines above.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e) { return e == ETXTBSY ? "ETXTBSY" : e == 0 ? "ok" : strerror(e); }

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
		return 0;
	}
	if (argc < 2)
		return 2;
	char copy[4096];
	snprintf(copy, sizeof copy, "%s/copy", argv[1]);
	int in = open(argv[0], O_RDONLY), out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		write(out, buf, n);
	close(in);

	int st;
	pid_t p = fork();
	if (p == 0) {
		char *a[] = {"copy", "sleep", 0};
		execv(copy, a);
		_exit(errno == ETXTBSY ? 10 : 11);
	}
	waitpid(p, &st, 0);
	printf("exec while open for writing: %s\n", WEXITSTATUS(st) == 10 ? "ETXTBSY" : "not refused");
	close(out);

	p = fork();
	if (p == 0) {
		char *a[] = {"copy", "sleep", 0};
		execv(copy, a);
		_exit(12);
	}
	struct timespec ts = {0, 50 * 1000 * 1000};
	nanosleep(&ts, NULL);
	int fd = open(copy, O_WRONLY);
	printf("open for writing while it runs: %s\n", fd < 0 ? ename(errno) : "ok");
	waitpid(p, &st, 0);
	fd = open(copy, O_WRONLY);
	printf("open for writing after it exited: %s\n", fd < 0 ? ename(errno) : "ok");
	unlink(copy);
	return 0;
}
