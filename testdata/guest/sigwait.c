/*
 * sigwait.c — taking signals synchronously: sigtimedwait times out with
 * EAGAIN, polls with a zero timeout, and takes a blocked SIGUSR1 a child
 * sends; sigqueue carries a value (SI_QUEUE) and real-time signals queue
 * in order with their values; a blocked SIGTERM that sigwaitinfo waits for
 * does not kill. Only results are printed. Exit status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	struct timespec ts = {0, 20 * 1000 * 1000}, zero = {0, 0};
	siginfo_t si;
	errno = 0;
	int r = sigtimedwait(&set, &si, &ts);
	printf("nothing pending, 20 ms: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "other");
	errno = 0;
	r = sigtimedwait(&set, &si, &zero);
	printf("poll: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "other");

	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		struct timespec d = {0, 10 * 1000 * 1000};
		nanosleep(&d, NULL);
		kill(parent, SIGUSR1);
		for (int i = 1; i <= 3; i++)
			sigqueue(parent, SIGRTMIN, (union sigval){.sival_int = 100 + i});
		kill(parent, SIGTERM);
		_exit(0);
	}
	r = sigwaitinfo(&set, &si);
	printf("sigwaitinfo: SIGUSR1: %s, from the child: %s, SI_USER: %s\n", r == SIGUSR1 ? "yes" : "no",
	       si.si_pid == c ? "yes" : "no", si.si_code == SI_USER ? "yes" : "no");
	waitpid(c, NULL, 0);
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	for (int i = 0; i < 3; i++) {
		r = sigwaitinfo(&rt, &si);
		printf("SIGRTMIN value %d, SI_QUEUE: %s\n", r == SIGRTMIN ? si.si_value.sival_int : -1,
		       si.si_code == SI_QUEUE ? "yes" : "no");
	}
	r = sigwaitinfo(&set, &si);
	printf("blocked SIGTERM taken by sigwaitinfo, still alive: %s\n", r == SIGTERM ? "yes" : "no");
	return 0;
}
