/*
 * unix_pair.c — Unix socket pairs. A stream between two processes: 1 MiB
 * from a child arrives whole and in order through small reads (the writer
 * waits for room), and an echo of 256 records. Stream writes merge in one
 * read, MSG_WAITALL waits across writes, MSG_PEEK leaves data queued,
 * MSG_DONTWAIT on an empty socket is EAGAIN, SIOCINQ counts what is queued.
 * Datagrams keep their boundaries (a zero-length one too) and are cut to
 * the buffer; seqpacket messages are cut with MSG_TRUNC in msg_flags, and
 * MSG_TRUNC in flags returns the full length; sendmmsg and recvmmsg with
 * MSG_WAITFORONE. shutdown: end of file after the peer's SHUT_WR, EPIPE and
 * SIGPIPE after its SHUT_RD, MSG_NOSIGNAL, ECONNRESET (and SO_ERROR) after
 * a close with data unread, end of file after the peer's close. A blocked
 * receive with an SA_RESTART handler continues; without SA_RESTART a
 * blocked recv, send and accept end in EINTR (or the bytes sent), and so
 * does a recv with SO_RCVTIMEO even under SA_RESTART. poll, select and
 * epoll readiness, EPOLLRDHUP. Options: SO_TYPE, SO_DOMAIN, SO_PROTOCOL,
 * SO_ACCEPTCONN, SO_SNDBUF and SO_RCVBUF set and read back, SO_PEERCRED
 * against the creator's pid, uid and gid; fstat says socket. Errors by
 * name. Only results are printed. Exit status 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int sigpipes, usr1s;
static void on_pipe(int sig) { (void)sig; sigpipes++; }
static void on_usr1(int sig) { (void)sig; usr1s++; }

/* res prints a call's result: the count, or the errno's name. */
static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int revents(int fd, short ev)
{
	struct pollfd p = {fd, ev, 0};
	poll(&p, 1, 0);
	return p.revents;
}

static void stream_transfer(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		static unsigned char buf[1 << 20];
		for (int i = 0; i < (int)sizeof buf; i++)
			buf[i] = (unsigned char)(i * 13 + i / 1000);
		if (write(sv[1], buf, sizeof buf) != sizeof buf)
			_exit(1);
		/* then echo records until end of file */
		char rec[64];
		ssize_t n;
		while ((n = recv(sv[1], rec, sizeof rec, MSG_WAITALL)) > 0)
			if (send(sv[1], rec, n, 0) != n)
				_exit(2);
		_exit(n == 0 ? 0 : 3);
	}
	close(sv[1]);
	unsigned long total = 0;
	int ok = 1;
	unsigned char b[7000];
	while (total < (1 << 20)) {
		ssize_t n = read(sv[0], b, sizeof b);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++, total++)
			if (b[i] != (unsigned char)(total * 13 + total / 1000))
				ok = 0;
	}
	printf("stream 1 MiB: %lu bytes, in order: %s\n", total, ok ? "yes" : "no");
	int echoed = 0;
	for (int i = 0; i < 256; i++) {
		char rec[64], back[64];
		memset(rec, 'a' + i % 26, sizeof rec);
		rec[0] = (char)i;
		if (send(sv[0], rec, sizeof rec, 0) != sizeof rec)
			break;
		if (recv(sv[0], back, sizeof back, MSG_WAITALL) != sizeof back || memcmp(rec, back, sizeof rec) != 0)
			break;
		echoed++;
	}
	printf("echoed records: %d\n", echoed);
	shutdown(sv[0], SHUT_WR);
	int st;
	waitpid(c, &st, 0);
	printf("echo child: exit %d\n", WEXITSTATUS(st));
	close(sv[0]);
}

