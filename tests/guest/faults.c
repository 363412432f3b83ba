// SPDX-License-Identifier: GPL-2.0
/*
 * faults - every CPU exception a process can cause becomes a signal with
 * the right si_signo, si_code and si_addr, never a kernel oops.
 *
 * In ring 0 the CPU reports these exceptions as kernel-mode faults (CPL 0,
 * no U bit in the page-fault error code, no stack switch), so the kernel
 * must still recognise them as the process's own faults and deliver the
 * same signal a ring-3 process gets.  Each case runs in a forked child
 * that installs a handler on an alternate stack; the handler copies the
 * siginfo and the interrupted RIP/RSP into a shared page and exits 42.
 * The "no handler" cases check that the child dies by the signal instead.
 *
 * Bad-stack cases (RSP = 0, RSP in unmapped memory, then a push) are the
 * stack-starvation problem: the exception frame cannot go on that stack.
 */
#include "kmltest.h"
#include <ucontext.h>
#include <sys/mman.h>

/* The faulting instructions, each at a global label for exact checks. */
asm(".text\n"
    ".globl kf_read\n kf_read:\n"
    ".globl kf_read_insn\n kf_read_insn: mov (%rdi), %rax\n ret\n"
    ".globl kf_write\n kf_write:\n"
    ".globl kf_write_insn\n kf_write_insn: movq $1, (%rdi)\n ret\n"
    ".globl kf_div0\n kf_div0:\n xor %ecx, %ecx\n mov $1, %eax\n xor %edx, %edx\n"
    ".globl kf_div0_insn\n kf_div0_insn: div %ecx\n ret\n"
    ".globl kf_ud2\n kf_ud2:\n"
    ".globl kf_ud2_insn\n kf_ud2_insn: ud2\n ret\n"
    ".globl kf_int3\n kf_int3:\n"
    ".globl kf_int3_insn\n kf_int3_insn: int3\n"
    ".globl kf_int3_after\n kf_int3_after: ret\n"
    ".globl kf_movaps\n kf_movaps:\n"
    ".globl kf_movaps_insn\n kf_movaps_insn: movaps (%rdi), %xmm0\n ret\n"
    ".globl kf_jmp\n kf_jmp:\n"
    ".globl kf_jmp_insn\n kf_jmp_insn: jmp *%rdi\n"
    /* Load RSP from rdi, then push: the push is the faulting access. */
    ".globl kf_push\n kf_push:\n mov %rdi, %rsp\n"
    ".globl kf_push_insn\n kf_push_insn: push %rax\n ud2\n"
    ".previous\n");

void kf_read(void *), kf_write(void *), kf_div0(void *), kf_ud2(void *);
void kf_int3(void *), kf_movaps(void *), kf_jmp(void *), kf_push(void *);
extern char kf_read_insn[], kf_write_insn[], kf_div0_insn[], kf_ud2_insn[];
extern char kf_int3_insn[], kf_int3_after[], kf_movaps_insn[];
extern char kf_jmp_insn[], kf_push_insn[];

/* What the child's handler saw, in a MAP_SHARED page. */
struct seen {
	int signo, code;
	uint64_t addr, rip, rsp;
	int on_altstack;
};

static struct seen *seen;
static char *altstack;
#define ALTSTACK_SIZE (64 * 1024)

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	char local;

	(void)sig;
	seen->signo = si->si_signo;
	seen->code = si->si_code;
	seen->addr = (uint64_t)si->si_addr;
	seen->rip = uc->uc_mcontext.gregs[REG_RIP];
	seen->rsp = uc->uc_mcontext.gregs[REG_RSP];
	seen->on_altstack = &local >= altstack && &local < altstack + ALTSTACK_SIZE;
	_exit(42);
}

#define ANY UINT64_MAX		/* "do not check this field" */

struct fcase {
	const char *name;
	void (*fn)(void *);
	void *arg;
	int handler;		/* install the altstack handler? */
	int signo, code;	/* expected */
	uint64_t addr, rip, rsp;
	uint64_t rip_alt;	/* a second acceptable RIP, or ANY */
};

