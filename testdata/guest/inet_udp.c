/*
 * inet_udp.c — UDP on the loopback. An echo server in a child process
 * sending each datagram back to where it came from, and a client in the
 * parent, over 127.0.0.1 and ::1: datagram boundaries (a zero-length one
 * too), the sender's address from recvfrom and recvmsg (family, length,
 * address, and whether the port is the one expected; ports come from
 * bind(0) and are never printed). An unbound sender takes an ephemeral
 * port. Truncation (MSG_TRUNC in msg_flags, and the full length with the
 * MSG_TRUNC flag), MSG_PEEK, MSG_DONTWAIT, SIOCINQ, poll. Connected UDP:
 * sends without an address, getpeername, datagrams from others filtered
 * out, ECONNREFUSED after a send to a port nobody holds (a connected
 * socket only), AF_UNSPEC to disconnect. IPv4 datagrams to an IPv6 socket
 * on :: (IPv4-mapped sources), not to an IPv6-only one. A full receive
 * buffer drops datagrams. sendto's errors (EDESTADDRREQ, EINVAL,
 * EAFNOSUPPORT, EMSGSIZE), shutdown, SO_REUSEADDR and SO_REUSEPORT,
 * options and their defaults. Children's output goes through a pipe and is
 * printed once they are reaped. Exit status 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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
 * port compared with want (0: is it zero; -1: is it not; else is it want). */
static void show(const char *what, const struct sockaddr_storage *ss, socklen_t len, int want)
{
	char buf[INET6_ADDRSTRLEN] = "";
	const char *fam = "none";
	if (len == 0) {
		printf("%s: no address\n", what);
		return;
	}
	if (ss->ss_family == AF_INET) {
		fam = "AF_INET";
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, sizeof buf);
	} else if (ss->ss_family == AF_INET6) {
		fam = "AF_INET6";
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, sizeof buf);
	}
	int p = port_of(ss);
	const char *port = want > 0 ? (p == want ? "the expected one" : "another")
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

static int sockport(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	return port_of(&ss);
}

static socklen_t addr(int family, struct sockaddr_storage *ss, const char *ip, int port)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, ip, &a->sin_addr);
		return sizeof *a;
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a->sin6_addr);
	return sizeof *a;
}

/* bound makes a UDP socket of family bound to ip port 0. */
static int bound(int family, const char *ip)
{
	struct sockaddr_storage ss;
	int s = socket(family, SOCK_DGRAM, 0);
	socklen_t len = addr(family, &ss, ip, 0);
	if (bind(s, (struct sockaddr *)&ss, len) < 0) {
		printf("bind %s: %s\n", ip, strerrorname_np(errno));
		exit(1);
	}
	return s;
}

static int outp[2];

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

static const int sizes[] = {5, 0, 1000, 1, 65507};
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])

/* echo_test: a server in a child echoes NSIZES datagrams back to their
 * senders; the parent, unbound, sends them and reads them back. */
static void echo_test(int family, const char *ip)
{
	printf("-- echo over %s\n", ip);
	int srv = bound(family, ip);
	int port = sockport(srv);
	pid_t c = child();
	if (c == 0) {
		static char buf[70000];
		for (int i = 0; i < NSIZES; i++) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
			printf("server got %zd bytes\n", n);
			if (i == 0)
				show("server recvfrom's address", &from, fl, -1);
			sendto(srv, buf, n, 0, (struct sockaddr *)&from, fl);
		}
		_exit(0);
	}
	close(srv);
	int s = socket(family, SOCK_DGRAM, 0);
	name("client before sending", s, 0, 0);
	struct sockaddr_storage to;
	socklen_t tl = addr(family, &to, ip, port);
	static char out[70000], in[70000];
	for (int i = 0; i < (int)sizeof out; i++)
		out[i] = (char)(i * 13);
	for (int i = 0; i < NSIZES; i++) {
		if (sendto(s, out, sizes[i], 0, (struct sockaddr *)&to, tl) != sizes[i])
			printf("sendto %d: %s\n", sizes[i], strerrorname_np(errno));
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		memset(in, 0, sizes[i]);
		ssize_t n = recvfrom(s, in, sizeof in, 0, (struct sockaddr *)&from, &fl);
		printf("client got %zd bytes back, same: %s\n", n, n == sizes[i] && memcmp(in, out, n) == 0 ? "yes" : "no");
		if (i == 0) {
			show("client recvfrom's address", &from, fl, port);
			name("client after sending", s, -1, 0);
		}
	}
	close(s);
	res("server status", waitchild(c));
}

