// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * fpu_sse - FPU, SSE and MXCSR state belong to each process and survive
 * preemption and signal handlers.
 *
 * 1. Two processes pinned to the same CPU each keep all 16 XMM registers
 *    and 4 x87 registers busy in an asm loop (adds with exactly
 *    representable results), each with its own MXCSR and x87 control
 *    word.  They run until each has seen the other make progress at least
 *    20 times (so they were switched on that CPU many times, mostly in the
 *    middle of a loop) and check after every chunk that every register and
 *    control word holds exactly the expected value.
 * 2. An asynchronous signal interrupts a loop that holds patterns in all
 *    XMM registers and a non-default MXCSR.  The handler must start with
 *    the default MXCSR (0x1f80), must see the interrupted values in its
 *    saved FPU context, and then clobbers every XMM register and MXCSR;
 *    after sigreturn all of them must be back.
 */
#include "kmltest.h"
#include <sched.h>
#include <ucontext.h>
#include <sys/mman.h>
#include <sys/time.h>

/*
 * fpu_chunk(xmm[32], x87[4], iters, step[2]): load xmm0..15 from xmm,
 * x87[0..3] into st0..st3; iters times add step to every XMM register
 * (addpd) and 1.0 to every x87 register; store everything back.
 */
asm(".text\n.globl fpu_chunk\nfpu_chunk:\n"
    " movupd (%rcx), %xmm15\n"		/* step, kept in memory below */
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " movupd 16*\\i(%rdi), %xmm\\i\n"
    " .endr\n"
    " fldt 48(%rsi)\n fldt 32(%rsi)\n fldt 16(%rsi)\n fldt 0(%rsi)\n"
    "1:\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " addpd (%rcx), %xmm\\i\n"
    " .endr\n"
    " fld1\n faddp %st, %st(1)\n"
    " fld1\n faddp %st, %st(2)\n"
    " fld1\n faddp %st, %st(3)\n"
    " fld1\n faddp %st, %st(4)\n"
    " dec %rdx\n jnz 1b\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " movupd %xmm\\i, 16*\\i(%rdi)\n"
    " .endr\n"
    " fstpt 0(%rsi)\n fstpt 16(%rsi)\n fstpt 32(%rsi)\n fstpt 48(%rsi)\n"
    " ret\n"
    /*
     * sse_sig_loop(in[32], out[32], mxcsr, *mxcsr_out): load MXCSR and
     * xmm0..15, spin until kml_fpu_hits >= 5, store them, restore 0x1f80.
     */
    ".globl sse_sig_loop\nsse_sig_loop:\n"
    " sub $8, %rsp\n mov %edx, (%rsp)\n ldmxcsr (%rsp)\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " movdqu 16*\\i(%rdi), %xmm\\i\n"
    " .endr\n"
    ".globl sse_spin\nsse_spin:\n"
    " cmpl $5, kml_fpu_hits(%rip)\n jl sse_spin\n"
    ".globl sse_spin_end\nsse_spin_end:\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    " movdqu %xmm\\i, 16*\\i(%rsi)\n"
    " .endr\n"
    " stmxcsr (%rsp)\n mov (%rsp), %eax\n mov %eax, (%rcx)\n"
    " movl $0x1f80, (%rsp)\n ldmxcsr (%rsp)\n"
    " add $8, %rsp\n ret\n"
    ".previous\n");

void fpu_chunk(double *xmm, long double *x87, long iters, const double *step);
void sse_sig_loop(const uint64_t *in, uint64_t *out, uint32_t mxcsr, uint32_t *mxcsr_out);
extern char sse_spin[], sse_spin_end[];
volatile int kml_fpu_hits;

/* Progress of the two workers, in a shared page. */
struct shared {
	volatile long chunks[2];
	volatile long switches[2];
	volatile int failed[2];
};

