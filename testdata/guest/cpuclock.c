// Another process's CPU-time clock: clock_getcpuclockid, clock_gettime on
// it, and a POSIX timer on it that signals the creator once the child has
// run for 50 ms of CPU time.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(clockid_t c) {
	struct timespec ts;
	if (clock_gettime(c, &ts) != 0)
		return -1;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	pid_t pid = fork();
	if (pid == 0) {
		volatile unsigned long x = 0;
		for (;;)
			x++;
	}
	clockid_t c;
	printf("clock_getcpuclockid(child): %s\n", strerror(clock_getcpuclockid(pid, &c)));
	printf("clock_getcpuclockid(no such pid): %s\n", strerror(clock_getcpuclockid(999999, &c)));
	clock_getcpuclockid(pid, &c);

	timer_t tid;
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	sev.sigev_value.sival_int = 42;
	printf("timer_create on the child's clock: %s\n", timer_create(c, &sev, &tid) ? strerror(errno) : "ok");
	struct itimerspec its = {.it_value = {.tv_nsec = 50000000}};
	timer_settime(tid, 0, &its, NULL);
	siginfo_t si;
	int sig = sigwaitinfo(&set, &si);
	double ran = secs(c);
	printf("signal %s, value %d, child's CPU time at least 50 ms: %d\n", sig == SIGUSR1 ? "SIGUSR1" : "other",
	       si.si_value.sival_int, ran >= 0.05);
	double parent = secs(CLOCK_PROCESS_CPUTIME_ID);
	printf("the parent's own CPU time is less: %d\n", parent < ran);
	timer_delete(tid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
