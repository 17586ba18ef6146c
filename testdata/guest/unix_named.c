/*
 * unix_named.c — named Unix sockets. In DIR (its working directory, with a
 * subdirectory it makes and removes), a stream server bound to a path and a
 * client in another process: the socket file (S_IFSOCK, mode 0777 less the
 * umask), getsockname and getpeername on both sides (accept's address of an
 * unnamed client is the family alone), SO_PEERCRED naming the other
 * process, accept4 with SOCK_CLOEXEC and SOCK_NONBLOCK. A non-blocking
 * listener: accept EAGAIN, poll readable once a client connects. The
 * backlog: non-blocking connects beyond it EAGAIN, a blocking one waits for
 * an accept. EADDRINUSE for a name in use (a stale socket file too), EINVAL
 * binding a bound socket (no file left behind), ECONNREFUSED for a stale
 * socket file and a regular file, ENOENT, EPROTOTYPE. Unlinking the file
 * takes the name from the listener (ENOENT) and another socket may bind it;
 * once that one closes, its file is stale. The abstract namespace: a name
 * with a leading NUL (its length as given), freed at close, and autobind
 * (five hex digits). Datagrams between named sockets with the sender's
 * address from recvfrom (none from an unnamed sender), connected datagram
 * sockets and EPERM from one connected elsewhere; a datagram queue full
 * (EAGAIN, not writable, a blocking sender waiting). A seqpacket connection
 * keeps boundaries. The errors of listen, accept, connect and bind misused.
 * Errors by name; no pid or path printed; children's output reaches stdout
 * through a pipe once they are reaped. Leaves DIR as it found it. Exit
 * status 0, 2 without DIR.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* path fills a with a path address and returns its length. */
static socklen_t path(struct sockaddr_un *a, const char *p)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, p);
	return offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1;
}

/* abstract fills a with an abstract name unique to this run. */
static socklen_t abstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "vessel-test-%d-%s", (int)getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static int sock(int type)
{
	return socket(AF_UNIX, type, 0);
}

/* child forks a process whose output goes to a pipe, so that it is
 * printed, by waitchild, at a point that does not depend on scheduling. */
static int outp[2];

