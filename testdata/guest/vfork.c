/*
 * vfork.c — vfork(2): the child borrows the parent's memory and the parent
 * is suspended until the child calls _exit or execve.
 *
 * Usage: vfork — no arguments. It re-executes itself as "vfork exec3"
 * through argv[0], which must be a path to it; build it -static (the exec'd
 * image gets no -L/QEMU_LD_PREFIX). "vfork exec3" prints one line, exits 3.
 *   1. vfork; the child counts a global to 1000, sets another global to 42
 *      and _exit(7)s. When vfork returns in the parent, the child has
 *      exited: the parent sees the count and the 42 (the memory is shared)
 *      and waitpid gives status 7.
 *   2. vfork; the child sets a global and execs "ARGV0 exec3"; the parent
 *      sees the global, waits, status 3.
 * Only the parent prints, after waitpid; the exec'd image prints its line
 * before it exits, so the order is fixed. Exits 0; 2 for an unknown mode.
 *
 * Expected output (Linux):
 *   vfork+_exit: the child's writes are visible, count 1000 and 42: yes
 *   vfork+_exit: waitpid returns the child: yes
 *   vfork+_exit: exited 7
 *   exec3: running, argc 2
 *   vfork+execve: the child's write before execve is visible: yes
 *   vfork+execve: waitpid returns the child: yes
 *   vfork+execve: exited 3
 * qemu-riscv64 7.2 is wrong here: it runs vfork as a plain fork (it drops
 * CLONE_VM|CLONE_VFORK), so the two "visible" lines say "no" under it.
 * Compare with the lines above, not with qemu.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static volatile int count, marker, before_exec;

int main(int argc, char **argv)
{
	if (argc > 1) {
		if (strcmp(argv[1], "exec3") == 0) {
			printf("exec3: running, argc %d\n", argc);
			return 3;
		}
		fprintf(stderr, "vfork: unknown mode %s\n", argv[1]);
		return 2;
	}

	/* 1: vfork + _exit */
	int st;
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		for (int i = 0; i < 1000; i++)
			count = count + 1;
		marker = 42;
		_exit(7);
	}
	int seen = count == 1000 && marker == 42;
	int got = waitpid(pid, &st, 0) == pid;
	printf("vfork+_exit: the child's writes are visible, count 1000 and 42: %s\n", yesno(seen));
	printf("vfork+_exit: waitpid returns the child: %s\n", yesno(got));
	status("vfork+_exit", st);

	/* 2: vfork + execve */
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		before_exec = 1;
		char *const av[] = {argv[0], "exec3", NULL};
		execve(argv[0], av, environ);
		_exit(127);
	}
	seen = before_exec == 1;
	got = waitpid(pid, &st, 0) == pid;
	printf("vfork+execve: the child's write before execve is visible: %s\n", yesno(seen));
	printf("vfork+execve: waitpid returns the child: %s\n", yesno(got));
	status("vfork+execve", st);
	return 0;
}
