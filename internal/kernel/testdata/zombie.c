/*
 * zombie.c — a child that has exited stays a zombie until it is waited for.
 *
 * Forks a child that _exit(5)s at once, prints the child's pid, then reads
 * standard input until end of file (the test watches the child meanwhile),
 * waits for the child and prints "status 5". Exit status 0.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(5);
	printf("%d\n", pid);
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0)
		;
	int st;
	waitpid(pid, &st, 0);
	printf("status %d\n", WEXITSTATUS(st));
	return 0;
}
