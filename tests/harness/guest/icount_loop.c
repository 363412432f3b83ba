/*
 * icount_loop: code of a known instruction count, for the harness checks
 * of kmlvm --icount and --profile (tests/harness/vm-checks.sh).
 *
 *   icount_loop clock    the guest clock around loops of 1000 and 2000
 *                        iterations of two instructions (the fastest of 20
 *                        tries each): "loop1000 NS", "loop2000 NS", and
 *                        "diff NS", which under --icount is exactly 2000
 *   icount_loop region   three times each, the regions of the profiling
 *                        plugin's markers below: tag 5, 2005 instructions
 *                        (LFENCE, MFENCE and POPF among them); in ring 0
 *                        also tag 6, 6 instructions (CLI, CLAC, STAC, two
 *                        SWAPGS, STI).  Prints "ring R".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A loop of N iterations of `dec; jnz`: 2N + 1 instructions with the mov. */
__asm__(".text\n"
	".globl counted_loop\n"
	".type counted_loop, @function\n"
	"counted_loop:\n"
	"	mov %edi, %ecx\n"
	"1:	dec %ecx\n"
	"	jnz 1b\n"
	"	ret\n"
	".size counted_loop, .-counted_loop\n"
	/*
	 * Region 5 (bench/guest/marker.h's encoding): 1 + 2000 + 4
	 * instructions between the markers.
	 */
	".globl marked_region\n"
	".type marked_region, @function\n"
	"marked_region:\n"
	"	.byte 0x0f, 0x1f, 0x80, 0x15, 0x4c, 0x4d, 0x4b\n"
	"	mov $1000, %ecx\n"
	"2:	dec %ecx\n"
	"	jnz 2b\n"
	"	lfence\n"
	"	mfence\n"
	"	pushfq\n"
	"	popfq\n"
	"	.byte 0x0f, 0x1f, 0x80, 0x25, 0x4c, 0x4d, 0x4b\n"
	"	ret\n"
	".size marked_region, .-marked_region\n"
	/* Region 6, ring 0 only: interrupts off around the GS swaps. */
	".globl marked_ring0\n"
	".type marked_ring0, @function\n"
	"marked_ring0:\n"
	"	.byte 0x0f, 0x1f, 0x80, 0x16, 0x4c, 0x4d, 0x4b\n"
	"	cli\n"
	"	clac\n"
	"	stac\n"
	"	swapgs\n"
	"	swapgs\n"
	"	sti\n"
	"	.byte 0x0f, 0x1f, 0x80, 0x26, 0x4c, 0x4d, 0x4b\n"
	"	ret\n"
	".size marked_ring0, .-marked_ring0\n");

void counted_loop(int n);
void marked_region(void);
void marked_ring0(void);

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The fastest of 20 timings of the loop: an interrupt only adds. */
static long long fastest(int n)
{
	long long best = -1;

	for (int i = 0; i < 20; i++) {
		long long t0 = now_ns(), t;

		counted_loop(n);
		t = now_ns() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	if (argc == 2 && !strcmp(argv[1], "clock")) {
		long long a = fastest(1000), b = fastest(2000);

		printf("loop1000 %lld\nloop2000 %lld\ndiff %lld\n", a, b, b - a);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "region")) {
		for (int i = 0; i < 3; i++)
			marked_region();
		if ((cs & 3) == 0)
			for (int i = 0; i < 3; i++)
				marked_ring0();
		printf("ring %d\n", cs & 3);
		return 0;
	}
	fprintf(stderr, "usage: icount_loop clock|region\n");
	return 2;
}