static void run_case(const struct fcase *c)
{
	char what[160];
	pid_t pid;
	int status;

	kml_run("%s (%s)", c->name, c->handler ? "handler" : "no handler");
	memset(seen, 0, sizeof(*seen));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		kml_die("fork: %s", strerror(errno));
	if (pid == 0) {
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
		stack_t ss = { .ss_sp = altstack, .ss_size = ALTSTACK_SIZE };
		unsigned i;

		kml_no_core();
		if (c->handler) {
			if (sigaltstack(&ss, NULL))
				_exit(5);
			for (i = 0; i < 5; i++)
				kml_sigaction(sigs[i], handler, SA_ONSTACK);
		}
		c->fn(c->arg);
		_exit(3);	/* no fault happened */
	}
	status = kml_wait(pid);
	if (!c->handler) {
		snprintf(what, sizeof(what), "%s: child killed by signal %d",
			 c->name, c->signo);
		KML_CHECK(what, WIFSIGNALED(status) && WTERMSIG(status) == c->signo,
			  "expected death by %s, got %s", strsignal(c->signo),
			  kml_wstatus_str(status));
		return;
	}
	snprintf(what, sizeof(what), "%s: handler ran", c->name);
	if (!KML_CHECK(what, WIFEXITED(status) && WEXITSTATUS(status) == 42,
		       "expected exit 42 from the handler, got %s%s",
		       kml_wstatus_str(status),
		       WIFEXITED(status) && WEXITSTATUS(status) == 3 ?
		       " (no fault)" : ""))
		return;
	snprintf(what, sizeof(what), "%s: si_signo", c->name);
	KML_CHECK_EQ(what, c->signo, seen->signo);
	snprintf(what, sizeof(what), "%s: si_code", c->name);
	KML_CHECK_EQ(what, c->code, seen->code);
	if (c->addr != ANY) {
		snprintf(what, sizeof(what), "%s: si_addr", c->name);
		KML_CHECK_EQ(what, c->addr, seen->addr);
	}
	if (c->rip != ANY) {
		snprintf(what, sizeof(what), "%s: interrupted RIP", c->name);
		KML_CHECK(what, seen->rip == c->rip ||
			  (c->rip_alt != ANY && seen->rip == c->rip_alt),
			  "expected %#llx, got %#llx",
			  (unsigned long long)c->rip,
			  (unsigned long long)seen->rip);
	}
	if (c->rsp != ANY) {
		snprintf(what, sizeof(what), "%s: interrupted RSP", c->name);
		KML_CHECK_EQ(what, c->rsp, seen->rsp);
	}
	snprintf(what, sizeof(what), "%s: handler on the alternate stack", c->name);
	KML_CHECK(what, seen->on_altstack, "expected a local inside the altstack");
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *unmapped, *ro, *none, *noexec, *aligned;
	/*
	 * A kernel-half address that no x86-64 layout maps (the 4-level guard
	 * hole, unused without KASAN in 5-level layouts).  Mapped kernel text
	 * would not fault in ring 0: the CPU would run it; that is the trust
	 * a ring-0 process is given, not something a test can check.
	 */
	uint64_t khole = 0xffff800000000000ULL;
	uint64_t noncanon = 0x8000000000000000ULL;
	unsigned i;

	kml_expect_ring();

	seen = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	altstack = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	noexec = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	aligned = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED || altstack == MAP_FAILED || unmapped == MAP_FAILED ||
	    ro == MAP_FAILED || none == MAP_FAILED || noexec == MAP_FAILED ||
	    aligned == MAP_FAILED)
		kml_die("mmap: %s", strerror(errno));
	/* Keep guard pages on both sides so neighbours cannot be hit. */
	munmap(unmapped + pg, pg);
	unmapped += pg;
	memset(noexec, 0xc3, pg);	/* "ret" everywhere, but not executable */

	{
		const struct fcase cases[] = {
		{ "read of unmapped memory", kf_read, unmapped + 0x18, 1,
		  SIGSEGV, SEGV_MAPERR, (uint64_t)unmapped + 0x18,
		  (uint64_t)kf_read_insn, ANY, ANY },
		{ "write to unmapped memory", kf_write, unmapped + 0x20, 1,
		  SIGSEGV, SEGV_MAPERR, (uint64_t)unmapped + 0x20,
		  (uint64_t)kf_write_insn, ANY, ANY },
		{ "write to a read-only page", kf_write, ro + 8, 1,
		  SIGSEGV, SEGV_ACCERR, (uint64_t)ro + 8,
		  (uint64_t)kf_write_insn, ANY, ANY },
		{ "read of a PROT_NONE page", kf_read, none + 16, 1,
		  SIGSEGV, SEGV_ACCERR, (uint64_t)none + 16,
		  (uint64_t)kf_read_insn, ANY, ANY },
		{ "read of NULL", kf_read, NULL, 1,
		  SIGSEGV, SEGV_MAPERR, 0, (uint64_t)kf_read_insn, ANY, ANY },
		{ "read of an unmapped kernel-half address", kf_read, (void *)khole, 1,
		  SIGSEGV, SEGV_MAPERR, khole, (uint64_t)kf_read_insn, ANY, ANY },
		{ "write to an unmapped kernel-half address", kf_write, (void *)khole, 1,
		  SIGSEGV, SEGV_MAPERR, khole, (uint64_t)kf_write_insn, ANY, ANY },
		{ "read of a non-canonical address (#GP)", kf_read, (void *)noncanon, 1,
		  SIGSEGV, SI_KERNEL, 0, (uint64_t)kf_read_insn, ANY, ANY },
		{ "RSP = 0, then push", kf_push, (void *)0, 0,
		  SIGSEGV, 0, ANY, ANY, ANY, ANY },
		{ "RSP = 0, then push", kf_push, (void *)0, 1,
		  SIGSEGV, SEGV_MAPERR, (uint64_t)-8, (uint64_t)kf_push_insn, 0, ANY },
		{ "RSP in unmapped memory, then push", kf_push, unmapped + 512, 0,
		  SIGSEGV, 0, ANY, ANY, ANY, ANY },
		{ "RSP in unmapped memory, then push", kf_push, unmapped + 512, 1,
		  SIGSEGV, SEGV_MAPERR, (uint64_t)unmapped + 504,
		  (uint64_t)kf_push_insn, (uint64_t)unmapped + 512, ANY },
		{ "RSP in a read-only page, then push", kf_push, ro + 512, 1,
		  SIGSEGV, SEGV_ACCERR, (uint64_t)ro + 504,
		  (uint64_t)kf_push_insn, (uint64_t)ro + 512, ANY },
		{ "division by zero", kf_div0, NULL, 1,
		  SIGFPE, FPE_INTDIV, (uint64_t)kf_div0_insn,
		  (uint64_t)kf_div0_insn, ANY, ANY },
		{ "division by zero", kf_div0, NULL, 0,
		  SIGFPE, 0, ANY, ANY, ANY, ANY },
		{ "ud2", kf_ud2, NULL, 1,
		  SIGILL, ILL_ILLOPN, (uint64_t)kf_ud2_insn,
		  (uint64_t)kf_ud2_insn, ANY, ANY },
		{ "ud2", kf_ud2, NULL, 0,
		  SIGILL, 0, ANY, ANY, ANY, ANY },
		{ "int3", kf_int3, NULL, 1,
		  SIGTRAP, SI_KERNEL, 0, (uint64_t)kf_int3_after, ANY, ANY },
		{ "int3", kf_int3, NULL, 0,
		  SIGTRAP, 0, ANY, ANY, ANY, ANY },
		/* movaps needs 16-byte alignment: #GP, reported as SIGSEGV/SI_KERNEL */
		{ "misaligned SSE movaps", kf_movaps, aligned + 8, 1,
		  SIGSEGV, SI_KERNEL, 0, (uint64_t)kf_movaps_insn, ANY, ANY },
		{ "jump to an unmapped kernel-half address", kf_jmp, (void *)khole, 1,
		  SIGSEGV, SEGV_MAPERR, khole, khole, ANY, ANY },
		/* #GP: the CPU may report RIP at the jump or at the target */
		{ "jump to a non-canonical address", kf_jmp, (void *)noncanon, 1,
		  SIGSEGV, SI_KERNEL, 0, (uint64_t)kf_jmp_insn, ANY, noncanon },
		{ "jump to a non-canonical address", kf_jmp, (void *)noncanon, 0,
		  SIGSEGV, 0, ANY, ANY, ANY, ANY },
		{ "jump to NULL", kf_jmp, NULL, 1,
		  SIGSEGV, SEGV_MAPERR, 0, 0, ANY, ANY },
		{ "jump to a non-executable page", kf_jmp, noexec, 1,
		  SIGSEGV, SEGV_ACCERR, (uint64_t)noexec, (uint64_t)noexec, ANY, ANY },
		};

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			run_case(&cases[i]);
	}
	kml_finish();
}