static void datagrams(void)
{
	printf("-- datagrams\n");
	int r = bound(AF_INET, "127.0.0.1");
	int s = bound(AF_INET, "127.0.0.1");
	struct sockaddr_storage to;
	socklen_t tl = addr(AF_INET, &to, "127.0.0.1", sockport(r));
	struct pollfd p = {r, POLLIN | POLLOUT, 0};
	poll(&p, 1, 0);
	printf("empty: revents %#x\n", p.revents);
	char buf[64];
	res("recv MSG_DONTWAIT", recv(r, buf, sizeof buf, MSG_DONTWAIT));
	sendto(s, "first datagram", 14, 0, (struct sockaddr *)&to, tl);
	sendto(s, "second", 6, 0, (struct sockaddr *)&to, tl);
	sendto(s, "", 0, 0, (struct sockaddr *)&to, tl);
	poll(&p, 1, 0);
	printf("queued: revents %#x\n", p.revents);
	int n = -1;
	ioctl(r, FIONREAD, &n);
	printf("SIOCINQ %d\n", n);
	memset(buf, 0, sizeof buf);
	res("recv MSG_PEEK", recv(r, buf, 5, MSG_PEEK));
	printf("peeked %s\n", buf);
	struct sockaddr_storage from;
	struct iovec iov = {buf, 5};
	struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
	res("recvmsg 5 bytes", recvmsg(r, &m, 0));
	printf("msg_flags %s, namelen %u\n", m.msg_flags & MSG_TRUNC ? "MSG_TRUNC" : "0", m.msg_namelen);
	show("from", &from, m.msg_namelen, sockport(s));
	res("recv MSG_TRUNC into 2", recv(r, buf, 2, MSG_TRUNC));
	res("recv empty datagram", recv(r, buf, sizeof buf, 0));
	res("recv nothing", recv(r, buf, sizeof buf, MSG_DONTWAIT));
	res("read 0 bytes", read(r, buf, 0));

	/* connected */
	printf("-- connected\n");
	int o = bound(AF_INET, "127.0.0.1");
	res("connect", connect(r, (struct sockaddr *)&(struct sockaddr_storage){0}, 0));
	struct sockaddr_storage peer;
	socklen_t pl = addr(AF_INET, &peer, "127.0.0.1", sockport(s));
	res("connect to s", connect(r, (struct sockaddr *)&peer, pl));
	name("getpeername", r, sockport(s), 1);
	name("getsockname", r, -1, 0);
	sendto(o, "from o", 6, 0, (struct sockaddr *)&to, tl);
	sendto(s, "from s", 6, 0, (struct sockaddr *)&to, tl);
	memset(buf, 0, sizeof buf);
	res("recv", recv(r, buf, sizeof buf, MSG_DONTWAIT));
	printf("got %s\n", buf);
	res("recv again", recv(r, buf, sizeof buf, MSG_DONTWAIT));
	res("send", send(r, "reply", 5, 0));
	memset(buf, 0, sizeof buf);
	res("s recv", recv(s, buf, sizeof buf, MSG_DONTWAIT));
	printf("s got %s\n", buf);
	res("sendto another", sendto(r, "to o", 4, 0, (struct sockaddr *)&(struct sockaddr_storage){0}, 0));
	struct sockaddr_storage oa;
	socklen_t ol = addr(AF_INET, &oa, "127.0.0.1", sockport(o));
	res("sendto o while connected", sendto(r, "to o", 4, 0, (struct sockaddr *)&oa, ol));
	res("o recv", recv(o, buf, sizeof buf, MSG_DONTWAIT));
	struct sockaddr_in un = {.sin_family = AF_UNSPEC};
	res("disconnect", connect(r, (struct sockaddr *)&un, sizeof un));
	name("getpeername", r, 0, 1);
	name("getsockname", r, -1, 0);
	res("send disconnected", send(r, "x", 1, 0));

	/* ECONNREFUSED: a connected socket learns that nobody holds the port */
	int gone = bound(AF_INET, "127.0.0.1");
	int gport = sockport(gone);
	close(gone);
	struct sockaddr_storage ga;
	socklen_t gl = addr(AF_INET, &ga, "127.0.0.1", gport);
	res("sendto a closed port", sendto(o, "x", 1, 0, (struct sockaddr *)&ga, gl));
	res("and again", sendto(o, "x", 1, 0, (struct sockaddr *)&ga, gl));
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	res("connect to it", connect(c, (struct sockaddr *)&ga, gl));
	res("send", send(c, "x", 1, 0));
	p = (struct pollfd){c, POLLIN | POLLOUT, 0};
	poll(&p, 1, 0);
	printf("revents %#x\n", p.revents);
	res("send again", send(c, "x", 1, 0));
	res("send", send(c, "x", 1, 0));
	res("recv", recv(c, buf, sizeof buf, MSG_DONTWAIT));
	int err = -1;
	socklen_t el = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("SO_ERROR %s\n", err ? strerrorname_np(err) : "0");
	close(c);
	close(o);
	close(r);
	close(s);
}

