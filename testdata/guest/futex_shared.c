/*
 * futex_shared.c — shared futexes between two processes: a parent and a
 * child pass a turn word back and forth, waiting with FUTEX_WAIT (no
 * FUTEX_PRIVATE_FLAG) while the word holds the other side's value and
 * waking with FUTEX_WAKE after storing their own, as futex.c does between
 * threads. The word is in MAP_SHARED|MAP_ANONYMOUS memory inherited across
 * fork, in a memfd and in a file of DIR that each process maps on its
 * own, at different addresses: Linux keys a shared futex by the page it
 * lies in, not by its address. A plain counter in the same memory checks
 * that no two turns overlapped.
 *
 * Usage: futex_shared DIR
 * Prints the count for each kind of memory and exits 0; exits 1 when a
 * call fails or the count is wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 2000
#define PAGE 4096

struct game {
	int turn; /* 0: the parent's, 1: the child's */
	long counter;
};

static void die(const char *what)
{
	printf("%s failed: %s\n", what, strerror(errno));
	exit(1);
}

/* play takes ROUNDS turns as side me. */
static void play(struct game *g, int me)
{
	int other = 1 - me;
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&g->turn, __ATOMIC_ACQUIRE) != me)
			syscall(SYS_futex, &g->turn, FUTEX_WAIT, other, NULL, NULL, 0);
		g->counter++;
		__atomic_store_n(&g->turn, other, __ATOMIC_RELEASE);
		syscall(SYS_futex, &g->turn, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
}

/* run plays a game in g; with fd >= 0 the child maps the file itself, at
 * another address (a page of padding moves it). */
static void run(const char *what, struct game *g, int fd)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		struct game *mine = g;
		if (fd >= 0) {
			void *pad = mmap(NULL, 3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			mine = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (pad == MAP_FAILED || mine == MAP_FAILED)
				_exit(3);
			if (mine == g)
				_exit(4);
		}
		play(mine, 1);
		_exit(0);
	}
	play(g, 0);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("%s: child failed\n", what);
		exit(1);
	}
	printf("%s: counter %ld\n", what, g->counter);
	if (g->counter != 2 * ROUNDS)
		exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: futex_shared DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);

	struct game *g = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED)
		die("mmap anonymous");
	run("MAP_SHARED|MAP_ANONYMOUS", g, -1);

	int fd = memfd_create("futex", 0);
	if (fd < 0 || ftruncate(fd, PAGE) != 0)
		die("memfd_create");
	g = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (g == MAP_FAILED)
		die("mmap memfd");
	run("memfd, mapped by each", g, fd);
	close(fd);

	char path[4096];
	snprintf(path, sizeof path, "%s/futex_shared.%d", argv[1], (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, PAGE) != 0)
		die("open");
	unlink(path);
	g = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (g == MAP_FAILED)
		die("mmap file");
	run("a file, mapped by each", g, fd);
	close(fd);
	return 0;
}
