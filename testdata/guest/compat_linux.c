/*
 * compat_linux.c — the parts of compat.c's calls where qemu-riscv64 7.2
 * is not Linux: riscv_flush_icache's flag check (qemu accepts any flags),
 * get_robust_list (qemu lacks it: ENOSYS), capset's rules and what
 * set*id, setfsuid, prctl(PR_SET_KEEPCAPS) and exec do to the capability
 * sets and the personality (qemu passes them to its host, whose root may
 * lack capabilities), ioprio_get and ioprio_set of a process group and a
 * user (the host's processes would answer under qemu), and mincore's
 * edge cases (qemu refuses PROT_NONE and holes itself, and writes no
 * partial vector). The output below is Linux's, from running the program
 * natively (x86-64, the same calls) as root; riscv_flush_icache exists on
 * riscv64 alone, so natively its two lines are printed as Linux's
 * do_riscv_flush_icache gives them. Run as root; uid 54321 must have no
 * processes. No pid, tid, address or host capability mask is printed.
 *
 * Expected output (Linux):
 *   riscv_flush_icache, flags 2: -1 EINVAL
 *   riscv_flush_icache, flags ~1: -1 EINVAL
 *   get_robust_list: 0, len 24, a head: yes
 *   get_robust_list by own tid: the same head: yes
 *   get_robust_list of another thread: 0, its own head: yes
 *   get_robust_list of a child that set one: 0, its head: yes
 *   get_robust_list, no such thread: -1 ESRCH
 *   get_robust_list, pid -1: -1 ESRCH
 *   get_robust_list, bad len_ptr: -1 EFAULT
 *   get_robust_list, bad head_ptr: -1 EFAULT, len written: yes
 *   not root: get_robust_list of root's process: -1 EPERM
 *   not root: get_robust_list of itself: 0
 *   root: get_robust_list of a process that left root: 0
 *   capset E=P={chown,kill,setgid,setuid,setpcap,sys_nice}: 0
 *   caps: E 0x8001e1 0 P 0x8001e1 0 I 0 0
 *   capset, a new permitted capability: -1 EPERM
 *   capset, effective not within permitted: -1 EPERM
 *   capset, pid 1 (not the caller): -1 EPERM
 *   capset by own tid, I={sys_admin} with setpcap: 0
 *   caps: E 0x8001e1 0 P 0x8001e1 0 I 0x200000 0
 *   capset, E without setpcap: 0
 *   capset, I={sys_admin,dac_override} without setpcap: -1 EPERM
 *   capset, I={sys_admin,chown} without setpcap: 0
 *   caps: E 0x8000e1 0 P 0x8001e1 0 I 0x200001 0
 *   capset, version 1, E=P={chown,kill}: 0
 *   caps: E 0x21 0 P 0x21 0 I 0x1 0
 *   capset, bit 41 and above ignored: 0
 *   caps: E 0x21 0 P 0x21 0 I 0 0
 *   seteuid(54321): E 0 0 P 0xe1 0 I 0 0
 *   seteuid(0): E 0xe1 0 P 0xe1 0 I 0 0
 *   setresuid(54321 x3): E 0 0 P 0 0 I 0 0
 *   setresuid back: -1 EPERM
 *   keepcaps, setresuid(54321 x3): E 0 0 P 0xe1 0 I 0 0
 *   exec: E 0 0 P 0 0 I 0 0, keepcaps 0, personality 0x40000
 *   setfsuid(54321): E 0xe0 0 P 0xe1 0 I 0 0
 *   setfsuid(0): E 0xe1 0 P 0xe1 0 I 0 0
 *   root, capabilities dropped, exec: chown and sys_admin permitted: yes, E == P: yes, keepcaps 0, personality 0
 *   root, exec: chown and sys_admin permitted: yes, E == P: yes, keepcaps 0, personality 0x40000
 *   not root: capget of root's process: 0, E == P: yes
 *   ioprio_get PGRP: 0x4004
 *   ioprio_get USER 54321: 0x4004
 *   ioprio_get USER 0 (the caller's uid): 0x4004
 *   ioprio_set BE 3; ioprio_get PGRP: 0x4003
 *   ioprio_get PGRP with a child at IDLE 0: 0x4003
 *   ioprio_get PGRP with the child at BE 1: 0x4001
 *   ioprio_set PGRP BE 2: 0
 *   ioprio_get of the child: 0x4002
 *   ioprio_set USER 54321 BE 6: 0
 *   ioprio_get USER 54321: 0x4006
 *   ioprio_set USER 0 (uid 0): -1 EPERM
 *   ioprio_set of root's process: -1 EPERM
 *   ioprio_get of root's process: 0
 *   ioprio_get PGRP, nice 10, NONE: 0x4006
 *   ioprio_get PGRP, SCHED_IDLE: 0x6006
 *   ioprio_get PGRP, no such group: -1 ESRCH
 *   ioprio_get USER 77777: -1 ESRCH
 *   ioprio_set USER 77777: -1 ESRCH
 *   root: ioprio_set of another user's process: 0
 *   root: ioprio_set RT 4: 0
 *   root: ioprio_get: 0x2004
 *   mincore across a hole: -1 ENOMEM, vector 10109999
 *   mincore of a hole: -1 ENOMEM, vector 99999999
 *   mincore of PROT_NONE pages: 0, vector 100
 *   mincore, vector at 8: -1 EFAULT
 *   mincore, vector in the kernel's half: -1 EFAULT
 *   mincore of a hole, vector at 8: -1 ENOMEM
 *   mincore, length 2^62: -1 ENOMEM
 *   mincore, length wrapping: -1 ENOMEM
 *   mincore, length 0 of a hole: 0
 *   mincore, length 0, unaligned: -1 EINVAL
 *   mincore, private mapping of a written tmpfs page: 0, vector 10
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#define PAGE 4096L

static void show(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static void showx(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %#lx\n", what, r);
}

static void wait_child(pid_t pid) {
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("child status %#x\n", st);
}

/* become drops root for good, as uid and gid 54321. */
static void become(void) {
	if (setresgid(54321, 54321, 54321) != 0 || setresuid(54321, 54321, 54321) != 0)
		printf("cannot drop root: %s\n", strerrorname_np(errno));
}

