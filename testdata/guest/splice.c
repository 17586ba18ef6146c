// sendfile, splice, tee and copy_file_range: bytes moved between files and
// pipes, offsets honoured and advanced, and Linux's errors; a splice from a
// pipe into a socket that takes only part of it leaves the rest in the
// pipe.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, ssize_t n) {
	if (n < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: %zd\n", what, n);
}

static void drain(const char *what, int fd) {
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf);
	printf("%s: %.*s\n", what, (int)(n < 0 ? 0 : n), buf);
}

/* full_socket splices a pipe into a TCP socket whose peer has room for
 * part of it (the sizes differ between kernels): what the socket does not
 * take stays in the pipe. */
static void full_socket(void) {
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	bind(l, (void *)&a, sizeof a);
	listen(l, 1);
	getsockname(l, (void *)&a, &al);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c, (void *)&a, sizeof a);
	int r = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	static unsigned char big[1 << 16];
	while (write(c, big, sizeof big) > 0) /* fill the path */
		;
	ssize_t room = read(r, big, 30000);
	int p[2];
	pipe2(p, O_NONBLOCK);
	for (int i = 0; i < (int)sizeof big; i++)
		big[i] = (unsigned char)(i * 7 + 1);
	write(p[1], big, sizeof big);
	long moved = 0;
	ssize_t n;
	while ((n = splice(p[0], NULL, c, NULL, sizeof big, SPLICE_F_NONBLOCK)) > 0)
		moved += n;
	int left = 0;
	ioctl(p[0], FIONREAD, &left);
	printf("splice into a socket with room for %s: the pipe keeps the rest: %s\n", room > 0 ? "some" : "none",
	       moved + left == (long)sizeof big ? "yes" : "no");
	close(c);
	close(r);
	close(l);
	close(p[0]);
	close(p[1]);
}

int main(void) {
	char src[] = "/tmp/spliceXXXXXX", dst[] = "/tmp/spliceXXXXXX";
	int s = mkstemp(src), d = mkstemp(dst);
	const char *text = "The quick brown fox jumps over the lazy dog";
	write(s, text, strlen(text));
	int p[2], q[2];
	pipe(p);
	pipe(q);

	off_t off = 4;
	show("sendfile file->pipe at offset 4, 11 bytes", sendfile(p[1], s, &off, 11));
	printf("offset now %ld, file position %ld\n", (long)off, (long)lseek(s, 0, SEEK_CUR));
	drain("pipe holds", p[0]);
	lseek(s, 10, SEEK_SET);
	show("sendfile from the file position, 5 bytes", sendfile(p[1], s, NULL, 5));
	printf("file position %ld\n", (long)lseek(s, 0, SEEK_CUR));
	drain("pipe holds", p[0]);

	off_t in = 16, out = 0;
	show("copy_file_range 3 bytes 16->0", copy_file_range(s, &in, d, &out, 3, 0));
	printf("offsets %ld %ld\n", (long)in, (long)out);
	lseek(s, 0, SEEK_SET);
	lseek(d, 3, SEEK_SET);
	show("copy_file_range from positions, 4 bytes", copy_file_range(s, NULL, d, NULL, 4, 0));
	printf("positions %ld %ld\n", (long)lseek(s, 0, SEEK_CUR), (long)lseek(d, 0, SEEK_CUR));
	char buf[64] = {0};
	pread(d, buf, sizeof buf - 1, 0);
	printf("destination: %s\n", buf);
	show("copy_file_range with flags", copy_file_range(s, NULL, d, NULL, 4, 1));
	off_t a = 0, b = 2;
	show("copy_file_range overlapping in one file", copy_file_range(s, &a, s, &b, 10, 0));
	show("copy_file_range from a pipe", copy_file_range(p[0], NULL, d, NULL, 4, 0));

	off = 35;
	show("splice file->pipe at 35", splice(s, &off, p[1], NULL, 100, 0));
	printf("offset now %ld\n", (long)off);
	show("tee pipe->pipe", tee(p[0], q[1], 100, 0));
	drain("tee's copy", q[0]);
	off = 0;
	show("splice pipe->file at 0", splice(p[0], NULL, d, &off, 100, 0));
	memset(buf, 0, sizeof buf);
	pread(d, buf, sizeof buf - 1, 0);
	printf("destination: %s\n", buf);
	show("splice file->file", splice(s, NULL, d, NULL, 10, 0));
	off = 0;
	show("splice with an offset on the pipe", splice(p[0], &off, d, NULL, 10, 0));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	show("splice from an empty non-blocking pipe", splice(p[0], NULL, d, NULL, 10, 0));
	close(p[1]);
	show("splice from a pipe at EOF", splice(p[0], NULL, d, NULL, 10, 0));
	show("sendfile from a pipe", sendfile(d, q[0], NULL, 10));
	unlink(src);
	unlink(dst);
	full_socket();
	return 0;
}
