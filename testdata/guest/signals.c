/*
 * signals.c — handlers and what they see: SA_SIGINFO fields for raise
 * (SI_TKILL, the sender's pid) and kill from a child (SI_USER); a blocked
 * signal stays pending (sigpending) and runs once unblocked; standard
 * signals coalesce while real-time ones queue, delivered lowest first;
 * sigsuspend returns EINTR after the handler and restores the mask;
 * SA_RESETHAND; SA_NODEFER; a SIGSEGV from a read-only page caught with
 * its si_code and si_addr and left through siglongjmp; a handler on an
 * alternate stack (sigaltstack, SA_ONSTACK); wait4 interrupted by a
 * handler without SA_RESTART (EINTR) and restarted with it. Only results
 * are printed. Exit status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t count[65];
static volatile int last_code, last_pid, order[16], norder;
static volatile void *last_addr;
static volatile int on_alt;
static sigjmp_buf jb;
static char *altbase;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	count[sig]++;
	last_code = si->si_code;
	last_pid = si->si_pid;
	if (norder < 16)
		order[norder++] = sig;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	count[sig]++;
	last_code = si->si_code;
	last_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void alt_handler(int sig)
{
	char here;
	on_alt = &here >= altbase && &here < altbase + SIGSTKSZ;
	count[sig]++;
}

static void plain(int sig) { count[sig]++; }

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void on(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	on(SIGUSR1, info_handler, 0);
	raise(SIGUSR1);
	printf("raise: handler ran %d time(s), si_code SI_TKILL: %s, si_pid is ours: %s\n", count[SIGUSR1],
	       last_code == SI_TKILL ? "yes" : "no", last_pid == getpid() ? "yes" : "no");

	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	printf("kill from a child: handler ran again: %s, si_code SI_USER: %s, si_pid is the child: %s\n",
	       count[SIGUSR1] == 2 ? "yes" : "no", last_code == SI_USER ? "yes" : "no", last_pid == c ? "yes" : "no");

	sigset_t block, pend, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGRTMIN + 1);
	sigaddset(&block, SIGRTMIN);
	on(SIGUSR2, info_handler, 0);
	on(SIGRTMIN, info_handler, 0);
	on(SIGRTMIN + 1, info_handler, 0);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (int i = 0; i < 3; i++) {
		raise(SIGUSR2);
		raise(SIGRTMIN + 1);
		raise(SIGRTMIN);
	}
	sigpending(&pend);
	printf("blocked: SIGUSR2 pending: %s, handler ran: %d\n", sigismember(&pend, SIGUSR2) ? "yes" : "no", count[SIGUSR2]);
	norder = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: SIGUSR2 ran %d (coalesced), SIGRTMIN ran %d, SIGRTMIN+1 ran %d (queued)\n", count[SIGUSR2],
	       count[SIGRTMIN], count[SIGRTMIN + 1]);
	printf("order:");
	for (int i = 0; i < norder; i++)
		printf(" %s", order[i] == SIGUSR2 ? "USR2" : order[i] == SIGRTMIN ? "RTMIN" : "RTMIN+1");
	printf("\n");

	sigprocmask(SIG_BLOCK, &block, &old);
	c = fork();
	if (c == 0) {
		nap(20);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	sigset_t wait_mask;
	sigemptyset(&wait_mask);
	errno = 0;
	int r = sigsuspend(&wait_mask);
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("sigsuspend: %d %s, mask restored: %s\n", r, errno == EINTR ? "EINTR" : "other",
	       sigismember(&now, SIGUSR2) ? "yes" : "no");
	waitpid(c, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);

	on(SIGHUP, info_handler, SA_RESETHAND);
	raise(SIGHUP);
	struct sigaction cur;
	sigaction(SIGHUP, NULL, &cur);
	printf("SA_RESETHAND: ran %d, now SIG_DFL: %s\n", count[SIGHUP], cur.sa_handler == SIG_DFL ? "yes" : "no");

	char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	on(SIGSEGV, segv_handler, 0);
	if (sigsetjmp(jb, 1) == 0) {
		page[10] = 1;
		printf("not reached\n");
	}
	printf("SIGSEGV caught: %d, SEGV_ACCERR: %s, si_addr right: %s\n", count[SIGSEGV],
	       last_code == SEGV_ACCERR ? "yes" : "no", last_addr == page + 10 ? "yes" : "no");

	stack_t ss = {.ss_sp = altbase = malloc(SIGSTKSZ), .ss_size = SIGSTKSZ};
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = alt_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGWINCH, &sa, NULL);
	raise(SIGWINCH);
	printf("SA_ONSTACK: ran on the alternate stack: %s\n", on_alt ? "yes" : "no");

	for (int restart = 0; restart < 2; restart++) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = plain;
		sa.sa_flags = restart ? SA_RESTART : 0;
		sigaction(SIGALRM, &sa, NULL);
		pid_t sleeper = fork();
		if (sleeper == 0) {
			nap(100);
			_exit(3);
		}
		pid_t poker = fork();
		if (poker == 0) {
			nap(20);
			kill(parent, SIGALRM);
			_exit(0);
		}
		int st;
		errno = 0;
		r = waitpid(sleeper, &st, 0);
		printf("waitpid %s SA_RESTART: %s\n", restart ? "with" : "without",
		       r == sleeper ? "returned the child" : errno == EINTR ? "EINTR" : "other");
		if (r != sleeper)
			waitpid(sleeper, &st, 0);
		waitpid(poker, &st, 0);
	}
	return 0;
}
