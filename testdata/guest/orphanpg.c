/*
 * orphanpg.c — a process group that becomes orphaned with a stopped member
 * gets SIGHUP then SIGCONT (POSIX, Linux's kill_orphaned_pgrp).
 *
 * The top process forks A, which starts a new session and forks M; M makes
 * its own process group and forks G into it; G stops itself. When M exits,
 * G goes to init, which is in another session, so M's group has no tie
 * left to another group of its session: it is orphaned, and has a stopped
 * member. G's handlers record SIGHUP and SIGCONT in shared memory. A group
 * that a new parent still ties to the session is left alone: the second
 * round does the same with A a child subreaper (same session, another
 * group), and G is not hung up (A ends it with SIGKILL).
 * Prints what G saw in each round. Exit status 0. Arguments: none.
 *
 * Expected output (Linux):
 *   orphaned: SIGHUP yes, SIGCONT yes, running again yes
 *   still tied by a subreaper: SIGHUP no, SIGCONT no, running again no
 * qemu-riscv64 7.2 lacks PR_SET_CHILD_SUBREAPER (the second round then
 * goes as the first), so compare with the lines above.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int *shared;

static void on_hup(int sig) { (void)sig; shared[1] = 1; }
static void on_cont(int sig) { (void)sig; shared[2] = 1; }

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void round_(int subreaper)
{
	memset((void *)shared, 0, 4096);
	pid_t a = fork();
	if (a == 0) {
		setsid();
		if (subreaper)
			prctl(PR_SET_CHILD_SUBREAPER, 1);
		pid_t m = fork();
		if (m == 0) {
			setpgid(0, 0);
			pid_t g = fork();
			if (g == 0) {
				signal(SIGHUP, on_hup);
				signal(SIGCONT, on_cont);
				shared[3] = getpid();
				raise(SIGSTOP);
				shared[0] = 1; /* running again */
				for (int i = 0; i < 200 && !shared[2]; i++)
					nap(5);
				_exit(0);
			}
			int st;
			waitpid(g, &st, WUNTRACED);
			_exit(0);
		}
		waitpid(m, NULL, 0);
		for (int i = 0; i < 100 && !shared[0]; i++)
			nap(5);
		if (!shared[0] && shared[3])
			kill(shared[3], SIGKILL);
		_exit(0);
	}
	waitpid(a, NULL, 0);
	nap(50);
	printf("%s: SIGHUP %s, SIGCONT %s, running again %s\n", subreaper ? "still tied by a subreaper" : "orphaned",
	       shared[1] ? "yes" : "no", shared[2] ? "yes" : "no", shared[0] ? "yes" : "no");
}

int main(void)
{
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	round_(0);
	round_(1);
	return 0;
}
