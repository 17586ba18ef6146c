/*
 * bench_true.c — the smallest program: exits 0 at once, prints nothing.
 * Build it -static; bench_exec.c execs it (the benchmarks' fork+exec+wait
 * row builds one for the host and one for riscv64).
 */
int main(void) { return 0; }
