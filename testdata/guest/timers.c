/*
 * timers.c — the three kinds of timer that signal: alarm (setitimer
 * ITIMER_REAL) interrupting a pause; a periodic ITIMER_REAL counted three
 * times; ITIMER_VIRTUAL firing after some user time spent computing, with
 * getitimer showing it armed; a POSIX timer (timer_create, SIGEV_SIGNAL
 * with a value, timer_gettime, timer_delete); a timerfd read for its
 * expirations and seen by epoll. Only results are printed. Exit status 0.
 * Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static volatile int alrm, vtalrm, rt_value = -1, rt_code;

static void on_alrm(int sig) { (void)sig; alrm++; }
static void on_vtalrm(int sig) { (void)sig; vtalrm++; }
static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	rt_value = si->si_value.sival_int;
	rt_code = si->si_code;
}

int main(void)
{
	signal(SIGALRM, on_alrm);
	alarm(1);
	struct itimerval cur;
	getitimer(ITIMER_REAL, &cur);
	printf("alarm(1) armed: %s\n", cur.it_value.tv_sec <= 1 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0) ? "yes" : "no");
	struct itimerval quick = {.it_value = {0, 20000}};
	setitimer(ITIMER_REAL, &quick, NULL);
	int r = pause();
	printf("pause: %d %s, SIGALRM handled: %d\n", r, errno == EINTR ? "EINTR" : "other", alrm);

	struct itimerval periodic = {.it_interval = {0, 10000}, .it_value = {0, 10000}};
	alrm = 0;
	setitimer(ITIMER_REAL, &periodic, NULL);
	while (alrm < 3)
		pause();
	struct itimerval off = {0};
	setitimer(ITIMER_REAL, &off, NULL);
	printf("periodic ITIMER_REAL: reached 3\n");

	signal(SIGVTALRM, on_vtalrm);
	struct itimerval virt = {.it_value = {0, 5000}};
	setitimer(ITIMER_VIRTUAL, &virt, NULL);
	getitimer(ITIMER_VIRTUAL, &cur);
	printf("ITIMER_VIRTUAL armed: %s\n", cur.it_value.tv_usec > 0 || cur.it_value.tv_sec > 0 ? "yes" : "no");
	volatile unsigned long x = 0;
	while (!vtalrm)
		x += x * 7 + 1;
	printf("ITIMER_VIRTUAL fired after computing: %d\n", vtalrm);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN, .sigev_value.sival_int = 42};
	timer_t tid;
	r = timer_create(CLOCK_MONOTONIC, &sev, &tid);
	struct itimerspec its = {.it_value = {0, 30 * 1000 * 1000}};
	timer_settime(tid, 0, &its, NULL);
	struct itimerspec left;
	timer_gettime(tid, &left);
	printf("timer_create: %d, armed: %s\n", r, left.it_value.tv_nsec > 0 ? "yes" : "no");
	while (rt_value < 0)
		pause();
	printf("POSIX timer: value %d, SI_TIMER: %s, delete: %d\n", rt_value, rt_code == SI_TIMER ? "yes" : "no", timer_delete(tid));

	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec tick = {.it_interval = {0, 5 * 1000 * 1000}, .it_value = {0, 5 * 1000 * 1000}};
	timerfd_settime(tfd, 0, &tick, NULL);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	int n = epoll_wait(ep, &out, 1, 5000);
	uint64_t count = 0;
	read(tfd, &count, 8);
	printf("timerfd: epoll saw it: %d, expirations read: %s\n", n, count >= 1 ? ">= 1" : "0");
	return 0;
}
