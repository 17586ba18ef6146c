/*
 * atomics.c — C11 <stdatomic.h> across four threads (on riscv64: the A
 * extension's AMOs and LR/SC).
 *
 * Each of 4 threads, started together by an atomic go flag:
 *   fetch_add  adds 1..20000 to a 64-bit and 1 to a 32-bit counter per step;
 *              fetch_sub takes 1 from another 64-bit counter
 *   fetch_or   sets its own 16 bits of a 64-bit mask, one bit at a time;
 *   fetch_and  clears its own byte of an all-ones word; fetch_xor
 *              xors each of its values into a word (twice for odd ones)
 *   CAS loop   multiplies a shared 64-bit product by 2k+1 for each of its
 *              2000 k (compare_exchange_weak), and raises a shared maximum
 *              (compare_exchange_strong) — both order-independent
 *   exchange   swaps its 1000 distinct tokens into a slot, recording every
 *              token it takes out; afterwards every token was taken out
 *              exactly once, except the one left in the slot
 *   atomic_flag  a test_and_set/clear spin lock (sched_yield while busy)
 *              guarding a plain counter and a pair of plain fields that are
 *              always written equal; 5000 locked sections per thread
 * Prints the final values (in hex for the bit patterns and the product)
 * and each expected value or yes/no. Exits 0. Arguments: none.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

enum { NT = 4, ADDS = 20000, MULS = 2000, TOKENS = 1000, LOCKS = 5000 };

static atomic_int go;
static atomic_llong sum64 = 0, down64 = NT * ADDS;
static atomic_int count32;
static atomic_ullong mask_or, mask_and = ~0ull, mask_xor;
static atomic_ullong product = 1, maximum;
static atomic_int slot; /* 0: empty; tokens are 1..NT*TOKENS */
static unsigned char taken[NT * TOKENS + 1];
static atomic_flag lock = ATOMIC_FLAG_INIT;
static long locked_count;
static long pair_a, pair_b;
static int pair_mismatch;

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	int mine[TOKENS];
	while (!atomic_load(&go))
		sched_yield();

	for (long i = 1; i <= ADDS; i++) {
		atomic_fetch_add(&sum64, i);
		atomic_fetch_add_explicit(&count32, 1, memory_order_relaxed);
		atomic_fetch_sub(&down64, 1);
	}
	for (int b = 0; b < 16; b++)
		atomic_fetch_or(&mask_or, 1ull << (16 * id + b));
	atomic_fetch_and(&mask_and, ~(0xffull << (8 * id)));
	for (unsigned long long v = 1; v <= 1000; v++) {
		unsigned long long x = (v + 1000ull * id) * 0x9e3779b97f4a7c15ull;
		atomic_fetch_xor(&mask_xor, x);
		if (v & 1)
			atomic_fetch_xor(&mask_xor, x);
	}

	for (unsigned long long k = 0; k < MULS; k++) {
		unsigned long long f = 2 * (id * MULS + k) + 1;
		unsigned long long old = atomic_load(&product);
		while (!atomic_compare_exchange_weak(&product, &old, old * f))
			;
		unsigned long long cand = (f * 2654435761u) % 1000003;
		old = atomic_load(&maximum);
		while (old < cand && !atomic_compare_exchange_strong(&maximum, &old, cand))
			;
	}

	int n = 0;
	for (int k = 0; k < TOKENS; k++) {
		int old = atomic_exchange(&slot, id * TOKENS + k + 1);
		if (old != 0)
			mine[n++] = old;
	}

	for (int k = 0; k < LOCKS; k++) {
		while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
			sched_yield();
		locked_count++;
		pair_a = pair_a + 1;
		if (pair_a != pair_b + 1)
			pair_mismatch = 1;
		pair_b = pair_a;
		atomic_flag_clear_explicit(&lock, memory_order_release);
	}

	/* record the tokens under the lock too */
	while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
		sched_yield();
	for (int k = 0; k < n; k++)
		if (taken[mine[k]] < 255)
			taken[mine[k]]++;
	atomic_flag_clear_explicit(&lock, memory_order_release);
	return NULL;
}

int main(void)
{
	pthread_t t[NT];
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	atomic_store(&go, 1);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);

	long long want_sum = (long long)NT * ADDS * (ADDS + 1) / 2;
	printf("fetch_add 64-bit: %lld (want %lld)\n", (long long)sum64, want_sum);
	printf("fetch_add 32-bit: %d (want %d)\n", (int)count32, NT * ADDS);
	printf("fetch_sub 64-bit: %lld (want 0)\n", (long long)down64);
	printf("fetch_or: %#llx\n", (unsigned long long)mask_or);
	printf("fetch_and: %#llx\n", (unsigned long long)mask_and);
	unsigned long long want_xor = 0, want_prod = 1, want_max = 0;
	for (int id = 0; id < NT; id++) {
		for (unsigned long long v = 2; v <= 1000; v += 2)
			want_xor ^= (v + 1000ull * id) * 0x9e3779b97f4a7c15ull;
		for (unsigned long long k = 0; k < MULS; k++) {
			unsigned long long f = 2 * (id * MULS + k) + 1;
			want_prod *= f;
			unsigned long long cand = (f * 2654435761u) % 1000003;
			if (cand > want_max)
				want_max = cand;
		}
	}
	printf("fetch_xor: %#llx (as expected: %s)\n", (unsigned long long)mask_xor,
	       yesno(mask_xor == want_xor));
	printf("CAS product: %#llx (as expected: %s)\n", (unsigned long long)product,
	       yesno(product == want_prod));
	printf("CAS maximum: %llu (as expected: %s)\n", (unsigned long long)maximum,
	       yesno(maximum == want_max));

	int last = atomic_load(&slot), once = 1, left = last >= 1 && last <= NT * TOKENS;
	for (int v = 1; v <= NT * TOKENS; v++)
		once &= taken[v] == (v == last ? 0 : 1);
	printf("exchange: a token left in the slot: %s; every other token taken out exactly once: %s\n",
	       yesno(left), yesno(once));

	printf("atomic_flag spin lock: count %ld (want %d), pair always consistent: %s\n",
	       locked_count, NT * LOCKS, yesno(!pair_mismatch && pair_a == pair_b && pair_a == NT * LOCKS));
	return 0;
}
