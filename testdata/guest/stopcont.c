/*
 * stopcont.c — signals by their default actions, and what wait sees:
 * SIGSTOP stops a child (WIFSTOPPED with WUNTRACED, reported once),
 * SIGCONT resumes it (WIFCONTINUED with WCONTINUED), SIGTERM ends it
 * (WIFSIGNALED), a child that raises SIGSTOP is continued by its parent
 * and exits 3, SIGKILL to itself kills a child, kill(pid, 0) probes and
 * kill of a missing pid is ESRCH. Only the parent prints, after each wait.
 * Exit status 0. Arguments: none.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void report(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what, strsignal(WTERMSIG(st)));
	else if (WIFSTOPPED(st))
		printf("%s: stopped by %s\n", what, strsignal(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", what);
	else
		printf("%s: status %#x\n", what, st);
}

int main(void)
{
	int st;
	pid_t c = fork();
	if (c == 0)
		for (;;)
			nap(5);
	printf("kill(child, 0): %d\n", kill(c, 0));
	kill(c, SIGSTOP);
	report("after SIGSTOP", (waitpid(c, &st, WUNTRACED), st));
	printf("reported again: %d\n", waitpid(c, &st, WUNTRACED | WNOHANG));
	kill(c, SIGCONT);
	report("after SIGCONT", (waitpid(c, &st, WCONTINUED), st));
	kill(c, SIGTERM);
	report("after SIGTERM", (waitpid(c, &st, 0), st));

	c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(3);
	}
	report("raise(SIGSTOP)", (waitpid(c, &st, WUNTRACED), st));
	kill(c, SIGCONT);
	report("continued, then", (waitpid(c, &st, 0), st));

	c = fork();
	if (c == 0) {
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	report("kill(getpid(), SIGKILL)", (waitpid(c, &st, 0), st));

	errno = 0;
	int r = kill(999999, SIGTERM);
	printf("kill of a missing pid: %d %s\n", r, errno == ESRCH ? "ESRCH" : "other");
	return 0;
}
