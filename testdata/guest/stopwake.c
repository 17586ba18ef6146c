// A stop reaches a process asleep in a system call: it shows T in /proc
// while stopped, and its call goes on after SIGCONT (a read keeps waiting
// and then gets its data; a nanosleep finishes). SIGTSTP does not stop a
// process of an orphaned process group, SIGSTOP does.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char state(pid_t pid) {
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return '?';
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void settle(void) {
	struct timespec ts = {0, 50000000};
	nanosleep(&ts, NULL);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int p[2];
	pipe(p);
	pid_t reader = fork();
	if (reader == 0) {
		char c;
		ssize_t n = read(p[0], &c, 1);
		printf("reader: read %zd %c (%s)\n", n, n == 1 ? c : '-', n < 0 ? strerror(errno) : "no error");
		_exit(0);
	}
	settle();
	printf("reader before the stop: %c\n", state(reader));
	kill(reader, SIGSTOP);
	int st;
	waitpid(reader, &st, WUNTRACED);
	printf("stopped: %d, state %c\n", WIFSTOPPED(st), state(reader));
	kill(reader, SIGCONT);
	settle();
	printf("after SIGCONT: %c\n", state(reader));
	write(p[1], "x", 1);
	waitpid(reader, &st, 0);

	pid_t sleeper = fork();
	if (sleeper == 0) {
		struct timespec ts = {0, 300000000};
		int r = nanosleep(&ts, &ts);
		printf("sleeper: nanosleep %d (%s)\n", r, r ? strerror(errno) : "no error");
		_exit(0);
	}
	settle();
	kill(sleeper, SIGSTOP);
	waitpid(sleeper, &st, WUNTRACED);
	printf("sleeper stopped: %c\n", state(sleeper));
	kill(sleeper, SIGCONT);
	waitpid(sleeper, &st, 0);

	// An orphaned process group: a new session's leader and its child.
	pid_t leader = fork();
	if (leader == 0) {
		setsid();
		pid_t child = fork();
		if (child == 0) {
			pause();
			_exit(0);
		}
		settle();
		kill(child, SIGTSTP);
		settle();
		int s;
		pid_t r = waitpid(child, &s, WUNTRACED | WNOHANG);
		printf("orphaned group, SIGTSTP: stopped %d, state %c\n", r == child && WIFSTOPPED(s), state(child));
		kill(child, SIGSTOP);
		r = waitpid(child, &s, WUNTRACED);
		printf("orphaned group, SIGSTOP: stopped %d\n", r == child && WIFSTOPPED(s));
		kill(child, SIGKILL);
		waitpid(child, &s, 0);
		_exit(0);
	}
	waitpid(leader, &st, 0);
	return 0;
}
