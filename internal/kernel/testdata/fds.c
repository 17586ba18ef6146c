/*
 * fds.c — opens and closes files, an eventfd and an epoll, leaves some
 * open at exit, forks a child that exits with them open too. The host
 * descriptors behind them must all be closed once the processes are gone.
 * Prints "done". Exit status 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 200; i++)
		close(open("/", O_RDONLY));
	int ep = epoll_create1(0), ev = eventfd(0, 0);
	struct epoll_event e = {.events = EPOLLIN};
	epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
	for (int i = 0; i < 10; i++)
		open("/", O_RDONLY); /* left open */
	if (fork() == 0)
		_exit(0);
	wait(NULL);
	printf("done\n");
	return 0;
}
