/*
 * sysv_shm.c — System V shared memory between a parent and its children,
 * with the attach count through fork, shmdt, exit, exec and IPC_RMID.
 *
 * Checks, in order:
 *   shmget: ENOENT without IPC_CREAT, EEXIST with IPC_CREAT|IPC_EXCL, the
 *     same id for the same key, EINVAL for a size larger than the
 *     segment's or 0; IPC_STAT's size, mode, key, nattch 0, creator pid
 *     and uid
 *   two attaches in one process alias each other (nattch 2, then 1)
 *   fork: the child inherits the attachment (nattch 2), sees the parent's
 *     data and writes its own, which the parent sees; the child's shmdt
 *     makes it 1, its exit leaves it 1; a child that exits attached
 *     takes it from 2 to 1
 *   IPC_RMID while attached: the segment stays (SHM_DEST, key 0, the key
 *     finds nothing), still usable; a fork after it still inherits it;
 *     exec in a child detaches (static only: the child execs argv[0])
 *   a detached, not removed segment keeps its data for the next attach
 *   shmat: an unaligned address EINVAL, SHM_RND rounds it down, a busy
 *     range EINVAL, SHM_REMAP over the last attachment of a removed
 *     segment destroys it (IPC_STAT EINVAL); shmdt of a non-attach
 *     address EINVAL
 *   a write through an SHM_RDONLY attachment kills the child by SIGSEGV
 *   IPC_INFO's shmmin and shmmni; IPC_STAT and IPC_RMID of a stale id
 *     EINVAL
 * Only the parent prints; children report through pipes and exit codes.
 * No id, key, pid or address is printed. Exits 0 (1 if a setup step
 * fails). Arguments: none; internal mode "exec-child WFD RFD".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

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
	case ENOMEM: return "ENOMEM";
	}
	return "other";
}

static int to_child[2], to_parent[2];

static void tell(int fd) { char c = 'x'; if (write(fd, &c, 1) != 1) _exit(1); }
static void hear(int fd) { char c; if (read(fd, &c, 1) != 1) _exit(1); }

static long nattch(int id)
{
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	return (long)ds.shm_nattch;
}

static void show_nattch(const char *when, int id)
{
	long n = nattch(id);
	if (n < 0)
		printf("%s: IPC_STAT %s\n", when, ename((int)-n));
	else
		printf("%s: nattch %ld\n", when, n);
}

static int waitchild(pid_t c)
{
	int st;
	if (waitpid(c, &st, 0) != c)
		return -1;
	return st;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "exec-child") == 0) {
		/* The image after exec: it has no attachment. */
		tell(atoi(argv[2]));
		hear(atoi(argv[3]));
		return 0;
	}
	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
		return 1;
	key_t key = (key_t)(0x56000000 | (getpid() & 0xffffff));
	const size_t size = 65536;
	int r = shmget(key, 0, 0); /* a leftover of a crashed run with this pid */
	if (r >= 0)
		shmctl(r, IPC_RMID, NULL);

	errno = 0;
	r = shmget(key, size, 0600);
	printf("get of a missing key: %d %s\n", r, ename(errno));
	int id = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return 1;
	errno = 0;
	r = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	printf("IPC_CREAT|IPC_EXCL again: %d %s\n", r, ename(errno));
	r = shmget(key, 4096, 0);
	printf("same key, smaller size: same id %s\n", yesno(r == id));
	errno = 0;
	r = shmget(key, 2 * size, 0);
	printf("same key, larger size: %d %s\n", r, ename(errno));
	errno = 0;
	r = shmget(IPC_PRIVATE, 0, 0600);
	printf("size 0: %d %s\n", r, ename(errno));

	struct shmid_ds ds;
	shmctl(id, IPC_STAT, &ds);
	printf("stat: size %lu mode %o nattch %lu key %s cpid %s lpid %d uid %s\n", (unsigned long)ds.shm_segsz,
	       ds.shm_perm.mode, (unsigned long)ds.shm_nattch, yesno(ds.shm_perm.__key == key),
	       yesno(ds.shm_cpid == getpid()), ds.shm_lpid, yesno(ds.shm_perm.uid == geteuid()));

	unsigned char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return 1;
	shmctl(id, IPC_STAT, &ds);
	printf("attached: nattch %lu lpid %s zero-filled %s\n", (unsigned long)ds.shm_nattch,
	       yesno(ds.shm_lpid == getpid()), yesno(p[0] == 0 && p[size - 1] == 0));
	for (size_t i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 7);
	unsigned char *q = shmat(id, NULL, SHM_RDONLY);
	if (q == (void *)-1)
		return 1;
	p[5] = 42;
	printf("second attach: nattch %ld, aliases the first %s\n", nattch(id), yesno(q != p && q[5] == 42 && q[100] == p[100]));
	shmdt(q);
	show_nattch("after shmdt of the second", id);

	/* A child that detaches, then exits. */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		int ok = p[5] == 42 && p[1000] == (unsigned char)(1000 * 7);
		memcpy(p, "child", 5);
		tell(to_parent[1]);
		hear(to_child[0]);
		shmdt(p);
		tell(to_parent[1]);
		hear(to_child[0]);
		_exit(ok ? 0 : 3);
	}
	hear(to_parent[0]);
	printf("after fork: nattch %ld, child's write seen %s\n", nattch(id), yesno(memcmp(p, "child", 5) == 0));
	tell(to_child[1]);
	hear(to_parent[0]);
	show_nattch("after the child's shmdt", id);
	tell(to_child[1]);
	r = waitchild(c);
	printf("child saw the parent's data: %s\n", yesno(WIFEXITED(r) && WEXITSTATUS(r) == 0));
	show_nattch("after the child's exit", id);

	/* A child that exits attached. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		tell(to_parent[1]);
		hear(to_child[0]);
		_exit(0);
	}
	hear(to_parent[0]);
	show_nattch("second child attached", id);
	tell(to_child[1]);
	waitchild(c);
	show_nattch("after it exits attached", id);

	/* IPC_RMID while attached. */
	r = shmctl(id, IPC_RMID, NULL);
	printf("IPC_RMID while attached: %d\n", r);
	shmctl(id, IPC_STAT, &ds);
	printf("removed: nattch %lu SHM_DEST %s key 0 %s\n", (unsigned long)ds.shm_nattch,
	       yesno(ds.shm_perm.mode & SHM_DEST), yesno(ds.shm_perm.__key == 0));
	errno = 0;
	r = shmget(key, size, 0600);
	printf("its key finds: %d %s\n", r, ename(errno));
	p[7] = 99;
	printf("still usable: %s\n", yesno(p[7] == 99 && p[5] == 42));
	fflush(stdout);
	c = fork();
	if (c == 0) {
		tell(to_parent[1]);
		hear(to_child[0]);
		_exit(p[7] == 99 ? 0 : 3);
	}
	hear(to_parent[0]);
	show_nattch("a fork after IPC_RMID", id);
	tell(to_child[1]);
	r = waitchild(c);
	printf("its child saw the data: %s\n", yesno(WIFEXITED(r) && WEXITSTATUS(r) == 0));
	show_nattch("after that child exits", id);

	/* exec detaches. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		char w[16], rd[16];
		snprintf(w, sizeof w, "%d", to_parent[1]);
		snprintf(rd, sizeof rd, "%d", to_child[0]);
		char *args[] = {argv[0], "exec-child", w, rd, NULL};
		execv(argv[0], args);
		_exit(127);
	}
	hear(to_parent[0]);
	show_nattch("a child after exec", id);
	tell(to_child[1]);
	r = waitchild(c);
	printf("exec'd child exit status %d\n", WIFEXITED(r) ? WEXITSTATUS(r) : -1);

	/* A second segment: data kept across detach and attach. */
	int id2 = shmget(IPC_PRIVATE, 3 * 4096, IPC_CREAT | 0600);
	if (id2 < 0)
		return 1;
	unsigned char *s = shmat(id2, NULL, 0);
	if (s == (void *)-1)
		return 1;
	strcpy((char *)s + 4096, "kept");
	shmdt(s);
	show_nattch("second segment detached", id2);
	s = shmat(id2, NULL, 0);
	printf("attached again: data kept %s\n", yesno(strcmp((char *)s + 4096, "kept") == 0));

	/* Addresses. */
	unsigned char *hole = mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		return 1;
	munmap(hole, 8 * 4096);
	errno = 0;
	void *a = shmat(id2, hole + 4096 + 1, 0);
	printf("unaligned address: %s %s\n", yesno(a == (void *)-1), ename(errno));
	a = shmat(id2, hole + 4096 + 1, SHM_RND);
	printf("SHM_RND: rounded down %s, same data %s\n", yesno(a == hole + 4096),
	       yesno(a != (void *)-1 && strcmp((char *)a + 4096, "kept") == 0));
	show_nattch("second segment, two attaches", id2);
	errno = 0;
	void *b = shmat(id2, a, 0);
	printf("over a busy range: %s %s\n", yesno(b == (void *)-1), ename(errno));
	errno = 0;
	r = shmdt((char *)a + 4096);
	printf("shmdt inside an attachment: %d %s\n", r, ename(errno));
	shmdt(a);

	/* SHM_REMAP over the last attachment of the removed segment. */
	b = shmat(id2, p, SHM_REMAP);
	printf("SHM_REMAP: at the address asked %s, sees the second segment %s\n", yesno(b == p),
	       yesno(b != (void *)-1 && strcmp((char *)b + 4096, "kept") == 0));
	show_nattch("first segment after its last mapping was replaced", id);
	show_nattch("second segment", id2);
	shmdt(b);

	/* Read-only attachment. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		volatile unsigned char *ro = shmat(id2, NULL, SHM_RDONLY);
		if (ro == (void *)-1)
			_exit(2);
		ro[0] = 1;
		_exit(0);
	}
	r = waitchild(c);
	printf("write through SHM_RDONLY: %s\n", WIFSIGNALED(r) && WTERMSIG(r) == SIGSEGV ? "SIGSEGV" : "no signal");

	struct shminfo info;
	r = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
	printf("IPC_INFO: shmmin %lu shmmni %lu, returns an index %s\n", info.shmmin, info.shmmni, yesno(r >= 0));

	shmdt(s);
	show_nattch("second segment, all detached", id2);
	shmctl(id2, IPC_RMID, NULL);
	show_nattch("second segment after IPC_RMID", id2);
	errno = 0;
	r = shmctl(id2, IPC_RMID, NULL);
	printf("IPC_RMID again: %d %s\n", r, ename(errno));
	return 0;
}
