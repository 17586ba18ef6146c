/*
 * forktree.c — a fork tree three levels deep, each parent reaping its own
 * children with waitpid and passing their exit statuses up in its own.
 *
 * The top forks children 0 and 1; each child forks grandchildren 0 and 1;
 * each grandchild forks one great-grandchild: 10 processes below the top.
 * Every process first checks that getppid() is the pid its parent had
 * before the fork, and exits 0 (a value no process exits with otherwise)
 * if not. Exit codes, derived from the position and folded upwards:
 *   great-grandchild i.j.0   1 + 2*i + j                      (1..4)
 *   grandchild i.j           (its child's status << 1) | j     (2, 5, 6, 9)
 *   child i                  grandchild 0's | grandchild 1's << 4
 *                            (0x52 = 82 and 0x96 = 150)
 * A parent puts 0 in place of a child whose waitpid failed or who did not
 * exit normally. The top waits for child 0, then child 1, decodes both
 * statuses and prints every one of the 10 statuses in tree order, whether
 * all were as expected (so every getppid() matched), and then that wait()
 * with no children left returns -1 with ECHILD. Only the top prints.
 * Exits 0. Arguments: none.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

/* reap waits for pid and returns its exit code, or 0 if it did not exit. */
static int reap(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 0;
	return WEXITSTATUS(st);
}

static void great_grandchild(pid_t parent, int i, int j)
{
	_exit(getppid() == parent ? 1 + 2 * i + j : 0);
}

static void grandchild(pid_t parent, int i, int j)
{
	if (getppid() != parent)
		_exit(0);
	pid_t me = getpid();
	pid_t pid = fork();
	if (pid == 0)
		great_grandchild(me, i, j);
	int s = reap(pid);
	_exit((s << 1) | j);
}

static void child(pid_t parent, int i)
{
	if (getppid() != parent)
		_exit(0);
	pid_t me = getpid();
	pid_t pid[2];
	for (int j = 0; j < 2; j++)
		if ((pid[j] = fork()) == 0)
			grandchild(me, i, j);
	int g0 = reap(pid[0]);
	int g1 = reap(pid[1]);
	_exit((g0 & 15) | (g1 & 15) << 4);
}

int main(void)
{
	pid_t me = getpid();
	pid_t pid[2];
	fflush(stdout);
	for (int i = 0; i < 2; i++)
		if ((pid[i] = fork()) == 0)
			child(me, i);

	int all = 1;
	for (int i = 0; i < 2; i++) {
		int c = reap(pid[i]);
		int want_c = 0;
		printf("child %d: exited %d (%#x)\n", i, c, c);
		for (int j = 0; j < 2; j++) {
			int g = (c >> (4 * j)) & 15;
			int gg = g >> 1;
			int want_gg = 1 + 2 * i + j, want_g = want_gg << 1 | j;
			want_c |= want_g << (4 * j);
			printf("  grandchild %d.%d: exited %d\n", i, j, g);
			printf("    great-grandchild %d.%d.0: exited %d\n", i, j, gg);
			all &= g == want_g && gg == want_gg;
		}
		all &= c == want_c;
	}
	printf("all 10 statuses as expected (every getppid matched): %s\n", yesno(all));

	errno = 0;
	int r = wait(NULL);
	printf("wait with no children left: %d %s\n", r, errno == ECHILD ? "ECHILD" : "other");
	return 0;
}