static void icache(void) {
#ifdef __riscv
	show("riscv_flush_icache, flags 2", syscall(SYS_riscv_flush_icache, 0L, 0L, 2L));
	show("riscv_flush_icache, flags ~1", syscall(SYS_riscv_flush_icache, 0L, 0L, ~1L));
#else
	printf("riscv_flush_icache, flags 2: -1 EINVAL\n");
	printf("riscv_flush_icache, flags ~1: -1 EINVAL\n");
#endif
}

static long robust(int pid, void *head, size_t *len) { return syscall(SYS_get_robust_list, pid, head, len); }

static void *thread_head;     /* the thread's list, as it reads it itself */
static int thread_tid;
static int thread_up[2], thread_down[2];

/* thread_main reports its tid and list, and waits to be let go. */
static void *thread_main(void *arg) {
	size_t len;
	robust(0, &thread_head, &len);
	thread_tid = gettid();
	char c = 't';
	write(thread_up[1], &c, 1);
	read(thread_down[0], &c, 1);
	return arg;
}

static long child_head[3]; /* a child's own robust list head */

static void robust_part(void) {
	void *head = NULL, *again = NULL;
	size_t len = 0;
	long r = robust(0, &head, &len);
	printf("get_robust_list: %ld, len %zu, a head: %s\n", r, len, head ? "yes" : "no");
	robust(gettid(), &again, &len);
	printf("get_robust_list by own tid: the same head: %s\n", again == head ? "yes" : "no");

	/* A thread's list, looked up by its tid while it waits. */
	pthread_t th;
	char c;
	pipe(thread_up);
	pipe(thread_down);
	pthread_create(&th, NULL, thread_main, NULL);
	read(thread_up[0], &c, 1);
	void *th_head = NULL;
	r = robust(thread_tid, &th_head, &len);
	printf("get_robust_list of another thread: %ld, its own head: %s\n", r,
	       th_head && th_head == thread_head && th_head != head ? "yes" : "no");
	write(thread_down[1], &c, 1);
	pthread_join(th, NULL);
	close(thread_up[0]);
	close(thread_up[1]);
	close(thread_down[0]);
	close(thread_down[1]);

	int up[2], down[2];
	pipe(up);
	pipe(down);
	pid_t pid = fork();
	if (pid == 0) {
		syscall(SYS_set_robust_list, child_head, sizeof child_head);
		write(up[1], "r", 1);
		read(down[0], &c, 1);
		_exit(0);
	}
	read(up[0], &c, 1);
	void *h = NULL;
	r = robust(pid, &h, &len);
	printf("get_robust_list of a child that set one: %ld, its head: %s\n", r, h == (void *)child_head ? "yes" : "no");
	write(down[1], "x", 1);
	wait_child(pid);

	show("get_robust_list, no such thread", robust(0x3fffffff, &h, &len));
	show("get_robust_list, pid -1", robust(-1, &h, &len));
	show("get_robust_list, bad len_ptr", robust(0, &h, (size_t *)8));
	len = 0;
	r = robust(0, (void *)8, &len);
	if (r < 0)
		printf("get_robust_list, bad head_ptr: -1 %s, len written: %s\n", strerrorname_np(errno), len == 24 ? "yes" : "no");

	pid_t root = getpid();
	pid = fork();
	if (pid == 0) {
		become();
		show("not root: get_robust_list of root's process", robust(root, &h, &len));
		show("not root: get_robust_list of itself", robust(0, &h, &len));
		write(up[1], "r", 1);
		read(down[0], &c, 1);
		_exit(0);
	}
	read(up[0], &c, 1);
	show("root: get_robust_list of a process that left root", robust(pid, &h, &len));
	write(down[1], "x", 1);
	wait_child(pid);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

#define CAP(n) (1u << (n))

static struct __user_cap_header_struct hdr3 = {_LINUX_CAPABILITY_VERSION_3, 0};

static long setcaps(uint32_t e, uint32_t p, uint32_t i) {
	struct __user_cap_data_struct d[2] = {{e, p, i}, {0, 0, 0}};
	return syscall(SYS_capset, &hdr3, d);
}

/* caps returns the caller's sets as text. */
static const char *caps(void) {
	static char buf[128];
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &hdr3, d) != 0) {
		snprintf(buf, sizeof buf, "capget: %s", strerrorname_np(errno));
		return buf;
	}
	snprintf(buf, sizeof buf, "E %#x %#x P %#x %#x I %#x %#x", d[0].effective, d[1].effective,
		 d[0].permitted, d[1].permitted, d[0].inheritable, d[1].inheritable);
	return buf;
}

