/*
 * args.c — the initial process stack: argv, envp and the auxiliary vector.
 *
 * Prints argc and each argv[i] (argv[0] only from its last '/', since the
 * directory the test runs it from changes from run to run); then every environment variable whose name
 * starts with VESSEL_TEST_, sorted; then one line per auxv check, each a
 * boolean ("yes"/"no"), never a value, so the output is the same on every run:
 *   AT_PAGESZ == 4096, AT_PHDR points at this program's headers (it holds a
 *   PT_LOAD, AT_PHENT is sizeof(Elf64_Phdr), AT_PHNUM > 0), AT_ENTRY == _start,
 *   AT_RANDOM non-null, the IMAFDC letters present in AT_HWCAP (bit 'X'-'A'),
 *   AT_CLKTCK == 100, AT_SECURE == 0, AT_EXECFN equals argv[0],
 *   AT_UID/AT_EUID/AT_GID/AT_EGID equal getuid() and friends.
 * Exits 0. Arguments: any; they are echoed.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

static const char *yesno(int b) { return b ? "yes" : "no"; }

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	const char *base = strrchr(argv[0], '/');
	printf("argv[0]=%s\n", base ? base + 1 : argv[0]);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);

	int n = 0;
	for (char **e = environ; *e; e++)
		n++;
	char **vars = calloc(n + 1, sizeof *vars);
	int m = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "VESSEL_TEST_", 12) == 0)
			vars[m++] = *e;
	qsort(vars, m, sizeof *vars, cmp);
	for (int i = 0; i < m; i++)
		printf("env %s\n", vars[i]);

	printf("AT_PAGESZ==4096 %s\n", yesno(getauxval(AT_PAGESZ) == 4096));

	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	int load = 0;
	for (unsigned long i = 0; ph && i < phnum; i++)
		load |= ph[i].p_type == PT_LOAD;
	printf("AT_PHDR has PT_LOAD %s\n", yesno(ph && load));
	printf("AT_PHENT==sizeof(Elf64_Phdr) %s\n",
	       yesno(getauxval(AT_PHENT) == sizeof(Elf64_Phdr)));
	printf("AT_ENTRY==_start %s\n",
	       yesno(getauxval(AT_ENTRY) == (unsigned long)_start));
	printf("AT_RANDOM non-null %s\n", yesno(getauxval(AT_RANDOM) != 0));

	unsigned long hw = getauxval(AT_HWCAP);
	printf("AT_HWCAP ");
	for (const char *l = "IMAFDC"; *l; l++)
		if (hw & (1UL << (*l - 'A')))
			putchar(*l);
	putchar('\n');

	printf("AT_CLKTCK==100 %s\n", yesno(getauxval(AT_CLKTCK) == 100));
	printf("AT_SECURE==0 %s\n", yesno(getauxval(AT_SECURE) == 0));
	const char *fn = (const char *)getauxval(AT_EXECFN);
	printf("AT_EXECFN==argv[0] %s\n", yesno(fn && strcmp(fn, argv[0]) == 0));
	printf("AT_UID==getuid %s\n", yesno(getauxval(AT_UID) == getuid()));
	printf("AT_EUID==geteuid %s\n", yesno(getauxval(AT_EUID) == geteuid()));
	printf("AT_GID==getgid %s\n", yesno(getauxval(AT_GID) == getgid()));
	printf("AT_EGID==getegid %s\n", yesno(getauxval(AT_EGID) == getegid()));
	return 0;
}
