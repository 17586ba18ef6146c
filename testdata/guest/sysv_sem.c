/*
 * sysv_sem.c — System V semaphores: semctl's commands, semop's
 * all-or-nothing arrays and errors, waiting, and SEM_UNDO when a process
 * dies holding a semaphore.
 *
 * Checks, in order:
 *   semget: ENOENT, EEXIST, EINVAL for more semaphores than the set has
 *     or none; IPC_STAT's nsems and mode
 *   GETALL, SETALL, GETVAL, GETPID (the caller's), SETVAL; ERANGE past
 *     32767 and below 0, EINVAL for a semaphore number out of range
 *   semop: IPC_NOWAIT EAGAIN; an array fails whole (the value an earlier
 *     operation of it would have changed stays); ERANGE past SEMVMX;
 *     EFBIG for a number past the set; EINVAL for no operation; E2BIG for
 *     more than semopm (500); semtimedop times out with EAGAIN
 *   GETNCNT and GETZCNT count a child waiting to decrement and one
 *     waiting for zero (polled until they show); both complete when the
 *     parent increments and sets zero
 *   SEM_UNDO: a child takes the semaphore with SEM_UNDO and is killed
 *     holding it; the parent, whose IPC_NOWAIT try failed, then gets it;
 *     GETPID says the dead child changed it last
 *   a signal interrupts a waiting semop with EINTR (SA_RESTART or not)
 *   IPC_RMID wakes a waiting semop with EIDRM; then the id is EINVAL
 * Only the parent prints. No id, key or pid is printed. Exits 0 (1 if a
 * setup step fails). Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EACCES: return "EACCES";
	case EIDRM: return "EIDRM";
	case EAGAIN: return "EAGAIN";
	case ERANGE: return "ERANGE";
	case EFBIG: return "EFBIG";
	case E2BIG: return "E2BIG";
	case EINTR: return "EINTR";
	}
	return "other";
}

static int id;

static void getall(const char *when)
{
	unsigned short v[3];
	union semun u = {.array = v};
	if (semctl(id, 0, GETALL, u) < 0) {
		printf("%s: GETALL %s\n", when, ename(errno));
		return;
	}
	printf("%s: %u %u %u\n", when, v[0], v[1], v[2]);
}

static int op(unsigned short num, short o, short flg)
{
	struct sembuf b = {num, o, flg};
	return semop(id, &b, 1);
}

/* waitcount polls GETNCNT or GETZCNT of semaphore num until it is want. */
static int waitcount(int cmd, int num, int want)
{
	for (int i = 0; i < 10000; i++) {
		int n = semctl(id, num, cmd);
		if (n == want)
			return n;
		usleep(1000);
	}
	return semctl(id, num, cmd);
}

static void on_usr1(int sig) { (void)sig; }

static const char *exitname(int st)
{
	static char buf[32];
	if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof buf, "%s", ename(WEXITSTATUS(st)));
	return buf;
}

/* waiter forks a child that runs semop {num, o, 0} and exits with its errno. */
static pid_t waiter(unsigned short num, short o)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int r = op(num, o, 0);
		_exit(r == 0 ? 0 : errno);
	}
	return c;
}