static char *self;

/* exec_caps runs argv[0] in exec-caps mode and waits for it. */
static void exec_caps(void) {
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "exec-caps", (char *)NULL);
		printf("execl: %s\n", strerrorname_np(errno));
		_exit(1);
	}
	wait_child(pid);
}

/* The exec'd image's report: its sets, keepcaps and personality. */
static int exec_caps_part(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	long pers = syscall(SYS_personality, 0xffffffffL);
	int keep = prctl(PR_GET_KEEPCAPS);
	if (getuid() != 0) {
		printf("exec: %s, keepcaps %d, personality %#lx\n", caps(), keep, pers);
		return 0;
	}
	struct __user_cap_data_struct d[2];
	syscall(SYS_capget, &hdr3, d);
	int both = (d[0].permitted & CAP(CAP_CHOWN)) && (d[0].permitted & CAP(CAP_SYS_ADMIN));
	int same = d[0].effective == d[0].permitted && d[1].effective == d[1].permitted;
	printf("%s: chown and sys_admin permitted: %s, E == P: %s, keepcaps %d, personality %#lx\n",
	       getenv("COMPAT_WHAT"), both ? "yes" : "no", same ? "yes" : "no", keep, pers);
	return 0;
}

static void caps_part(void) {
	uint32_t base = CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_SETGID) | CAP(CAP_SETUID) | CAP(CAP_SETPCAP) | CAP(CAP_SYS_NICE);
	pid_t pid = fork();
	if (pid == 0) {
		show("capset E=P={chown,kill,setgid,setuid,setpcap,sys_nice}", setcaps(base, base, 0));
		printf("caps: %s\n", caps());
		show("capset, a new permitted capability", setcaps(base, base | CAP(CAP_SYS_ADMIN), 0));
		show("capset, effective not within permitted", setcaps(base | CAP(CAP_SYS_ADMIN), base, 0));
		struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 1};
		struct __user_cap_data_struct d[2] = {{base, base, 0}, {0, 0, 0}};
		show("capset, pid 1 (not the caller)", syscall(SYS_capset, &h, d));
		h.pid = gettid();
		d[0].inheritable = CAP(CAP_SYS_ADMIN);
		show("capset by own tid, I={sys_admin} with setpcap", syscall(SYS_capset, &h, d));
		printf("caps: %s\n", caps());
		show("capset, E without setpcap", setcaps(base & ~CAP(CAP_SETPCAP), base, CAP(CAP_SYS_ADMIN)));
		show("capset, I={sys_admin,dac_override} without setpcap",
		     setcaps(base & ~CAP(CAP_SETPCAP), base, CAP(CAP_SYS_ADMIN) | CAP(CAP_DAC_OVERRIDE)));
		show("capset, I={sys_admin,chown} without setpcap",
		     setcaps(base & ~CAP(CAP_SETPCAP), base, CAP(CAP_SYS_ADMIN) | CAP(CAP_CHOWN)));
		printf("caps: %s\n", caps());
		struct __user_cap_header_struct h1 = {_LINUX_CAPABILITY_VERSION_1, 0};
		struct __user_cap_data_struct d1 = {CAP(CAP_CHOWN) | CAP(CAP_KILL), CAP(CAP_CHOWN) | CAP(CAP_KILL), CAP(CAP_CHOWN)};
		show("capset, version 1, E=P={chown,kill}", syscall(SYS_capset, &h1, &d1));
		printf("caps: %s\n", caps());
		struct __user_cap_data_struct d2[2] = {{CAP(CAP_CHOWN) | CAP(CAP_KILL), CAP(CAP_CHOWN) | CAP(CAP_KILL), 0}, {~0u << 9, ~0u << 9, 0}};
		show("capset, bit 41 and above ignored", syscall(SYS_capset, &hdr3, d2));
		printf("caps: %s\n", caps());
		_exit(0);
	}
	wait_child(pid);

	uint32_t ids = CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_SETGID) | CAP(CAP_SETUID);
	pid = fork();
	if (pid == 0) {
		setcaps(ids, ids, 0);
		seteuid(54321);
		printf("seteuid(54321): %s\n", caps());
		seteuid(0);
		printf("seteuid(0): %s\n", caps());
		setresuid(54321, 54321, 54321);
		printf("setresuid(54321 x3): %s\n", caps());
		show("setresuid back", setresuid(0, 0, 0));
		_exit(0);
	}
	wait_child(pid);
	pid = fork();
	if (pid == 0) {
		setcaps(ids, ids, 0);
		prctl(PR_SET_KEEPCAPS, 1);
		setresuid(54321, 54321, 54321);
		printf("keepcaps, setresuid(54321 x3): %s\n", caps());
		syscall(SYS_personality, 0x0040000L);
		exec_caps();
		_exit(0);
	}
	wait_child(pid);
	pid = fork();
	if (pid == 0) {
		setcaps(ids, ids, 0);
		setfsuid(54321);
		printf("setfsuid(54321): %s\n", caps());
		setfsuid(0);
		printf("setfsuid(0): %s\n", caps());
		_exit(0);
	}
	wait_child(pid);
	pid = fork();
	if (pid == 0) {
		setcaps(ids, ids, 0);
		syscall(SYS_personality, 0x0040000L);
		prctl(PR_SET_KEEPCAPS, 1);
		setenv("COMPAT_WHAT", "root, capabilities dropped, exec", 1);
		exec_caps();
		_exit(0);
	}
	wait_child(pid);
	pid = fork();
	if (pid == 0) {
		syscall(SYS_personality, 0x0040000L);
		prctl(PR_SET_KEEPCAPS, 1);
		setenv("COMPAT_WHAT", "root, exec", 1);
		exec_caps();
		_exit(0);
	}
	wait_child(pid);
	pid_t root = getpid();
	pid = fork();
	if (pid == 0) {
		become();
		struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, root};
		struct __user_cap_data_struct d[2];
		long r = syscall(SYS_capget, &h, d);
		printf("not root: capget of root's process: %ld, E == P: %s\n", r,
		       d[0].effective == d[0].permitted && d[1].effective == d[1].permitted ? "yes" : "no");
		_exit(0);
	}
	wait_child(pid);
}

