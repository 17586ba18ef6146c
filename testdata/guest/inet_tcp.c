/*
 * inet_tcp.c — TCP on the loopback between processes. An echo server in a
 * child process and a client in the parent, over 127.0.0.1, over ::1, and
 * from an IPv4 client to an IPv6 listener on :: (IPv4-mapped addresses on
 * the server's side); 256 KiB each way, the client shutting down its
 * writing half to end the stream. getsockname and getpeername on every
 * side: family, length, address, and whether the port is the listener's
 * (ports are chosen by bind(0) and never printed). A non-blocking connect:
 * EINPROGRESS, poll POLLOUT, SO_ERROR 0, a second connect 0 and a third
 * EISCONN; to a closed port EINPROGRESS, POLLERR|POLLHUP|POLLOUT and
 * SO_ERROR ECONNREFUSED, then ECONNABORTED; a blocking connect there
 * ECONNREFUSED. A listener: not readable, then readable (poll and epoll)
 * with a connection waiting; accept4's flags; listen on an unbound socket
 * taking a port. Shutdown: SHUT_WR gives the peer end of file (EPOLLRDHUP)
 * while the other direction still works, writing after it is EPIPE;
 * SHUT_RD does not stop the peer's data, which is still read; both ways
 * EPOLLHUP. A close with data unread resets the peer (ECONNRESET, then end
 * of file); a listener closed with a connection never accepted resets it.
 * MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, SIOCINQ, recvfrom's empty address.
 * EADDRINUSE, SO_REUSEADDR rules, IPV6_V6ONLY, EADDRNOTAVAIL, bind's and
 * connect's EINVAL and EAFNOSUPPORT, socket options and their defaults,
 * socket(2)'s errors. Children's output goes through a pipe and is printed
 * once they are reaped. Exit status 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (256 * 1024)

static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* show prints an address: its family, its length, the address, and the
 * port compared with want (0: is it zero; -1: is it another one). */
static void show(const char *what, const struct sockaddr_storage *ss, socklen_t len, int want)
{
	char buf[INET6_ADDRSTRLEN];
	const char *fam = "?";
	if (ss->ss_family == AF_INET) {
		fam = "AF_INET";
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, sizeof buf);
	} else if (ss->ss_family == AF_INET6) {
		fam = "AF_INET6";
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, sizeof buf);
	} else {
		snprintf(buf, sizeof buf, "family %d", ss->ss_family);
	}
	int p = port_of(ss);
	const char *port = want > 0 ? (p == want ? "the listener's" : "another")
				    : want == 0 ? (p == 0 ? "0" : "not 0")
						: (p != 0 ? "an ephemeral one" : "0");
	printf("%s: %s len %u %s port %s\n", what, fam, len, buf, port);
}

static void name(const char *what, int fd, int want, int peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&ss, &len) < 0) {
		printf("%s: %s\n", what, strerrorname_np(errno));
		return;
	}
	show(what, &ss, len, want);
}

static socklen_t addr4(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof *ss);
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
	return sizeof *a;
}

static socklen_t addr6(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a->sin6_addr);
	return sizeof *a;
}

static socklen_t addr(int family, struct sockaddr_storage *ss, const char *ip, int port)
{
	return family == AF_INET ? addr4(ss, ip, port) : addr6(ss, ip, port);
}

/* listener makes a listening socket bound to ip port 0 and returns it,
 * with its port in *port. */
