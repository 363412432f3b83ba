// SPDX-License-Identifier: GPL-2.0
/*
 * eflags_if - a process that clears EFLAGS.IF gets it back at its next
 * kernel entry, and the kernel does not complain.
 *
 * POPF ignores IF in ring 3, so an ordinary process always runs with
 * interrupts enabled.  In ring 0 POPF (and CLI) clear it for real.  The
 * kernel's handlers of user events expect IF set in a user context: a
 * page fault with IF clear in a ring-0 process once hit a WARNING in
 * exc_page_fault().  Now every kernel entry from a ring-0 process sees IF
 * set (the user view) and every return sets it again.
 *
 * Each step clears IF with POPF, then enters the kernel one way (a system
 * call, page faults, a signal, fork), then reads IF: it must be set.  The
 * harness fails the run if the console shows a WARNING.
 */
#include "kmltest.h"
#include <setjmp.h>
#include <sys/mman.h>

#define EFLAGS_IF 0x200UL

static inline unsigned long read_flags(void)
{
	unsigned long f;

	asm volatile("pushf; pop %0" : "=r"(f));
	return f;
}

/* Clear IF with POPF; returns the flags read right after it. */
static inline unsigned long clear_if(void)
{
	asm volatile("pushf; andq %0, (%%rsp); popf" : : "i"(~EFLAGS_IF) : "memory", "cc");
	return read_flags();
}

static sigjmp_buf back;
static int *volatile bad_pointer = (int *)16;

static void on_segv(int sig)
{
	siglongjmp(back, 1);
}

static void check_if(const char *after)
{
	char what[64];

	snprintf(what, sizeof(what), "IF after %s", after);
	KML_CHECK_EQ(what, EFLAGS_IF, read_flags() & EFLAGS_IF);
}

int main(void)
{
	int ring, status;
	unsigned long f;
	char *p;
	pid_t pid;

	kml_expect_ring();
	ring = kml_ring();
	signal(SIGSEGV, on_segv);

	kml_run("POPF with IF clear, ring %d", ring);
	f = clear_if();
	/* Ring 3: POPF leaves IF alone.  Ring 0: IF is clear now. */
	KML_CHECK_EQ("IF right after POPF", ring == 3 ? EFLAGS_IF : 0, f & EFLAGS_IF);

	clear_if();
	syscall(SYS_getppid);
	check_if("a system call");

	p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		kml_die("mmap: %s", strerror(errno));
	clear_if();
	for (int i = 0; i < 64; i++)
		((volatile char *)p)[i * 4096] = 1;	/* 64 page faults */
	check_if("page faults");

	clear_if();
	if (!sigsetjmp(back, 1))
		*bad_pointer = 1;			/* SIGSEGV */
	check_if("a SIGSEGV handler");

	clear_if();
	pid = fork();
	if (pid == 0)
		_exit((read_flags() & EFLAGS_IF) ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		kml_die("fork/waitpid: %s", strerror(errno));
	check_if("fork and wait");
	KML_CHECK_EQ("IF in the forked child", 0, WEXITSTATUS(status));
	kml_finish();
}