static void families(void)
{
	printf("-- IPv4 to IPv6\n");
	int any = bound(AF_INET6, "::");
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage to, from;
	socklen_t tl = addr(AF_INET, &to, "127.0.0.1", sockport(any));
	res("sendto", sendto(s, "v4", 2, 0, (struct sockaddr *)&to, tl));
	socklen_t fl = sizeof from;
	char buf[16];
	res("recvfrom", recvfrom(any, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl));
	show("from", &from, fl, sockport(s));
	res("reply", sendto(any, "v6", 2, 0, (struct sockaddr *)&from, fl));
	fl = sizeof from;
	res("recvfrom", recvfrom(s, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl));
	show("from", &from, fl, sockport(any));
	/* an IPv6 socket may send to a sockaddr_in */
	res("IPv6 socket sendto sockaddr_in", sendto(any, "v6", 2, 0, (struct sockaddr *)&from, fl));
	res("recv", recv(s, buf, sizeof buf, MSG_DONTWAIT));
	close(any);

	int only = socket(AF_INET6, SOCK_DGRAM, 0);
	int one = 1;
	setsockopt(only, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	tl = addr(AF_INET6, &to, "::", 0);
	bind(only, (struct sockaddr *)&to, tl);
	tl = addr(AF_INET, &to, "127.0.0.1", sockport(only));
	res("sendto an IPv6-only socket's port", sendto(s, "v4", 2, 0, (struct sockaddr *)&to, tl));
	res("its recv", recv(only, buf, sizeof buf, MSG_DONTWAIT));
	res("it sends IPv4", sendto(only, "v6", 2, 0, (struct sockaddr *)&to, tl));
	tl = addr(AF_INET6, &to, "::ffff:127.0.0.1", sockport(s));
	res("it sends IPv4-mapped", sendto(only, "v6", 2, 0, (struct sockaddr *)&to, tl));
	res("it connects IPv4", connect(only, (struct sockaddr *)&from, sizeof(struct sockaddr_in)));
	close(only);
	close(s);
}

static void errors(void)
{
	printf("-- errors\n");
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[70000] = {0};
	res("send unconnected", send(s, "x", 1, 0));
	struct sockaddr_storage to;
	socklen_t tl = addr(AF_INET, &to, "127.0.0.1", 0);
	res("sendto port 0", sendto(s, "x", 1, 0, (struct sockaddr *)&to, tl));
	int r = bound(AF_INET, "127.0.0.1");
	tl = addr(AF_INET, &to, "127.0.0.1", sockport(r));
	res("sendto short address", sendto(s, "x", 1, 0, (struct sockaddr *)&to, tl - 1));
	res("sendto 65507", sendto(s, buf, 65507, 0, (struct sockaddr *)&to, tl));
	res("sendto 65508", sendto(s, buf, 65508, 0, (struct sockaddr *)&to, tl));
	res("sendto 65536", sendto(s, buf, 65536, 0, (struct sockaddr *)&to, tl));
	struct sockaddr_storage to6;
	socklen_t tl6 = addr(AF_INET6, &to6, "::1", 9);
	res("sendto sockaddr_in6", sendto(s, "x", 1, 0, (struct sockaddr *)&to6, tl6));
	((struct sockaddr_in *)&to)->sin_family = AF_UNSPEC;
	res("sendto AF_UNSPEC", sendto(s, "x", 1, 0, (struct sockaddr *)&to, tl));
	res("recv it", recv(r, buf, sizeof buf, MSG_DONTWAIT));
	((struct sockaddr_in *)&to)->sin_family = AF_INET;
	res("connect sockaddr_in6", connect(s, (struct sockaddr *)&to6, tl6));
	res("listen", listen(s, 1));
	res("accept", accept(s, NULL, NULL));
	res("recv MSG_ERRQUEUE", recv(s, buf, sizeof buf, MSG_ERRQUEUE));
	close(s);
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	res("IPv6 sendto short", sendto(s6, "x", 1, 0, (struct sockaddr *)&to6, 23));
	res("IPv6 sendto 65527", sendto(s6, buf, 65527, 0, (struct sockaddr *)&to6, tl6));
	res("IPv6 sendto 65528", sendto(s6, buf, 65528, 0, (struct sockaddr *)&to6, tl6));
	((struct sockaddr_in6 *)&to6)->sin6_family = AF_UNIX;
	res("IPv6 sendto AF_UNIX", sendto(s6, "x", 1, 0, (struct sockaddr *)&to6, tl6));
	close(s6);

	printf("-- shutdown\n");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	res("shutdown unconnected", shutdown(s, SHUT_RD));
	res("recv after SHUT_RD", recv(s, buf, sizeof buf, 0));
	res("recv MSG_DONTWAIT", recv(s, buf, sizeof buf, MSG_DONTWAIT));
	struct pollfd p = {s, POLLIN | POLLOUT | POLLRDHUP, 0};
	poll(&p, 1, 0);
	printf("revents %#x\n", p.revents);
	close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	res("connect", connect(s, (struct sockaddr *)&to, tl));
	res("shutdown connected", shutdown(s, SHUT_WR));
	res("send after SHUT_WR", send(s, "x", 1, 0));
	res("shutdown SHUT_RD", shutdown(s, SHUT_RD));
	p = (struct pollfd){s, POLLIN | POLLOUT | POLLRDHUP, 0};
	poll(&p, 1, 0);
	printf("revents %#x\n", p.revents);
	close(s);

	printf("-- ports\n");
	int port = sockport(r);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	res("same port", bind(s, (struct sockaddr *)&to, tl));
	close(s);
	close(r);
	int one = 1;
	r = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(r, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	tl = addr(AF_INET, &to, "127.0.0.1", 0);
	bind(r, (struct sockaddr *)&to, tl);
	port = sockport(r);
	tl = addr(AF_INET, &to, "127.0.0.1", port);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	res("both SO_REUSEADDR", bind(s, (struct sockaddr *)&to, tl));
	close(s);
	close(r);
	r = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(r, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	tl = addr(AF_INET, &to, "127.0.0.1", 0);
	bind(r, (struct sockaddr *)&to, tl);
	tl = addr(AF_INET, &to, "127.0.0.1", sockport(r));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	res("one SO_REUSEPORT", bind(s, (struct sockaddr *)&to, tl));
	setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	res("both SO_REUSEPORT", bind(s, (struct sockaddr *)&to, tl));
	close(s);
	close(r);
}

static void full(void)
{
	printf("-- a full receive buffer\n");
	int r = bound(AF_INET, "127.0.0.1");
	int v = 1;
	setsockopt(r, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
	socklen_t vl = sizeof v;
	getsockopt(r, SOL_SOCKET, SO_RCVBUF, &v, &vl);
	printf("SO_RCVBUF %d\n", v);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage to;
	socklen_t tl = addr(AF_INET, &to, "127.0.0.1", sockport(r));
	static char buf[1500];
	int sent = 0;
	for (int i = 0; i < 20; i++)
		if (sendto(s, buf, sizeof buf, 0, (struct sockaddr *)&to, tl) == sizeof buf)
			sent++;
	int got = 0;
	while (recv(r, buf, sizeof buf, MSG_DONTWAIT) == sizeof buf)
		got++;
	printf("sent %d, received some: %s, all: %s\n", sent, got > 0 ? "yes" : "no", got == sent ? "yes" : "no");
	close(s);
	close(r);
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
	    {SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST"},
	    {SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF"},
	    {SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF"},
	    {SOL_SOCKET, SO_ERROR, "SO_ERROR"},
	    {SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN"},
	    {IPPROTO_IP, IP_TTL, "IP_TTL"},
	    {IPPROTO_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL"},
	    {IPPROTO_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP"},
	    {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS"},
	    {IPPROTO_IPV6, IPV6_TCLASS, "IPV6_TCLASS"},
	    {IPPROTO_TCP, 1, "TCP_NODELAY"},
	};
	for (int fam = 0; fam < 2; fam++) {
		int s = socket(fam ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
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
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int v = 1;
	res("SO_BROADCAST", setsockopt(s, SOL_SOCKET, SO_BROADCAST, &v, sizeof v));
	v = 300;
	res("IP_MULTICAST_TTL 300", setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof v));
	v = 7;
	res("IP_MULTICAST_TTL 7", setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof v));
	unsigned char c = 0;
	res("IP_MULTICAST_LOOP char 0", setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &c, 1));
	v = -1;
	res("IP_TTL -1", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof v));
	res("TCP_NODELAY on UDP", setsockopt(s, IPPROTO_TCP, 1, &v, sizeof v));
	static const int after[][2] = {{SOL_SOCKET, SO_BROADCAST}, {IPPROTO_IP, IP_MULTICAST_TTL},
				       {IPPROTO_IP, IP_MULTICAST_LOOP}, {IPPROTO_IP, IP_TTL}};
	for (unsigned i = 0; i < 4; i++) {
		v = -1;
		socklen_t vl = sizeof v;
		getsockopt(s, after[i][0], after[i][1], &v, &vl);
		printf(" %d", v);
	}
	printf("\n");
	close(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	echo_test(AF_INET, "127.0.0.1");
	echo_test(AF_INET6, "::1");
	datagrams();
	families();
	errors();
	full();
	options();
	return 0;
}
