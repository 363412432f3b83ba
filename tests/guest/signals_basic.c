// SPDX-License-Identifier: GPL-2.0
/*
 * signals_basic - a handler runs with the right siginfo, and sigreturn
 * gives back exactly the interrupted context.
 *
 * 1. kill() and raise() run the handler with si_signo, si_code, si_pid;
 *    the handler runs in the process's ring and sigreturn keeps it there
 *    (the kernel's sigreturn forces a user CS, which must not drop a
 *    ring-0 process to ring 3).
 * 2. A handler that edits the saved RIP and RAX resumes execution there;
 *    one that clears IF and sets IOPL 3 in the saved EFLAGS does not get
 *    them (a ring-0 process running with interrupts off would own its CPU).
 * 3. An asynchronous signal (a 1 ms interval timer) interrupts a loop that
 *    holds a distinct value in every general register; the handler checks
 *    that the saved context shows those values, then scrambles every
 *    register it may; after several signals the loop checks all of them.
 * 4. The 128-byte red zone below RSP survives asynchronous signals and
 *    interrupts: a loop writes a pattern at -8..-128(%rsp) and verifies it
 *    on every iteration.  A ring-0 process is the interesting case: there
 *    the CPU does not switch stacks on an interrupt, so an entry path that
 *    pushed its frame on the user stack would overwrite exactly this area.
 * Signals count only when the saved RIP lies inside the loop, so a signal
 * that happened to land elsewhere cannot make the test pass by accident.
 */
#include "kmltest.h"
#include <ucontext.h>
#include <sys/time.h>

/* Shared with the asm below (referenced RIP-relative). */
volatile int kml_hits;			/* signals that landed in the loop */
uint64_t kml_regs_out[16];		/* registers at loop exit */

#define NHITS 5

/*
 * regs_loop: load a pattern into rax..r15 (all but rsp), spin until
 * kml_hits >= NHITS, store every register into kml_regs_out, return.
 * Patterns: 0x1111111111111100 * index + index, so each is distinct.
 */
#define P(n) "0x" #n #n #n #n #n #n #n #n #n #n #n #n #n #n "0" #n
asm(".text\n"
    ".globl regs_loop\n regs_loop:\n"
    " push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    " movabs $" P(1) ", %rax\n"
    " movabs $" P(2) ", %rbx\n"
    " movabs $" P(3) ", %rcx\n"
    " movabs $" P(4) ", %rdx\n"
    " movabs $" P(5) ", %rsi\n"
    " movabs $" P(6) ", %rdi\n"
    " movabs $" P(7) ", %rbp\n"
    " movabs $" P(8) ", %r8\n"
    " movabs $" P(9) ", %r9\n"
    " movabs $" P(a) ", %r10\n"
    " movabs $" P(b) ", %r11\n"
    " movabs $" P(c) ", %r12\n"
    " movabs $" P(d) ", %r13\n"
    " movabs $" P(e) ", %r14\n"
    " movabs $" P(f) ", %r15\n"
    ".globl regs_spin\n regs_spin:\n"
    " cmpl $5, kml_hits(%rip)\n"
    " jl regs_spin\n"
    ".globl regs_spin_end\n regs_spin_end:\n"
    " mov %rax, kml_regs_out+0(%rip)\n"
    " mov %rbx, kml_regs_out+8(%rip)\n"
    " mov %rcx, kml_regs_out+16(%rip)\n"
    " mov %rdx, kml_regs_out+24(%rip)\n"
    " mov %rsi, kml_regs_out+32(%rip)\n"
    " mov %rdi, kml_regs_out+40(%rip)\n"
    " mov %rbp, kml_regs_out+48(%rip)\n"
    " mov %r8, kml_regs_out+56(%rip)\n"
    " mov %r9, kml_regs_out+64(%rip)\n"
    " mov %r10, kml_regs_out+72(%rip)\n"
    " mov %r11, kml_regs_out+80(%rip)\n"
    " mov %r12, kml_regs_out+88(%rip)\n"
    " mov %r13, kml_regs_out+96(%rip)\n"
    " mov %r14, kml_regs_out+104(%rip)\n"
    " mov %r15, kml_regs_out+112(%rip)\n"
    " pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    " ret\n"
    /*
     * redzone_loop: write 16 quadwords at -8*i(%rsp), i = 1..16, value
     * base + i; then loop verifying all 16 until kml_hits >= 50 (about 50 ms
     * of timer interrupts and signals).
     * Returns 0, or the index i of the first slot found changed.
     */
    ".globl redzone_loop\n redzone_loop:\n"
    " movabs $0x5eda5eda00c0ffee, %rax\n"
    " .irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
    " lea \\i(%rax), %r8\n mov %r8, -8*\\i(%rsp)\n"
    " .endr\n"
    ".globl redzone_spin\n redzone_spin:\n"
    " .irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
    " mov $\\i, %r9d\n lea \\i(%rax), %r8\n cmp %r8, -8*\\i(%rsp)\n jne 1f\n"
    " .endr\n"
    " cmpl $50, kml_hits(%rip)\n"
    " jl redzone_spin\n"
    ".globl redzone_spin_end\n redzone_spin_end:\n"
    " xor %eax, %eax\n ret\n"
    "1: mov %r9d, %eax\n ret\n"
    /* skip_ud2: returns RAX after a ud2 the SIGILL handler steps over */
    ".globl skip_ud2\n skip_ud2:\n xor %eax, %eax\n"
    ".globl skip_ud2_insn\n skip_ud2_insn: ud2\n ret\n"
    ".previous\n");

