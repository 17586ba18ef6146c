/*
 * shm_open.c — POSIX shared memory between two processes: the parent
 * creates an object with shm_open (a file of /dev/shm), sizes it with
 * ftruncate and maps it; a child opens the object by name and maps it on
 * its own; they pass a request and a reply through it, waiting on shared
 * futexes in it (no FUTEX_PRIVATE_FLAG). Then shm_unlink removes the name,
 * which the mappings outlive.
 *
 * Usage: shm_open
 * Prints what each side sees, the same on every run, and exits 0; exits 1
 * when a call fails unexpectedly.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE 8192

struct shared {
	int state; /* 0 empty, 1 request posted, 2 reply posted */
	char request[32];
	char reply[64];
	char big[4096]; /* the second page */
};

static void die(const char *what)
{
	printf("%s failed: %s\n", what, strerror(errno));
	exit(1);
}

static void waitFor(int *word, int want)
{
	int v;
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != want)
		syscall(SYS_futex, word, FUTEX_WAIT, v, NULL, NULL, 0);
}

static void post(int *word, int v)
{
	__atomic_store_n(word, v, __ATOMIC_RELEASE);
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	char name[64];
	snprintf(name, sizeof name, "/vessel-shm-open-%d", (int)getpid());
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		die("shm_open");
	printf("shm_open O_EXCL again: %s\n", shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) < 0 ? strerror(errno) : "ok");
	if (ftruncate(fd, SIZE) != 0)
		die("ftruncate");
	struct shared *s = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED)
		die("mmap");
	close(fd); /* the mapping keeps the object */

	pid_t pid = fork();
	if (pid == 0) {
		/* The child maps the object anew, by name. */
		munmap(s, SIZE);
		int cfd = shm_open(name, O_RDWR, 0);
		if (cfd < 0)
			die("child shm_open");
		struct stat st;
		if (fstat(cfd, &st) != 0)
			die("child fstat");
		printf("child: size %lld\n", (long long)st.st_size);
		struct shared *c = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		if (c == MAP_FAILED)
			die("child mmap");
		waitFor(&c->state, 1);
		printf("child: request \"%s\"\n", c->request);
		snprintf(c->reply, sizeof c->reply, "reply to %s", c->request);
		memset(c->big, 'x', 100);
		/* read(2) of the object sees what the parent wrote. */
		char buf[64] = {0};
		if (pread(cfd, buf, 20, offsetof(struct shared, request)) != 20)
			die("child pread");
		printf("child: read(2) \"%s\"\n", buf);
		post(&c->state, 2);
		_exit(0);
	}
	snprintf(s->request, sizeof s->request, "ping");
	post(&s->state, 1);
	waitFor(&s->state, 2);
	printf("parent: reply \"%s\"\n", s->reply);
	int waited;
	if (waitpid(pid, &waited, 0) != pid || !WIFEXITED(waited) || WEXITSTATUS(waited) != 0) {
		printf("child failed\n");
		return 1;
	}
	printf("parent: second page %.5s, %zu bytes\n", s->big, strlen(s->big));

	if (shm_unlink(name) != 0)
		die("shm_unlink");
	printf("shm_open after shm_unlink: %s\n", shm_open(name, O_RDWR, 0) < 0 ? strerror(errno) : "ok");
	printf("shm_unlink again: %s\n", shm_unlink(name) == 0 ? "ok" : strerror(errno));
	printf("parent: the mapping outlives the name: \"%s\"\n", s->reply);
	munmap(s, SIZE);
	return 0;
}