static int listener(int family, const char *ip, int *port)
{
	struct sockaddr_storage ss;
	int l = socket(family, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	socklen_t len = addr(family, &ss, ip, 0);
	if (bind(l, (struct sockaddr *)&ss, len) < 0 || listen(l, 8) < 0) {
		printf("listener %s: %s\n", ip, strerrorname_np(errno));
		exit(1);
	}
	len = sizeof ss;
	getsockname(l, (struct sockaddr *)&ss, &len);
	*port = port_of(&ss);
	return l;
}

/* closed_port returns a port nothing listens on: one bind(0) gave and the
 * socket closed again. */
static int closed_port(int family, const char *ip)
{
	struct sockaddr_storage ss;
	int s = socket(family, SOCK_STREAM, 0);
	socklen_t len = addr(family, &ss, ip, 0);
	bind(s, (struct sockaddr *)&ss, len);
	len = sizeof ss;
	getsockname(s, (struct sockaddr *)&ss, &len);
	close(s);
	return port_of(&ss);
}

static int outp[2];

/* child forks a process whose stdout goes to a pipe, printed by
 * waitchild once it is reaped. */
static pid_t child(void)
{
	fflush(stdout);
	pipe(outp);
	pid_t c = fork();
	if (c == 0) {
		close(outp[0]);
		dup2(outp[1], 1);
		close(outp[1]);
	} else {
		close(outp[1]);
	}
	return c;
}

static int waitchild(pid_t c)
{
	int st;
	waitpid(c, &st, 0);
	char buf[4096];
	ssize_t n;
	while ((n = read(outp[0], buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	close(outp[0]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/* echo serves one connection on listener l: it echoes what it reads until
 * end of file, then closes. It prints the accepted socket's names. */
static void echo(int l, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int c = accept(l, (struct sockaddr *)&ss, &len);
	if (c < 0) {
		printf("accept: %s\n", strerrorname_np(errno));
		_exit(1);
	}
	show("server accept's address", &ss, len, -1);
	name("server getsockname", c, port, 0);
	name("server getpeername", c, -1, 1);
	char buf[8192];
	long total = 0;
	ssize_t n;
	while ((n = read(c, buf, sizeof buf)) > 0) {
		total += n;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(c, buf + off, n - off);
			if (w <= 0) {
				printf("server write: %s\n", strerrorname_np(errno));
				_exit(1);
			}
			off += w;
		}
	}
	printf("server echoed %ld bytes, then %s\n", total, n == 0 ? "end of file" : strerrorname_np(errno));
	close(c);
	_exit(0);
}

/* echo_test runs an echo server in a child on a listener of lfamily at
 * lip and connects a client of cfamily to cip. */
static void echo_test(const char *title, int lfamily, const char *lip, int cfamily, const char *cip)
{
	printf("-- %s\n", title);
	int port;
	int l = listener(lfamily, lip, &port);
	name("listener getsockname", l, port, 0);
	pid_t c = child();
	if (c == 0)
		echo(l, port);
	close(l);
	int s = socket(cfamily, SOCK_STREAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = addr(cfamily, &ss, cip, port);
	res("connect", connect(s, (struct sockaddr *)&ss, len));
	name("client getsockname", s, -1, 0);
	name("client getpeername", s, port, 1);
	/* Write and read at once, the writes non-blocking, so that neither
	 * side's buffers need hold everything. */
	static unsigned char out[BIG], in[BIG];
	for (long i = 0; i < BIG; i++)
		out[i] = pattern(i);
	long sent = 0, got = 0;
	fcntl(s, F_SETFL, O_NONBLOCK);
	while (got < BIG) {
		struct pollfd p = {s, POLLIN | (sent < BIG ? POLLOUT : 0), 0};
		poll(&p, 1, -1);
		if (p.revents & POLLOUT) {
			ssize_t w = write(s, out + sent, BIG - sent);
			if (w > 0 && (sent += w) == BIG)
				shutdown(s, SHUT_WR);
		}
		if (p.revents & POLLIN) {
			ssize_t n = read(s, in + got, BIG - got);
			if (n <= 0)
				break;
			got += n;
		}
	}
	char x;
	fcntl(s, F_SETFL, 0);
	ssize_t end = read(s, &x, 1);
	printf("client sent %ld, got back %ld, same: %s, then read %zd\n", sent, got,
	       memcmp(in, out, BIG) == 0 ? "yes" : "no", end);
	close(s);
	res("server status", waitchild(c));
}

static void nonblocking_connect(void)
{
	printf("-- non-blocking connect\n");
	int port;
	int l = listener(AF_INET, "127.0.0.1", &port);
	struct sockaddr_storage ss;
	socklen_t len = addr4(&ss, "127.0.0.1", port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	res("connect", connect(s, (struct sockaddr *)&ss, len));
	struct pollfd p = {s, POLLIN | POLLOUT | POLLRDHUP, 0};
	res("poll", poll(&p, 1, -1));
	printf("revents %#x\n", p.revents);
	int err = -1;
	socklen_t el = sizeof err;
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("SO_ERROR %s\n", err ? strerrorname_np(err) : "0");
	res("connect again", connect(s, (struct sockaddr *)&ss, len));
	res("and again", connect(s, (struct sockaddr *)&ss, len));
	name("getpeername", s, port, 1);
	int a = accept(l, NULL, NULL);
	res("send", send(s, "nb", 2, 0));
	char buf[4] = {0};
	res("server recv", recv(a, buf, sizeof buf, 0));
	close(a);
	close(s);
	close(l);

	printf("-- connect to a closed port\n");
	int closed = closed_port(AF_INET, "127.0.0.1");
	len = addr4(&ss, "127.0.0.1", closed);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	res("non-blocking connect", connect(s, (struct sockaddr *)&ss, len));
	p = (struct pollfd){s, POLLIN | POLLOUT | POLLRDHUP, 0};
	res("poll", poll(&p, 1, -1));
	printf("revents %#x\n", p.revents);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("SO_ERROR %s\n", err ? strerrorname_np(err) : "0");
	res("connect again", connect(s, (struct sockaddr *)&ss, len));
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	res("blocking connect", connect(s, (struct sockaddr *)&ss, len));
	res("send on it", send(s, "x", 1, MSG_NOSIGNAL));
	close(s);
	s = socket(AF_INET6, SOCK_STREAM, 0);
	len = addr6(&ss, "::1", closed_port(AF_INET6, "::1"));
	res("connect ::1 closed port", connect(s, (struct sockaddr *)&ss, len));
	close(s);
}

static void listening(void)
{
	printf("-- listener readiness\n");
	int port;
	int l = listener(AF_INET, "127.0.0.1", &port);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.fd = l};
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	struct pollfd p = {l, POLLIN | POLLOUT, 0};
	res("poll before", poll(&p, 1, 0));
	res("epoll before", epoll_wait(ep, &ev, 1, 0));
	fcntl(l, F_SETFL, O_NONBLOCK);
	res("accept nothing", accept(l, NULL, NULL));
	struct sockaddr_storage ss;
	socklen_t len = addr4(&ss, "127.0.0.1", port);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	res("connect", connect(s, (struct sockaddr *)&ss, len));
	res("poll after", poll(&p, 1, 0));
	printf("revents %#x\n", p.revents);
	res("epoll after", epoll_wait(ep, &ev, 1, 0));
	printf("events %#x\n", ev.events);
	int a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	printf("accept4 flags: O_NONBLOCK %s, FD_CLOEXEC %s\n", fcntl(a, F_GETFL) & O_NONBLOCK ? "yes" : "no",
	       fcntl(a, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	res("recv nothing", recv(a, &len, 1, 0));
	res("poll after accept", poll(&p, 1, 0));
	int v = -1;
	socklen_t vl = sizeof v;
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN listener %d", v);
	getsockopt(a, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf(", accepted %d\n", v);
	res("listener recv", recv(l, &v, 1, 0));
	res("listener send", send(l, &v, 1, MSG_NOSIGNAL));
	res("listener connect", connect(l, (struct sockaddr *)&ss, len));
	res("connected listen", listen(s, 1));
	close(a);
	close(s);
	close(l);
	close(ep);

	/* listen on an unbound socket takes an ephemeral port on 0.0.0.0 */
	l = socket(AF_INET, SOCK_STREAM, 0);
	res("listen unbound", listen(l, 1));
	name("its getsockname", l, -1, 0);
	struct sockaddr_storage got;
	len = sizeof got;
	getsockname(l, (struct sockaddr *)&got, &len);
	len = addr4(&ss, "127.0.0.1", port_of(&got));
	s = socket(AF_INET, SOCK_STREAM, 0);
	res("connect to it", connect(s, (struct sockaddr *)&ss, len));
	a = accept(l, NULL, NULL);
	name("accepted getsockname", a, port_of(&got), 0);
	close(a);
	close(s);
	close(l);
}

/* pair connects a client to a server on the loopback and returns both. */
static void pair(int *cl, int *sv)
{
	int port;
	int l = listener(AF_INET, "127.0.0.1", &port);
	struct sockaddr_storage ss;
	socklen_t len = addr4(&ss, "127.0.0.1", port);
	*cl = socket(AF_INET, SOCK_STREAM, 0);
	connect(*cl, (struct sockaddr *)&ss, len);
	*sv = accept(l, NULL, NULL);
	close(l);
}

static void events(const char *what, int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
	poll(&p, 1, 0);
	printf("%s: revents %#x\n", what, p.revents);
}

static void shutdowns(void)
{
	printf("-- shutdown\n");
	int c, s;
	pair(&c, &s);
	events("connected", c);
	res("server shutdown SHUT_WR", shutdown(s, SHUT_WR));
	events("client after it", c);
	char buf[16] = {0};
	res("client read", read(c, buf, sizeof buf));
	res("client write", write(c, "up", 2));
	res("server read", read(s, buf, sizeof buf));
	res("server write", send(s, "x", 1, MSG_NOSIGNAL));
	res("client shutdown SHUT_WR", shutdown(c, SHUT_WR));
	events("client both shut", c);
	events("server both shut", s);
	res("server read", read(s, buf, sizeof buf));
	res("client write", send(c, "x", 1, MSG_NOSIGNAL));
	close(c);
	close(s);

	pair(&c, &s);
	res("server shutdown SHUT_RD", shutdown(s, SHUT_RD));
	events("server after it", s);
	events("client after it", c);
	res("client write", write(c, "still", 5));
	memset(buf, 0, sizeof buf);
	res("server read", read(s, buf, sizeof buf));
	printf("server got %s\n", buf);
	res("server read again", read(s, buf, sizeof buf));
	res("server write", write(s, "ok", 2));
	res("client read", read(c, buf, sizeof buf));
	res("shutdown bad how", shutdown(s, 3));
	close(c);
	close(s);

	int u = socket(AF_INET, SOCK_STREAM, 0);
	res("shutdown unconnected", shutdown(u, SHUT_RDWR));
	close(u);

	/* SIGPIPE: default action kills the writer. */
	pair(&c, &s);
	shutdown(c, SHUT_WR);
	pid_t k = fork();
	if (k == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(c, "x", 1);
		_exit(0);
	}
	int st;
	waitpid(k, &st, 0);
	printf("writer after SHUT_WR: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE ? "SIGPIPE" : "lived");
	close(c);
	close(s);
}

static void resets(void)
{
	printf("-- resets\n");
	int c, s;
	pair(&c, &s);
	res("client send", send(c, "unread", 6, 0));
	res("server SIOCINQ", ioctl(s, FIONREAD, &(int){0}));
	int n = -1;
	ioctl(s, FIONREAD, &n);
	printf("server has %d bytes unread\n", n);
	close(s);
	events("client after reset", c);
	char buf[8];
	res("client read", read(c, buf, sizeof buf));
	res("client read again", read(c, buf, sizeof buf));
	name("client getpeername", c, -1, 1);
	res("client send", send(c, "x", 1, MSG_NOSIGNAL));
	close(c);

	/* data the peer sent before closing is still read, then end of file */
	pair(&c, &s);
	send(s, "bye", 3, 0);
	close(s);
	memset(buf, 0, sizeof buf);
	res("client read", read(c, buf, sizeof buf));
	printf("client got %s\n", buf);
	res("client read again", read(c, buf, sizeof buf));
	close(c);

	/* a connection never accepted is reset when its listener closes */
	int port;
	int l = listener(AF_INET, "127.0.0.1", &port);
	struct sockaddr_storage ss;
	socklen_t len = addr4(&ss, "127.0.0.1", port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	res("connect", connect(c, (struct sockaddr *)&ss, len));
	close(l);
	res("client read", read(c, buf, sizeof buf));
	close(c);

	/* SO_LINGER of zero seconds: close resets */
	pair(&c, &s);
	struct linger lg = {1, 0};
	res("SO_LINGER", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
	memset(&lg, 0xff, sizeof lg);
	socklen_t ll = sizeof lg;
	getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &ll);
	printf("SO_LINGER: len %u onoff %d linger %d\n", ll, lg.l_onoff, lg.l_linger);
	close(s);
	res("client read", read(c, buf, sizeof buf));
	close(c);
}

static void data(void)
{
	printf("-- data flags\n");
	int c, s;
	pair(&c, &s);
	char buf[16] = {0};
	res("recv MSG_DONTWAIT", recv(s, buf, sizeof buf, MSG_DONTWAIT));
	send(c, "abc", 3, 0);
	send(c, "def", 3, 0);
	res("recv MSG_PEEK", recv(s, buf, 4, MSG_PEEK));
	printf("peeked %.4s\n", buf);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	memset(&ss, 0, sizeof ss);
	res("recvfrom", recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&ss, &len));
	printf("got %.6s, address length %u\n", buf, len);
	pid_t k = child();
	if (k == 0) {
		usleep(1000);
		send(c, "gh", 2, 0);
		usleep(1000);
		send(c, "ij", 2, 0);
		_exit(0);
	}
	res("recv MSG_WAITALL", recv(s, buf, 4, MSG_WAITALL));
	printf("got %.4s\n", buf);
	waitchild(k);
	res("sendto with an address", sendto(c, "k", 1, 0, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)));
	res("recv", recv(s, buf, sizeof buf, 0));
	res("recv MSG_OOB", recv(s, buf, sizeof buf, MSG_OOB));
	res("recv MSG_ERRQUEUE", recv(s, buf, sizeof buf, MSG_ERRQUEUE));
	int fds[2];
	char cbuf[CMSG_SPACE(sizeof fds)];
	struct iovec iov = {"r", 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof fds);
	fds[0] = fds[1] = 0;
	memcpy(CMSG_DATA(cm), fds, sizeof fds);
	res("sendmsg SCM_RIGHTS", sendmsg(c, &m, 0));
	close(c);
	close(s);
	int u = socket(AF_INET, SOCK_STREAM, 0);
	res("send unconnected", send(u, "x", 1, MSG_NOSIGNAL));
	res("recv unconnected", recv(u, buf, 1, 0));
	close(u);
}

static void binds(void)
{
	printf("-- bind\n");
	struct sockaddr_storage ss;
	int a = socket(AF_INET, SOCK_STREAM, 0);
	name("unbound getsockname", a, 0, 0);
	socklen_t len = addr4(&ss, "127.0.0.1", 0);
	res("bind 127.0.0.1:0", bind(a, (struct sockaddr *)&ss, len));
	name("getsockname", a, -1, 0);
	res("bind again", bind(a, (struct sockaddr *)&ss, len));
	struct sockaddr_storage got;
	socklen_t gl = sizeof got;
	getsockname(a, (struct sockaddr *)&got, &gl);
	int port = port_of(&got);
	int b = socket(AF_INET, SOCK_STREAM, 0);
	len = addr4(&ss, "127.0.0.1", port);
	res("same port", bind(b, (struct sockaddr *)&ss, len));
	len = addr4(&ss, "0.0.0.0", port);
	res("same port on 0.0.0.0", bind(b, (struct sockaddr *)&ss, len));
	len = addr4(&ss, "127.0.0.2", port);
	res("same port on 127.0.0.2", bind(b, (struct sockaddr *)&ss, len));
	close(b);
	int one = 1;
	setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	b = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	len = addr4(&ss, "127.0.0.1", port);
	res("both SO_REUSEADDR", bind(b, (struct sockaddr *)&ss, len));
	res("first listens", listen(a, 1));
	res("second listens", listen(b, 1));
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	res("SO_REUSEADDR on a listener's port", bind(b, (struct sockaddr *)&ss, len));
	close(b);
	b = socket(AF_INET6, SOCK_STREAM, 0);
	len = addr6(&ss, "::", port);
	res("IPv6 :: on an IPv4 port", bind(b, (struct sockaddr *)&ss, len));
	setsockopt(b, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	res("IPv6-only :: on it", bind(b, (struct sockaddr *)&ss, len));
	res("IPV6_V6ONLY once bound", setsockopt(b, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
	close(b);
	close(a);

	b = socket(AF_INET, SOCK_STREAM, 0);
	len = addr4(&ss, "10.1.2.3", 0);
	res("bind 10.1.2.3", bind(b, (struct sockaddr *)&ss, len));
	len = addr4(&ss, "127.1.2.3", 0);
	res("bind 127.1.2.3", bind(b, (struct sockaddr *)&ss, len));
	name("getsockname", b, -1, 0);
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	res("bind short", bind(b, (struct sockaddr *)&ss, sizeof(struct sockaddr_in) - 1));
	len = addr6(&ss, "::1", 0);
	res("bind AF_INET6 address", bind(b, (struct sockaddr *)&ss, len));
	((struct sockaddr_in *)&ss)->sin_family = AF_UNSPEC;
	((struct sockaddr_in *)&ss)->sin_addr.s_addr = 0;
	((struct sockaddr_in *)&ss)->sin_port = 0;
	res("bind AF_UNSPEC 0.0.0.0", bind(b, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)));
	name("getsockname", b, -1, 0);
	close(b);
	b = socket(AF_INET6, SOCK_STREAM, 0);
	name("unbound IPv6 getsockname", b, 0, 0);
	res("bind AF_INET6 short", bind(b, (struct sockaddr *)&ss, 23));
	len = addr6(&ss, "2001:db8::1", 0);
	res("bind 2001:db8::1", bind(b, (struct sockaddr *)&ss, len));
	len = addr6(&ss, "::ffff:127.0.0.1", 0);
	res("bind ::ffff:127.0.0.1", bind(b, (struct sockaddr *)&ss, len));
	name("getsockname", b, -1, 0);
	close(b);

	b = socket(AF_INET, SOCK_STREAM, 0);
	len = addr4(&ss, "127.0.0.1", 1);
	res("connect short", connect(b, (struct sockaddr *)&ss, sizeof(struct sockaddr_in) - 1));
	len = addr6(&ss, "::1", 1);
	res("connect AF_INET6 address", connect(b, (struct sockaddr *)&ss, len));
	res("connect 1 byte", connect(b, (struct sockaddr *)&ss, 1));
	close(b);
}

static void options(void)
{
	printf("-- options\n");
	static const struct {
		int level, opt;
		const char *name;
	} opts[] = {
	    {SOL_SOCKET, SO_TYPE, "SO_TYPE"},
	    {SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN"},
	    {SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL"},
	    {SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR"},
	    {SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT"},
	    {SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE"},
	    {SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST"},
	    {SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF"},
	    {SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF"},
	    {IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY"},
	    {IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE"},
	    {IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL"},
	    {IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT"},
	    {IPPROTO_TCP, TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT"},
	    {IPPROTO_IP, IP_TTL, "IP_TTL"},
	    {IPPROTO_IP, IP_TOS, "IP_TOS"},
	    {IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY"},
	    {IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS"},
	};
	for (int fam = 0; fam < 2; fam++) {
		int s = socket(fam ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
		printf("%s:", fam ? "AF_INET6" : "AF_INET");
		for (unsigned i = 0; i < sizeof opts / sizeof opts[0]; i++) {
			int v = -1;
			socklen_t vl = sizeof v;
			if (getsockopt(s, opts[i].level, opts[i].opt, &v, &vl) < 0)
				printf(" %s=%s", opts[i].name, strerrorname_np(errno));
			else
				printf(" %s=%d", opts[i].name, v);
		}
		printf("\n");
		close(s);
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int v = 1;
	res("TCP_NODELAY 1", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v));
	v = 5;
	res("SO_KEEPALIVE 5", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v));
	v = 30;
	res("TCP_KEEPIDLE 30", setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v));
	v = 0;
	res("TCP_KEEPIDLE 0", setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v));
	v = 200;
	res("TCP_KEEPCNT 200", setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof v));
	v = 7;
	res("TCP_KEEPCNT 7", setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof v));
	v = 1000;
	res("TCP_USER_TIMEOUT 1000", setsockopt(s, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof v));
	v = -2;
	res("TCP_USER_TIMEOUT -2", setsockopt(s, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof v));
	v = 0;
	res("IP_TTL 0", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof v));
	v = 9;
	res("IP_TTL 9", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof v));
	v = 0x1ff;
	res("IP_TOS 0x1ff", setsockopt(s, IPPROTO_IP, IP_TOS, &v, sizeof v));
	v = 2;
	res("IP_MULTICAST_TTL on TCP", setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof v));
	res("IPV6_V6ONLY on AF_INET", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
	res("short SO_KEEPALIVE", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 2));
	res("SO_TYPE", setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v));
	v = 4096;
	res("SO_SNDBUF 4096", setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
	static const struct {
		int level, opt;
		const char *name;
	} after[] = {
	    {IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY"},
	    {SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE"},
	    {IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE"},
	    {IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT"},
	    {IPPROTO_TCP, TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT"},
	    {IPPROTO_IP, IP_TTL, "IP_TTL"},
	    {IPPROTO_IP, IP_TOS, "IP_TOS"},
	    {SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF"},
	};
	for (unsigned i = 0; i < sizeof after / sizeof after[0]; i++) {
		v = -1;
		socklen_t vl = sizeof v;
		getsockopt(s, after[i].level, after[i].opt, &v, &vl);
		printf("%s=%d ", after[i].name, v);
	}
	printf("\n");
	/* accepted sockets inherit the listener's options */
	int port;
	int l = listener(AF_INET, "127.0.0.1", &port);
	v = 1;
	setsockopt(l, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
	setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
	struct sockaddr_storage ss;
	socklen_t len = addr4(&ss, "127.0.0.1", port);
	res("connect", connect(s, (struct sockaddr *)&ss, len));
	int a = accept(l, NULL, NULL);
	socklen_t vl = sizeof v;
	getsockopt(a, IPPROTO_TCP, TCP_NODELAY, &v, &vl);
	printf("accepted TCP_NODELAY=%d", v);
	getsockopt(a, SOL_SOCKET, SO_KEEPALIVE, &v, &vl);
	printf(" SO_KEEPALIVE=%d\n", v);
	close(a);
	close(l);
	close(s);

	printf("socket errors:");
	static const struct {
		int family, type, protocol;
	} bad[] = {
	    {AF_INET, SOCK_STREAM, IPPROTO_UDP},
	    {AF_INET, SOCK_DGRAM, IPPROTO_TCP},
	    {AF_INET, SOCK_STREAM, -1},
	    {AF_INET, SOCK_STREAM, 300},
	    {AF_INET, SOCK_SEQPACKET, 0},
	    {AF_INET6, SOCK_RDM, 0},
	    {AF_INET, SOCK_RAW, 0},
	    {AF_INET6, SOCK_STREAM, IPPROTO_IPV6},
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int s = socket(bad[i].family, bad[i].type, bad[i].protocol);
		printf(" %s", s < 0 ? strerrorname_np(errno) : "ok");
		if (s >= 0)
			close(s);
	}
	printf("\n");
	int sv[2];
	res("socketpair AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	res("socket IPPROTO_TCP", s >= 0 ? 0 : -1);
	close(s);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	echo_test("IPv4", AF_INET, "127.0.0.1", AF_INET, "127.0.0.1");
	echo_test("IPv6", AF_INET6, "::1", AF_INET6, "::1");
	echo_test("IPv4 client, IPv6 listener on ::", AF_INET6, "::", AF_INET, "127.0.0.1");
	echo_test("IPv4-mapped client, IPv6 listener on ::", AF_INET6, "::", AF_INET6, "::ffff:127.0.0.1");
	echo_test("IPv4 listener on 0.0.0.0, client to 127.0.0.1", AF_INET, "0.0.0.0", AF_INET, "127.0.0.1");
	nonblocking_connect();
	listening();
	shutdowns();
	resets();
	data();
	binds();
	options();
	return 0;
}