static long ioget(int which, int who) { return syscall(SYS_ioprio_get, which, who); }
static long ioset(int which, int who, int prio) { return syscall(SYS_ioprio_set, which, who, prio); }
#define PRIO(class, data) ((class) << 13 | (data))

static void ioprio_part(void) {
	pid_t root = getpid();
	int up[2], down[2];
	pipe(up);
	pipe(down);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		become();
		showx("ioprio_get PGRP", ioget(2, 0));
		showx("ioprio_get USER 54321", ioget(3, 54321));
		showx("ioprio_get USER 0 (the caller's uid)", ioget(3, 0));
		ioset(1, 0, PRIO(2, 3));
		showx("ioprio_set BE 3; ioprio_get PGRP", ioget(2, 0));
		char c;
		int gup[2], gdown[2];
		pipe(gup);
		pipe(gdown);
		pid_t gc = fork();
		if (gc == 0) {
			ioset(1, 0, PRIO(3, 0));
			write(gup[1], "1", 1);
			read(gdown[0], &c, 1);
			ioset(1, 0, PRIO(2, 1));
			write(gup[1], "2", 1);
			read(gdown[0], &c, 1);
			_exit(0);
		}
		read(gup[0], &c, 1);
		showx("ioprio_get PGRP with a child at IDLE 0", ioget(2, 0));
		write(gdown[1], "x", 1);
		read(gup[0], &c, 1);
		showx("ioprio_get PGRP with the child at BE 1", ioget(2, 0));
		show("ioprio_set PGRP BE 2", ioset(2, 0, PRIO(2, 2)));
		showx("ioprio_get of the child", ioget(1, gc));
		show("ioprio_set USER 54321 BE 6", ioset(3, 54321, PRIO(2, 6)));
		showx("ioprio_get USER 54321", ioget(3, 54321));
		write(gdown[1], "x", 1);
		wait_child(gc);
		show("ioprio_set USER 0 (uid 0)", ioset(3, 0, PRIO(2, 6)));
		show("ioprio_set of root's process", ioset(1, root, PRIO(2, 6)));
		showx("ioprio_get of root's process", ioget(1, root));
		setpriority(PRIO_PROCESS, 0, 10);
		ioset(1, 0, 0);
		showx("ioprio_get PGRP, nice 10, NONE", ioget(2, 0));
		struct sched_param sp = {0};
		sched_setscheduler(0, SCHED_IDLE, &sp);
		showx("ioprio_get PGRP, SCHED_IDLE", ioget(2, 0));
		show("ioprio_get PGRP, no such group", ioget(2, 0x3fffffff));
		show("ioprio_get USER 77777", ioget(3, 77777));
		show("ioprio_set USER 77777", ioset(3, 77777, PRIO(2, 0)));
		write(up[1], "3", 1);
		read(down[0], &c, 1);
		_exit(0);
	}
	char c;
	read(up[0], &c, 1);
	show("root: ioprio_set of another user's process", ioset(1, pid, PRIO(2, 7)));
	write(down[1], "x", 1);
	wait_child(pid);
	show("root: ioprio_set RT 4", ioset(1, 0, PRIO(1, 4)));
	showx("root: ioprio_get", ioget(1, 0));
	ioset(1, 0, 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

static void vec(const char *what, long r, const unsigned char *v, int n) {
	if (r < 0)
		printf("%s: -1 %s, vector ", what, strerrorname_np(errno));
	else
		printf("%s: %ld, vector ", what, r);
	for (int i = 0; i < n; i++)
		putchar('0' + v[i]);
	putchar('\n');
}

static void mincore_part(void) {
	unsigned char v[8];
	char *m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m + 4 * PAGE, PAGE);
	m[0] = 1;
	m[2 * PAGE] = 1;
	m[5 * PAGE] = 1;
	memset(v, 9, sizeof v);
	vec("mincore across a hole", mincore(m, 8 * PAGE, v), v, 8);
	memset(v, 9, sizeof v);
	vec("mincore of a hole", mincore(m + 4 * PAGE, 4 * PAGE, v), v, 8);
	mprotect(m + 6 * PAGE, 2 * PAGE, PROT_NONE);
	memset(v, 9, sizeof v);
	vec("mincore of PROT_NONE pages", mincore(m + 5 * PAGE, 3 * PAGE, v), v, 3);
	show("mincore, vector at 8", mincore(m, PAGE, (unsigned char *)8));
	show("mincore, vector in the kernel's half", mincore(m, PAGE, (unsigned char *)-PAGE));
	show("mincore of a hole, vector at 8", mincore(m + 4 * PAGE, PAGE, (unsigned char *)8));
	show("mincore, length 2^62", mincore(m, 1UL << 62, v));
	show("mincore, length wrapping", mincore(m, -PAGE, v));
	show("mincore, length 0 of a hole", mincore(m + 4 * PAGE, 0, v));
	show("mincore, length 0, unaligned", mincore(m + 1, 0, v));
	munmap(m, 8 * PAGE);

	char name[64];
	snprintf(name, sizeof name, "/dev/shm/vessel-compat-linux-%d", getpid());
	int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ftruncate(fd, 2 * PAGE);
	pwrite(fd, "x", 1, 0);
	char *f = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	memset(v, 9, sizeof v);
	vec("mincore, private mapping of a written tmpfs page", mincore(f, 2 * PAGE, v), v, 2);
	munmap(f, 2 * PAGE);
	close(fd);
	unlink(name);
}

int main(int argc, char **argv) {
	if (argc == 2 && strcmp(argv[1], "exec-caps") == 0)
		return exec_caps_part();
	setvbuf(stdout, NULL, _IONBF, 0);
	self = argv[0];
	icache();
	robust_part();
	caps_part();
	ioprio_part();
	mincore_part();
	return 0;
}
