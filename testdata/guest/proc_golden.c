/*
 * proc_golden.c — a known process tree for internal/procfs's golden tests,
 * which read vessel's /proc from Go while the tree holds still.
 *
 * Usage: proc_golden — no arguments; run as PID 1 with a tmpfs at /tmp.
 * It builds, in this order:
 *   pid 1  "golden": blocks SIGUSR1, ignores SIGUSR2, catches SIGTERM;
 *          holds /dev/null (3), a pipe (4, 5), /tmp/data read-write with 3
 *          bytes written (6) and a close-on-exec duplicate of it (10);
 *   pid 2  a child that stops itself with SIGSTOP (state T);
 *   pid 3  a child that makes its own process group, sets nice 5 and
 *          starts a thread (tid 4); both block reading a pipe (state S);
 *   pid 5  a child that exits with status 7 and is never waited for
 *          (state Z).
 * Then pid 1 prints "ready" and blocks reading its standard input; at end
 * of input it kills pid 2 and 3 and exits 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int hold[2];

static void onTerm(int sig) { (void)sig; }

static void *worker(void *arg)
{
	(void)arg;
	char x;
	read(hold[0], &x, 1);
	return NULL;
}

int main(void)
{
	prctl(PR_SET_NAME, "golden");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTERM, onTerm);

	int null = open("/dev/null", O_RDONLY);       /* 3 */
	if (null != 3 || pipe(hold) != 0)              /* 4, 5 */
		return 1;
	int data = open("/tmp/data", O_RDWR | O_CREAT, 0644); /* 6 */
	if (data != 6 || write(data, "abc", 3) != 3)
		return 1;
	if (fcntl(data, F_DUPFD_CLOEXEC, 10) != 10)
		return 1;

	pid_t stopped = fork();
	if (stopped == 0) {
		prctl(PR_SET_NAME, "stopped");
		raise(SIGSTOP);
		_exit(0);
	}
	int status;
	waitpid(stopped, &status, WUNTRACED);

	int ready[2];
	if (pipe(ready) != 0)
		return 1;
	pid_t threaded = fork();
	if (threaded == 0) {
		prctl(PR_SET_NAME, "threaded");
		setpgid(0, 0);
		setpriority(PRIO_PROCESS, 0, 5);
		pthread_t t;
		pthread_create(&t, NULL, worker, NULL);
		write(ready[1], "x", 1);
		char x;
		read(hold[0], &x, 1);
		_exit(0);
	}
	char x;
	read(ready[0], &x, 1);
	close(ready[0]);
	close(ready[1]);

	pid_t zombie = fork();
	if (zombie == 0)
		_exit(7);
	siginfo_t si;
	waitid(P_PID, zombie, &si, WEXITED | WNOWAIT);

	printf("ready\n");
	fflush(stdout);
	char buf[16];
	while (read(0, buf, sizeof buf) > 0)
		;
	kill(stopped, SIGKILL);
	kill(threaded, SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}
