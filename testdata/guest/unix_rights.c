/*
 * unix_rights.c — ancillary data on Unix sockets. SCM_RIGHTS: an open file
 * passed to another process, which reads it from the shared offset (and
 * moves it for the sender too); a pipe's write end passed on, the sender's
 * copy closed, the pipe read to end of file; a socket passed and used;
 * several descriptors in one message; MSG_CMSG_CLOEXEC (and in msg_flags,
 * as Linux leaves it); MSG_PEEK installing copies; a stream read stopping
 * after the bytes that carried descriptors; a zero-length stream send
 * carrying nothing, a zero-length datagram carrying a descriptor; 253
 * descriptors at most (EINVAL for 254), EBADF, an unknown type (EINVAL),
 * other levels ignored. (unix_cmsg.c has the cases qemu-riscv64 gets wrong:
 * control buffers too small, malformed headers.) Descriptors in flight are
 * released when the sockets holding them close, also when a socket was sent
 * over itself. SCM_CREDENTIALS with SO_PASSCRED: the sender's pid, uid and
 * gid (pid compared, not printed), credentials given explicitly, wrong ones
 * refused, a message sent before SO_PASSCRED was set carrying none,
 * credentials before rights. Creates and removes one file in DIR. Exit
 * status 0, 2 without DIR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int outp[2];

/* child forks a process whose output is printed by waitchild. */
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

/* sendfds sends data with n descriptors. */
static long sendfds(int s, const void *data, size_t len, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 256)];
	memset(ctl, 0, sizeof ctl);
	struct iovec iov = {(void *)data, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(s, &m, 0);
}

/* recvfds receives into buf with a control buffer of ctllen bytes and
 * returns the byte count; the descriptors go to fds (their number to *n),
 * msg_flags to *flags. */
static long recvfds(int s, void *buf, size_t len, size_t ctllen, int rflags, int *fds, int *n, int *flags)
{
	static char ctl[CMSG_SPACE(sizeof(int) * 256) + 64];
	struct iovec iov = {buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctllen ? ctl : NULL, .msg_controllen = ctllen};
	long r = recvmsg(s, &m, rflags);
	*n = 0;
	*flags = m.msg_flags;
	if (r < 0)
		return r;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds + *n, CMSG_DATA(c), k * sizeof(int));
			*n += k;
		}
	return r;
}

