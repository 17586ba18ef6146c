/*
 * bench_ipc.c — the cost of System V IPC and POSIX message queues.
 *
 * Usage: bench_ipc mq|msg|shm N
 *   mq    N round trips of a 1-byte message between a parent and a child
 *         over two POSIX message queues (mq_send, mq_receive).
 *   msg   N round trips of a 1-byte message between a parent and a child
 *         over one System V queue, by type (msgsnd, msgrcv).
 *   shm   N times: shmget of a private 64 KiB segment, shmat, a write to
 *         each of its 16 pages, shmdt, IPC_RMID.
 * Prints "done N" and exits 0; exits 1 when a call fails or data comes back
 * wrong, 2 on bad arguments. The benchmarks' IPC rows.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

struct msg {
	long type;
	char text[1];
};

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long n = atol(argv[2]);
	pid_t c = -1;
	if (strcmp(argv[1], "mq") == 0) {
		char a[64], b[64];
		snprintf(a, sizeof a, "/bench-ipc-%d-a", (int)getpid());
		snprintf(b, sizeof b, "/bench-ipc-%d-b", (int)getpid());
		struct mq_attr attr = {0, 1, 1, 0, {0}};
		mqd_t ping = mq_open(a, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		mqd_t pong = mq_open(b, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (ping < 0 || pong < 0)
			return 1;
		mq_unlink(a);
		mq_unlink(b);
		char ch = 'x';
		c = fork();
		if (c == 0) {
			for (long i = 0; i < n; i++)
				if (mq_receive(ping, &ch, 1, NULL) != 1 || mq_send(pong, &ch, 1, 0) != 0)
					_exit(1);
			_exit(0);
		}
		for (long i = 0; i < n; i++)
			if (mq_send(ping, &ch, 1, 0) != 0 || mq_receive(pong, &ch, 1, NULL) != 1 || ch != 'x')
				return 1;
	} else if (strcmp(argv[1], "msg") == 0) {
		int q = msgget(IPC_PRIVATE, 0600);
		if (q < 0)
			return 1;
		struct msg m = {1, {'x'}};
		c = fork();
		if (c == 0) {
			for (long i = 0; i < n; i++) {
				if (msgrcv(q, &m, 1, 1, 0) != 1)
					_exit(1);
				m.type = 2;
				if (msgsnd(q, &m, 1, 0) != 0)
					_exit(1);
			}
			_exit(0);
		}
		for (long i = 0; i < n; i++) {
			m.type = 1;
			if (msgsnd(q, &m, 1, 0) != 0 || msgrcv(q, &m, 1, 2, 0) != 1 || m.text[0] != 'x')
				return 1;
		}
		int st;
		waitpid(c, &st, 0);
		c = -1;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || msgctl(q, IPC_RMID, NULL) != 0)
			return 1;
	} else if (strcmp(argv[1], "shm") == 0) {
		for (long i = 0; i < n; i++) {
			int id = shmget(IPC_PRIVATE, 65536, 0600);
			if (id < 0)
				return 1;
			volatile char *p = shmat(id, NULL, 0);
			if (p == (void *)-1)
				return 1;
			for (int off = 0; off < 65536; off += 4096)
				p[off] = (char)off;
			if (shmdt((void *)p) != 0 || shmctl(id, IPC_RMID, NULL) != 0)
				return 1;
		}
	} else {
		return 2;
	}
	if (c > 0) {
		int st;
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	}
	printf("done %ld\n", n);
	return 0;
}