long skip_ud2(void);
extern char skip_ud2_insn[];
void regs_loop(void);
int redzone_loop(void);
extern char regs_spin[], regs_spin_end[], redzone_spin[], redzone_spin_end[];

static const char *const reg_names[15] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15",
};
static const int reg_greg[15] = {
	REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static uint64_t pattern(int i)
{
	return 0x1111111111111100ULL * (i + 1) + (i + 1);
}

static char *spin_lo, *spin_hi;		/* the loop the timer must hit */
static volatile int ctx_bad = -1;	/* first register wrong in the frame */
static volatile uint64_t ctx_bad_val;
static volatile int check_ctx;

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	char *rip = (char *)uc->uc_mcontext.gregs[REG_RIP];
	int i;

	(void)sig; (void)si;
	if (rip < spin_lo || rip >= spin_hi)
		return;
	if (check_ctx) {
		for (i = 0; i < 15; i++) {
			uint64_t v = uc->uc_mcontext.gregs[reg_greg[i]];

			if (v != pattern(i) && ctx_bad < 0) {
				ctx_bad = i;
				ctx_bad_val = v;
			}
		}
	}
	/* Scramble every register the handler may; sigreturn must undo it. */
	asm volatile("mov $-1, %%rax\n mov $-1, %%rbx\n mov $-1, %%rcx\n"
		     "mov $-1, %%rdx\n mov $-1, %%rsi\n mov $-1, %%rdi\n"
		     "mov $-1, %%r8\n mov $-1, %%r9\n mov $-1, %%r10\n"
		     "mov $-1, %%r11\n mov $-1, %%r12\n mov $-1, %%r13\n"
		     "mov $-1, %%r14\n mov $-1, %%r15\n"
		     ::: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
		     "r10", "r11", "r12", "r13", "r14", "r15", "memory");
	kml_hits++;
}

