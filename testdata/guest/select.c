/*
 * select.c — select, pselect and poll over pipes: nothing ready with a
 * zero timeout; the write end writable at once; the read end readable
 * after a write and at end of file; a bad descriptor in a set is EBADF
 * (select) but POLLNVAL (poll); a timeout of 20 ms passes; pipe capacity
 * through F_GETPIPE_SZ and F_SETPIPE_SZ. Only results are printed. Exit
 * status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	pipe(p);
	fd_set r, w;
	struct timeval zero = {0, 0};
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	int n = select(p[0] + 1, &r, NULL, NULL, &zero);
	printf("empty pipe, zero timeout: %d\n", n);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	n = select(p[1] + 1, &r, &w, NULL, &zero);
	printf("write end writable: %d (read set %d, write set %d)\n", n, FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = {1, 0};
	n = pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL);
	printf("after a write, pselect: %d, readable %d\n", n, FD_ISSET(p[0], &r));
	FD_ZERO(&r);
	FD_SET(40, &r);
	errno = 0;
	n = select(41, &r, NULL, NULL, &zero);
	printf("bad descriptor in select: %d %s\n", n, errno == EBADF ? "EBADF" : "other");
	struct pollfd pf[2] = {{.fd = 40, .events = POLLIN}, {.fd = p[0], .events = POLLIN}};
	n = poll(pf, 2, 0);
	printf("poll: %d, POLLNVAL %s, POLLIN %s\n", n, pf[0].revents & POLLNVAL ? "yes" : "no", pf[1].revents & POLLIN ? "yes" : "no");
	char c;
	read(p[0], &c, 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct timeval twenty = {0, 20000};
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	n = select(p[0] + 1, &r, NULL, NULL, &twenty);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("20 ms timeout: %d, waited at least 20 ms: %s\n", n, ms >= 20 ? "yes" : "no");
	close(p[1]);
	pf[1].revents = 0;
	n = poll(&pf[1], 1, 1000);
	printf("writer closed: poll %d, POLLHUP %s\n", n, pf[1].revents & POLLHUP ? "yes" : "no");
	int q[2];
	pipe(q);
	int sz = fcntl(q[0], F_GETPIPE_SZ);
	int nsz = fcntl(q[0], F_SETPIPE_SZ, 100000);
	printf("pipe size %d, after F_SETPIPE_SZ(100000): %d, now %d\n", sz, nsz, fcntl(q[1], F_GETPIPE_SZ));
	return 0;
}
