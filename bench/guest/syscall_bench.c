/*
 * syscall_bench: what a system call costs, against a plain function call of
 * the same shape (the floor), in whatever ring and through whatever entry
 * this process uses.
 *
 * Built with build/libc/bin/kml-cc (the KML musl), one binary serves all
 * modes of scripts/bench.sh:
 *   ring 3          /bench/syscall_bench: the libc uses `syscall`;
 *   ring 0 syscall  /trusted/bench/syscall_bench with KML_FORCE_SYSCALL=1:
 *                   the libc ignores AT_SYSINFO and uses `syscall`;
 *   ring 0 direct   /trusted/bench/syscall_bench: the libc calls the direct
 *                   entry.
 * So the three modes run the same code in the program and the libc, and
 * differ only in the instruction that enters the kernel (and the ring).  It
 * also builds with plain musl-gcc or gcc (then there is no direct entry).
 *
 * Each call is timed over a batch of iterations with CLOCK_MONOTONIC; a
 * figure is the median of REPEATS batches, in nanoseconds per call, with the
 * spread (the inter-quartile range).  Output:
 *   @info ring=R entry=direct|syscall sysinfo=0x...
 *   NAME MEDIAN_NS IQR_NS MIN_NS     one line a call (MIN: the fastest batch)
 *   @samples NAME NS...              every batch, for merging several runs
 * The process pins itself (and so its children) to CPU 0: the ping-pong
 * and fork then measure system calls and context switches, not how fast
 * the host schedules an idle virtual CPU's thread, which under TCG on a
 * busy host is milliseconds and varies from run to run.
 *
 * With --require-direct, it exits 4 (after the @info line) when the libc has
 * no direct entry.  An optional number scales the iteration counts (0.1 for
 * a quick run).
 *
 * Under the instruction-count clock (tools/kmlvm --icount) a nanosecond is
 * one guest instruction, so the same figures are instruction counts.  For
 * exact counts per call, two more lines:
 *   @overhead NS        the fastest of REPEATS empty batches (the clock
 *                       reads around a batch, to take off each batch)
 *   @batch NAME N       the iterations of a batch of NAME
 *
 * With --profile NAME [N], it runs only that call: a warm-up of N calls,
 * then N calls each inside a region of the profiling plugin's markers
 * (marker.h; tools/kmlvm --profile), tagged by the mode: 1 ring 3, 2 ring 0
 * through `syscall`, 3 ring 0 through the direct entry.  It prints
 * "@profile TAG NAME N".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "marker.h"
#include "timing.h"

#define REPEATS 15

/* The KML musl's copy of AT_SYSINFO; absent (weak, null) in other libcs. */
extern unsigned long __sysinfo __attribute__((weak));

static int zero_fd, null_fd, pipe_fd[2], ping[2], pong[2];
static pid_t echo_pid;
static char buf[65536];

/*
 * The floor: an out-of-line call of a system call's shape (a number and
 * three arguments in, a long out) that the compiler cannot elide or inline.
 */
__attribute__((noinline)) static long plain_function(long nr, long a, long b, long c)
{
	__asm__ volatile("" : "+r"(nr) : "r"(a), "r"(b), "r"(c));
	return nr;
}

static long (*volatile floor_fn)(long, long, long, long) = plain_function;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void op_function(void) { floor_fn(SYS_getppid, 0, 0, 0); }
static void op_getppid(void) { getppid(); }
static void op_read_zero(void) { if (read(zero_fd, buf, 1) != 1) die("read /dev/zero"); }
static void op_write_null(void) { if (write(null_fd, buf, 1) != 1) die("write /dev/null"); }
static void op_read_pipe(void) { if (read(pipe_fd[0], buf, 1) != 1) die("read pipe"); }
static void op_write_pipe(void) { if (write(pipe_fd[1], buf, 1) != 1) die("write pipe"); }
static void op_open_close(void) { close(open("/dev/null", O_RDONLY)); }

