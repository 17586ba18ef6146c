/*
 * sysv_msg.c — System V message queues: how msgrcv picks a message, the
 * limits, and blocking between two processes.
 *
 * Checks, in order:
 *   msgget: ENOENT, EEXIST, the same id for the same key
 *   six messages of types 3 1 5 3 2 7 queued; IPC_STAT's qnum, cbytes,
 *     qbytes (16384), lspid
 *   msgrcv picks: type 0 the first; type 3 the first of type 3; type -4
 *     the first of the lowest type up to 4; type 5 with MSG_EXCEPT the
 *     first not of type 5; type -10 the lowest left; type 8 with
 *     IPC_NOWAIT ENOMSG; a buffer too small E2BIG (the message stays),
 *     then MSG_NOERROR truncates it
 *   MSG_COPY with IPC_NOWAIT copies by index and leaves the message;
 *     without IPC_NOWAIT EINVAL
 *   msgsnd: type 0 EINVAL, more than msgmax (8192) EINVAL, a negative
 *     size to msgrcv EINVAL
 *   IPC_SET: mode and msg_qbytes (lowered to 100); a full queue gives
 *     EAGAIN with IPC_NOWAIT; a blocking msgsnd completes when a child
 *     receives (the child checks what it got)
 *   a child blocked in msgrcv for type 9 gets it, not the type 8 sent
 *     before it, which stays queued
 *   IPC_RMID; then the id is EINVAL
 * Only the parent prints. No id, key or pid is printed; msg_lrpid is not
 * checked and the mode is masked to its permission bits, which
 * qemu-riscv64 7.2 reports wrongly (the Go tests of package ipc check
 * them). Exits 0 (1 if a setup step fails). Arguments: none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

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
	case ENOMSG: return "ENOMSG";
	case E2BIG: return "E2BIG";
	case EAGAIN: return "EAGAIN";
	case EFAULT: return "EFAULT";
	}
	return "other";
}

struct msg {
	long mtype;
	char mtext[9000];
};

static int snd(int id, long type, const char *text, int flags)
{
	struct msg m;
	m.mtype = type;
	size_t n = strlen(text);
	memcpy(m.mtext, text, n);
	return msgsnd(id, &m, n, flags);
}

/* rcv receives into a buffer of size bytes and prints what it got. */
static void rcv(int id, const char *what, size_t size, long type, int flags)
{
	struct msg m;
	memset(&m, 0, sizeof m);
	errno = 0;
	ssize_t n = msgrcv(id, &m, size, type, flags);
	if (n < 0)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: type %ld \"%.*s\" (%zd bytes)\n", what, m.mtype, (int)n, m.mtext, n);
}

