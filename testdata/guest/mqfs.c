/*
 * mqfs.c — the mqueue filesystem at /dev/mqueue: a queue made by mq_open
 * appears as a file with its mode and a QSIZE line to read (printed here
 * without its trailing blanks); open(2) with O_CREAT makes one; unlink(2)
 * removes one as mq_unlink does. qemu-riscv64 sees the host's /dev/mqueue,
 * which need not be mounted; the output below is Linux's with it mounted.
 *
 * Expected output (Linux):
 *   listed: vq
 *   mode 640 regular 1
 *   QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0
 *   open O_CREAT: ok
 *   listed: made vq
 *   unlink: 0
 *   mq_open after unlink: No such file or directory
 *   listed: made
 *   mkdir: Operation not permitted
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void list(void) {
	DIR *d = opendir("/dev/mqueue");
	if (!d) {
		printf("opendir: %s\n", strerror(errno));
		return;
	}
	char names[256] = "";
	struct dirent *e;
	// Sorted by hand: two names at most.
	char a[64] = "", b[64] = "";
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!a[0])
			strcpy(a, e->d_name);
		else
			strcpy(b, e->d_name);
	}
	closedir(d);
	if (b[0] && strcmp(a, b) > 0) {
		char t[64];
		strcpy(t, a), strcpy(a, b), strcpy(b, t);
	}
	snprintf(names, sizeof names, "%s%s%s", a, b[0] ? " " : "", b);
	printf("listed: %s\n", names);
}

int main(void) {
	umask(022);
	mq_unlink("/vq");
	mq_unlink("/made");
	mqd_t q = mq_open("/vq", O_CREAT | O_RDWR, 0640, NULL);
	mq_send(q, "hello", 5, 1);
	list();
	struct stat st;
	stat("/dev/mqueue/vq", &st);
	printf("mode %o regular %d\n", st.st_mode & 0777, S_ISREG(st.st_mode));
	int fd = open("/dev/mqueue/vq", O_RDONLY);
	char buf[128] = {0};
	ssize_t n = read(fd, buf, sizeof buf - 1);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	printf("%s\n", buf);
	close(fd);
	fd = open("/dev/mqueue/made", O_CREAT | O_RDWR, 0600);
	printf("open O_CREAT: %s\n", fd >= 0 ? "ok" : strerror(errno));
	close(fd);
	list();
	printf("unlink: %d\n", unlink("/dev/mqueue/vq"));
	mq_close(q);
	q = mq_open("/vq", O_RDWR);
	printf("mq_open after unlink: %s\n", q == (mqd_t)-1 ? strerror(errno) : "ok");
	list();
	printf("mkdir: %s\n", mkdir("/dev/mqueue/d", 0755) ? strerror(errno) : "ok");
	mq_unlink("/made");
	return 0;
}