static void op_clock_gettime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void op_pingpong(void)
{
	if (write(ping[1], buf, 1) != 1 || read(pong[0], buf, 1) != 1)
		die("ping-pong");
}

static void op_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, NULL, 0) != pid)
		die("waitpid");
}

static void op_mmap(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, 4096))
		die("mmap/munmap");
}

/* Batch hooks for the pipe: fill it before the reads, drain it after the writes. */
static void fill_pipe(long n)
{
	for (long done = 0; done < n; ) {
		long k = n - done < (long)sizeof(buf) ? n - done : (long)sizeof(buf);
		long w = write(pipe_fd[1], buf, k);

		if (w <= 0)
			die("fill pipe");
		done += w;
	}
}

static void drain_pipe(long n)
{
	for (long done = 0; done < n; ) {
		long k = n - done < (long)sizeof(buf) ? n - done : (long)sizeof(buf);
		long r = read(pipe_fd[0], buf, k);

		if (r <= 0)
			die("drain pipe");
		done += r;
	}
}

/* The other end of the ping-pong: echo every byte back. */
static void start_echo(void)
{
	if (pipe(ping) || pipe(pong))
		die("pipe");
	echo_pid = fork();
	if (echo_pid < 0)
		die("fork");
	if (echo_pid == 0) {
		char c;

		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
}

struct bench {
	const char *name;
	void (*op)(void);
	long iterations;		/* per batch, sized for a slow emulated CPU */
	void (*before)(long n);		/* outside the timing, before a batch */
	void (*after)(long n);		/* and after it */
};

static const struct bench benches[] = {
	{ "function", op_function, 2000000, NULL, NULL },
	{ "getppid", op_getppid, 20000, NULL, NULL },
	{ "read_1B_dev_zero", op_read_zero, 20000, NULL, NULL },
	{ "write_1B_dev_null", op_write_null, 20000, NULL, NULL },
	{ "read_1B_pipe", op_read_pipe, 20000, fill_pipe, NULL },
	{ "write_1B_pipe", op_write_pipe, 20000, NULL, drain_pipe },
	{ "open_close", op_open_close, 5000, NULL, NULL },
	{ "clock_gettime", op_clock_gettime, 100000, NULL, NULL },
	{ "pipe_pingpong", op_pingpong, 2000, NULL, NULL },
	{ "mmap_munmap", op_mmap, 5000, NULL, NULL },
	{ "fork_exit_wait", op_fork, 100, NULL, NULL },
};


/* The profile regions' tags (marker.h), one a mode. */
enum { TAG_RING3 = 1, TAG_RING0_SYSCALL = 2, TAG_RING0_DIRECT = 3 };

/*
 * N calls of OP, each inside a region tagged TAG: the region holds the
 * call through the table's pointer, the libc's wrapper, the way into the
 * kernel and back, and nothing of the loop.  The tag must be a constant in
 * the marker, hence one loop a tag.
 */
#define PROFILE_LOOP(tag, op, n) do {			\
	for (long i = 0; i < (n); i++) {		\
		KML_REGION_OPEN(tag);			\
		(op)();					\
		KML_REGION_CLOSE(tag);			\
	}						\
} while (0)

static int profile(const char *name, long n, int tag)
{
	const struct bench *bn = NULL;

	for (size_t b = 0; b < sizeof(benches) / sizeof(benches[0]); b++)
		if (!strcmp(benches[b].name, name))
			bn = &benches[b];
	if (!bn) {
		fprintf(stderr, "syscall_bench: --profile: no call named %s\n", name);
		return 2;
	}
	if ((bn->before || bn->after) && n > fcntl(pipe_fd[1], F_GETPIPE_SZ) / 2)
		n = fcntl(pipe_fd[1], F_GETPIPE_SZ) / 2;
	/* The warm-up: every page touched, every block translated. */
	if (bn->before)
		bn->before(n);
	for (long i = 0; i < n; i++)
		bn->op();
	if (bn->after)
		bn->after(n);
	if (bn->before)
		bn->before(n);
	switch (tag) {
	case TAG_RING3: PROFILE_LOOP(TAG_RING3, bn->op, n); break;
	case TAG_RING0_SYSCALL: PROFILE_LOOP(TAG_RING0_SYSCALL, bn->op, n); break;
	default: PROFILE_LOOP(TAG_RING0_DIRECT, bn->op, n); break;
	}
	if (bn->after)
		bn->after(n);
	printf("@profile %d %s %ld\n", tag, name, n);
	return 0;
}