static void stat(int id, const char *when)
{
	struct msqid_ds ds;
	if (msgctl(id, IPC_STAT, &ds) < 0) {
		printf("%s: IPC_STAT %s\n", when, ename(errno));
		return;
	}
	printf("%s: qnum %lu cbytes %lu qbytes %lu mode %o\n", when, (unsigned long)ds.msg_qnum,
	       (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes, ds.msg_perm.mode & 0777);
}

int main(void)
{
	key_t key = (key_t)(0x4d000000 | (getpid() & 0xffffff));
	int r = msgget(key, 0); /* a leftover of a crashed run with this pid */
	if (r >= 0)
		msgctl(r, IPC_RMID, NULL);
	errno = 0;
	r = msgget(key, 0600);
	printf("get of a missing key: %d %s\n", r, ename(errno));
	int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return 1;
	errno = 0;
	r = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	printf("IPC_CREAT|IPC_EXCL again: %d %s\n", r, ename(errno));
	printf("same key: same id %s\n", yesno(msgget(key, 0) == id));

	static const struct {
		long type;
		const char *text;
	} msgs[] = {{3, "three-a"}, {1, "one"}, {5, "five"}, {3, "three-b"}, {2, "two"}, {7, "seven"}};
	for (int i = 0; i < 6; i++)
		if (snd(id, msgs[i].type, msgs[i].text, 0) < 0)
			return 1;
	struct msqid_ds ds;
	msgctl(id, IPC_STAT, &ds);
	printf("queued: qnum %lu cbytes %lu qbytes %lu lspid %s lrpid %d\n", (unsigned long)ds.msg_qnum,
	       (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes, yesno(ds.msg_lspid == getpid()),
	       ds.msg_lrpid);

	rcv(id, "MSG_COPY index 2", 100, 2, IPC_NOWAIT | MSG_COPY);
	rcv(id, "MSG_COPY index 9", 100, 9, IPC_NOWAIT | MSG_COPY);
	rcv(id, "MSG_COPY without IPC_NOWAIT", 100, 0, MSG_COPY);
	rcv(id, "type 0", 100, 0, 0);
	rcv(id, "type 3", 100, 3, 0);
	rcv(id, "type -4", 100, -4, 0);
	rcv(id, "type 5, MSG_EXCEPT", 100, 5, MSG_EXCEPT);
	rcv(id, "type -10", 100, -10, 0);
	rcv(id, "type 8, IPC_NOWAIT", 100, 8, IPC_NOWAIT);
	rcv(id, "4-byte buffer", 4, 0, IPC_NOWAIT);
	stat(id, "after E2BIG");
	rcv(id, "4-byte buffer, MSG_NOERROR", 4, 0, MSG_NOERROR);
	rcv(id, "empty, IPC_NOWAIT", 100, 0, IPC_NOWAIT);

	errno = 0;
	r = snd(id, 0, "x", 0);
	printf("type 0: %d %s\n", r, ename(errno));
	struct msg big;
	big.mtype = 1;
	memset(big.mtext, 'b', sizeof big.mtext);
	errno = 0;
	r = msgsnd(id, &big, 8193, IPC_NOWAIT);
	printf("8193 bytes: %d %s\n", r, ename(errno));
	r = msgsnd(id, &big, 8192, IPC_NOWAIT);
	printf("8192 bytes: %d\n", r);
	rcv(id, "receive it, MSG_NOERROR into 3", 3, 1, MSG_NOERROR);
	errno = 0;
	r = msgrcv(id, &big, (size_t)-1, 0, IPC_NOWAIT);
	printf("negative size: %d %s\n", r, ename(errno));

	/* A smaller queue, and a sender that waits for room. */
	msgctl(id, IPC_STAT, &ds);
	ds.msg_qbytes = 100;
	ds.msg_perm.mode = 0640;
	r = msgctl(id, IPC_SET, &ds);
	printf("IPC_SET: %d\n", r);
	stat(id, "after IPC_SET");
	char sixty[61];
	memset(sixty, 's', 60);
	sixty[60] = 0;
	snd(id, 1, sixty, 0);
	errno = 0;
	r = snd(id, 1, sixty, IPC_NOWAIT);
	printf("no room, IPC_NOWAIT: %d %s\n", r, ename(errno));
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct msg m;
		usleep(20000);
		ssize_t n = msgrcv(id, &m, sizeof m.mtext, 1, 0);
		_exit(n == 60 && m.mtext[0] == 's' ? 0 : 3);
	}
	r = snd(id, 2, sixty, 0);
	printf("blocking msgsnd: %d\n", r);
	int st;
	waitpid(c, &st, 0);
	printf("the child received the first: %s\n", yesno(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	stat(id, "after the child's receive");
	rcv(id, "then", 100, 0, IPC_NOWAIT);

	/* A receiver waiting for type 9 takes it, not the type 8 before it. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		struct msg m;
		ssize_t n = msgrcv(id, &m, sizeof m.mtext, 9, 0);
		_exit(n == 4 && m.mtype == 9 && memcmp(m.mtext, "nine", 4) == 0 ? 0 : 3);
	}
	snd(id, 8, "eight", 0);
	snd(id, 9, "nine", 0);
	waitpid(c, &st, 0);
	printf("the child got type 9: %s\n", yesno(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	rcv(id, "left for the parent", 100, 0, IPC_NOWAIT);

	r = msgctl(id, IPC_RMID, NULL);
	printf("IPC_RMID: %d\n", r);
	errno = 0;
	r = snd(id, 1, "x", IPC_NOWAIT);
	printf("send after IPC_RMID: %d %s\n", r, ename(errno));
	stat(id, "stat after IPC_RMID");
	return 0;
}
