/*
 * pipes.c — pipes: a megabyte through a pipe between processes arrives
 * whole and in order; four writers of PIPE_BUF-sized records never
 * interleave; end of file once every write end is closed; EPIPE and
 * SIGPIPE with no reader; EAGAIN on an empty non-blocking pipe; FIONREAD;
 * fstat says FIFO; epoll sees a pipe become readable and its writer hang
 * up. Only results are printed. Exit status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int sigpipes;
static void on_pipe(int sig) { (void)sig; sigpipes++; }

int main(void)
{
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		static unsigned char buf[1 << 20];
		for (int i = 0; i < (int)sizeof buf; i++)
			buf[i] = (unsigned char)(i * 7 + i / 4096);
		write(p[1], buf, sizeof buf);
		_exit(0);
	}
	close(p[1]);
	unsigned long sum = 0, total = 0, pos = 0;
	int ok = 1;
	unsigned char b[7000];
	ssize_t n;
	while ((n = read(p[0], b, sizeof b)) > 0) {
		for (ssize_t i = 0; i < n; i++, pos++) {
			sum += b[i];
			if (b[i] != (unsigned char)(pos * 7 + pos / 4096))
				ok = 0;
		}
		total += n;
	}
	waitpid(c, NULL, 0);
	printf("1 MiB through a pipe: %lu bytes, in order: %s, then EOF: %s\n", total, ok ? "yes" : "no", n == 0 ? "yes" : "no");
	close(p[0]);

	pipe(p);
	for (int w = 0; w < 4; w++)
		if (fork() == 0) {
			close(p[0]);
			char rec[4096];
			memset(rec, 'a' + w, sizeof rec);
			for (int i = 0; i < 8; i++)
				write(p[1], rec, sizeof rec);
			_exit(0);
		}
	close(p[1]);
	int records = 0, torn = 0;
	char rec[4096];
	size_t have = 0;
	while ((n = read(p[0], rec + have, sizeof rec - have)) > 0) {
		have += n;
		if (have == sizeof rec) {
			for (size_t i = 1; i < sizeof rec; i++)
				if (rec[i] != rec[0])
					torn = 1;
			records++;
			have = 0;
		}
	}
	while (wait(NULL) > 0)
		;
	printf("4 writers x 8 records of PIPE_BUF: %d records, none torn: %s\n", records, torn ? "no" : "yes");
	close(p[0]);

	signal(SIGPIPE, on_pipe);
	pipe(p);
	close(p[0]);
	errno = 0;
	n = write(p[1], "x", 1);
	printf("write with no reader: %zd %s, SIGPIPE handled: %d\n", n, errno == EPIPE ? "EPIPE" : "other", sigpipes);
	close(p[1]);

	pipe2(p, O_NONBLOCK);
	errno = 0;
	n = read(p[0], b, 10);
	printf("empty non-blocking read: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : "other");
	write(p[1], "hello", 5);
	int avail = 0;
	ioctl(p[0], FIONREAD, &avail);
	struct stat st;
	fstat(p[0], &st);
	printf("FIONREAD: %d, S_ISFIFO: %s\n", avail, S_ISFIFO(st.st_mode) ? "yes" : "no");

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	int ready = epoll_wait(ep, &out, 1, 0);
	printf("epoll: readable: %s\n", ready == 1 && (out.events & EPOLLIN) ? "yes" : "no");
	read(p[0], b, sizeof b);
	ready = epoll_wait(ep, &out, 1, 0);
	close(p[1]);
	int hup = epoll_wait(ep, &out, 1, 0);
	printf("epoll: drained: %d; writer closed: %s\n", ready, hup == 1 && (out.events & EPOLLHUP) ? "EPOLLHUP" : "nothing");
	return 0;
}
