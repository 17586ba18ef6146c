// poll, select and epoll over the kinds of file vessel makes itself:
// devices, a tmpfs file, /proc files and directories, a host file. poll
// and select find them all ready; epoll refuses (EPERM) what Linux gives
// no poll operation (regular files, directories, /dev/null, /dev/zero,
// /dev/urandom)
// and watches the rest (/dev/random, /proc files).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

static void try(const char *name, int fd) {
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	int n = poll(&p, 1, 0);
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	struct timeval tv = {0, 0};
	int s = select(fd + 1, &r, &w, NULL, &tv);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN};
	int e = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	printf("%-13s poll %d revents %#x, select %d (r%d w%d), epoll_ctl %s", name, n, p.revents, s, FD_ISSET(fd, &r),
	       FD_ISSET(fd, &w), e ? strerror(errno) : "ok");
	if (e == 0) {
		struct epoll_event out;
		int k = epoll_wait(ep, &out, 1, 0);
		printf(", epoll_wait %d events %#x", k, k == 1 ? out.events : 0);
	}
	printf("\n");
	close(ep);
	close(fd);
}

int main(void) {
	try("/dev/null", open("/dev/null", O_RDWR));
	try("/dev/zero", open("/dev/zero", O_RDONLY));
	try("/dev/random", open("/dev/random", O_RDONLY));
	try("/dev/urandom", open("/dev/urandom", O_RDONLY));
	int t = open("/dev/shm/pollkinds", O_CREAT | O_RDWR, 0600);
	unlink("/dev/shm/pollkinds");
	try("tmpfs file", t);
	try("/proc/uptime", open("/proc/uptime", O_RDONLY));
	try("/proc", open("/proc", O_RDONLY | O_DIRECTORY));
	try("/", open("/", O_RDONLY | O_DIRECTORY));
	return 0;
}
