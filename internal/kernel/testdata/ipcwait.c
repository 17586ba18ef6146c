/*
 * ipcwait.c — tasks parked in System V IPC calls, for ipc_test.go: the
 * test sees them asleep, reads /proc/sysvipc through the kernel's API,
 * then lets the parent go on.
 *
 * The parent makes a segment (key 0x1234, 100 bytes, mode 0640, touched),
 * queues 0x2345 and 0x2346 (msg_qbytes 1, holding one byte), a set of 2
 * semaphores (0x3456) and the POSIX queue /vessel-ipcwait (mode 0640 less
 * the umask), forks a child blocked in msgrcv on the first queue and one
 * blocked in msgsnd on the second, prints "PID1 PID2", reads a line,
 * removes both queues and prints what the children got ("EIDRM EIDRM").
 * Then it forks a child blocked in msgrcv with a SIGUSR1 handler
 * (SA_RESTART), prints its pid, reads a line, signals it and prints what
 * it got ("EINTR"). Then it reads a line, removes everything and exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EIDRM: return "EIDRM";
	case EINTR: return "EINTR";
	case EINVAL: return "EINVAL";
	}
	return "other";
}

static void on_usr1(int sig) { (void)sig; }

static void line(void)
{
	char buf[64];
	if (!fgets(buf, sizeof buf, stdin))
		_exit(1);
}

struct msg {
	long type;
	char text[16];
};

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int shm = shmget(0x1234, 100, IPC_CREAT | 0640);
	char *p = shmat(shm, NULL, 0);
	if (p == (void *)-1)
		return 1;
	p[0] = 1;
	int q = msgget(0x2345, IPC_CREAT | 0600);
	int q2 = msgget(0x2346, IPC_CREAT | 0600);
	struct msqid_ds ds;
	msgctl(q2, IPC_STAT, &ds);
	ds.msg_qbytes = 1;
	msgctl(q2, IPC_SET, &ds);
	struct msg m = {1, "x"};
	if (msgsnd(q2, &m, 1, 0) < 0)
		return 1;
	int sem = semget(0x3456, 2, IPC_CREAT | 0666);
	mqd_t mq = mq_open("/vessel-ipcwait", O_RDWR | O_CREAT, 0640, NULL);
	if (shm < 0 || q < 0 || q2 < 0 || sem < 0 || mq < 0)
		return 1;

	pid_t r = fork();
	if (r == 0)
		_exit(msgrcv(q, &m, sizeof m.text, 0, 0) < 0 ? errno : 0);
	pid_t s = fork();
	if (s == 0)
		_exit(msgsnd(q2, &m, 1, 0) < 0 ? errno : 0);
	printf("%d %d\n", r, s);
	line();
	msgctl(q, IPC_RMID, NULL);
	msgctl(q2, IPC_RMID, NULL);
	int st1, st2;
	waitpid(r, &st1, 0);
	waitpid(s, &st2, 0);
	printf("%s %s\n", ename(WEXITSTATUS(st1)), ename(WEXITSTATUS(st2)));

	q = msgget(IPC_PRIVATE, 0600);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t i = fork();
	if (i == 0)
		_exit(msgrcv(q, &m, sizeof m.text, 0, 0) < 0 ? errno : 0);
	printf("%d\n", i);
	line();
	kill(i, SIGUSR1);
	waitpid(i, &st1, 0);
	printf("%s\n", ename(WEXITSTATUS(st1)));

	line();
	msgctl(q, IPC_RMID, NULL);
	shmdt(p);
	shmctl(shm, IPC_RMID, NULL);
	semctl(sem, 0, IPC_RMID);
	mq_unlink("/vessel-ipcwait");
	return 0;
}
