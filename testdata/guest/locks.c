// Advisory locks between processes: POSIX record locks (conflicts, F_GETLK
// reporting the holder, splitting and merging, release when the holder
// closes any descriptor of the file, F_SETLKW waiting, EDEADLK between two
// processes), OFD locks (owned by the open file description, conflicting
// with POSIX locks of the same process), and flock (shared, exclusive,
// LOCK_NB, released with the last descriptor).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[] = "/tmp/locksXXXXXX";

static int setlk(int fd, int cmd, short type, off_t start, off_t len) {
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl) == 0 ? 0 : errno;
}

static void getlk(int fd, int cmd, short type, off_t start, off_t len, pid_t self) {
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	if (fcntl(fd, cmd, &fl) != 0) {
		printf("  getlk: %s\n", strerror(errno));
		return;
	}
	const char *t = fl.l_type == F_RDLCK ? "RD" : fl.l_type == F_WRLCK ? "WR" : "UN";
	if (fl.l_type == F_UNLCK)
		printf("  getlk [%ld,+%ld]: none\n", (long)start, (long)len);
	else
		printf("  getlk [%ld,+%ld]: %s at %ld len %ld by %s\n", (long)start, (long)len, t, (long)fl.l_start,
		       (long)fl.l_len, fl.l_pid == -1 ? "an OFD lock" : fl.l_pid == self ? "the parent" : "another");
}

static void wait_child(pid_t pid) {
	int st;
	waitpid(pid, &st, 0);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0); // children print too
	int fd = mkstemp(path);
	write(fd, "0123456789abcdefghij", 20);
	pid_t parent = getpid();
	int sync1[2], sync2[2];
	pipe(sync1);
	pipe(sync2);
	char c;

	printf("parent locks WR [0,10) and RD [10,20)\n");
	setlk(fd, F_SETLK, F_WRLCK, 0, 10);
	setlk(fd, F_SETLK, F_RDLCK, 10, 10);
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		printf("child:\n");
		getlk(cfd, F_GETLK, F_RDLCK, 5, 1, parent);
		getlk(cfd, F_GETLK, F_RDLCK, 12, 1, parent);
		getlk(cfd, F_GETLK, F_WRLCK, 12, 1, parent);
		getlk(cfd, F_GETLK, F_WRLCK, 20, 0, parent);
		printf("  RD [10,20): %s\n", strerror(setlk(cfd, F_SETLK, F_RDLCK, 10, 10)));
		printf("  WR [3,4): %s\n", strerror(setlk(cfd, F_SETLK, F_WRLCK, 3, 1)));
		write(sync1[1], "x", 1);
		// Waits until the parent drops [0,10).
		printf("  SETLKW WR [3,4): %s\n", strerror(setlk(cfd, F_SETLKW, F_WRLCK, 3, 1)));
		write(sync1[1], "x", 1);
		read(sync2[0], &c, 1);
		_exit(0);
	}
	read(sync1[0], &c, 1);
	printf("parent unlocks [0,10) by closing another descriptor of the file\n");
	int other = open(path, O_RDONLY);
	close(other);
	read(sync1[0], &c, 1);
	printf("parent: WR [3,4) now: %s\n", strerror(setlk(fd, F_SETLK, F_WRLCK, 3, 1)));
	getlk(fd, F_GETLK, F_WRLCK, 0, 0, parent);
	write(sync2[1], "x", 1);
	wait_child(pid);
	printf("parent after the child exits: WR [3,4): %s\n", strerror(setlk(fd, F_SETLK, F_WRLCK, 3, 1)));

	// Splitting: lock [0,20) then unlock [5,10): [5,10) is free to others.
	setlk(fd, F_SETLK, F_WRLCK, 0, 20);
	setlk(fd, F_SETLK, F_UNLCK, 5, 5);
	pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		printf("after a split:\n");
		getlk(cfd, F_GETLK, F_WRLCK, 0, 0, parent);
		getlk(cfd, F_GETLK, F_WRLCK, 5, 5, parent);
		getlk(cfd, F_GETLK, F_WRLCK, 10, 1, parent);
		_exit(0);
	}
	wait_child(pid);
	setlk(fd, F_SETLK, F_UNLCK, 0, 0);

	// Deadlock: the parent holds A=[0,1) and waits for B=[1,2), which the
	// child holds while it waits for A.
	setlk(fd, F_SETLK, F_WRLCK, 0, 1);
	pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		setlk(cfd, F_SETLK, F_WRLCK, 1, 1);
		write(sync1[1], "x", 1);
		int e = setlk(cfd, F_SETLKW, F_WRLCK, 0, 1); // waits for the parent
		printf("child SETLKW A after the parent gave up: %s\n", strerror(e));
		_exit(0);
	}
	read(sync1[0], &c, 1);
	usleep(100000); // let the child wait for A
	int e = setlk(fd, F_SETLKW, F_WRLCK, 1, 1);
	printf("parent SETLKW B: %s\n", strerror(e));
	setlk(fd, F_SETLK, F_UNLCK, 0, 0);
	wait_child(pid);

	// OFD locks: two descriptions of one process conflict.
	int a = open(path, O_RDWR), b = open(path, O_RDWR);
	printf("OFD WR through a: %s\n", strerror(setlk(a, F_OFD_SETLK, F_WRLCK, 0, 0)));
	printf("OFD WR through b: %s\n", strerror(setlk(b, F_OFD_SETLK, F_WRLCK, 0, 0)));
	printf("POSIX WR through fd: %s\n", strerror(setlk(fd, F_SETLK, F_WRLCK, 0, 1)));
	getlk(b, F_OFD_GETLK, F_RDLCK, 0, 1, parent);
	close(a);
	printf("OFD WR through b after a closed: %s\n", strerror(setlk(b, F_OFD_SETLK, F_WRLCK, 0, 0)));
	close(b);

	// flock: shared, exclusive, LOCK_NB, released with the description.
	a = open(path, O_RDONLY);
	b = open(path, O_RDONLY);
	printf("flock SH a: %d, SH b: %d\n", flock(a, LOCK_SH), flock(b, LOCK_SH));
	printf("flock EX|NB b: %s\n", flock(b, LOCK_EX | LOCK_NB) ? strerror(errno) : "ok");
	int dupa = dup(a);
	close(a);
	printf("flock EX|NB b with a's duplicate open: %s\n", flock(b, LOCK_EX | LOCK_NB) ? strerror(errno) : "ok");
	close(dupa);
	printf("flock EX|NB b after the last of a: %s\n", flock(b, LOCK_EX | LOCK_NB) ? strerror(errno) : "ok");
	pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDONLY);
		printf("child flock SH|NB: %s\n", flock(cfd, LOCK_SH | LOCK_NB) ? strerror(errno) : "ok");
		printf("child flock SH (waits): %s\n", flock(cfd, LOCK_SH) ? strerror(errno) : "ok");
		_exit(0);
	}
	usleep(100000);
	flock(b, LOCK_UN);
	wait_child(pid);
	printf("flock of a bad op: %s\n", flock(b, 3) ? strerror(errno) : "ok");
	unlink(path);
	return 0;
}
