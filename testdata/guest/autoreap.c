/*
 * autoreap.c — a parent that ignores SIGCHLD leaves no zombies: its
 * children are reaped as they exit, and wait(2) blocks until the last has
 * gone, then fails with ECHILD (see wait(2), NOTES). Three children exit
 * at different times.
 *
 * Expected output (Linux):
 *   wait with SIGCHLD ignored: -1 ECHILD
 *   wait with SA_NOCLDWAIT: -1 ECHILD
 * qemu-riscv64 7.2 loses SA_NOCLDWAIT, so compare with the lines above.
 * Exit status 0. Arguments: none.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void children(void)
{
	for (int i = 0; i < 3; i++)
		if (fork() == 0) {
			struct timespec ts = {0, (i + 1) * 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
			_exit(i);
		}
}

int main(void)
{
	signal(SIGCHLD, SIG_IGN);
	children();
	int st;
	errno = 0;
	int r = wait(&st);
	printf("wait with SIGCHLD ignored: %d %s\n", r, errno == ECHILD ? "ECHILD" : strerror(errno));

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	children();
	errno = 0;
	r = wait(&st);
	printf("wait with SA_NOCLDWAIT: %d %s\n", r, errno == ECHILD ? "ECHILD" : strerror(errno));
	return 0;
}
