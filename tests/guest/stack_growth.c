// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * stack_growth - page faults below the stack grow it; running past
 * RLIMIT_STACK is a SIGSEGV.
 *
 * 1. Bounded recursion 6 MB deep (frames of about 4 KB, each touched) in a
 *    child with RLIMIT_STACK = 16 MB: the kernel must extend the stack
 *    mapping on each fault below it; each frame's contents are verified
 *    on the way back up.
 * 2. Unbounded recursion in a child with RLIMIT_STACK = 8 MB: the child
 *    dies by SIGSEGV (no handler), or (with a handler on a sigaltstack)
 *    the handler runs with SIGSEGV.  In ring 0 the faulting push happens
 *    with no stack left: the kernel must not need one from the process.
 */
#include "kmltest.h"
#include <sys/mman.h>

#define FRAME 4000

static long recurse(long depth, long max)
{
	volatile char buf[FRAME];
	long r;

	buf[0] = (char)depth;
	buf[FRAME - 1] = (char)(depth >> 8);
	if (depth == max)
		return 0;
	r = recurse(depth + 1, max);
	if (buf[0] != (char)depth || buf[FRAME - 1] != (char)(depth >> 8))
		return r + 1;	/* a frame changed under us */
	return r;
}

static volatile int keep_going = 1;

/* Recurses until the stack runs out (keep_going is never cleared). */
static long forever(long depth)
{
	volatile char buf[FRAME];

	buf[0] = (char)depth;
	if (!keep_going)
		return 0;
	return forever(depth + 1) + buf[0];
}

static char *alt;
#define ALT_SIZE (64 * 1024)

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char local;

	(void)uc;
	if (sig != SIGSEGV)
		_exit(20);
	if (!(&local >= alt && &local < alt + ALT_SIZE))
		_exit(21);
	if (si->si_code != SEGV_MAPERR && si->si_code != SEGV_ACCERR)
		_exit(22);
	_exit(42);
}

static void set_stack_limit(rlim_t bytes)
{
	struct rlimit rl;

	getrlimit(RLIMIT_STACK, &rl);
	rl.rlim_cur = bytes;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < bytes)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_STACK, &rl))
		_exit(9);
}

int main(void)
{
	long depth = 6L * 1024 * 1024 / FRAME;
	pid_t pid;

	kml_expect_ring();

	kml_run("bounded recursion %ld frames (~6 MB) grows the stack", depth);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		set_stack_limit(16UL << 20);
		_exit(recurse(0, depth) == 0 ? 0 : 1);
	}
	kml_check_exit("child recursed 6 MB deep, frames intact (1: corrupted)", pid, 0);

	kml_no_core();
	kml_run("unbounded recursion past RLIMIT_STACK = 8 MB, no handler");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		set_stack_limit(8UL << 20);
		forever(0);
		_exit(3);
	}
	kml_check_killed("child killed by SIGSEGV", pid, SIGSEGV);

	kml_run("unbounded recursion past RLIMIT_STACK = 8 MB, altstack handler");
	alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE };

		set_stack_limit(8UL << 20);
		sigaltstack(&ss, NULL);
		kml_sigaction(SIGSEGV, on_segv, SA_ONSTACK);
		forever(0);
		_exit(3);
	}
	kml_check_exit("SIGSEGV handler ran on the altstack (20-22: wrong details)",
		       pid, 42);
	kml_finish();
}
