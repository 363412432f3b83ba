// SPDX-License-Identifier: GPL-2.0
/*
 * sigaltstack - SA_ONSTACK handlers run on the alternate signal stack.
 *
 * 1. With SA_ONSTACK, a local of the handler lies inside the alternate
 *    stack and sigaltstack() reports SS_ONSTACK there; afterwards the
 *    process is off it again.  Without SA_ONSTACK, the handler runs on the
 *    normal stack.
 * 2. The main stack pointer is bad (0, or an unmapped address) when the
 *    signal comes, both for a fault (ud2) and for a signal sent by a
 *    system call made with that RSP: the handler still runs on the
 *    alternate stack and sees the bad RSP in its saved context.  This is
 *    where a ring-0 process differs most: no exception or system-call
 *    path may touch the bad stack.
 */
#include "kmltest.h"
#include <ucontext.h>
#include <sys/mman.h>

#define ALT_SIZE (64 * 1024)
static char *alt;
static volatile int on_alt, ss_onstack, ran;
static volatile uint64_t saved_rsp;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	stack_t cur;
	char local;

	(void)sig; (void)si;
	on_alt = &local >= alt && &local < alt + ALT_SIZE;
	ss_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
	saved_rsp = uc->uc_mcontext.gregs[REG_RSP];
	ran++;
}

/* For the bad-stack children: report through the exit status. */
static uint64_t want_rsp;
static void bad_stack_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	char local;

	(void)si;
	if (!(&local >= alt && &local < alt + ALT_SIZE))
		_exit(20);
	if ((uint64_t)uc->uc_mcontext.gregs[REG_RSP] != want_rsp)
		_exit(21);
	_exit(sig == SIGILL ? 42 : sig == SIGUSR1 ? 43 : 22);
}

/* Set RSP to rdi, then ud2. */
asm(".text\n.globl bad_rsp_ud2\nbad_rsp_ud2:\n mov %rdi, %rsp\n ud2\n"
    /* Set RSP to rdi, then tgkill(getpid(), gettid(), SIGUSR1) by syscall. */
    ".globl bad_rsp_kill\nbad_rsp_kill:\n"
    " mov %rdi, %r12\n"
    " mov $39, %eax\n syscall\n mov %rax, %r13\n"	/* getpid */
    " mov $186, %eax\n syscall\n mov %rax, %r14\n"	/* gettid */
    " mov %r12, %rsp\n"
    " mov %r13, %rdi\n mov %r14, %rsi\n mov $10, %edx\n"	/* SIGUSR1 */
    " mov $234, %eax\n syscall\n"			/* tgkill */
    " ud2\n"
    ".previous\n");
void bad_rsp_ud2(uint64_t rsp), bad_rsp_kill(uint64_t rsp);

static void bad_stack_case(const char *what, void (*fn)(uint64_t),
			   uint64_t rsp, int code)
{
	pid_t pid;

	kml_run("%s", what);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE };

		kml_no_core();
		sigaltstack(&ss, NULL);
		want_rsp = rsp;
		kml_sigaction(SIGILL, bad_stack_handler, SA_ONSTACK);
		kml_sigaction(SIGUSR1, bad_stack_handler, SA_ONSTACK);
		fn(rsp);
		_exit(3);
	}
	kml_check_exit("handler ran on the altstack and saw the bad RSP "
		       "(20: not on altstack, 21: wrong RSP)", pid, code);
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	stack_t ss, cur;
	char *hole;

	kml_expect_ring();
	alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt == MAP_FAILED || hole == MAP_FAILED)
		kml_die("mmap: %s", strerror(errno));
	munmap(hole, pg);

	kml_run("SA_ONSTACK handler on a good stack");
	ss.ss_sp = alt;
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL))
		kml_die("sigaltstack: %s", strerror(errno));
	kml_sigaction(SIGUSR1, handler, SA_ONSTACK);
	raise(SIGUSR1);
	KML_CHECK_EQ("handler ran", 1, ran);
	KML_CHECK("handler's local is inside the alternate stack", on_alt,
		  "expected an address in [%p, %p)", alt, alt + ALT_SIZE);
	KML_CHECK("sigaltstack() in the handler reports SS_ONSTACK", ss_onstack,
		  "expected SS_ONSTACK set");
	KML_CHECK("interrupted RSP is on the main stack",
		  !(saved_rsp >= (uint64_t)alt && saved_rsp < (uint64_t)alt + ALT_SIZE),
		  "expected RSP outside the altstack, got %#llx",
		  (unsigned long long)saved_rsp);
	sigaltstack(NULL, &cur);
	KML_CHECK("SS_ONSTACK clear after the handler returned",
		  !(cur.ss_flags & SS_ONSTACK), "ss_flags %#x", cur.ss_flags);

	kml_run("handler without SA_ONSTACK stays on the main stack");
	kml_sigaction(SIGUSR2, handler, 0);
	raise(SIGUSR2);
	KML_CHECK_EQ("handler ran", 2, ran);
	KML_CHECK("handler's local is outside the alternate stack", !on_alt,
		  "expected an address outside [%p, %p)", alt, alt + ALT_SIZE);

	bad_stack_case("RSP = 0, ud2: SIGILL handler on the altstack",
		       bad_rsp_ud2, 0, 42);
	bad_stack_case("RSP unmapped, ud2: SIGILL handler on the altstack",
		       bad_rsp_ud2, (uint64_t)hole + 256, 42);
	bad_stack_case("RSP = 0, tgkill by syscall: SIGUSR1 handler on the altstack",
		       bad_rsp_kill, 0, 43);
	bad_stack_case("RSP unmapped, tgkill by syscall: SIGUSR1 handler on the altstack",
		       bad_rsp_kill, (uint64_t)hole + 256, 43);

	kml_finish();
}
