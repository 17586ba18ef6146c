/*
 * bench_signal.c — the cost of signals.
 *
 * Usage: bench_signal self|pingpong N
 *   self      N times raise(SIGUSR1) with a handler installed: generation,
 *             delivery on the signal frame and rt_sigreturn.
 *   pingpong  N round trips between a parent and a child: each sends
 *             SIGUSR1 with kill and waits for the other's in sigsuspend,
 *             SIGUSR1 blocked outside it.
 * Prints "done N" and exits 0 when every signal arrived; exits 1 otherwise,
 * 2 on bad arguments. The benchmarks' signal rows.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void)sig; got++; }

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "self") != 0 && strcmp(argv[1], "pingpong") != 0)) {
		fprintf(stderr, "usage: bench_signal self|pingpong N\n");
		return 2;
	}
	long n = atol(argv[2]);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	if (strcmp(argv[1], "self") == 0) {
		for (long i = 0; i < n; i++)
			raise(SIGUSR1);
		if (got != n)
			return 1;
		printf("done %ld\n", n);
		return 0;
	}
	sigset_t block, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGUSR1);
	pid_t parent = getpid(), child = fork();
	if (child == 0) {
		for (long i = 0; i < n; i++) {
			sigsuspend(&wait_mask);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		kill(child, SIGUSR1);
		sigsuspend(&wait_mask);
	}
	int st;
	waitpid(child, &st, 0);
	if (got != n || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 1;
	printf("done %ld\n", n);
	return 0;
}