int main(void)
{
	key_t key = (key_t)(0x53000000 | (getpid() & 0xffffff));
	int st;
	int r = semget(key, 0, 0); /* a leftover of a crashed run with this pid */
	if (r >= 0)
		semctl(r, 0, IPC_RMID);
	errno = 0;
	r = semget(key, 3, 0600);
	printf("get of a missing key: %d %s\n", r, ename(errno));
	id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return 1;
	errno = 0;
	r = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	printf("IPC_CREAT|IPC_EXCL again: %d %s\n", r, ename(errno));
	errno = 0;
	r = semget(key, 4, 0);
	printf("more semaphores than the set: %d %s\n", r, ename(errno));
	printf("fewer, or 0: same id %s %s\n", yesno(semget(key, 2, 0) == id), yesno(semget(key, 0, 0) == id));
	errno = 0;
	r = semget(IPC_PRIVATE, 0, 0600);
	printf("new set of 0: %d %s\n", r, ename(errno));
	struct semid_ds ds;
	union semun u = {.buf = &ds};
	semctl(id, 0, IPC_STAT, u);
	printf("stat: nsems %lu mode %o uid %s\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777,
	       yesno(ds.sem_perm.uid == geteuid()));

	getall("new");
	unsigned short init[3] = {1, 0, 5};
	u.array = init;
	r = semctl(id, 0, SETALL, u);
	getall("SETALL 1 0 5");
	printf("GETVAL 2: %d, GETPID is ours: %s\n", semctl(id, 2, GETVAL), yesno(semctl(id, 0, GETPID) == getpid()));
	errno = 0;
	r = semctl(id, 0, SETVAL, 32768);
	printf("SETVAL 32768: %d %s\n", r, ename(errno));
	errno = 0;
	r = semctl(id, 0, SETVAL, -1);
	printf("SETVAL -1: %d %s\n", r, ename(errno));
	errno = 0;
	r = semctl(id, 3, GETVAL);
	printf("GETVAL 3: %d %s\n", r, ename(errno));

	r = op(0, -1, IPC_NOWAIT);
	printf("take 0: %d\n", r);
	errno = 0;
	r = op(0, -1, IPC_NOWAIT);
	printf("take 0 again, IPC_NOWAIT: %d %s\n", r, ename(errno));
	struct sembuf two[2] = {{1, 1, 0}, {0, -1, IPC_NOWAIT}};
	errno = 0;
	r = semop(id, two, 2);
	printf("{+1 on 1, -1 on 0}: %d %s\n", r, ename(errno));
	getall("nothing changed");
	semctl(id, 2, SETVAL, 32767);
	errno = 0;
	r = op(2, 1, 0);
	printf("32767 + 1: %d %s\n", r, ename(errno));
	errno = 0;
	r = op(3, 1, 0);
	printf("semaphore 3: %d %s\n", r, ename(errno));
	errno = 0;
	r = semop(id, two, 0);
	printf("no operation: %d %s\n", r, ename(errno));
	static struct sembuf many[501];
	errno = 0;
	r = semop(id, many, 501);
	printf("501 operations: %d %s\n", r, ename(errno));
	struct timespec ts = {0, 10 * 1000 * 1000};
	struct sembuf take0 = {0, -1, 0};
	errno = 0;
	r = semtimedop(id, &take0, 1, &ts);
	printf("semtimedop 10 ms: %d %s\n", r, ename(errno));
	semctl(id, 2, SETVAL, 5);

	/* Waiters counted. */
	pid_t dec = waiter(1, -1);
	pid_t zero = waiter(2, 0);
	printf("GETNCNT 1: %d, GETZCNT 2: %d\n", waitcount(GETNCNT, 1, 1), waitcount(GETZCNT, 2, 1));
	printf("GETZCNT 1: %d, GETNCNT 2: %d\n", semctl(id, 1, GETZCNT), semctl(id, 2, GETNCNT));
	op(1, 1, 0);
	semctl(id, 2, SETVAL, 0);
	waitpid(dec, &st, 0);
	printf("the decrement completed: %s\n", exitname(st));
	waitpid(zero, &st, 0);
	printf("the wait for zero completed: %s\n", exitname(st));
	printf("GETNCNT 1: %d, GETZCNT 2: %d\n", semctl(id, 1, GETNCNT), semctl(id, 2, GETZCNT));
	getall("then");

	/* SEM_UNDO: a child dies holding the semaphore. */
	semctl(id, 0, SETVAL, 1);
	int p[2];
	if (pipe(p) < 0)
		return 1;
	fflush(stdout);
	pid_t holder = fork();
	if (holder == 0) {
		op(0, -1, SEM_UNDO);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char ch;
	if (read(p[0], &ch, 1) != 1)
		return 1;
	errno = 0;
	r = op(0, -1, IPC_NOWAIT);
	printf("held by the child: GETVAL %d, IPC_NOWAIT try %d %s\n", semctl(id, 0, GETVAL), r, ename(errno));
	kill(holder, SIGKILL);
	waitpid(holder, &st, 0);
	printf("child %s; GETVAL %d, GETPID is the child's %s\n", exitname(st), semctl(id, 0, GETVAL),
	       yesno(semctl(id, 0, GETPID) == holder));
	r = op(0, -1, 0);
	printf("the parent takes it: %d, GETVAL %d\n", r, semctl(id, 0, GETVAL));

	/* A signal interrupts a wait. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t w = waiter(0, -1);
	waitcount(GETNCNT, 0, 1);
	kill(w, SIGUSR1);
	waitpid(w, &st, 0);
	printf("signal during semop (SA_RESTART): %s, GETNCNT %d\n", exitname(st), semctl(id, 0, GETNCNT));

	/* IPC_RMID wakes a waiter. */
	w = waiter(0, -1);
	waitcount(GETNCNT, 0, 1);
	r = semctl(id, 0, IPC_RMID);
	waitpid(w, &st, 0);
	printf("IPC_RMID %d; the waiter: %s\n", r, exitname(st));
	errno = 0;
	r = semctl(id, 0, GETVAL);
	printf("GETVAL after IPC_RMID: %d %s\n", r, ename(errno));
	return 0;
}