static uint32_t get_mxcsr(void)
{
	uint32_t v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(uint32_t v)
{
	asm volatile("ldmxcsr %0" :: "m"(v));
}

static uint16_t get_fcw(void)
{
	uint16_t v;

	asm volatile("fnstcw %0" : "=m"(v));
	return v;
}

static void set_fcw(uint16_t v)
{
	asm volatile("fldcw %0" :: "m"(v));
}

#define CHUNK 20000

static int worker(struct shared *sh, int me, int64_t deadline)
{
	/* Different start values, steps and control words per process. */
	const double base = me ? 5000.5 : 1000.0;
	const double step[2] = { me ? 2.0 : 1.0, me ? -0.5 : -1.0 };
	const uint32_t mxcsr = me ? 0x9fc0 : 0x7f80;	/* FTZ|DAZ vs round-to-zero */
	const uint16_t fcw = me ? 0x37f : 0x27f;	/* extended vs double precision */
	double xmm[32];
	long double x87[4];
	long n = 0, last_other = -1;
	int i;

	set_mxcsr(mxcsr);
	set_fcw(fcw);
	for (i = 0; i < 16; i++) {
		xmm[2 * i] = base + i;
		xmm[2 * i + 1] = -(base + i);
	}
	for (i = 0; i < 4; i++)
		x87[i] = base + 0.25 + i;

	while (kml_now_ns() < deadline &&
	       (sh->switches[0] < 20 || sh->switches[1] < 20)) {
		fpu_chunk(xmm, x87, CHUNK, step);
		n += CHUNK;
		for (i = 0; i < 16; i++) {
			double e0 = base + i + n * step[0];
			double e1 = -(base + i) + n * step[1];

			if (xmm[2 * i] != e0 || xmm[2 * i + 1] != e1) {
				printf("[FAIL]\tworker %d: xmm%d after %ld adds: "
				       "expected {%.17g, %.17g}, got {%.17g, %.17g}\n",
				       me, i, n, e0, e1, xmm[2 * i], xmm[2 * i + 1]);
				return 1;
			}
		}
		for (i = 0; i < 4; i++) {
			long double e = base + 0.25L + i + n;

			if (x87[i] != e) {
				printf("[FAIL]\tworker %d: st%d after %ld adds: "
				       "expected %.21Lg, got %.21Lg\n", me, i, n, e, x87[i]);
				return 1;
			}
		}
		if (get_mxcsr() != mxcsr || get_fcw() != fcw) {
			printf("[FAIL]\tworker %d: expected MXCSR %#x FCW %#x, "
			       "got %#x %#x\n", me, mxcsr, fcw, get_mxcsr(), get_fcw());
			return 1;
		}
		sh->chunks[me]++;
		if (sh->chunks[!me] != last_other) {
			if (last_other >= 0)
				sh->switches[me]++;
			last_other = sh->chunks[!me];
		}
	}
	return 0;
}

/* Part 2: signal handler with its own SSE use. */
static uint64_t pat_in[32], pat_out[32];
static volatile int h_mxcsr_bad = -1, h_ctx_bad = -1;
static volatile uint32_t h_mxcsr_seen;

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	char *rip = (char *)uc->uc_mcontext.gregs[REG_RIP];
	int i;

	(void)sig; (void)si;
	if (rip < sse_spin || rip >= sse_spin_end)
		return;
	h_mxcsr_seen = get_mxcsr();
	if (h_mxcsr_seen != 0x1f80 && h_mxcsr_bad < 0)
		h_mxcsr_bad = 1;
	if (uc->uc_mcontext.fpregs->mxcsr != 0x7f80 && h_ctx_bad < 0)
		h_ctx_bad = 100;
	for (i = 0; i < 16; i++) {
		uint64_t lo, hi;

		memcpy(&lo, &uc->uc_mcontext.fpregs->_xmm[i].element[0], 8);
		memcpy(&hi, &uc->uc_mcontext.fpregs->_xmm[i].element[2], 8);
		if ((lo != pat_in[2 * i] || hi != pat_in[2 * i + 1]) && h_ctx_bad < 0)
			h_ctx_bad = i;
	}
	/* Use SSE here: clobber every XMM register and change MXCSR. */
	set_mxcsr(0x3f80);
	asm volatile("pcmpeqd %%xmm0, %%xmm0\n"
		     ".irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		     "movdqa %%xmm0, %%xmm\\i\n"
		     ".endr\n" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		     "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		     "xmm13", "xmm14", "xmm15");
	kml_fpu_hits++;
}

int main(void)
{
	struct shared *sh;
	cpu_set_t set;
	int cpu = -1, i, st;
	pid_t pid[2];
	int64_t t0;
	uint32_t mx_out = 0;
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };

	kml_expect_ring();
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		kml_die("mmap: %s", strerror(errno));
	if (sched_getaffinity(0, sizeof(set), &set))
		kml_die("sched_getaffinity: %s", strerror(errno));
	for (i = 0; i < CPU_SETSIZE && cpu < 0; i++)
		if (CPU_ISSET(i, &set))
			cpu = i;

	kml_run("two processes on CPU %d computing with SSE and x87", cpu);
	t0 = kml_now_ns();
	for (i = 0; i < 2; i++) {
		fflush(stdout);
		pid[i] = fork();
		if (pid[i] == 0) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				_exit(3);
			_exit(worker(sh, i, t0 + 20000000000LL));
		}
	}
	for (i = 0; i < 2; i++) {
		char what[64];

		st = kml_wait(pid[i]);
		snprintf(what, sizeof(what), "worker %d: all results exact", i);
		KML_CHECK(what, WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "got %s (3: sched_setaffinity failed)", kml_wstatus_str(st));
	}
	kml_info("%ld + %ld chunks, %ld + %ld switches seen, %lld ms",
		 sh->chunks[0], sh->chunks[1], sh->switches[0], sh->switches[1],
		 (long long)(kml_now_ns() - t0) / 1000000);
	KML_CHECK("both saw the other run at least 20 times (preempted often)",
		  sh->switches[0] >= 20 && sh->switches[1] >= 20,
		  "got %ld and %ld", sh->switches[0], sh->switches[1]);

	kml_run("XMM registers and MXCSR across a handler that uses SSE");
	for (i = 0; i < 32; i++)
		pat_in[i] = 0x0102030405060708ULL * (i + 1) ^ 0xa5a5a5a5a5a5a5a5ULL;
	kml_sigaction(SIGALRM, on_alarm, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	sse_sig_loop(pat_in, pat_out, 0x7f80, &mx_out);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	KML_CHECK("handler starts with the default MXCSR 0x1f80", h_mxcsr_bad < 0,
		  "got %#x", h_mxcsr_seen);
	KML_CHECK("saved context holds the interrupted MXCSR and XMM values",
		  h_ctx_bad < 0, "first mismatch: %s %d",
		  h_ctx_bad == 100 ? "mxcsr" : "xmm", h_ctx_bad);
	KML_CHECK_EQ("MXCSR restored after 5 signals", 0x7f80, mx_out);
	st = 0;
	for (i = 0; i < 16; i++) {
		if ((pat_out[2 * i] != pat_in[2 * i] ||
		     pat_out[2 * i + 1] != pat_in[2 * i + 1]) && ++st)
			kml_fail("xmm%d after signals: expected %#llx:%#llx, got %#llx:%#llx",
				 i, (unsigned long long)pat_in[2 * i + 1],
				 (unsigned long long)pat_in[2 * i],
				 (unsigned long long)pat_out[2 * i + 1],
				 (unsigned long long)pat_out[2 * i]);
	}
	if (!st)
		kml_ok("all 16 XMM registers restored after 5 signals");
	kml_finish();
}
