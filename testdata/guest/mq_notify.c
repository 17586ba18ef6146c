/*
 * mq_notify.c — POSIX message queue notification: mq_notify with
 * SIGEV_SIGNAL and SIGEV_NONE, what read(2) of the descriptor shows of it,
 * and its errors.
 *
 * Expected output (Linux):
 *   register SIGEV_SIGNAL: 0
 *   status: NOTIFY 0 SIGNO 10 pid ours yes
 *   another process registering: EBUSY
 *   a message to the empty queue: signals 1, SI_MESGQ yes, value 42 yes, pid ours yes
 *   status: NOTIFY 0 SIGNO 0 pid 0
 *   registered again, a message to a non-empty queue: signals 1
 *   drained, a message to the empty queue: signals 2
 *   registered and unregistered: NOTIFY 0; a message: signals 2
 *   register SIGEV_NONE: 0
 *   status: NOTIFY 1 SIGNO 0 pid ours yes
 *   a message: signals 2; status: NOTIFY 0 SIGNO 0 pid 0
 *   a child's message: signals 3, from the child yes
 *   a registration dies with its process: the parent registers: 0
 *   closing a duplicate: status: NOTIFY 0 SIGNO 0 pid 0
 *   a child closing one: status: NOTIFY 0 SIGNO 10 pid ours yes
 *   sigev_notify 99: -1 EINVAL
 *   SIGEV_SIGNAL with signal 65: -1 EINVAL
 *   not a queue: -1 EBADF
 *   SIGEV_THREAD with a pipe for the netlink socket: -1 ENOTSOCK
 *   SIGEV_THREAD with a closed descriptor: -1 EBADF
 * qemu-riscv64 7.2 does not implement mq_notify (ENOSYS); compare with
 * the lines above, checked natively on x86-64 Linux. Exit status 0.
 * Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EBUSY: return "EBUSY";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOSYS: return "ENOSYS";
	}
	return "other";
}

static volatile sig_atomic_t signals, code, value, sender;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	signals++;
	code = si->si_code;
	value = si->si_value.sival_int;
	sender = si->si_pid;
}

static mqd_t q;
static char buf[8192];

static void status(void)
{
	char line[128];
	int notify = -1, signo = -1, pid = -1;
	ssize_t n = pread(q, line, sizeof line - 1, 0);
	line[n > 0 ? n : 0] = 0;
	const char *s = strstr(line, "NOTIFY:");
	if (s)
		sscanf(s, "NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &notify, &signo, &pid);
	if (pid == 0)
		printf("status: NOTIFY %d SIGNO %d pid 0\n", notify, signo);
	else
		printf("status: NOTIFY %d SIGNO %d pid ours %s\n", notify, signo, yesno(pid == getpid()));
}

static int reg(int notify, int signo)
{
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = notify;
	sev.sigev_signo = signo;
	sev.sigev_value.sival_int = 42;
	return mq_notify(q, &sev);
}

static void drain(void)
{
	struct mq_attr a;
	mq_getattr(q, &a);
	for (long i = 0; i < a.mq_curmsgs; i++)
		mq_receive(q, buf, sizeof buf, NULL);
}

int main(void)
{
	char name[64];
	snprintf(name, sizeof name, "/vessel-mqn-%d", (int)getpid());
	mq_unlink(name);
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	if (q < 0)
		return 1;
	mq_unlink(name);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	int r, st;

	r = reg(SIGEV_SIGNAL, SIGUSR1);
	printf("register SIGEV_SIGNAL: %d\n", r);
	status();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		_exit(reg(SIGEV_SIGNAL, SIGUSR1) == 0 ? 0 : errno);
	waitpid(c, &st, 0);
	printf("another process registering: %s\n", ename(WEXITSTATUS(st)));
	mq_send(q, "a", 1, 0);
	printf("a message to the empty queue: signals %d, SI_MESGQ %s, value 42 %s, pid ours %s\n", signals,
	       yesno(code == SI_MESGQ), yesno(value == 42), yesno(sender == getpid()));
	status();
	reg(SIGEV_SIGNAL, SIGUSR1);
	mq_send(q, "b", 1, 0);
	printf("registered again, a message to a non-empty queue: signals %d\n", signals);
	drain();
	mq_send(q, "c", 1, 0);
	printf("drained, a message to the empty queue: signals %d\n", signals);
	drain();
	reg(SIGEV_SIGNAL, SIGUSR1);
	mq_notify(q, NULL);
	int notify = -1;
	char line[128];
	ssize_t n = pread(q, line, sizeof line - 1, 0);
	line[n > 0 ? n : 0] = 0;
	if (strstr(line, "NOTIFY:"))
		sscanf(strstr(line, "NOTIFY:"), "NOTIFY:%d", &notify);
	mq_send(q, "d", 1, 0);
	printf("registered and unregistered: NOTIFY %d; a message: signals %d\n", notify, signals);
	drain();
	r = reg(SIGEV_NONE, 0);
	printf("register SIGEV_NONE: %d\n", r);
	status();
	mq_send(q, "e", 1, 0);
	printf("a message: signals %d; ", signals);
	status();
	drain();

	reg(SIGEV_SIGNAL, SIGUSR1);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		mq_send(q, "f", 1, 0);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("a child's message: signals %d, from the child %s\n", signals, yesno(sender == c));
	drain();

	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(reg(SIGEV_SIGNAL, SIGUSR1) == 0 ? 0 : errno);
	waitpid(c, &st, 0);
	r = reg(SIGEV_SIGNAL, SIGUSR1);
	printf("a registration dies with its process: the parent registers: %d\n", r);
	/* Any close of a descriptor of the queue by the registered process
	 * drops its registration (Linux's mqueue_flush_file), a duplicate's
	 * too, and so does the close-on-exec of mq_open's descriptors. */
	close(dup(q));
	printf("closing a duplicate: ");
	status();
	reg(SIGEV_SIGNAL, SIGUSR1);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		close(dup(q));
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("a child closing one: ");
	status();
	mq_notify(q, NULL);

	errno = 0;
	r = reg(99, 0);
	printf("sigev_notify 99: %d %s\n", r, ename(errno));
	errno = 0;
	r = reg(SIGEV_SIGNAL, 65);
	printf("SIGEV_SIGNAL with signal 65: %d %s\n", r, ename(errno));
	int p[2];
	if (pipe(p) < 0)
		return 1;
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	errno = 0;
	r = syscall(SYS_mq_notify, p[0], &sev);
	printf("not a queue: %d %s\n", r, ename(errno));
	static char cookie[32];
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_signo = p[0];
	sev.sigev_value.sival_ptr = cookie;
	errno = 0;
	r = syscall(SYS_mq_notify, q, &sev);
	printf("SIGEV_THREAD with a pipe for the netlink socket: %d %s\n", r, ename(errno));
	sev.sigev_signo = 1000;
	errno = 0;
	r = syscall(SYS_mq_notify, q, &sev);
	printf("SIGEV_THREAD with a closed descriptor: %d %s\n", r, ename(errno));
	return 0;
}
