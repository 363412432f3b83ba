// SPDX-License-Identifier: GPL-2.0
/*
 * direct_pop_fault - the direct entry's first instructions, interrupted
 * and faulting, again and again.
 *
 * kml_direct_entry runs its first instructions on the caller's stack with
 * a kernel RIP: CLI, the pop of the return address, SWAPGS, the stack
 * switch.  The entry fixup treats an interrupt on the first instruction
 * and a #PF on the pop as events of the process.  This test makes both
 * happen: a thread zaps (MADV_DONTNEED) the page that holds the return
 * address while the main thread calls the entry in a loop with its stack
 * on that page.  The TLB shootdown interrupts the caller, often on the
 * entry's first instruction, and when the zap lands between the CALL and
 * the pop, the pop faults, reads the fresh zero page and the call
 * "returns" to address 0: SIGSEGV at RIP 0, which proves the path ran.
 *
 * The #PF arrives with IF clear (after the CLI): the kernel once warned
 * about that in exc_page_fault().  The return into the entry must keep IF
 * clear, or an interrupt after its SWAPGS would swap again.  Any oops,
 * WARNING or hang fails the run; each child must end in a return to 0 or
 * a clean exit, and at least one must have taken the #PF.
 *
 * Ring 0 only: a ring-3 process has no direct entry (AT_SYSINFO).
 */
// timeout: 120
#include "kmltest.h"
#include <pthread.h>
#include <ucontext.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#define AT_SYSINFO_ENTRY	32
#define CHILDREN		40
/*
 * On one CPU a hit needs a timer tick right between the call and the pop,
 * which a run of 40 children may not get: go on (up to this many, and 80 s)
 * until one came.
 */
#define MAX_CHILDREN		400
#define MAX_SECONDS		80
#define CALLS			100000

static char *page;
static volatile int stop;

static void *zapper(void *arg)
{
	while (!stop)
		madvise(page, 4096, MADV_DONTNEED);
	return NULL;
}

/* 10: the call returned to address 0 (the pop read the zapped page) */
static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	_exit(uc->uc_mcontext.gregs[REG_RIP] == 0 ? 10 : 11);
}

/* getppid through the direct entry, with RSP on @top */
static long call_on(unsigned long entry, char *top)
{
	long r;

	asm volatile("mov %%rsp, %%r12\n\t"
		     "mov %2, %%rsp\n\t"
		     "mov $110, %%eax\n\t"
		     "call *%1\n\t"
		     "mov %%r12, %%rsp"
		     : "=a"(r) : "r"(entry), "r"(top)
		     : "rcx", "r11", "r12", "memory");
	return r;
}

static void child(unsigned long entry)
{
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO | SA_ONSTACK };
	pid_t parent = getppid();
	pthread_t t;

	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pthread_create(&t, NULL, zapper, NULL))
		_exit(12);
	for (int i = 0; i < CALLS; i++)
		if (call_on(entry, page + 2048) != parent)
			_exit(13);
	stop = 1;
	pthread_join(t, NULL);
	_exit(0);
}

int main(void)
{
	unsigned long entry;
	int hits = 0, clean = 0;

	kml_expect_ring();
	entry = getauxval(AT_SYSINFO_ENTRY);
	if (kml_ring() != 0 || !entry) {
		kml_skip("no direct entry in ring %d", kml_ring());
		return KML_EXIT_SKIP;
	}

	kml_run("%d children call the direct entry on a page being zapped", CHILDREN);
	time_t start = time(NULL);
	int n;

	for (n = 0; n < CHILDREN || (!hits && n < MAX_CHILDREN && time(NULL) - start < MAX_SECONDS); n++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			kml_die("fork: %s", strerror(errno));
		if (pid == 0)
			child(entry);
		if (waitpid(pid, &status, 0) != pid)
			kml_die("waitpid: %s", strerror(errno));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
			hits++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			clean++;
		else
			kml_fail("child %d: status %#x (11: SIGSEGV elsewhere, "
				 "12: setup, 13: wrong getppid)", n, status);
	}
	kml_info("%d returned to 0 after a #PF on the pop, %d ran all calls, of %d",
		 hits, clean, n);
	KML_CHECK("a #PF on the pop happened", hits > 0, "%d of %d", hits, n);
	kml_finish();
}
