/*
 * execveat.c — execveat(2): fexecve through AT_EMPTY_PATH on a descriptor
 * of the program itself, a path relative to AT_FDCWD, and ENOENT for an
 * empty path without AT_EMPTY_PATH. Each child prints from the new image
 * and exits 6; the parent's lines come last (its stdout is flushed at
 * exit). argv[0] must be a path to the program; static build.
 *
 * Expected output (Linux):
 *   child fexecve
 *   child execveat
 *   status 6
 *   status 6
 *   empty path: -1 ENOENT
 * qemu-riscv64 7.2 does not implement execveat (ENOSYS), so compare with
 * the lines above. Exit status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	if (argc > 1) {
		printf("child %s\n", argv[1]);
		return 6;
	}
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	int st;
	pid_t p = fork();
	if (p == 0) {
		char *a[] = {"x", "fexecve", 0};
		fexecve(fd, a, envp);
		_exit(1);
	}
	waitpid(p, &st, 0);
	printf("status %d\n", WEXITSTATUS(st));
	p = fork();
	if (p == 0) {
		char *a[] = {"x", "execveat", 0};
		syscall(SYS_execveat, AT_FDCWD, argv[0], a, envp, 0);
		_exit(1);
	}
	waitpid(p, &st, 0);
	printf("status %d\n", WEXITSTATUS(st));
	char *a[] = {"x", 0};
	long r = syscall(SYS_execveat, AT_FDCWD, "", a, envp, 0);
	printf("empty path: %ld %s\n", r, errno == ENOENT ? "ENOENT" : "other");
	return 0;
}