static int current_ring(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

int main(int argc, char **argv)
{
	unsigned long entry = &__sysinfo ? __sysinfo : 0;
	int require_direct = 0;
	double scale = 1.0;	/* shrink for quick runs */
	const char *profile_name = NULL;
	long profile_n = 1000;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--require-direct"))
			require_direct = 1;
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile_name = argv[++i];
		else if (profile_name)
			profile_n = atol(argv[i]);
		else
			scale = atof(argv[i]);
	}
	printf("@info ring=%d entry=%s sysinfo=%#lx\n", current_ring(), entry ? "direct" : "syscall", entry);
	fflush(stdout);
	if (require_direct && !entry)
		return 4;

	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		perror("sched_setaffinity (continuing unpinned)");

	zero_fd = open("/dev/zero", O_RDONLY);
	null_fd = open("/dev/null", O_WRONLY);
	if (zero_fd < 0 || null_fd < 0)
		die("open /dev/zero or /dev/null");
	if (pipe(pipe_fd))
		die("pipe");
	fcntl(pipe_fd[1], F_SETPIPE_SZ, 1 << 20);	/* room for a batch of writes */
	start_echo();

	if (profile_name) {
		int tag = current_ring() == 3 ? TAG_RING3 : entry ? TAG_RING0_DIRECT : TAG_RING0_SYSCALL;
		int rc = profile(profile_name, profile_n > 0 ? profile_n : 1, tag);

		close(ping[1]);
		waitpid(echo_pid, NULL, 0);
		return rc;
	}

	double empty[REPEATS];

	for (int r = 0; r < REPEATS; r++) {
		double t0 = now_ns();

		empty[r] = now_ns() - t0;
	}
	qsort(empty, REPEATS, sizeof(empty[0]), cmp_double);
	printf("@overhead %.1f\n", empty[0]);

	for (size_t b = 0; b < sizeof(benches) / sizeof(benches[0]); b++) {
		const struct bench *bn = &benches[b];
		long n = (long)(bn->iterations * scale);
		long pipe_room = fcntl(pipe_fd[1], F_GETPIPE_SZ);
		double per[REPEATS];

		if (n < 10)
			n = 10;
		if ((bn->before || bn->after) && n > pipe_room / 2)
			n = pipe_room / 2;
		for (int r = -1; r < REPEATS; r++) {	/* r == -1: warm-up */
			double t0;

			if (bn->before)
				bn->before(n);
			t0 = now_ns();
			for (long i = 0; i < n; i++)
				bn->op();
			if (r >= 0)
				per[r] = (now_ns() - t0) / n;
			if (bn->after)
				bn->after(n);
		}
		qsort(per, REPEATS, sizeof(per[0]), cmp_double);
		printf("@batch %s %ld\n", bn->name, n);
		printf("%s %.1f %.1f %.1f\n", bn->name, per[REPEATS / 2],
		       per[(3 * REPEATS) / 4] - per[REPEATS / 4], per[0]);
		printf("@samples %s", bn->name);
		for (int r = 0; r < REPEATS; r++)
			printf(" %.1f", per[r]);
		printf("\n");
		fflush(stdout);
	}
	close(ping[1]);
	waitpid(echo_pid, NULL, 0);
	return 0;
}
