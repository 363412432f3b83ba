/*
 * syscall_bench: latency of a few system calls, with a plain function call
 * of the same shape as the floor.
 *
 * Each call is timed over a batch of iterations with CLOCK_MONOTONIC; a
 * figure is the median of REPEATS batches, reported in nanoseconds per call
 * with the spread (the inter-quartile range) so a reader sees how noisy the
 * run was.  Output, one line a call:  NAME MEDIAN_NS IQR_NS
 * The program runs unchanged in ring 3 and in ring 0 (from /trusted).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define REPEATS 15

static int zero_fd, null_fd;

/* The floor: an out-of-line call that the compiler cannot elide. */
__attribute__((noinline)) static long plain_function(long x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

static long (*volatile floor_fn)(long) = plain_function;

static void op_function(void) { floor_fn(1); }
static void op_getppid(void) { syscall(SYS_getppid); }
static void op_read(void) { char c; if (read(zero_fd, &c, 1) != 1) abort(); }
static void op_write(void) { char c = 0; if (write(null_fd, &c, 1) != 1) abort(); }
static void op_open_close(void) { close(open("/dev/null", O_RDONLY)); }

struct bench {
	const char *name;
	void (*op)(void);
	long iterations;	/* per batch, sized for a slow emulated CPU */
};

static const struct bench benches[] = {
	{ "function", op_function, 2000000 },
	{ "getppid", op_getppid, 20000 },
	{ "read_1B_dev_zero", op_read, 20000 },
	{ "write_1B_dev_null", op_write, 20000 },
	{ "open_close", op_open_close, 5000 },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;	/* shrink for quick runs */

	zero_fd = open("/dev/zero", O_RDONLY);
	null_fd = open("/dev/null", O_WRONLY);
	if (zero_fd < 0 || null_fd < 0) {
		perror("open /dev/zero or /dev/null");
		return 1;
	}
	for (size_t b = 0; b < sizeof(benches) / sizeof(benches[0]); b++) {
		const struct bench *bn = &benches[b];
		long n = (long)(bn->iterations * scale);
		double per[REPEATS];

		if (n < 10)
			n = 10;
		for (long i = 0; i < n / 10; i++)	/* warm up */
			bn->op();
		for (int r = 0; r < REPEATS; r++) {
			double t0 = now_ns();

			for (long i = 0; i < n; i++)
				bn->op();
			per[r] = (now_ns() - t0) / n;
		}
		qsort(per, REPEATS, sizeof(per[0]), cmp_double);
		printf("%s %.1f %.1f\n", bn->name, per[REPEATS / 2],
		       per[(3 * REPEATS) / 4] - per[REPEATS / 4]);
	}
	return 0;
}
