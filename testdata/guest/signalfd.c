/*
 * signalfd.c — signalfd: blocked signals read as signalfd_siginfo
 * records (number, code, sender, sigqueue's value), several in one read;
 * EAGAIN when none is pending and the fd is non-blocking; epoll sees the
 * fd readable when a signal arrives from another process. Only results
 * are printed. Exit status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	struct signalfd_siginfo si[4];
	errno = 0;
	ssize_t n = read(fd, si, sizeof si);
	printf("nothing pending: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : "other");

	raise(SIGUSR2);
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 7});
	n = read(fd, si, sizeof si);
	printf("read %zd records:", n / (ssize_t)sizeof si[0]);
	for (int i = 0; i < n / (ssize_t)sizeof si[0]; i++)
		printf(" %s(code %s%s)", si[i].ssi_signo == SIGUSR2 ? "SIGUSR2" : si[i].ssi_signo == (unsigned)SIGRTMIN ? "SIGRTMIN" : "other",
		       si[i].ssi_code == SI_TKILL ? "SI_TKILL" : si[i].ssi_code == SI_QUEUE ? "SI_QUEUE" : "other",
		       si[i].ssi_signo == (unsigned)SIGRTMIN ? (si[i].ssi_int == 7 ? ", value 7" : ", wrong value") : "");
	printf("\n");

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	int r = epoll_wait(ep, &out, 1, 5000);
	n = read(fd, si, sizeof si);
	waitpid(c, NULL, 0);
	printf("epoll: %d; read SIGUSR1 from the child: %s\n", r,
	       n == sizeof si[0] && si[0].ssi_signo == SIGUSR1 && si[0].ssi_pid == (unsigned)c ? "yes" : "no");
	return 0;
}
