/*
 * execself.c — execve of the program itself: argv and envp passed to the
 * new image, close-on-exec, fork+exec with waitpid, and a "#!" script whose
 * interpreter is this program.
 *
 * Usage: execself DIR — DIR an empty scratch directory (left empty again).
 * The program re-executes itself through argv[0], which must therefore be
 * a path to it (vessel and qemu-riscv64 pass the path they were given); it
 * must be built -static, since the exec'd images get no -L/QEMU_LD_PREFIX.
 * argv[1] selects what an image does; the three internal modes are
 *   forked      the fork+exec child: prints its argc and argv[1], exits 5
 *   script-arg  run as the #! interpreter: argv is [interpreter,
 *               "script-arg", script path, argv[1] of the execve]; prints
 *               whether each is what it should be, exits 4
 *   child       the final image: argv [argv0, "child", "a b", CLOEXEC_FD,
 *               PLAIN_FD, PID], envp exactly {"VESSEL_X=1"}
 * and anything else is taken as DIR (so DIR may not be one of those words).
 * In DIR mode the program:
 *   1. execve of DIR/missing: -1 ENOENT; of DIR/script while its mode is
 *      0644: -1 EACCES (also as root: no execute bit at all)
 *   2. fork, the child execs "execself forked"; the parent waits (status 5)
 *   3. writes DIR/script, "#!ARGV0 script-arg", chmod 0755, forks, the
 *      child execs it with argv {"dropped", DIR/script} and envp
 *      {"VESSEL_INTERP=ARGV0"}; the parent waits (status 4), unlinks it
 *   4. opens ARGV0 read-only twice, once O_CLOEXEC, reads 4 bytes from the
 *      plain one (offset 4), and execs "execself child" in the same process,
 *      which prints its argv (argv[0] only from its last '/'), its environment,
 *      whether its pid is the one before the exec, whether the O_CLOEXEC fd is
 *      closed and the plain one open with its offset (4) kept.
 * The parent prints only after waiting, and flushes stdout before each fork
 * and exec, so the images' lines interleave in a fixed order. No path, pid
 * or fd number is printed. Exit status: 0 (from the final image); 2 without
 * DIR; 1 if something could not be set up; 127 if an execve that must work
 * failed (in a child).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *errname(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	default: return "other";
	}
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static int forked(int argc, char **argv)
{
	printf("forked image: argc %d, argv[1] \"%s\"\n", argc, argv[1]);
	return 5;
}

static int interpreter(int argc, char **argv)
{
	const char *interp = getenv("VESSEL_INTERP");
	int dropped = 0;
	for (int i = 0; i < argc; i++)
		dropped |= strcmp(argv[i], "dropped") == 0;
	printf("interpreter: argc %d\n", argc);
	printf("interpreter: argv[0] is the #! path: %s\n", yesno(interp && strcmp(argv[0], interp) == 0));
	printf("interpreter: argv[1] \"%s\"\n", argv[1]);
	printf("interpreter: argv[2] is the script path: %s\n",
	       yesno(argc == 4 && strcmp(argv[2], argv[3]) == 0));
	printf("interpreter: the script's own argv[0] is gone: %s\n", yesno(!dropped));
	return 4;
}

static int child(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "execself: child mode is internal\n");
		return 1;
	}
	printf("child: argc %d\n", argc);
	printf("child: argv[0] \"%s\" (last component)\n", base(argv[0]));
	for (int i = 1; i < 3; i++)
		printf("child: argv[%d] \"%s\"\n", i, argv[i]);
	int n = 0;
	for (char **e = environ; *e; e++)
		n++;
	printf("child: %d environment variable%s\n", n, n == 1 ? "" : "s");
	for (char **e = environ; *e; e++)
		printf("child: env \"%s\"\n", *e);
	int cfd = atoi(argv[3]), pfd = atoi(argv[4]);
	printf("child: same pid as before the exec: %s\n", yesno(getpid() == atoi(argv[5])));
	errno = 0;
	int r = fcntl(cfd, F_GETFD);
	printf("child: O_CLOEXEC fd closed by the exec: %s\n", yesno(r == -1 && errno == EBADF));
	r = fcntl(pfd, F_GETFD);
	printf("child: plain fd still open: %s, FD_CLOEXEC clear: %s\n", yesno(r >= 0),
	       yesno(r >= 0 && !(r & FD_CLOEXEC)));
	printf("child: plain fd kept its offset 4: %s\n", yesno(lseek(pfd, 0, SEEK_CUR) == 4));
	return 0;
}

static void try_exec(const char *what, const char *path, char *const argv0)
{
	char *const av[] = {argv0, NULL};
	errno = 0;
	int r = execve(path, av, environ);
	int e = errno;
	printf("execve of %s: %d %s\n", what, r, errname(e));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: execself DIR\n");
		return 2;
	}
	if (strcmp(argv[1], "forked") == 0)
		return forked(argc, argv);
	if (strcmp(argv[1], "script-arg") == 0)
		return interpreter(argc, argv);
	if (strcmp(argv[1], "child") == 0)
		return child(argc, argv);

	const char *self = argv[0], *dir = argv[1];
	char missing[4096], script[4096];
	snprintf(missing, sizeof missing, "%s/missing", dir);
	snprintf(script, sizeof script, "%s/script", dir);

	/* 1: failing execs */
	FILE *f = fopen(script, "w");
	if (f == NULL) {
		perror("execself: create script");
		return 1;
	}
	fprintf(f, "#!%s script-arg\n", self);
	fclose(f);
	chmod(script, 0644);
	try_exec("a missing file", missing, "missing");
	try_exec("a file without execute permission", script, "script");

	/* 2: fork + exec */
	int st;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *const av[] = {(char *)self, "forked", NULL};
		execve(self, av, environ);
		_exit(127);
	}
	int got = waitpid(pid, &st, 0) == pid;
	printf("fork+exec: waitpid returns the child: %s\n", yesno(got));
	status("fork+exec", st);

	/* 3: a #! script whose interpreter is this program */
	chmod(script, 0755);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		char env0[4200];
		snprintf(env0, sizeof env0, "VESSEL_INTERP=%s", self);
		char *const av[] = {"dropped", script, NULL};
		char *const ev[] = {env0, NULL};
		execve(script, av, ev);
		_exit(127);
	}
	got = waitpid(pid, &st, 0) == pid;
	printf("script: waitpid returns the child: %s\n", yesno(got));
	status("script", st);
	unlink(script);

	/* 4: exec in this process, with one O_CLOEXEC fd and one plain fd */
	int cfd = open(self, O_RDONLY | O_CLOEXEC);
	int pfd = open(self, O_RDONLY);
	char magic[4];
	if (cfd < 0 || pfd < 0 || read(pfd, magic, 4) != 4) {
		perror("execself: open self");
		return 1;
	}
	printf("before exec: read 4 bytes of the ELF magic: %s\n", yesno(memcmp(magic, "\177ELF", 4) == 0));
	char cbuf[16], pbuf[16], idbuf[24];
	snprintf(cbuf, sizeof cbuf, "%d", cfd);
	snprintf(pbuf, sizeof pbuf, "%d", pfd);
	snprintf(idbuf, sizeof idbuf, "%d", (int)getpid());
	char *const av[] = {(char *)self, "child", "a b", cbuf, pbuf, idbuf, NULL};
	char *const ev[] = {"VESSEL_X=1", NULL};
	fflush(stdout);
	execve(self, av, ev);
	printf("execve of itself failed: %s\n", strerror(errno));
	return 1;
}
