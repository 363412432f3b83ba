// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_abi - the syscall instruction keeps the x86-64 Linux system-call
 * contract: only RAX (result), RCX and R11 change; argument registers,
 * callee-saved registers, XMM registers and the 128-byte red zone below
 * RSP are untouched.
 *
 * A ring-0 process executes the same syscall instruction, but the kernel
 * enters and leaves by a different path (no SYSRET, no stack switch by the
 * hardware), so every one of these is worth checking there.  Each call
 * runs from an asm routine that loads patterns into every register and the
 * red zone, makes the call, and stores everything afterwards.  Calls:
 * getppid, sched_yield, nanosleep (a real sleep and context switch), an
 * unknown number (-ENOSYS), kill(self) with a handler that clobbers
 * registers (a signal delivered on the way out), and getppid over and
 * over for 300 ms while a 1 ms timer signal interrupts it.
 */
#include "kmltest.h"
#include <sys/syscall.h>
#include <sys/time.h>

uint64_t kml_sa_nr, kml_sa_args[6];	/* in: rax and rdi, rsi, rdx, r10, r8, r9 */
uint64_t kml_sa_regs[16];		/* out: rax rbx rcx rdx rsi rdi rbp r8-r15 */
uint64_t kml_sa_xmm[32];		/* out: xmm0-15 */
uint64_t kml_sa_redzone;		/* out: bitmask of changed red-zone slots */

#define PAT(i) (0x0fedcba987654300ULL + (i))	/* register i's pattern */
#define XPAT(i) (0x5555aaaa00000000ULL + (i))	/* xmm quadword i's pattern */
#define RZ(i) (0x7a7a7a7a7a7a0000ULL + (i))	/* red-zone slot i's pattern */

uint64_t kml_sa_xin[32];

asm(".text\n.globl sysabi_call\nsysabi_call:\n"
    " push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " movdqu kml_sa_xin+16*\\i(%rip), %xmm\\i\n"
    " .endr\n"
    " movabs $0x7a7a7a7a7a7a0000, %rax\n"
    " .irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
    " lea \\i(%rax), %rcx\n mov %rcx, -8*\\i(%rsp)\n"
    " .endr\n"
    " movabs $0x0fedcba987654301, %rbx\n"
    " movabs $0x0fedcba987654302, %rcx\n"
    " movabs $0x0fedcba987654306, %rbp\n"
    " movabs $0x0fedcba98765430a, %r11\n"
    " movabs $0x0fedcba98765430b, %r12\n"
    " movabs $0x0fedcba98765430c, %r13\n"
    " movabs $0x0fedcba98765430d, %r14\n"
    " movabs $0x0fedcba98765430e, %r15\n"
    " mov kml_sa_args+0(%rip), %rdi\n"
    " mov kml_sa_args+8(%rip), %rsi\n"
    " mov kml_sa_args+16(%rip), %rdx\n"
    " mov kml_sa_args+24(%rip), %r10\n"
    " mov kml_sa_args+32(%rip), %r8\n"
    " mov kml_sa_args+40(%rip), %r9\n"
    " mov kml_sa_nr(%rip), %rax\n"
    " syscall\n"
    " mov %rax, kml_sa_regs+0(%rip)\n"
    " mov %rbx, kml_sa_regs+8(%rip)\n"
    " mov %rcx, kml_sa_regs+16(%rip)\n"
    " mov %rdx, kml_sa_regs+24(%rip)\n"
    " mov %rsi, kml_sa_regs+32(%rip)\n"
    " mov %rdi, kml_sa_regs+40(%rip)\n"
    " mov %rbp, kml_sa_regs+48(%rip)\n"
    " mov %r8, kml_sa_regs+56(%rip)\n"
    " mov %r9, kml_sa_regs+64(%rip)\n"
    " mov %r10, kml_sa_regs+72(%rip)\n"
    " mov %r11, kml_sa_regs+80(%rip)\n"
    " mov %r12, kml_sa_regs+88(%rip)\n"
    " mov %r13, kml_sa_regs+96(%rip)\n"
    " mov %r14, kml_sa_regs+104(%rip)\n"
    " mov %r15, kml_sa_regs+112(%rip)\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " movdqu %xmm\\i, kml_sa_xmm+16*\\i(%rip)\n"
    " .endr\n"
    " xor %edx, %edx\n"
    " movabs $0x7a7a7a7a7a7a0000, %rax\n"
    " .irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
    " lea \\i(%rax), %rcx\n cmp %rcx, -8*\\i(%rsp)\n je 1f\n bts $\\i, %rdx\n 1:\n"
    " .endr\n"
    " mov %rdx, kml_sa_redzone(%rip)\n"
    " pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    " ret\n"
    ".previous\n");
