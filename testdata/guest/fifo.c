// FIFOs: mkfifo in the host tree (/tmp when vessel sees the host's root)
// and in a tmpfs (/dev/shm); Linux's open rules (ENXIO for a non-blocking
// writer without a reader, a blocking reader waits for a writer, O_RDWR
// never waits); data between two processes; EOF when the writer closes.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *dir) {
	char path[256];
	snprintf(path, sizeof path, "%s/fifoXXXXXX", dir);
	if (!mkdtemp(path)) {
		perror("mkdtemp");
		exit(1);
	}
	char dpath[256];
	strcpy(dpath, path);
	strcat(path, "/f");
	if (mkfifo(path, 0600) != 0) {
		perror("mkfifo");
		exit(1);
	}
	struct stat st;
	stat(path, &st);
	printf("%s: fifo %d mode %o size %ld\n", dir, S_ISFIFO(st.st_mode), st.st_mode & 0777, (long)st.st_size);

	int fd = open(path, O_WRONLY | O_NONBLOCK);
	printf("nonblocking writer, no reader: %d %s\n", fd, fd < 0 ? strerror(errno) : "");

	int r = open(path, O_RDONLY | O_NONBLOCK);
	char buf[64];
	printf("nonblocking reader: ok %d, read %zd\n", r >= 0, read(r, buf, sizeof buf));
	fd = open(path, O_WRONLY | O_NONBLOCK);
	printf("nonblocking writer with a reader: ok %d\n", fd >= 0);
	printf("write %zd\n", write(fd, "early", 5));
	ssize_t n = read(r, buf, sizeof buf);
	printf("read %zd: %.*s\n", n, (int)n, buf);
	close(fd);
	n = read(r, buf, sizeof buf);
	printf("after the writer closed: read %zd\n", n);
	fstat(r, &st);
	printf("fstat of the open end: fifo %d\n", S_ISFIFO(st.st_mode));
	close(r);

	pid_t pid = fork();
	if (pid == 0) {
		int w = open(path, O_WRONLY); // waits for the parent's reader
		for (int i = 0; i < 3; i++) {
			char msg[32];
			int len = snprintf(msg, sizeof msg, "line %d\n", i);
			write(w, msg, len);
		}
		close(w);
		_exit(0);
	}
	r = open(path, O_RDONLY); // waits for the child's writer
	size_t total = 0;
	while ((n = read(r, buf + total, sizeof buf - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	printf("from the child:\n%s", buf);
	close(r);
	int status;
	waitpid(pid, &status, 0);
	printf("child exit %d\n", WEXITSTATUS(status));

	int rw = open(path, O_RDWR);
	printf("O_RDWR: ok %d, write %zd, read %zd\n", rw >= 0, write(rw, "xy", 2), read(rw, buf, 2));
	close(rw);
	unlink(path);
	rmdir(dpath);
}

int main(void) {
	check("/tmp");
	check("/dev/shm");
	return 0;
}
