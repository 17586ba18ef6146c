/*
 * mq.c — POSIX message queues between two processes: priority order,
 * the limits, non-blocking and timed calls, readiness, and unlink.
 *
 * Checks, in order:
 *   mq_open: a new queue with the defaults (maxmsg 10, msgsize 8192),
 *     EEXIST with O_CREAT|O_EXCL, ENOENT without O_CREAT, EINVAL for
 *     maxmsg or msgsize 0, a name with a second slash EACCES; the
 *     descriptor is close-on-exec
 *   priority order between two processes: the parent sends six messages
 *     of priorities 1 5 3 5 1 0, a child receives them highest first and
 *     in order within a priority, and sends three of its own, which the
 *     parent receives highest first
 *   EMSGSIZE for a message longer than msgsize and for a buffer shorter
 *     than it; EINVAL for priority 32768; EBADF for sending on a
 *     read-only descriptor
 *   O_NONBLOCK: EAGAIN receiving from an empty queue and sending to a
 *     full one (after 10 messages); mq_setattr sets it, mq_getattr shows
 *     it and curmsgs
 *   a blocking mq_send on a full queue completes when a child receives
 *   mq_timedreceive: ETIMEDOUT after 20 ms on an empty queue, at once
 *     for a deadline in the past, EINVAL for a bad timespec
 *   read(2) of the descriptor: the QSIZE line; poll: POLLOUT only when
 *     empty, POLLIN|POLLOUT with a message, POLLIN only when full;
 *     epoll_wait wakes for a child's message
 *   mq_unlink: the name goes (ENOENT for open and unlink), the open
 *     descriptors still work
 * Only the parent prints. Queue names carry the pid, which is not
 * printed. Exits 0 (1 if a setup step fails). Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EACCES: return "EACCES";
	case EAGAIN: return "EAGAIN";
	case EMSGSIZE: return "EMSGSIZE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EBADF: return "EBADF";
	case EINTR: return "EINTR";
	}
	return "other";
}

static void attr(mqd_t q, const char *when)
{
	struct mq_attr a;
	mq_getattr(q, &a);
	printf("%s: flags %s maxmsg %ld msgsize %ld curmsgs %ld\n", when, a.mq_flags & O_NONBLOCK ? "O_NONBLOCK" : "0",
	       a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
}

static const char *events(short ev)
{
	static char buf[32];
	buf[0] = 0;
	if (ev & POLLIN)
		strcat(buf, "POLLIN ");
	if (ev & POLLOUT)
		strcat(buf, "POLLOUT ");
	if (!buf[0])
		strcpy(buf, "none ");
	buf[strlen(buf) - 1] = 0;
	return buf;
}

static void show_poll(mqd_t q, const char *when)
{
	struct pollfd pf = {q, POLLIN | POLLOUT, 0};
	int n = poll(&pf, 1, 0);
	printf("poll %s: %d %s\n", when, n, events(pf.revents));
}

static void absdeadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += ms * 1000000;
	while (ts->tv_nsec >= 1000000000) {
		ts->tv_nsec -= 1000000000;
		ts->tv_sec++;
	}
}

int main(void)
{
	char name[64], other[64];
	snprintf(name, sizeof name, "/vessel-mq-%d", (int)getpid());
	snprintf(other, sizeof other, "/vessel-mq-%d-b", (int)getpid());
	mq_unlink(name);
	mq_unlink(other);
	int r;
	static char buf[8192];
	unsigned prio;

	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	if (q < 0)
		return 1;
	attr(q, "new queue");
	int fdflags = fcntl(q, F_GETFD);
	printf("close-on-exec: %s\n", yesno(fdflags >= 0 && (fdflags & FD_CLOEXEC)));
	errno = 0;
	r = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	printf("O_CREAT|O_EXCL again: %d %s\n", r, ename(errno));
	errno = 0;
	r = mq_open(other, O_RDWR, 0600, NULL);
	printf("missing, no O_CREAT: %d %s\n", r, ename(errno));
	struct mq_attr bad = {0, 0, 100, 0, {0}};
	errno = 0;
	r = mq_open(other, O_RDWR | O_CREAT, 0600, &bad);
	printf("maxmsg 0: %d %s\n", r, ename(errno));
	bad.mq_maxmsg = 4;
	bad.mq_msgsize = 0;
	errno = 0;
	r = mq_open(other, O_RDWR | O_CREAT, 0600, &bad);
	printf("msgsize 0: %d %s\n", r, ename(errno));
	errno = 0;
	r = mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL);
	printf("a name with a slash: %d %s\n", r, ename(errno));

	/* Priority order between two processes. */
	static const struct {
		unsigned prio;
		const char *text;
	} msgs[] = {{1, "low-a"}, {5, "high-a"}, {3, "mid"}, {5, "high-b"}, {1, "low-b"}, {0, "zero"}};
	for (int i = 0; i < 6; i++)
		if (mq_send(q, msgs[i].text, strlen(msgs[i].text), msgs[i].prio) < 0)
			return 1;
	attr(q, "six sent");
	int p[2];
	if (pipe(p) < 0)
		return 1;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		/* Receive all six, send three back, tell the parent what came. */
		char line[512] = "";
		for (int i = 0; i < 6; i++) {
			ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
			if (n < 0)
				_exit(1);
			char item[64];
			snprintf(item, sizeof item, "%s%.*s(%u)", i ? " " : "", (int)n, buf, prio);
			strcat(line, item);
		}
		strcat(line, "\n");
		mq_send(q, "c-low", 5, 2);
		mq_send(q, "c-high", 6, 9);
		mq_send(q, "c-mid", 5, 4);
		if (write(p[1], line, strlen(line)) < 0)
			_exit(1);
		_exit(0);
	}
	char line[512];
	ssize_t n = read(p[0], line, sizeof line - 1);
	if (n <= 0)
		return 1;
	line[n] = 0;
	printf("the child received: %s", line);
	printf("the parent receives:");
	for (int i = 0; i < 3; i++) {
		n = mq_receive(q, buf, sizeof buf, &prio);
		printf(" %.*s(%u)", (int)n, buf, prio);
	}
	printf("\n");
	int st;
	waitpid(c, &st, 0);

	/* Sizes, priorities, access. */
	static char big[8193];
	errno = 0;
	r = mq_send(q, big, 8193, 0);
	printf("8193 bytes: %d %s\n", r, ename(errno));
	errno = 0;
	n = mq_receive(q, buf, 8191, NULL);
	printf("8191-byte buffer: %zd %s\n", n, ename(errno));
	errno = 0;
	r = mq_send(q, "x", 1, 32768);
	printf("priority 32768: %d %s\n", r, ename(errno));
	mqd_t ro = mq_open(name, O_RDONLY | O_NONBLOCK);
	errno = 0;
	r = mq_send(ro, "x", 1, 0);
	printf("send on O_RDONLY: %d %s\n", r, ename(errno));

	/* Non-blocking. */
	attr(ro, "O_NONBLOCK descriptor");
	errno = 0;
	n = mq_receive(ro, buf, sizeof buf, NULL);
	printf("empty, O_NONBLOCK: %zd %s\n", n, ename(errno));
	show_poll(q, "empty");
	mq_send(q, "hello", 5, 0);
	mq_send(q, "world", 5, 0);
	show_poll(q, "two messages");
	char text[128];
	n = read(q, text, sizeof text - 1);
	text[n > 0 ? n : 0] = 0;
	printf("read: %s", text);
	n = read(q, text, sizeof text - 1);
	printf("read again: %zd\n", n);
	for (int i = 2; i < 10; i++)
		mq_send(q, "fill", 4, 0);
	show_poll(q, "full");
	struct mq_attr nb = {O_NONBLOCK, 0, 0, 0, {0}}, old;
	mq_setattr(q, &nb, &old);
	printf("mq_setattr: old flags %s\n", old.mq_flags & O_NONBLOCK ? "O_NONBLOCK" : "0");
	attr(q, "full");
	errno = 0;
	r = mq_send(q, "x", 1, 0);
	printf("full, O_NONBLOCK: %d %s\n", r, ename(errno));
	nb.mq_flags = 0;
	mq_setattr(q, &nb, NULL);

	/* A blocking send waits for a receive. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		usleep(20000);
		n = mq_receive(q, buf, sizeof buf, NULL);
		_exit(n == 5 && memcmp(buf, "hello", 5) == 0 ? 0 : 3);
	}
	r = mq_send(q, "late", 4, 7);
	waitpid(c, &st, 0);
	printf("blocking send on a full queue: %d; the child got the oldest: %s\n", r, yesno(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	n = mq_receive(q, buf, sizeof buf, &prio);
	printf("first now: %.*s(%u)\n", (int)n, buf, prio);
	while (mq_receive(ro, buf, sizeof buf, NULL) >= 0)
		;

	/* Timed receive. */
	struct timespec ts;
	absdeadline(&ts, 20);
	errno = 0;
	n = mq_timedreceive(q, buf, sizeof buf, NULL, &ts);
	printf("mq_timedreceive 20 ms, empty: %zd %s\n", n, ename(errno));
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	errno = 0;
	n = mq_timedreceive(q, buf, sizeof buf, NULL, &ts);
	printf("deadline in the past: %zd %s\n", n, ename(errno));
	ts.tv_nsec = 2000000000;
	mq_send(q, "m", 1, 0);
	errno = 0;
	n = mq_timedreceive(q, buf, sizeof buf, NULL, &ts);
	printf("bad timespec, a message queued: %zd %s\n", n, ename(errno));
	absdeadline(&ts, 1000);
	n = mq_timedreceive(q, buf, sizeof buf, NULL, &ts);
	printf("mq_timedreceive with a message: %zd\n", n);

	/* epoll: a child's message wakes an epoll_wait on the queue. */
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, got;
	epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		usleep(10000);
		_exit(mq_send(q, "ep", 2, 3) == 0 ? 0 : 3);
	}
	int ne = epoll_wait(ep, &got, 1, 10000);
	waitpid(c, &st, 0);
	printf("epoll_wait: %d, EPOLLIN %s, data %u\n", ne, yesno(ne == 1 && got.events == EPOLLIN), got.data.u32);
	n = mq_receive(q, buf, sizeof buf, &prio);
	printf("then: %.*s(%u)\n", (int)n, buf, prio);
	close(ep);

	/* Unlink. */
	r = mq_unlink(name);
	printf("mq_unlink: %d\n", r);
	errno = 0;
	r = mq_open(name, O_RDWR);
	printf("open after unlink: %d %s\n", r, ename(errno));
	errno = 0;
	r = mq_unlink(name);
	printf("unlink again: %d %s\n", r, ename(errno));
	r = mq_send(q, "still", 5, 1);
	n = mq_receive(ro, buf, sizeof buf, &prio);
	printf("the descriptors still work: %d %.*s(%u)\n", r, (int)n, buf, prio);
	mq_close(ro);
	mq_close(q);
	return 0;
}
