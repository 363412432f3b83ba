/*
 * insn_cost: what the emulator charges for the instructions that entry and
 * exit paths are made of, in ns per instruction pair, in this process's ring.
 *
 * Under QEMU TCG, plain translated code (moves, pushes, a call) costs well
 * under a nanosecond an instruction, but an instruction that changes the
 * translation state (IF, AC, the privilege level) ends the translated block
 * and goes through a helper: it costs tens of ns.  A system-call round trip
 * has several of them whichever way the kernel is entered (SYSCALL/SYSRET,
 * or the direct entry's CLI, CLAC, STI, POPF), so under TCG the direct
 * entry cannot be many times cheaper than SYSCALL, as it is on hardware.
 * scripts/bench.sh prints this table after the system-call table, from a
 * ring-0 run (CLI/STI and STAC/CLAC need CPL 0).
 *
 * Output: "@insn NAME NS" one line a pair, the median of 9 batches.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

#define BATCH 200000
#define REPEATS 9


/* One figure: the median over REPEATS batches of BATCH runs of BODY. */
#define MEASURE(name, body) do {					\
	double v[REPEATS];						\
	for (int r = 0; r < REPEATS; r++) {				\
		double t0 = now_ns();					\
		for (long i = 0; i < BATCH; i++) {			\
			body;						\
		}							\
		v[r] = (now_ns() - t0) / BATCH;				\
	}								\
	qsort(v, REPEATS, sizeof(v[0]), cmp_double);			\
	printf("@insn %-12s %.1f\n", name, v[REPEATS / 2]);		\
} while (0)

int main(void)
{
	unsigned short cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	printf("@insn-ring %d\n", cs & 3);
	MEASURE("loop", asm volatile("" ::: "memory"));
	MEASURE("push+pop", asm volatile("push %%rax; pop %%rax" ::: "memory"));
	MEASURE("pushf+popf", asm volatile("pushfq; popfq" ::: "memory", "cc"));
	MEASURE("rdtsc", asm volatile("rdtsc" ::: "rax", "rdx", "memory"));
	if ((cs & 3) == 0) {
		MEASURE("cli+sti", asm volatile("cli; sti" ::: "memory"));
		MEASURE("clac+stac", asm volatile("clac; stac" ::: "memory"));
		MEASURE("swapgs x2", asm volatile("swapgs; swapgs" ::: "memory"));
	}
	return 0;
}