void sysabi_call(void);

static const char *const names[15] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15",
};

static volatile int usr1;
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	asm volatile("pcmpeqd %%xmm3, %%xmm3\n mov $-1, %%rbx\n mov $-1, %%r12\n"
		     ::: "xmm3", "rbx", "r12");
	usr1++;
}

/*
 * Make one call and check everything; `want_rax` is the expected result.
 * With `quiet`, print nothing unless something is wrong and return the
 * number of wrong values.
 */
static int check(const char *name, long nr, const uint64_t args[6], long want_rax,
		 int quiet)
{
	/* index in kml_sa_regs -> expected value; rax, rcx, r11 are free */
	uint64_t want[15] = {
		0, PAT(1), 0, args[2], args[1], args[0], PAT(6), args[4], args[5],
		args[3], 0, PAT(11), PAT(12), PAT(13), PAT(14),
	};
	char what[128];
	int i, bad = 0;

	if (!quiet)
		kml_run("%s", name);
	kml_sa_nr = nr;
	memcpy(kml_sa_args, args, sizeof(kml_sa_args));
	sysabi_call();
	snprintf(what, sizeof(what), "%s: result in rax", name);
	if (!quiet || kml_sa_regs[0] != (uint64_t)want_rax)
		bad += !KML_CHECK_EQ(what, want_rax, kml_sa_regs[0]);
	for (i = 1; i < 15; i++) {
		if (i == 2 || i == 10)
			continue;
		if (kml_sa_regs[i] != want[i]) {
			snprintf(what, sizeof(what), "%s: %s preserved", name, names[i]);
			KML_CHECK_EQ(what, want[i], kml_sa_regs[i]);
			bad++;
		}
	}
	for (i = 0; i < 32; i++) {
		if (kml_sa_xmm[i] != XPAT(i)) {
			snprintf(what, sizeof(what), "%s: xmm%d preserved", name, i / 2);
			KML_CHECK_EQ(what, XPAT(i), kml_sa_xmm[i]);
			bad++;
		}
	}
	snprintf(what, sizeof(what), "%s: red zone -8..-128(%%rsp) intact", name);
	if (!quiet || kml_sa_redzone)
		bad += !KML_CHECK(what, kml_sa_redzone == 0,
				  "changed slots (bit i = -8*i(%%rsp)): %#llx",
				  (unsigned long long)kml_sa_redzone);
	if (!bad && !quiet)
		kml_ok("%s: all other registers and XMM preserved", name);
	return bad;
}

static void one(const char *name, long nr, const uint64_t args[6], long want_rax)
{
	check(name, nr, args, want_rax, 0);
}

int main(void)
{
	struct timespec ts = { 0, 1000000 };
	uint64_t a[6];
	int i;

	kml_expect_ring();
	for (i = 0; i < 32; i++)
		kml_sa_xin[i] = XPAT(i);
	for (i = 0; i < 6; i++)
		a[i] = PAT(0x20 + i);

	one("getppid", SYS_getppid, a, getppid());
	one("sched_yield", SYS_sched_yield, a, 0);
	one("unknown system call 1000", 1000, a, -ENOSYS);

	a[0] = (uint64_t)&ts;
	a[1] = 0;
	one("nanosleep 1 ms", SYS_nanosleep, a, 0);

	kml_sigaction(SIGUSR1, on_usr1, 0);
	a[0] = getpid();
	a[1] = SIGUSR1;
	one("kill(self, SIGUSR1) with a clobbering handler", SYS_kill, a, 0);
	KML_CHECK_EQ("handler ran", 1, usr1);

	/*
	 * Many calls while a 1 ms timer fires: interrupts and signals land at
	 * every point around the syscall instruction, including the kernel's
	 * entry and exit windows.
	 */
	kml_run("getppid in a loop under a 1 ms signal storm (300 ms)");
	{
		struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
		int64_t t0 = kml_now_ns();
		long calls = 0, wrong = 0;
		pid_t ppid = getppid();

		for (i = 0; i < 6; i++)
			a[i] = PAT(0x30 + i);
		kml_sigaction(SIGALRM, on_usr1, 0);
		usr1 = 0;
		setitimer(ITIMER_REAL, &it, NULL);
		while (kml_now_ns() - t0 < 300000000 && wrong < 5) {
			wrong += check("getppid under signals", SYS_getppid, a, ppid, 1) != 0;
			calls++;
		}
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		kml_info("%ld calls, %d signals", calls, usr1);
		KML_CHECK("every call kept the contract", wrong == 0,
			  "%ld of %ld calls broke it", wrong, calls);
		KML_CHECK("signals arrived during the loop", usr1 >= 10,
			  "expected >= 10, got %d", usr1);
	}
	kml_finish();
}
