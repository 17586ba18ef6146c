/*
 * procs.c — the process model seen from a guest: fork, exit status, wait,
 * copy-on-write, shared mappings, pipes, signals and process groups.
 *
 * Only the parent prints, and only after the child it reports on is known
 * to have done its part (read or wait), so the order never varies; no pid
 * is printed, only comparisons. Checks:
 *   fork + waitpid: WIFEXITED / WEXITSTATUS, the child's getppid() is the parent
 *   copy-on-write: a child's write to a private page is not seen by the parent
 *   MAP_SHARED|MAP_ANONYMOUS: a child's write is seen
 *   pipe: bytes from the child, then EOF when its end closes
 *   death by signal: WIFSIGNALED / WTERMSIG for SIGKILL and SIGTERM (raise)
 *   waitid(WNOWAIT) leaves the zombie to be reaped again; then ECHILD
 *   SIGCHLD handler runs once per child; three children's statuses sorted
 *   sigaction(SA_SIGINFO) on SIGUSR1: si_signo, si_code == SI_TKILL (raise)
 *   sigprocmask: a blocked signal is pending, runs when unblocked
 *   setpgid(0, 0) in a child makes it a group leader; getsid is inherited
 * Exits 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d (%s)\n", what, WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		printf("%s: status %#x\n", what, st);
}

static volatile sig_atomic_t chld, usr1_signo, usr1_code, usr2;

static void on_chld(int sig) { (void)sig; chld++; }
static void on_usr2(int sig) { (void)sig; usr2++; }
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	usr1_signo = si->si_signo;
	usr1_code = si->si_code;
}

static int cmpint(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(void)
{
	int st;
	pid_t me = getpid();
	fflush(stdout);

	/* fork, exit status, parent pid */
	pid_t pid = fork();
	if (pid == 0)
		_exit(getppid() == me ? 7 : 8);
	printf("waitpid returns the child: %s\n", yesno(waitpid(pid, &st, 0) == pid));
	status("child (7 means getppid matched)", st);

	/* copy-on-write and shared memory */
	static int private_var = 1;
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*shared = 1;
	if ((pid = fork()) == 0) {
		private_var = 2;
		*shared = 2;
		_exit(private_var);
	}
	waitpid(pid, &st, 0);
	printf("private after child wrote 2: %d (child saw %d)\n", private_var, WEXITSTATUS(st));
	printf("shared after child wrote 2: %d\n", *shared);

	/* pipe */
	int p[2];
	pipe(p);
	if ((pid = fork()) == 0) {
		close(p[0]);
		const char msg[] = "through the pipe";
		write(p[1], msg, sizeof msg - 1);
		_exit(0);
	}
	close(p[1]);
	char buf[64];
	ssize_t n, total = 0;
	while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	printf("pipe read: \"%s\", then read returns %zd (EOF)\n", buf, n);
	close(p[0]);
	waitpid(pid, &st, 0);

	/* death by signal */
	if ((pid = fork()) == 0) {
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	status("child that sent itself SIGKILL", st);
	if ((pid = fork()) == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	status("child that raised SIGTERM", st);

	/* waitid WNOWAIT, then the real reap, then ECHILD */
	if ((pid = fork()) == 0)
		_exit(3);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	printf("waitid WNOWAIT: pid matches %s, code CLD_EXITED %s, status %d\n",
	       yesno(si.si_pid == pid), yesno(si.si_code == CLD_EXITED), si.si_status);
	printf("then waitpid reaps it: %s\n", yesno(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3));
	int r = waitpid(-1, &st, 0);
	printf("waitpid with no children: %d %s\n", r, errno == ECHILD ? "ECHILD" : "other");

	/* SIGCHLD per child; statuses collected in any order, printed sorted */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	for (int i = 0; i < 3; i++)
		if (fork() == 0)
			_exit(10 + i);
	int codes[3];
	for (int i = 0; i < 3; i++) {
		while (wait(&st) < 0 && errno == EINTR)
			;
		codes[i] = WEXITSTATUS(st);
	}
	qsort(codes, 3, sizeof codes[0], cmpint);
	printf("three children exited %d %d %d; SIGCHLD seen at least once %s\n", codes[0],
	       codes[1], codes[2], yesno(chld >= 1));
	signal(SIGCHLD, SIG_DFL);

	/* SA_SIGINFO */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SIGUSR1 handler: si_signo %d, si_code SI_TKILL %s\n", (int)usr1_signo,
	       yesno(usr1_code == SI_TKILL));

	/* blocked signals wait */
	signal(SIGUSR2, on_usr2);
	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	sigpending(&pend);
	printf("blocked SIGUSR2: pending %s, handled %d\n", yesno(sigismember(&pend, SIGUSR2)), (int)usr2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("unblocked SIGUSR2: handled %d\n", (int)usr2);

	/* process groups and sessions */
	pid_t sid = getsid(0);
	if ((pid = fork()) == 0) {
		int ok = setpgid(0, 0) == 0 && getpgid(0) == getpid() && getpgrp() == getpid() &&
			 getsid(0) == sid;
		_exit(ok ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	printf("child setpgid(0,0) leads its group, same session: %s\n", yesno(WEXITSTATUS(st) == 0));
	return 0;
}
