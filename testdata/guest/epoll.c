/*
 * epoll.c — eventfd and epoll: an eventfd's counter (read takes it all,
 * or 1 with EFD_SEMAPHORE; EAGAIN when zero and non-blocking); epoll
 * level-triggered reports while ready, edge-triggered once per change,
 * EPOLLONESHOT once until EPOLL_CTL_MOD; a timeout of 0 and of 20 ms with
 * nothing ready; an eventfd written by a thread wakes a waiter; epoll_ctl
 * errors: EEXIST, ENOENT, EPERM for a regular file, EINVAL for itself.
 * Only results are printed. Exit status 0. Arguments: none.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int r)
{
	if (r >= 0)
		return "ok";
	switch (errno) {
	case EAGAIN: return "EAGAIN";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	default: return strerror(errno);
	}
}

static int efd2;

static void *poke(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
	uint64_t one = 1;
	write(efd2, &one, 8);
	return NULL;
}

static int wait1(int ep, int ms, uint64_t *data)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, ms);
	if (n == 1 && data)
		*data = ev.data.u64;
	return n;
}

int main(void)
{
	int efd = eventfd(3, EFD_NONBLOCK);
	uint64_t v = 0, two = 2;
	write(efd, &two, 8);
	read(efd, &v, 8);
	int r = read(efd, &v, 8);
	printf("eventfd: read %llu, then empty: %s\n", (unsigned long long)v, ename(r));
	int sem = eventfd(2, EFD_SEMAPHORE);
	uint64_t a = 0, b = 0;
	read(sem, &a, 8);
	read(sem, &b, 8);
	printf("semaphore: %llu %llu\n", (unsigned long long)a, (unsigned long long)b);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	printf("nothing ready, timeout 0: %d\n", wait1(ep, 0, NULL));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = wait1(ep, 20, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("timeout 20 ms: %d events, waited at least 20 ms: %s\n", n, ms >= 20 ? "yes" : "no");
	uint64_t one = 1, data = 0;
	write(efd, &one, 8);
	n = wait1(ep, -1, &data);
	int n2 = wait1(ep, 0, NULL);
	printf("level-triggered: %d (data %llu), again: %d\n", n, (unsigned long long)data, n2);

	ev.events = EPOLLIN | EPOLLET;
	epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev);
	n = wait1(ep, 0, NULL);
	n2 = wait1(ep, 0, NULL);
	write(efd, &one, 8);
	int n3 = wait1(ep, 0, NULL);
	printf("edge-triggered: %d, again: %d, after a write: %d\n", n, n2, n3);

	ev.events = EPOLLIN | EPOLLONESHOT;
	epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev);
	n = wait1(ep, 0, NULL);
	n2 = wait1(ep, 0, NULL);
	epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev);
	n3 = wait1(ep, 0, NULL);
	printf("oneshot: %d, again: %d, after MOD: %d\n", n, n2, n3);
	read(efd, &v, 8);

	efd2 = eventfd(0, 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 9;
	epoll_ctl(ep, EPOLL_CTL_ADD, efd2, &ev);
	pthread_t th;
	pthread_create(&th, NULL, poke, NULL);
	data = 0;
	n = wait1(ep, 5000, &data);
	pthread_join(th, NULL);
	printf("woken by a thread's write: %d (data %llu)\n", n, (unsigned long long)data);

	r = epoll_ctl(ep, EPOLL_CTL_ADD, efd2, &ev);
	printf("add twice: %s\n", ename(r));
	r = epoll_ctl(ep, EPOLL_CTL_DEL, 99, &ev);
	printf("delete a closed fd: %s\n", r < 0 && errno == EBADF ? "EBADF" : ename(r));
	int other = eventfd(0, 0);
	r = epoll_ctl(ep, EPOLL_CTL_DEL, other, &ev);
	printf("delete an fd not added: %s\n", ename(r));
	int file = open("/proc/self/exe", O_RDONLY);
	if (file < 0)
		file = open("/", O_RDONLY);
	r = epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev);
	printf("add a regular file: %s\n", ename(r));
	r = epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev);
	printf("add itself: %s\n", ename(r));
	return 0;
}