static void stream_semantics(void)
{
	int sv[2];
	char b[64];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct stat st;
	fstat(sv[0], &st);
	printf("fstat socket: %s\n", S_ISSOCK(st.st_mode) ? "yes" : "no");
	res("recv empty MSG_DONTWAIT", recv(sv[1], b, sizeof b, MSG_DONTWAIT));
	send(sv[0], "abc", 3, 0);
	send(sv[0], "defg", 4, 0);
	int inq = -1;
	ioctl(sv[1], SIOCINQ, &inq);
	printf("SIOCINQ: %d\n", inq);
	res("peek", recv(sv[1], b, sizeof b, MSG_PEEK));
	res("read merges", read(sv[1], b, sizeof b));
	printf("  data %.7s\n", b);
	send(sv[0], "12", 2, 0);
	send(sv[0], "345", 3, 0);
	res("recv 3 of 5", recv(sv[1], b, 3, 0));
	res("recv rest", recv(sv[1], b, sizeof b, 0));
	if (fork() == 0) {
		send(sv[0], "xy", 2, 0);
		send(sv[0], "z", 1, 0);
		_exit(0);
	}
	memset(b, 0, sizeof b);
	res("MSG_WAITALL 3", recv(sv[1], b, 3, MSG_WAITALL));
	printf("  data %s\n", b);
	wait(NULL);
	res("read 0 bytes", read(sv[1], b, 0));

	/* a blocked receive and a signal whose handler has SA_RESTART */
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t parent = getpid();
	if (fork() == 0) {
		kill(parent, SIGUSR1);
		send(sv[0], "late", 4, 0);
		_exit(0);
	}
	memset(b, 0, sizeof b);
	res("recv across a signal", recv(sv[1], b, 4, MSG_WAITALL));
	wait(NULL);
	printf("  data %s, handler ran %d\n", b, usr1s);

	/* shutdown */
	shutdown(sv[0], SHUT_WR);
	res("recv after peer SHUT_WR", recv(sv[1], b, sizeof b, 0));
	printf("revents after peer SHUT_WR: %#x\n", revents(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	sigpipes = 0;
	res("send after own SHUT_WR", send(sv[0], "x", 1, 0));
	printf("  SIGPIPE %d\n", sigpipes);
	res("send back still works", send(sv[1], "ok", 2, 0));
	res("recv it", recv(sv[0], b, sizeof b, 0));
	shutdown(sv[0], SHUT_RD);
	res("send after peer SHUT_RD", send(sv[1], "x", 1, 0));
	printf("  SIGPIPE %d\n", sigpipes);
	res("send MSG_NOSIGNAL", send(sv[1], "x", 1, MSG_NOSIGNAL));
	printf("  SIGPIPE %d\n", sigpipes);
	printf("revents both shut: %#x\n", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	res("shutdown bad how", shutdown(sv[0], 7));
	close(sv[0]);
	close(sv[1]);

	/* close with data unread: ECONNRESET once */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[1], "unread", 6, 0);
	send(sv[0], "for you", 7, 0);
	close(sv[0]);
	printf("revents after reset: %#x\n", revents(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	res("recv queued data", recv(sv[1], b, sizeof b, 0));
	int e = -1;
	socklen_t l = sizeof e;
	getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &e, &l);
	printf("SO_ERROR: %s\n", e ? strerrorname_np(e) : "0");
	res("recv after", recv(sv[1], b, sizeof b, 0));
	res("send to closed peer", send(sv[1], "x", 1, 0));
	printf("  SIGPIPE %d\n", sigpipes);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[0], "bye", 3, 0);
	close(sv[0]);
	res("recv before EOF", recv(sv[1], b, sizeof b, 0));
	res("recv EOF", recv(sv[1], b, sizeof b, 0));
	close(sv[1]);
}

static void datagrams(void)
{
	int sv[2];
	char b[64];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "one", 3, 0);
	send(sv[0], "", 0, 0);
	send(sv[0], "three", 5, 0);
	send(sv[0], "fourteen bytes", 14, 0);
	int inq = -1;
	ioctl(sv[1], SIOCINQ, &inq);
	printf("dgram SIOCINQ: %d\n", inq);
	res("dgram 1", recv(sv[1], b, sizeof b, 0));
	res("dgram 2 (empty)", recv(sv[1], b, sizeof b, 0));
	res("dgram 3 peek", recv(sv[1], b, sizeof b, MSG_PEEK));
	res("dgram 3", recv(sv[1], b, sizeof b, 0));
	res("dgram 4 into 4 bytes", recv(sv[1], b, 4, 0));
	res("dgram empty MSG_DONTWAIT", recv(sv[1], b, sizeof b, MSG_DONTWAIT));
	send(sv[0], "hello", 5, 0);
	struct msghdr m = {0};
	struct iovec iov = {b, 2};
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	res("dgram recvmsg 2 of 5", recvmsg(sv[1], &m, 0));
	printf("  MSG_TRUNC set: %s\n", m.msg_flags & MSG_TRUNC ? "yes" : "no");
	/* scatter over three buffers */
	char x[2], y[3], z[10];
	struct iovec v3[3] = {{x, 2}, {y, 3}, {z, 10}};
	send(sv[0], "abcdefgh", 8, 0);
	m.msg_iov = v3;
	m.msg_iovlen = 3;
	res("dgram scattered", recvmsg(sv[1], &m, 0));
	printf("  %.2s|%.3s|%.3s\n", x, y, z);

	/* several messages per call */
	struct mmsghdr mm[5];
	struct iovec mv[5];
	char mb[5][8];
	const char *words[3] = {"alpha", "be", "gamma!"};
	memset(mm, 0, sizeof mm);
	for (int i = 0; i < 3; i++) {
		mv[i].iov_base = (void *)words[i];
		mv[i].iov_len = strlen(words[i]);
		mm[i].msg_hdr.msg_iov = &mv[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	res("sendmmsg 3", sendmmsg(sv[0], mm, 3, 0));
	printf("  msg_len %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	memset(mm, 0, sizeof mm);
	for (int i = 0; i < 5; i++) {
		mv[i].iov_base = mb[i];
		mv[i].iov_len = sizeof mb[i];
		mm[i].msg_hdr.msg_iov = &mv[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	res("recvmmsg 5 MSG_WAITFORONE", recvmmsg(sv[1], mm, 5, MSG_WAITFORONE, NULL));
	printf("  msg_len %u %u %u: %.5s %.2s %.6s\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len, mb[0], mb[1], mb[2]);
	res("recvmmsg empty MSG_DONTWAIT", recvmmsg(sv[1], mm, 5, MSG_DONTWAIT, NULL));
	close(sv[1]);
	res("dgram send to closed peer", send(sv[0], "x", 1, 0));
	res("dgram send again", send(sv[0], "x", 1, 0));
	close(sv[0]);

	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	send(sv[0], "0123456789", 10, 0);
	send(sv[0], "abcdef", 6, 0);
	send(sv[0], "XYZ", 3, 0);
	iov.iov_len = 4;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_flags = 0;
	res("seqpacket 4 of 10", recvmsg(sv[1], &m, 0));
	printf("  %.4s MSG_TRUNC set: %s\n", b, m.msg_flags & MSG_TRUNC ? "yes" : "no");
	res("seqpacket MSG_TRUNC flag", recv(sv[1], b, 2, MSG_TRUNC));
	res("seqpacket whole", recv(sv[1], b, sizeof b, 0));
	close(sv[0]);
	res("seqpacket EOF", recv(sv[1], b, sizeof b, 0));
	sigpipes = 0;
	res("seqpacket send to closed", send(sv[1], "x", 1, 0));
	printf("  SIGPIPE %d\n", sigpipes);
	close(sv[1]);
}

static void readiness(void)
{
	int sv[2];
	char b[16];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	printf("O_NONBLOCK from SOCK_NONBLOCK: %s\n", fcntl(sv[0], F_GETFL) & O_NONBLOCK ? "yes" : "no");
	printf("poll fresh pair: %#x\n", revents(sv[0], POLLIN | POLLOUT));
	res("read non-blocking empty", read(sv[0], b, sizeof b));
	send(sv[1], "r", 1, 0);
	printf("poll with data: %#x\n", revents(sv[0], POLLIN | POLLOUT));
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sv[0], &rd);
	FD_SET(sv[1], &rd);
	FD_SET(sv[1], &wr);
	struct timeval tv = {0, 0};
	int n = select(sv[1] + 1, &rd, &wr, NULL, &tv);
	printf("select: %d, readable %d %d, writable %d\n", n, FD_ISSET(sv[0], &rd) != 0, FD_ISSET(sv[1], &rd) != 0,
	       FD_ISSET(sv[1], &wr) != 0);
	recv(sv[0], b, sizeof b, 0);

	/* fill it: non-blocking sends end in EAGAIN and POLLOUT goes */
	static char big[65536];
	long total = 0, r;
	while ((r = send(sv[1], big, sizeof big, 0)) > 0)
		total += r;
	printf("filled: %s, then %s\n", total > 0 ? "yes" : "no", strerrorname_np(errno));
	printf("poll full: %#x\n", revents(sv[1], POLLOUT));
	while (recv(sv[0], big, sizeof big, 0) > 0)
		;
	printf("poll drained: %#x\n", revents(sv[1], POLLOUT));

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = 7}, out[4];
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	printf("epoll idle: %d\n", epoll_wait(ep, out, 4, 0));
	if (fork() == 0) {
		send(sv[1], "w", 1, 0);
		_exit(0);
	}
	n = epoll_wait(ep, out, 4, -1);
	printf("epoll after a send: %d events %#x data %u\n", n, out[0].events, out[0].data.u32);
	wait(NULL);
	recv(sv[0], b, sizeof b, 0);
	shutdown(sv[1], SHUT_WR);
	n = epoll_wait(ep, out, 4, -1);
	printf("epoll after peer SHUT_WR: %d events %#x\n", n, out[0].events);
	close(ep);
	close(sv[0]);
	close(sv[1]);
}

static void options(void)
{
	int sv[2], v;
	socklen_t l;
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
	printf("FD_CLOEXEC from SOCK_CLOEXEC: %s\n", fcntl(sv[0], F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	static const struct {
		int opt;
		const char *name;
	} ints[] = {
		{SO_TYPE, "SO_TYPE"}, {SO_DOMAIN, "SO_DOMAIN"}, {SO_PROTOCOL, "SO_PROTOCOL"},
		{SO_ACCEPTCONN, "SO_ACCEPTCONN"}, {SO_ERROR, "SO_ERROR"}, {SO_PASSCRED, "SO_PASSCRED"},
	};
	for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		l = sizeof v;
		v = -1;
		long r = getsockopt(sv[0], SOL_SOCKET, ints[i].opt, &v, &l);
		if (r < 0)
			printf("%s: %s\n", ints[i].name, strerrorname_np(errno));
		else
			printf("%s: %d (len %u)\n", ints[i].name, v, l);
	}
	v = 16384;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
	l = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l);
	printf("SO_SNDBUF set 16384: %d\n", v);
	v = 10000;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
	l = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &l);
	printf("SO_RCVBUF set 10000: %d\n", v);
	short s2 = 1;
	res("setsockopt short value", setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &s2, sizeof s2));
	res("setsockopt SO_PEERCRED", setsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &v, sizeof v));
	res("getsockopt unknown", getsockopt(sv[0], SOL_SOCKET, 9999, &v, &l));
	res("getsockopt other level", getsockopt(sv[0], 6, 1, &v, &l));
	l = 2;
	v = 0;
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l);
	printf("SO_TYPE into 2 bytes: %d (len %u)\n", v, l);
	struct ucred uc;
	l = sizeof uc;
	res("SO_PEERCRED", getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &uc, &l));
	printf("  len %u pid is mine %s uid is mine %s gid is mine %s\n", l, uc.pid == getpid() ? "yes" : "no",
	       uc.uid == geteuid() ? "yes" : "no", uc.gid == getegid() ? "yes" : "no");
	struct timeval tv = {0, 20000}, tv2;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	l = sizeof tv2;
	getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv2, &l);
	printf("SO_RCVTIMEO: %ld.%06ld\n", (long)tv2.tv_sec, (long)tv2.tv_usec);
	char b[4];
	res("recv with SO_RCVTIMEO", recv(sv[0], b, sizeof b, 0));
	close(sv[0]);
	close(sv[1]);

	res("socket AF_UNIX SOCK_RDM", socket(AF_UNIX, SOCK_RDM, 0));
	res("socket AF_UNIX type 11", socket(AF_UNIX, 11, 0));
	res("socket AF_UNIX protocol 2", socket(AF_UNIX, SOCK_STREAM, 2));
	res("socket family 200", socket(200, SOCK_STREAM, 0));
	int raw = socket(AF_UNIX, SOCK_RAW, 0);
	l = sizeof v;
	getsockopt(raw, SOL_SOCKET, SO_TYPE, &v, &l);
	printf("SOCK_RAW is type %d\n", v);
	close(raw);
	res("getsockopt on a closed fd", getsockopt(1000, SOL_SOCKET, SO_TYPE, &v, &l));
	int p[2];
	pipe(p);
	res("getsockopt on a pipe", getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &l));
	res("send on a pipe", send(p[1], "x", 1, 0));
	close(p[0]);
	close(p[1]);
}