static void timer_ms(int ms)
{
	struct itimerval it = {
		.it_interval = { 0, ms * 1000 }, .it_value = { 0, ms * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static volatile int info_ok, handler_ring = -1;

static void on_usr(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	handler_ring = kml_ring();
	info_ok = sig == SIGUSR1 && si->si_signo == SIGUSR1 ? si->si_code : -999;
	if (si->si_pid != getpid())
		info_ok = -998;
}

/* Resume after the ud2 with RAX = 123, by editing the saved context. */
static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig; (void)si;
	if ((char *)uc->uc_mcontext.gregs[REG_RIP] != skip_ud2_insn)
		return;		/* not ours: fault again, die by SIGILL */
	uc->uc_mcontext.gregs[REG_RIP] += 2;
	uc->uc_mcontext.gregs[REG_RAX] = 123;
}

/* Try to return with interrupts off and IOPL 3: sigreturn must refuse both. */
static void on_usr2_flags(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig; (void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x200UL;	/* IF */
	uc->uc_mcontext.gregs[REG_EFL] |= 0x3000UL;	/* IOPL 3 */
}

static unsigned long read_flags(void)
{
	unsigned long f;

	asm volatile("pushf\n pop %0" : "=r"(f));
	return f;
}

int main(void)
{
	int64_t t0;
	int i, r;

	kml_expect_ring();

	kml_run("kill(getpid(), SIGUSR1) runs the handler");
	kml_sigaction(SIGUSR1, on_usr, 0);
	info_ok = -1;
	kill(getpid(), SIGUSR1);
	KML_CHECK_EQ("handler ran, si_signo = SIGUSR1, si_pid = self, si_code = SI_USER",
		     SI_USER, info_ok);
	info_ok = -1;
	raise(SIGUSR1);
	KML_CHECK_EQ("raise(): handler ran with si_code = SI_TKILL", SI_TKILL, info_ok);
	KML_CHECK_EQ("handler ran in the process's ring", kml_ring(), handler_ring);
	if (kml_expected_ring() >= 0)
		KML_CHECK_EQ("still in the expected ring after sigreturn",
			     kml_expected_ring(), kml_ring());

	kml_run("a handler that edits the saved RIP and RAX");
	kml_sigaction(SIGILL, on_ill, 0);
	KML_CHECK_EQ("execution resumes after the ud2 with the new RAX",
		     123, skip_ud2());
	signal(SIGILL, SIG_DFL);

	kml_run("sigreturn refuses privileged EFLAGS bits");
	kml_sigaction(SIGUSR2, on_usr2_flags, 0);
	raise(SIGUSR2);
	KML_CHECK_EQ("IF still set and IOPL 0 after the handler cleared IF and set IOPL 3",
		     0x200, read_flags() & 0x3200);

	kml_run("asynchronous signals preserve all general registers");
	kml_sigaction(SIGALRM, on_alarm, 0);
	spin_lo = regs_spin;
	spin_hi = regs_spin_end;
	check_ctx = 1;
	kml_hits = 0;
	t0 = kml_now_ns();
	timer_ms(1);
	regs_loop();
	timer_ms(0);
	kml_info("%d signals hit the loop in %lld ms", kml_hits,
		 (long long)(kml_now_ns() - t0) / 1000000);
	KML_CHECK(("saved context holds the interrupted registers"), ctx_bad < 0,
		  "expected %s = %#llx in the signal frame, got %#llx",
		  ctx_bad >= 0 ? reg_names[ctx_bad] : "?",
		  ctx_bad >= 0 ? (unsigned long long)pattern(ctx_bad) : 0ULL,
		  (unsigned long long)ctx_bad_val);
	r = 0;
	for (i = 0; i < 15; i++) {
		char what[64];

		snprintf(what, sizeof(what), "%s restored after %d signals",
			 reg_names[i], NHITS);
		if (kml_regs_out[i] != pattern(i) && ++r)
			KML_CHECK_EQ(what, pattern(i), kml_regs_out[i]);
	}
	if (!r)
		kml_ok("all 15 registers restored after %d signals", NHITS);

	kml_run("red zone below RSP survives interrupts and signals");
	check_ctx = 0;
	spin_lo = redzone_spin;
	spin_hi = redzone_spin_end;
	kml_hits = 0;
	timer_ms(1);
	t0 = kml_now_ns();
	r = redzone_loop();
	timer_ms(0);
	kml_info("%d signals hit the loop in %lld ms", kml_hits,
		 (long long)(kml_now_ns() - t0) / 1000000);
	KML_CHECK("red zone intact across signals", r == 0,
		  "expected all 16 slots intact, slot -%d(%%rsp) changed", 8 * r);

	kml_finish();
}
