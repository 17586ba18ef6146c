/*
 * sched.c — nice values, scheduling policies and parameters, yield and
 * CPU affinity of the calling process.
 *
 * The output is the same whatever the user, so lines that depend on the
 * privilege print whether the result is the one Linux gives this user
 * (geteuid(), RLIMIT_NICE, RLIMIT_RTPRIO): with N the nice value,
 *   lowering N (setpriority)       allowed if 20 - new N <= RLIMIT_NICE,
 *                                  else EACCES for non-root; root: 0 or
 *                                  EACCES (depends on CAP_SYS_NICE)
 *   SCHED_FIFO priority 1          allowed if RLIMIT_RTPRIO >= 1, else
 *                                  EPERM for non-root; root: 0 or EPERM
 *   SCHED_IDLE back to SCHED_OTHER allowed if 20 - N <= RLIMIT_NICE, else
 *                                  EPERM for non-root; root: 0 or EPERM
 * and in each case the value read back (getpriority, sched_getscheduler)
 * must agree with the result. A SCHED_FIFO that succeeded is undone.
 * Everything else is printed as values:
 *   nice(1) and setpriority(start + 2) as offsets from the start value
 *   (the start need not be 0; capped at 19)
 *   sched_getscheduler at start (SCHED_OTHER, unless started otherwise) and
 *   after SCHED_BATCH and SCHED_IDLE; sched_getparam priority 0;
 *   EINVAL for SCHED_BATCH with priority 1 and for policy 12345
 *   sched_get_priority_max/min for OTHER, FIFO, RR, BATCH, IDLE, DEADLINE
 *   (0/0, 99/1, 99/1, 0/0, 0/0, 0/0) and EINVAL for policy 12345
 *   sched_rr_get_interval returns 0 (its value is not printed)
 *   sched_yield returns 0
 *   sched_getaffinity: glibc returns 0 and a set with at least one CPU; the
 *   raw syscall returns a positive multiple of 8 no larger than the buffer
 * The process ends with nice start + 2 and SCHED_OTHER or SCHED_IDLE.
 * Exits 0. Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *polname(int p)
{
	switch (p) {
	case SCHED_OTHER: return "SCHED_OTHER";
	case SCHED_FIFO: return "SCHED_FIFO";
	case SCHED_RR: return "SCHED_RR";
	case SCHED_BATCH: return "SCHED_BATCH";
	case SCHED_IDLE: return "SCHED_IDLE";
	case SCHED_DEADLINE: return "SCHED_DEADLINE";
	case -1: return "-1";
	default: return "unknown";
	}
}

static const char *errname(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ESRCH: return "ESRCH";
	default: return "other";
	}
}

static int setpol(int policy, int prio)
{
	struct sched_param sp = {.sched_priority = prio};
	return sched_setscheduler(0, policy, &sp);
}

/* rlimit_allows tells whether RLIMIT res is at least want. */
static int rlimit_allows(int res, long want)
{
	struct rlimit rl;
	if (getrlimit(res, &rl) != 0)
		return 0;
	return rl.rlim_cur == RLIM_INFINITY || (long)rl.rlim_cur >= want;
}

/* verdict: r is what this user should get: 0 if allowed, else (non-root)
 * -1 with errno deny, and root may get either. */
static int verdict(int r, int e, int allowed, int deny)
{
	if (r == 0)
		return allowed || geteuid() == 0;
	return r == -1 && e == deny && !allowed;
}

static int cap19(int n) { return n > 19 ? 19 : n; }