static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

/* alarm_in sets SIGALRM's handler (with SA_RESTART or not) and sends it in
 * 20 ms. */
static void alarm_in(int flags)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

/* A wait that a signal ends: EINTR without SA_RESTART; with SA_RESTART
 * too when the socket has a timeout (Linux's sock_intr_errno). */
static void interrupts(void)
{
	int sv[2];
	char b[4];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	alarm_in(0);
	res("recv interrupted", recv(sv[0], b, sizeof b, 0));
	struct timeval tv = {5, 0};
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	alarm_in(SA_RESTART);
	res("recv with a timeout interrupted under SA_RESTART", recv(sv[0], b, sizeof b, 0));
	static char big[1 << 20];
	alarm_in(0);
	res("send of 1 MiB interrupted after a part", send(sv[1], big, sizeof big, 0) > 0 ? 1 : -1);
	close(sv[0]);
	close(sv[1]);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	bind(l, (struct sockaddr *)&a, sizeof(sa_family_t));
	listen(l, 1);
	alarm_in(0);
	res("accept interrupted", accept(l, NULL, NULL));
	close(l);
	printf("alarms: %d\n", alarms);
}

int main(void)
{
	signal(SIGPIPE, on_pipe);
	setvbuf(stdout, NULL, _IONBF, 0);
	stream_transfer();
	stream_semantics();
	datagrams();
	readiness();
	options();
	interrupts();
	return 0;
}