/* openfds counts the open descriptors below 300. */
static int openfds(void)
{
	int n = 0;
	for (int fd = 0; fd < 300; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void pass_file(void)
{
	int fd = open("data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, "file contents\n", 14);
	lseek(fd, 5, SEEK_SET);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t c = child();
	if (c == 0) {
		close(sv[0]);
		char b[32] = {0};
		int fds[4], n, fl;
		long r = recvfds(sv[1], b, sizeof b, CMSG_SPACE(sizeof(int)), 0, fds, &n, &fl);
		printf("child: %ld bytes %s, %d descriptor, CTRUNC %s\n", r, b, n, fl & MSG_CTRUNC ? "yes" : "no");
		if (n != 1)
			_exit(1);
		struct stat st;
		fstat(fds[0], &st);
		printf("child: a regular file %s, cloexec %s\n", S_ISREG(st.st_mode) ? "yes" : "no",
		       fcntl(fds[0], F_GETFD) & FD_CLOEXEC ? "yes" : "no");
		memset(b, 0, sizeof b);
		read(fds[0], b, 4);
		printf("child read from the shared offset: %s\n", b);
		_exit(0);
	}
	res("send a file", sendfds(sv[0], "file", 4, &fd, 1));
	printf("child exit: %d\n", waitchild(c));
	printf("sender's offset moved: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	unlink("data.txt");

	/* a pipe's write end; the sender closes its own */
	int p[2];
	pipe(p);
	c = child();
	if (c == 0) {
		close(p[0]);
		close(p[1]);
		char b[4];
		int fds[4], n, fl;
		recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
		if (n != 1)
			_exit(1);
		write(fds[0], "through a passed pipe", 21);
		_exit(0);
	}
	sendfds(sv[0], "p", 1, &p[1], 1);
	close(p[1]);
	char b[64] = {0};
	long r, t = 0;
	while ((r = read(p[0], b + t, sizeof b - 1 - t)) > 0)
		t += r;
	printf("pipe: %s, then %s\n", b, r == 0 ? "EOF" : "error");
	printf("child exit: %d\n", waitchild(c));
	close(p[0]);

	/* a socket passed on and used */
	int inner[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, inner);
	c = child();
	if (c == 0) {
		close(inner[0]);
		close(inner[1]);
		int fds[4], n, fl;
		recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
		if (n != 1)
			_exit(1);
		send(fds[0], "over the passed socket", 22, 0);
		_exit(0);
	}
	sendfds(sv[0], "s", 1, &inner[1], 1);
	close(inner[1]);
	memset(b, 0, sizeof b);
	recv(inner[0], b, sizeof b, 0);
	printf("inner socket: %s\n", b);
	printf("child exit: %d\n", waitchild(c));
	close(inner[0]);
	close(sv[0]);
	close(sv[1]);
}

static void truncation(void)
{
	int sv[2], fds[300], n, fl;
	char b[16];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int three[3] = {0, 1, 2};
	int before;
	sendfds(sv[0], "3", 1, three, 3);
	long r = recvfds(sv[1], b, sizeof b, 256, MSG_CMSG_CLOEXEC, fds, &n, &fl);
	int cloexec = 1;
	for (int i = 0; i < n; i++) {
		cloexec = cloexec && (fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
		close(fds[i]);
	}
	printf("MSG_CMSG_CLOEXEC: %ld bytes, %d received, all close-on-exec %s, msg_flags %#x\n", r, n,
	       cloexec ? "yes" : "no", fl);

	/* peek installs copies; the read installs its own */
	sendfds(sv[0], "pk", 2, three, 1);
	before = openfds();
	recvfds(sv[1], b, sizeof b, 64, MSG_PEEK, fds, &n, &fl);
	int peeked = n;
	close(fds[0]);
	recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
	printf("peek gave %d, read gave %d, distinct from stdin %s\n", peeked, n, fds[0] != 0 ? "yes" : "no");
	close(fds[0]);
	printf("descriptors back to before: %s\n", openfds() == before ? "yes" : "no");

	/* a zero-length datagram carries a descriptor */
	res("zero-length datagram with a descriptor", sendfds(sv[0], "", 0, three, 1));
	r = recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
	printf("  received %ld bytes and %d descriptor\n", r, n);
	close(fds[0]);

	/* the limits */
	int many[254];
	for (int i = 0; i < 254; i++)
		many[i] = 0;
	res("254 descriptors", sendfds(sv[0], "m", 1, many, 254));
	res("253 descriptors", sendfds(sv[0], "m", 1, many, 253));
	r = recvfds(sv[1], b, sizeof b, CMSG_SPACE(sizeof(int) * 253), 0, fds, &n, &fl);
	printf("  received %d, CTRUNC %s\n", n, fl & MSG_CTRUNC ? "yes" : "no");
	for (int i = 0; i < n; i++)
		close(fds[i]);
	int bad = 250;
	res("a closed descriptor", sendfds(sv[0], "x", 1, &bad, 1));
	char ctl2[CMSG_SPACE(sizeof(int))] = {0};
	struct cmsghdr *c = (struct cmsghdr *)ctl2;
	c->cmsg_level = SOL_SOCKET;
	struct iovec one = {"x", 1};
	struct msghdr sm = {.msg_iov = &one, .msg_iovlen = 1, .msg_control = ctl2, .msg_controllen = sizeof ctl2};
	c->cmsg_len = CMSG_LEN(sizeof(int));
	c->cmsg_type = 77;
	res("unknown SOL_SOCKET type", sendmsg(sv[0], &sm, 0));
	c->cmsg_level = 6;
	res("another level is ignored", sendmsg(sv[0], &sm, 0));
	r = recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
	printf("  received %ld bytes and %d descriptors\n", r, n);
	close(sv[0]);
	close(sv[1]);

	/* streams: a read stops after the bytes that carried descriptors */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	res("zero-length stream send with a descriptor", sendfds(sv[0], "", 0, three, 1));
	res("  nothing queued", recv(sv[1], b, sizeof b, MSG_DONTWAIT));
	send(sv[0], "ab", 2, 0);
	sendfds(sv[0], "cd", 2, three, 1);
	send(sv[0], "ef", 2, 0);
	memset(b, 0, sizeof b);
	r = recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
	printf("stream read: %ld bytes %s, %d descriptor\n", r, b, n);
	close(fds[0]);
	memset(b, 0, sizeof b);
	r = recvfds(sv[1], b, sizeof b, 64, 0, fds, &n, &fl);
	printf("stream read: %ld bytes %s, %d descriptors\n", r, b, n);
	close(sv[0]);
	close(sv[1]);
}

static void in_flight(void)
{
	/* a closed pair releases what is in flight */
	int sv[2], p[2];
	char b[4];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	sendfds(sv[0], "w", 1, &p[1], 1);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	printf("in flight in a closed pair: pipe %s\n", read(p[0], b, 1) == 0 ? "EOF" : "still open");
	close(p[0]);

	/* a socket sent over itself, with a pipe end: only the collector
	 * can free them once both ends are closed */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pipe(p);
	int two[2] = {sv[1], p[1]};
	res("send a socket into its own queue", sendfds(sv[0], "cycle", 5, two, 2));
	close(p[1]);
	close(sv[1]);
	close(sv[0]);
	printf("cycle collected: pipe %s\n", read(p[0], b, 1) == 0 ? "EOF" : "still open");
	close(p[0]);

	/* each end in the other's queue */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	int x[2] = {sv[0], p[1]};
	sendfds(sv[0], "a", 1, x, 2);
	sendfds(sv[1], "b", 1, &sv[1], 1);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	close(socket(AF_UNIX, SOCK_DGRAM, 0)); /* a release runs the collector */
	printf("two-socket cycle collected: pipe %s\n", read(p[0], b, 1) == 0 ? "EOF" : "still open");
	close(p[0]);
}

/* creds returns the SCM_CREDENTIALS of a message, and whether it had any. */
static int creds(int s, struct ucred *u, char *data, size_t len, int *nfds)
{
	char ctl[256];
	struct iovec iov = {data, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	int got = 0, order = 0;
	*nfds = 0;
	if (recvmsg(s, &m, 0) < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			memcpy(u, CMSG_DATA(c), sizeof *u);
			got = 1;
			order = order * 10 + 1;
		}
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
			close(fd);
			*nfds = 1;
			order = order * 10 + 2;
		}
	}
	return got ? order : 0;
}

static void credentials(void)
{
	int sv[2], on = 1, nfds;
	struct ucred u;
	char b[16];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "before", 6, 0);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	int got = creds(sv[1], &u, b, sizeof b, &nfds);
	printf("sent before SO_PASSCRED: credentials %s, pid %d uid %u gid %u\n", got ? "yes" : "no", u.pid, u.uid,
	       u.gid);
	pid_t c = child();
	if (c == 0) {
		send(sv[0], "child", 5, 0);
		_exit(0);
	}
	waitchild(c);
	got = creds(sv[1], &u, b, sizeof b, &nfds);
	printf("from a child: credentials %s, pid is the child's %s, uid mine %s, gid mine %s\n", got ? "yes" : "no",
	       u.pid == c ? "yes" : "no", u.uid == getuid() ? "yes" : "no", u.gid == getgid() ? "yes" : "no");

	/* explicit credentials */
	char ctl[CMSG_SPACE(sizeof(struct ucred))] = {0};
	struct iovec iov = {"e", 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_CREDENTIALS;
	h->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	struct ucred mine = {getpid(), getuid(), getgid()};
	memcpy(CMSG_DATA(h), &mine, sizeof mine);
	res("explicit credentials", sendmsg(sv[0], &m, 0));
	got = creds(sv[1], &u, b, sizeof b, &nfds);
	printf("  received: pid mine %s\n", got && u.pid == getpid() ? "yes" : "no");
	struct ucred wrong = {0x7ffffff0, getuid(), getgid()};
	memcpy(CMSG_DATA(h), &wrong, sizeof wrong);
	long r = sendmsg(sv[0], &m, 0);
	printf("a pid that is not mine: %s\n", r < 0 && (errno == EPERM || errno == ESRCH) ? "refused" : "accepted");
	h->cmsg_len = CMSG_LEN(sizeof(struct ucred)) - 1;
	res("credentials of the wrong size", sendmsg(sv[0], &m, 0));

	/* credentials come before rights */
	int zero = 0;
	sendfds(sv[0], "r", 1, &zero, 1);
	got = creds(sv[1], &u, b, sizeof b, &nfds);
	printf("credentials and rights: order %d, descriptor %d\n", got, nfds);
	close(sv[0]);
	close(sv[1]);

	/* a stream with SO_PASSCRED: a read does not merge two writers, but
	 * merges writes that carried no credentials */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[0], "no", 2, 0);
	send(sv[0], "ne", 2, 0);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	memset(b, 0, sizeof b);
	got = creds(sv[1], &u, b, sizeof b, &nfds);
	printf("stream writes sent before SO_PASSCRED: %s, pid %d uid %u\n", b, u.pid, u.uid);
	send(sv[0], "par", 3, 0);
	c = child();
	if (c == 0) {
		send(sv[0], "kid", 3, 0);
		_exit(0);
	}
	waitchild(c);
	memset(b, 0, sizeof b);
	creds(sv[1], &u, b, sizeof b, &nfds);
	printf("stream read with SO_PASSCRED: %s, pid mine %s\n", b, u.pid == getpid() ? "yes" : "no");
	memset(b, 0, sizeof b);
	creds(sv[1], &u, b, sizeof b, &nfds);
	printf("stream read with SO_PASSCRED: %s, pid the child's %s\n", b, u.pid == c ? "yes" : "no");
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	pass_file();
	truncation();
	in_flight();
	credentials();
	return 0;
}
