/*
 * pdeathsig.c — prctl(PR_SET_PDEATHSIG): a process is sent the signal it
 * asked for when its parent exits. The top process is a child subreaper;
 * it forks a middle process that forks a grandchild which asks for
 * SIGTERM at its parent's death, reads the setting back and then sleeps;
 * the middle exits once the grandchild has asked (it waits on a shared
 * flag). The top reaps both: the middle exited 0, the grandchild was
 * killed by SIGTERM long before its sleep would end.
 *
 * Expected output (Linux):
 *   PR_GET_PDEATHSIG in the grandchild: SIGTERM
 *   middle: exited 0
 *   grandchild: killed by Terminated
 * qemu-riscv64 7.2 does not pass PR_SET_CHILD_SUBREAPER, so compare with
 * the lines above. Exit status 0. Arguments: none.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what, strsignal(WTERMSIG(st)));
}

int main(void)
{
	volatile int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t middle = fork();
	if (middle == 0) {
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			int sig = 0;
			prctl(PR_GET_PDEATHSIG, &sig);
			shared[1] = sig;
			shared[0] = 1;
			struct timespec ts = {100, 0};
			nanosleep(&ts, NULL);
			_exit(7);
		}
		while (!shared[0]) {
			struct timespec ts = {0, 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	int st;
	waitpid(middle, &st, 0);
	printf("PR_GET_PDEATHSIG in the grandchild: %s\n", shared[1] == SIGTERM ? "SIGTERM" : "other");
	report("middle", st);
	wait(&st);
	report("grandchild", st);
	return 0;
}
