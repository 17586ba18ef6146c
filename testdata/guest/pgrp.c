/*
 * pgrp.c — process groups and sessions: setpgid(0, 0) makes a child a
 * group leader; a second child joins that group; kill(-pgid) reaches both
 * and nobody else; setsid by a group leader is EPERM, by a plain child a
 * new session and group; setpgid of a child that has exec'd is EACCES; of
 * a grandchild ESRCH; into a group that does not exist EPERM; getsid and
 * getpgid of a missing pid ESRCH. Static build (the exec'd child is this
 * program with argument "sleep"). Only results are printed. Exit status 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int r)
{
	if (r >= 0)
		return "ok";
	switch (errno) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	default: return strerror(errno);
	}
}

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		nap(2000);
		return 0;
	}
	printf("getsid(0) == getsid(getpid()): %s\n", getsid(0) == getsid(getpid()) ? "yes" : "no");
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		nap(5000);
		_exit(0);
	}
	setpgid(a, a); /* both sides, as shells do, so the order does not matter */
	pid_t b = fork();
	if (b == 0) {
		nap(5000);
		_exit(0);
	}
	int r = setpgid(b, a);
	printf("setpgid(b, a): %s; getpgid(b) == a: %s; our group unchanged: %s\n", ename(r),
	       getpgid(b) == a ? "yes" : "no", getpgid(0) != a ? "yes" : "no");
	r = setpgid(b, 999999);
	printf("setpgid into a missing group: %s\n", ename(r));
	r = kill(-a, SIGTERM);
	int st1, st2;
	waitpid(a, &st1, 0);
	waitpid(b, &st2, 0);
	printf("kill(-pgid): %s; both killed by SIGTERM: %s\n", ename(r),
	       WIFSIGNALED(st1) && WTERMSIG(st1) == SIGTERM && WIFSIGNALED(st2) && WTERMSIG(st2) == SIGTERM ? "yes" : "no");

	pid_t c = fork();
	if (c == 0) {
		pid_t s = setsid();
		int again = setsid();
		_exit(s == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() && again < 0 && errno == EPERM ? 0 : 1);
	}
	waitpid(c, &st1, 0);
	printf("setsid in a child: new session led by it, second setsid EPERM: %s\n", WEXITSTATUS(st1) == 0 ? "yes" : "no");

	pid_t leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		_exit(setsid() < 0 && errno == EPERM ? 0 : 1);
	}
	waitpid(leader, &st1, 0);
	printf("setsid by a group leader: %s\n", WEXITSTATUS(st1) == 0 ? "EPERM" : "allowed");

	pid_t e = fork();
	if (e == 0) {
		char *args[] = {argv[0], "sleep", NULL};
		execv(argv[0], args);
		_exit(1);
	}
	nap(100);
	r = setpgid(e, e);
	printf("setpgid of a child that exec'd: %s\n", ename(r));
	kill(e, SIGKILL);
	waitpid(e, &st1, 0);

	/* A grandchild is not our child. */
	volatile pid_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t mid = fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			nap(5000);
			_exit(0);
		}
		*shared = g;
		nap(200);
		kill(g, SIGKILL);
		waitpid(g, NULL, 0);
		_exit(0);
	}
	while (*shared == 0)
		nap(1);
	r = setpgid(*shared, *shared);
	printf("setpgid of a grandchild: %s\n", ename(r));
	waitpid(mid, NULL, 0);
	r = getpgid(999999);
	printf("getpgid of a missing pid: %s\n", ename(r));
	r = getsid(999999);
	printf("getsid of a missing pid: %s\n", ename(r));
	return 0;
}
