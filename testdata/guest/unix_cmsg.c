/*
 * unix_cmsg.c — control buffers too small for the descriptors a Unix
 * socket message carries, and malformed control messages (Linux's
 * scm_detach_fds, put_cmsg and __scm_send). Three descriptors received
 * with room for two (CMSG_SPACE of one int is 24 bytes): two installed,
 * the third closed, MSG_CTRUNC. Room for no header, and no control buffer:
 * none installed, MSG_CTRUNC, msg_controllen 0. SO_PASSCRED's credentials
 * cut short by a 20-byte buffer: MSG_CTRUNC, the header's cmsg_len says 20.
 * A cmsg_len below a header's size or past the buffer: EINVAL. Counts only.
 *
 * Expected output, exit 0:
 *   3 sent, room for 2: 1 bytes, 2 received, CTRUNC yes, new descriptors 2
 *   room for no header: 1 bytes, controllen 0, CTRUNC yes, new descriptors 0
 *   no control buffer: 1 bytes, controllen 0, CTRUNC yes, new descriptors 0
 *   credentials in 20 bytes: CTRUNC yes, controllen 20, cmsg_len 20
 *   cmsg_len below a header: EINVAL
 *   cmsg_len past the buffer: EINVAL
 *
 * qemu-riscv64 7.2 is wrong here (it receives into a control buffer of its
 * own, so the host installs every descriptor, and it skips malformed
 * headers instead of refusing them): compare vessel with the lines above,
 * which native Linux gives. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int openfds(void)
{
	int n = 0;
	for (int fd = 0; fd < 300; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void sendfds(int s, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)] = {0};
	struct iovec iov = {"3", 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	sendmsg(s, &m, 0);
}

int main(void)
{
	int sv[2], three[3] = {0, 1, 2};
	char b[16], ctl[256];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int before = openfds();
	struct iovec iov = {b, sizeof b};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(sizeof(int))};
	sendfds(sv[0], three, 3);
	long r = recvmsg(sv[1], &m, 0);
	int n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_type == SCM_RIGHTS)
			n += (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	printf("3 sent, room for 2: %ld bytes, %d received, CTRUNC %s, new descriptors %d\n", r, n,
	       m.msg_flags & MSG_CTRUNC ? "yes" : "no", openfds() - before);
	for (int fd = 3; fd < 300; fd++)
		if (fd != sv[0] && fd != sv[1])
			close(fd);
	before = openfds();

	sendfds(sv[0], three, 3);
	m.msg_controllen = 8;
	r = recvmsg(sv[1], &m, 0);
	printf("room for no header: %ld bytes, controllen %zu, CTRUNC %s, new descriptors %d\n", r, m.msg_controllen,
	       m.msg_flags & MSG_CTRUNC ? "yes" : "no", openfds() - before);
	sendfds(sv[0], three, 3);
	m.msg_control = NULL;
	m.msg_controllen = 0;
	r = recvmsg(sv[1], &m, 0);
	printf("no control buffer: %ld bytes, controllen %zu, CTRUNC %s, new descriptors %d\n", r, m.msg_controllen,
	       m.msg_flags & MSG_CTRUNC ? "yes" : "no", openfds() - before);

	int on = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	send(sv[0], "c", 1, 0);
	m.msg_control = ctl;
	m.msg_controllen = 20;
	recvmsg(sv[1], &m, 0);
	struct cmsghdr *h = (struct cmsghdr *)ctl;
	printf("credentials in 20 bytes: CTRUNC %s, controllen %zu, cmsg_len %zu\n", m.msg_flags & MSG_CTRUNC ? "yes" : "no",
	       m.msg_controllen, (size_t)h->cmsg_len);

	char ctl2[CMSG_SPACE(sizeof(int))] = {0};
	struct cmsghdr *c = (struct cmsghdr *)ctl2;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = 8;
	struct iovec one = {"x", 1};
	struct msghdr sm = {.msg_iov = &one, .msg_iovlen = 1, .msg_control = ctl2, .msg_controllen = sizeof ctl2};
	res("cmsg_len below a header", sendmsg(sv[0], &sm, 0));
	c->cmsg_len = sizeof ctl2 + 8;
	res("cmsg_len past the buffer", sendmsg(sv[0], &sm, 0));
	return 0;
}