static pid_t child(void)
{
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

static void stream_server(void)
{
	struct sockaddr_un a, b;
	socklen_t al = path(&a, "srv/s.sock"), bl;
	int l = sock(SOCK_STREAM);
	res("bind path", bind(l, (struct sockaddr *)&a, al));
	struct stat st;
	if (stat("srv/s.sock", &st) == 0)
		printf("socket file: %s, mode %o\n", S_ISSOCK(st.st_mode) ? "yes" : "no", st.st_mode & 07777);
	bl = sizeof b;
	getsockname(l, (struct sockaddr *)&b, &bl);
	printf("getsockname: len %u path %s\n", bl, b.sun_path);
	res("listen", listen(l, 5));
	int v;
	socklen_t vl = sizeof v;
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN: %d\n", v);
	pid_t parent = getpid();
	pid_t c = child();
	if (c == 0) {
		int s = sock(SOCK_STREAM);
		if (connect(s, (struct sockaddr *)&a, al) < 0)
			_exit(1);
		struct sockaddr_un p;
		socklen_t pl = sizeof p;
		getpeername(s, (struct sockaddr *)&p, &pl);
		printf("client getpeername: len %u path %s\n", pl, p.sun_path);
		pl = sizeof p;
		getsockname(s, (struct sockaddr *)&p, &pl);
		printf("client getsockname: len %u\n", pl);
		struct ucred uc;
		socklen_t ul = sizeof uc;
		getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
		printf("client SO_PEERCRED pid is the server's: %s, uid %s, gid %s\n", uc.pid == parent ? "yes" : "no",
		       uc.uid == geteuid() ? "mine" : "other", uc.gid == getegid() ? "mine" : "other");
		send(s, "ping", 4, 0);
		char r[8] = {0};
		recv(s, r, 4, MSG_WAITALL);
		printf("client got: %s\n", r);
		_exit(0);
	}
	bl = sizeof b;
	memset(&b, 0x55, sizeof b);
	int s = accept4(l, (struct sockaddr *)&b, &bl, SOCK_CLOEXEC | SOCK_NONBLOCK);
	printf("accept4: %s, peer address len %u family %s\n", s >= 0 ? "ok" : strerrorname_np(errno), bl,
	       b.sun_family == AF_UNIX ? "AF_UNIX" : "?");
	printf("  FD_CLOEXEC %s, O_NONBLOCK %s\n", fcntl(s, F_GETFD) & FD_CLOEXEC ? "yes" : "no",
	       fcntl(s, F_GETFL) & O_NONBLOCK ? "yes" : "no");
	bl = sizeof b;
	getsockname(s, (struct sockaddr *)&b, &bl);
	printf("accepted getsockname: len %u path %s\n", bl, b.sun_path);
	struct ucred uc;
	socklen_t ul = sizeof uc;
	getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
	printf("server SO_PEERCRED pid is the client's: %s\n", uc.pid == c ? "yes" : "no");
	struct pollfd p = {s, POLLIN, 0};
	poll(&p, 1, -1);
	char r[8] = {0};
	res("server recv", recv(s, r, sizeof r - 1, 0));
	printf("server got: %s\n", r);
	send(s, "pong", 4, 0);
	printf("client exit: %d\n", waitchild(c));
	close(s);

	/* unlinking the name does not unbind: but the path is gone */
	res("unlink socket file", unlink("srv/s.sock"));
	int c2 = sock(SOCK_STREAM);
	res("connect to unlinked path", connect(c2, (struct sockaddr *)&a, al));
	int l2 = sock(SOCK_STREAM);
	res("bind the name again", bind(l2, (struct sockaddr *)&a, al));
	listen(l2, 1);
	res("connect reaches the new one", connect(c2, (struct sockaddr *)&a, al));
	res("connect again", connect(c2, (struct sockaddr *)&a, al));
	close(c2);
	close(l2);
	c2 = sock(SOCK_STREAM);
	res("connect to a stale socket file", connect(c2, (struct sockaddr *)&a, al));
	res("bind over a stale socket file", bind(c2, (struct sockaddr *)&a, al));
	close(c2);
	close(l);
	unlink("srv/s.sock");
}

static void nonblocking(void)
{
	struct sockaddr_un a;
	socklen_t al = path(&a, "srv/nb.sock");
	int l = sock(SOCK_STREAM | SOCK_NONBLOCK);
	bind(l, (struct sockaddr *)&a, al);
	listen(l, 1);
	struct pollfd p = {l, POLLIN | POLLOUT, 0};
	poll(&p, 1, 0);
	printf("listener idle revents: %#x\n", p.revents);
	res("accept non-blocking", accept(l, NULL, NULL));
	pid_t c = child();
	if (c == 0) {
		int s = sock(SOCK_STREAM);
		_exit(connect(s, (struct sockaddr *)&a, al) < 0 ? 1 : 0);
	}
	p.revents = 0;
	poll(&p, 1, -1);
	printf("listener after a connect revents: %#x\n", p.revents);
	int s = accept(l, NULL, NULL);
	printf("accept: %s\n", s >= 0 ? "ok" : strerrorname_np(errno));
	close(s);
	printf("client exit: %d\n", waitchild(c));

	/* the backlog: 1 means two waiting connections */
	int cs[4];
	for (int i = 0; i < 4; i++) {
		cs[i] = sock(SOCK_STREAM | SOCK_NONBLOCK);
		res("non-blocking connect", connect(cs[i], (struct sockaddr *)&a, al));
	}
	c = child();
	if (c == 0) {
		int s = sock(SOCK_STREAM);
		if (connect(s, (struct sockaddr *)&a, al) < 0)
			_exit(1);
		send(s, "q", 1, 0);
		_exit(0);
	}
	int got = 0;
	for (int i = 0; i < 3; i++) {
		struct pollfd q = {l, POLLIN, 0};
		poll(&q, 1, -1);
		int s = accept(l, NULL, NULL);
		if (s >= 0)
			got++;
		if (i == 2) {
			char ch = 0;
			recv(s, &ch, 1, MSG_WAITALL);
			printf("third connection sent: %c\n", ch);
		}
		close(s);
	}
	printf("accepted %d, blocked client exit: %d\n", got, waitchild(c));
	for (int i = 0; i < 4; i++)
		close(cs[i]);
	close(l);
	unlink("srv/nb.sock");
}

static void errors(void)
{
	struct sockaddr_un a, b;
	socklen_t al = path(&a, "srv/e.sock"), bl;
	int s = sock(SOCK_STREAM);
	res("listen unbound", listen(s, 1));
	res("accept unbound", accept(s, NULL, NULL));
	res("getpeername unconnected", getpeername(s, (struct sockaddr *)&b, &(socklen_t){sizeof b}));
	bl = sizeof b;
	res("getsockname unbound", getsockname(s, (struct sockaddr *)&b, &bl));
	printf("  len %u\n", bl);
	res("connect ENOENT", connect(s, (struct sockaddr *)&a, al));
	int fd = open("srv/plain", O_CREAT | O_WRONLY, 0644);
	close(fd);
	path(&b, "srv/plain");
	res("connect to a regular file", connect(s, (struct sockaddr *)&b, al));
	unlink("srv/plain");
	res("bind into a missing directory", bind(s, (struct sockaddr *)&b, path(&b, "nodir/x.sock")));
	res("bind", bind(s, (struct sockaddr *)&a, al));
	int t = sock(SOCK_STREAM);
	res("bind same path", bind(t, (struct sockaddr *)&a, al));
	res("bind bound socket", bind(s, (struct sockaddr *)&b, path(&b, "srv/second.sock")));
	printf("  file left behind: %s\n", access("srv/second.sock", F_OK) == 0 ? "yes" : "no");
	struct sockaddr_in6 wrong = {0};
	wrong.sin6_family = AF_INET6;
	res("bind wrong family", bind(t, (struct sockaddr *)&wrong, sizeof wrong));
	res("bind too long", bind(t, (struct sockaddr *)&a, sizeof a + 1));
	res("connect too long", connect(t, (struct sockaddr *)&a, 200));
	res("connect to a non-listener", connect(t, (struct sockaddr *)&a, al));
	int d = sock(SOCK_DGRAM);
	res("dgram connect to a stream socket", connect(d, (struct sockaddr *)&a, al));
	res("listen on dgram", listen(d, 1));
	res("accept on dgram", accept(d, NULL, NULL));
	close(d);
	listen(s, 1);
	res("connect", connect(t, (struct sockaddr *)&a, al));
	res("connect connected", connect(t, (struct sockaddr *)&a, al));
	res("sendto with an address on a stream", sendto(t, "x", 1, 0, (struct sockaddr *)&a, al));
	res("connect a listener", connect(s, (struct sockaddr *)&a, al));
	res("bind -1", bind(-1, (struct sockaddr *)&a, al));
	res("bind stdin", bind(0, (struct sockaddr *)&a, al));
	close(t);
	close(s);
	unlink("srv/e.sock");
}

static void abstract_names(void)
{
	struct sockaddr_un a, b;
	socklen_t al = abstract(&a, "one"), bl;
	int l = sock(SOCK_STREAM);
	res("bind abstract", bind(l, (struct sockaddr *)&a, al));
	bl = sizeof b;
	getsockname(l, (struct sockaddr *)&b, &bl);
	printf("abstract getsockname: len is as bound %s, leading NUL %s, same name %s\n", bl == al ? "yes" : "no",
	       b.sun_path[0] == 0 ? "yes" : "no", memcmp(&a, &b, al) == 0 ? "yes" : "no");
	listen(l, 1);
	int d = sock(SOCK_DGRAM);
	res("dgram binds the same abstract name", bind(d, (struct sockaddr *)&a, al));
	close(d);
	int t = sock(SOCK_STREAM);
	res("stream binds it again", bind(t, (struct sockaddr *)&a, al));
	pid_t c = child();
	if (c == 0) {
		int s = sock(SOCK_STREAM);
		if (connect(s, (struct sockaddr *)&a, al) < 0)
			_exit(1);
		send(s, "abs", 3, 0);
		_exit(0);
	}
	int s = accept(l, NULL, NULL);
	char r[4] = {0};
	recv(s, r, 3, MSG_WAITALL);
	printf("over the abstract name: %s, client exit %d\n", r, waitchild(c));
	close(s);
	close(l);
	res("name free after close", bind(t, (struct sockaddr *)&a, al));
	close(t);
	socklen_t shorter = al - 1; /* a different name: one byte less */
	t = sock(SOCK_STREAM);
	res("connect to a name nobody holds", connect(t, (struct sockaddr *)&a, shorter));
	close(t);

	int u = sock(SOCK_DGRAM);
	struct sockaddr_un fam = {.sun_family = AF_UNIX};
	res("autobind", bind(u, (struct sockaddr *)&fam, offsetof(struct sockaddr_un, sun_path)));
	bl = sizeof b;
	getsockname(u, (struct sockaddr *)&b, &bl);
	int hex = 1;
	for (int i = 1; i < 6; i++)
		hex = hex && isxdigit((unsigned char)b.sun_path[i]);
	printf("autobound: len %u, leading NUL %s, five hex digits %s\n", bl, b.sun_path[0] == 0 ? "yes" : "no",
	       hex ? "yes" : "no");
	res("autobind again", bind(u, (struct sockaddr *)&fam, offsetof(struct sockaddr_un, sun_path)));
	close(u);
	u = sock(SOCK_DGRAM);
	int on = 1;
	setsockopt(u, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	int v = sock(SOCK_DGRAM);
	bind(v, (struct sockaddr *)&a, al);
	res("SO_PASSCRED sendto", sendto(u, "x", 1, 0, (struct sockaddr *)&a, al));
	bl = sizeof b;
	getsockname(u, (struct sockaddr *)&b, &bl);
	printf("  sender autobound: len %u\n", bl);
	close(u);
	close(v);
}

static void datagrams(void)
{
	struct sockaddr_un sa, ca, from;
	socklen_t sal = path(&sa, "srv/d.sock"), cal = path(&ca, "srv/c.sock"), fl;
	int srv = sock(SOCK_DGRAM), cli = sock(SOCK_DGRAM), anon = sock(SOCK_DGRAM);
	bind(srv, (struct sockaddr *)&sa, sal);
	bind(cli, (struct sockaddr *)&ca, cal);
	pid_t c = child();
	if (c == 0) {
		sendto(cli, "hello", 5, 0, (struct sockaddr *)&sa, sal);
		char r[16] = {0};
		struct sockaddr_un f;
		socklen_t l = sizeof f;
		recvfrom(cli, r, sizeof r, 0, (struct sockaddr *)&f, &l);
		printf("client got %s from %s\n", r, f.sun_path);
		_exit(0);
	}
	char r[16] = {0};
	fl = sizeof from;
	res("recvfrom", recvfrom(srv, r, sizeof r, 0, (struct sockaddr *)&from, &fl));
	printf("  %s from len %u path %s\n", r, fl, from.sun_path);
	sendto(srv, "world", 5, 0, (struct sockaddr *)&from, fl);
	printf("client exit: %d\n", waitchild(c));
	sendto(anon, "anon", 4, 0, (struct sockaddr *)&sa, sal);
	fl = sizeof from;
	memset(r, 0, sizeof r);
	res("recvfrom an unnamed sender", recvfrom(srv, r, sizeof r, 0, (struct sockaddr *)&from, &fl));
	printf("  %s from len %u\n", r, fl);
	res("send unconnected", send(anon, "x", 1, 0));
	res("connect dgram", connect(anon, (struct sockaddr *)&sa, sal));
	res("send connected", send(anon, "y", 1, 0));
	fl = sizeof from;
	res("getpeername", getpeername(anon, (struct sockaddr *)&from, &fl));
	printf("  len %u path %s\n", fl, from.sun_path);
	res("server connects to the client", connect(srv, (struct sockaddr *)&ca, cal));
	res("anon sends to it now", send(anon, "z", 1, 0));
	res("queued for the server before", recv(srv, r, sizeof r, MSG_DONTWAIT));
	struct sockaddr_un unspec = {.sun_family = AF_UNSPEC};
	res("disconnect", connect(srv, (struct sockaddr *)&unspec, sizeof unspec));
	res("anon sends again", send(anon, "w", 1, 0));
	res("sendto its own path", sendto(cli, "x", 1, 0, (struct sockaddr *)&ca, cal));
	close(srv);
	res("send to a closed server", send(anon, "v", 1, 0));
	res("sendto a stale path", sendto(cli, "x", 1, 0, (struct sockaddr *)&sa, sal));
	close(anon);
	close(cli);
	unlink("srv/d.sock");
	unlink("srv/c.sock");
}

/* a datagram socket's queue holds max_dgram_qlen (10) messages, and one
 * more, from senders it is not connected to */
static void dgram_queue(void)
{
	struct sockaddr_un a;
	socklen_t al = abstract(&a, "queue");
	int r = sock(SOCK_DGRAM), s = sock(SOCK_DGRAM | SOCK_NONBLOCK);
	bind(r, (struct sockaddr *)&a, al);
	int sent = 0;
	while (sendto(s, "m", 1, 0, (struct sockaddr *)&a, al) == 1)
		sent++;
	printf("datagrams queued: %d, then %s\n", sent, strerrorname_np(errno));
	connect(s, (struct sockaddr *)&a, al);
	struct pollfd p = {s, POLLOUT, 0};
	poll(&p, 1, 0);
	printf("sender writable with the queue full: %s\n", p.revents & POLLOUT ? "yes" : "no");
	char b[4];
	recv(r, b, sizeof b, 0);
	p.revents = 0;
	poll(&p, 1, 0);
	printf("after one is read: %s\n", p.revents & POLLOUT ? "yes" : "no");
	send(s, "m", 1, 0);
	pid_t c = child();
	if (c == 0) {
		int w = sock(SOCK_DGRAM);
		_exit(sendto(w, "last", 4, 0, (struct sockaddr *)&a, al) == 4 ? 0 : 1);
	}
	int n = 0;
	ssize_t got;
	while ((got = recv(r, b, sizeof b, 0)) == 1)
		n++;
	printf("read %d, then a %zd-byte one; blocked sender exit %d\n", n, got, waitchild(c));
	close(s);
	close(r);
}

static void seqpacket(void)
{
	struct sockaddr_un a;
	socklen_t al = path(&a, "srv/q.sock");
	int l = sock(SOCK_SEQPACKET);
	bind(l, (struct sockaddr *)&a, al);
	listen(l, 2);
	pid_t c = child();
	if (c == 0) {
		int s = sock(SOCK_SEQPACKET);
		if (connect(s, (struct sockaddr *)&a, al) < 0)
			_exit(1);
		send(s, "first", 5, 0);
		send(s, "second message", 14, 0);
		_exit(0);
	}
	int s = accept(l, NULL, NULL);
	char r[32];
	res("seqpacket 1", recv(s, r, sizeof r, 0));
	res("seqpacket 2 cut to 6", recv(s, r, 6, 0));
	printf("client exit: %d\n", waitchild(c));
	res("seqpacket EOF", recv(s, r, sizeof r, 0));
	int n = sock(SOCK_SEQPACKET);
	res("seqpacket send unconnected", send(n, "x", 1, 0));
	res("seqpacket recv unconnected", recv(n, r, 1, MSG_DONTWAIT));
	close(n);
	close(s);
	close(l);
	unlink("srv/q.sock");
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	umask(022);
	if (mkdir("srv", 0755) < 0)
		return 2;
	stream_server();
	nonblocking();
	errors();
	abstract_names();
	datagrams();
	dgram_queue();
	seqpacket();
	res("rmdir", rmdir("srv"));
	return 0;
}