int main(void)
{
	/* nice values */
	errno = 0;
	int p0 = getpriority(PRIO_PROCESS, 0);
	printf("getpriority: %s\n", errno == 0 ? "ok" : errname(errno));
	errno = 0;
	int n1 = nice(1);
	printf("nice(1) returns start + %d\n", n1 - p0);
	printf("getpriority then: start + %d\n", getpriority(PRIO_PROCESS, 0) - p0);
	int r = setpriority(PRIO_PROCESS, 0, cap19(p0 + 2));
	printf("setpriority(start + 2): %d\n", r);
	printf("getpriority then: start + %d\n", getpriority(PRIO_PROCESS, 0) - p0);
	int before = getpriority(PRIO_PROCESS, 0);
	errno = 0;
	r = setpriority(PRIO_PROCESS, 0, p0);
	int e = errno, now = getpriority(PRIO_PROCESS, 0);
	int ok = verdict(r, e, p0 >= before || rlimit_allows(RLIMIT_NICE, 20 - p0), EACCES) &&
		 now == (r == 0 ? p0 : before);
	printf("setpriority back down to start: right result for this user: %s\n", yesno(ok));
	if (r == 0)
		setpriority(PRIO_PROCESS, 0, before); /* so the rest runs the same for all */

	/* policies */
	int pol0 = sched_getscheduler(0);
	printf("sched_getscheduler at start: %s\n", polname(pol0));
	struct sched_param sp = {.sched_priority = -1};
	r = sched_getparam(0, &sp);
	printf("sched_getparam: %d, priority %d\n", r, sp.sched_priority);
	struct timespec ts;
	printf("sched_rr_get_interval: %d\n", sched_rr_get_interval(0, &ts));

	errno = 0;
	r = setpol(SCHED_FIFO, 1);
	e = errno;
	int pol = sched_getscheduler(0);
	ok = verdict(r, e, rlimit_allows(RLIMIT_RTPRIO, 1), EPERM) &&
	     pol == (r == 0 ? SCHED_FIFO : pol0);
	printf("SCHED_FIFO priority 1: right result for this user: %s\n", yesno(ok));
	if (r == 0)
		setpol(pol0, 0);

	r = setpol(SCHED_BATCH, 0);
	printf("SCHED_BATCH: %d, then sched_getscheduler %s\n", r, polname(sched_getscheduler(0)));
	errno = 0;
	r = setpol(SCHED_BATCH, 1);
	e = errno;
	printf("SCHED_BATCH priority 1: %d %s\n", r, errname(e));
	errno = 0;
	r = setpol(12345, 0);
	e = errno;
	printf("policy 12345: %d %s\n", r, errname(e));
	r = setpol(SCHED_IDLE, 0);
	printf("SCHED_IDLE: %d, then sched_getscheduler %s\n", r, polname(sched_getscheduler(0)));
	int nv = getpriority(PRIO_PROCESS, 0);
	errno = 0;
	r = setpol(SCHED_OTHER, 0);
	e = errno;
	pol = sched_getscheduler(0);
	ok = verdict(r, e, rlimit_allows(RLIMIT_NICE, 20 - nv), EPERM) &&
	     pol == (r == 0 ? SCHED_OTHER : SCHED_IDLE);
	printf("SCHED_OTHER from SCHED_IDLE: right result for this user: %s\n", yesno(ok));

	/* priority ranges */
	static const int pols[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE};
	for (unsigned i = 0; i < sizeof pols / sizeof pols[0]; i++)
		printf("priority range %s: max %d min %d\n", polname(pols[i]),
		       sched_get_priority_max(pols[i]), sched_get_priority_min(pols[i]));
	errno = 0;
	r = sched_get_priority_max(12345);
	e = errno;
	printf("priority range of policy 12345: %d %s\n", r, errname(e));

	/* yield and affinity */
	printf("sched_yield: %d\n", sched_yield());
	cpu_set_t set;
	CPU_ZERO(&set);
	r = sched_getaffinity(0, sizeof set, &set);
	printf("sched_getaffinity: %d, at least one CPU: %s\n", r, yesno(CPU_COUNT(&set) >= 1));
	long raw = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
	printf("raw sched_getaffinity: a positive multiple of 8 within the buffer: %s\n",
	       yesno(raw > 0 && raw % 8 == 0 && raw <= (long)sizeof set));
	return 0;
}
