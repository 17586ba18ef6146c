// readv on streams reads once and scatters: a pipe holding exactly as much
// as the first buffer returns at once rather than waiting to fill the
// second, and a datagram socket gives one datagram across the buffers.
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
int main(void) {
	int p[2]; pipe(p);
	write(p[1], "0123456789", 10);
	char a[10], b[10];
	struct iovec iov[2] = {{a, 10}, {b, 10}};
	printf("readv pipe: %zd\n", readv(p[0], iov, 2));
	int s[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, s);
	send(s[0], "abc", 3, 0); send(s[0], "defgh", 5, 0);
	char c[2], d[10];
	struct iovec iov2[2] = {{c, 2}, {d, 10}};
	ssize_t n = readv(s[1], iov2, 2);
	printf("readv dgram: %zd %.2s %.*s\n", n, c, (int)(n > 2 ? n - 2 : 0), d);
	n = read(s[1], d, 10);
	printf("next dgram: %zd %.*s\n", n, (int)n, d);
	return 0;
}
