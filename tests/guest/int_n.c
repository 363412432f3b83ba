// SPDX-License-Identifier: GPL-2.0
/*
 * int_n - INT n on every vector: a process gets a signal, the kernel
 * stays up.
 *
 * A ring-3 process that executes INT n on a gate of privilege 0 gets
 * #GP(n*8+2) on the INT instruction: SIGSEGV, trap 13, that error code,
 * RIP on the instruction.  A ring-0 process passes the privilege check of
 * every gate, so without care INT n calls the kernel's handler for the
 * vector as if the event had happened: INT $14 made the #PF stub read a
 * frame 8 bytes off (an oops), INT $0xf8 stopped the CPU (the reboot IPI),
 * INT $22 jumped into the freed early IDT handlers.
 *
 * The table says what each vector must do.  GP: the ring-3 result, in
 * both rings, exactly (signal, trap number, error code, RIP).  SAME_AS_3:
 * gates open to ring 3 (#BP, #OF, the system call).  ANY: vectors the
 * kernel cannot tell from the real event in ring 0 (a program can raise
 * #DE, #DB, #UD, #MF and #XM itself, and device interrupts accept
 * spurious calls): GP in ring 3, and in ring 0 any ordinary end (a signal,
 * or INT n returns).  NMI is not run in ring 0: INT $2 runs the NMI handler
 * without NMIs blocked (documented), which a test must not provoke.
 *
 * Each vector runs in a forked child; its SIGSEGV handler records what it
 * saw in a shared page and, for two vectors, returns past the INT to show
 * that the process goes on afterwards.  Any oops or hang fails the run.
 */
#include "kmltest.h"
#include <ucontext.h>
#include <sys/mman.h>

/* One stub a vector, 8 bytes apart: INT n (CD ib), then RET. */
asm(".text\n.balign 8\n.globl int_n_stubs\nint_n_stubs:\n"
    ".set i, 0\n.rept 256\n.byte 0xcd, i\nret\n.balign 8\n.set i, i + 1\n.endr\n"
    ".previous\n");
extern char int_n_stubs[];

enum want { GP, SAME_AS_3, ANY, SKIP_RING0 };

/*
 * System vectors every SMP kernel with a local APIC installs: the local
 * timer, IRQ work, the platform IPI, reboot, the function-call and
 * reschedule IPIs, APIC error (arch/x86/include/asm/irq_vectors.h).
 */
static int is_system_ipi(int v)
{
	return v == 0xec || v == 0xf6 || v == 0xf7 || v == 0xf8 ||
	       v == 0xfb || v == 0xfc || v == 0xfd || v == 0xfe;
}

static enum want want_of(int v)
{
	switch (v) {
	case 3: case 4: case 0x80:
		return SAME_AS_3;
	case 2:
		return SKIP_RING0;
	case 0: case 1: case 5: case 6: case 9: case 15: case 16: case 19:
		return ANY;
	}
	/* Device vectors, the spurious vector, unassigned system vectors */
	if (v >= 32 && !is_system_ipi(v))
		return ANY;
	return GP;
}

struct seen {
	int signo, code;
	uint64_t trapno, err, rip;
};
static struct seen *seen;
static int resume;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	seen->signo = sig;
	seen->code = si->si_code;
	seen->trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	seen->err = uc->uc_mcontext.gregs[REG_ERR];
	seen->rip = uc->uc_mcontext.gregs[REG_RIP];
	if (!resume)
		_exit(40 + sig);
	uc->uc_mcontext.gregs[REG_RIP] += 2;	/* past the INT: on to RET */
}

/* How one child ended: "sig N" (handler), "killed N", "exit N". */
static int run_vector(int v, int resume_after, char *how, size_t len)
{
	int status;
	pid_t pid;

	memset(seen, 0, sizeof(*seen));
	pid = fork();
	if (pid < 0)
		kml_die("fork: %s", strerror(errno));
	if (pid == 0) {
		struct sigaction sa = { .sa_sigaction = on_signal,
					.sa_flags = SA_SIGINFO };
		int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &sa, NULL);
		resume = resume_after;
		alarm(10);
		((void (*)(void))(int_n_stubs + 8 * v))();
		_exit(7);	/* INT n returned */
	}
	if (waitpid(pid, &status, 0) != pid)
		kml_die("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		snprintf(how, len, "killed %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) > 40)
		snprintf(how, len, "sig %d", WEXITSTATUS(status) - 40);
	else
		snprintf(how, len, "exit %d", WEXITSTATUS(status));
	return status;
}

/*
 * The #GP error code of INT n: IDT bit set, the vector as index.  The SDM
 * gives n*8+2, which the kernel uses where it makes the #GP itself; QEMU's
 * TCG reports n*16+2 in 64-bit mode, which a ring-3 process gets (and a
 * ring-0 one, for the #NP of an absent gate, which the CPU raises).
 */
static int gp_errcode_ok(uint64_t err, int v)
{
	return err == (uint64_t)(v * 8 + 2) || err == (uint64_t)(v * 16 + 2);
}

static void check_gp(int v, const char *how)
{
	uint64_t rip = (uint64_t)(int_n_stubs + 8 * v);
	char what[32];

	snprintf(what, sizeof(what), "INT $%d", v);
	if (strcmp(how, "sig 11")) {
		kml_fail("%s: expected SIGSEGV (#GP), got %s", what, how);
		return;
	}
	if (seen->code != SI_KERNEL || seen->trapno != 13 ||
	    !gp_errcode_ok(seen->err, v) || seen->rip != rip)
		kml_fail("%s: expected code %d trap 13 err %#x or %#x rip %#lx, "
			 "got code %d trap %lu err %#lx rip %#lx", what,
			 SI_KERNEL, v * 8 + 2, v * 16 + 2, (unsigned long)rip, seen->code,
			 (unsigned long)seen->trapno, (unsigned long)seen->err,
			 (unsigned long)seen->rip);
}

int main(void)
{
	int ring, gp = 0, any = 0;
	char how[32];

	kml_expect_ring();
	ring = kml_ring();
	seen = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED)
		kml_die("mmap: %s", strerror(errno));

	kml_run("INT n on vectors 0-255, ring %d", ring);
	for (int v = 0; v < 256; v++) {
		enum want w = want_of(v);

		if (w == SKIP_RING0 && ring == 0)
			continue;
		run_vector(v, 0, how, sizeof(how));
		if (w == SAME_AS_3) {
			const char *exp = v == 3 ? "sig 5" : v == 4 ? "sig 11" : "exit 7";

			if (strcmp(how, exp))
				kml_fail("INT $%d: expected %s, got %s", v, exp, how);
		} else if (w == GP || ring == 3) {
			check_gp(v, how);
			gp++;
		} else {
			/* ANY in ring 0: an ordinary end, never SIGKILL */
			if (strncmp(how, "sig ", 4) && strcmp(how, "exit 7"))
				kml_fail("INT $%d: expected a signal or a return, got %s",
					 v, how);
			else
				kml_info("INT $%d: %s", v, how);
			any++;
		}
	}
	kml_ok("%d vectors gave the #GP of ring 3, %d ended otherwise", gp, any);

	/* INT $0x80 stays the 32-bit system call: getpid is 20 there */
	kml_run("INT $0x80 is a system call, ring %d", ring);
	{
		long r;

		asm volatile("int $0x80" : "=a"(r) : "a"(20L)
			     : "memory", "r8", "r9", "r10", "r11");
		KML_CHECK_EQ("INT $0x80 getpid", (long)getpid(), r);
	}

	/* The process goes on after the #GP: its handler skips the INT */
	kml_run("a handler that returns past INT $14 and INT $0xfd");
	KML_CHECK_EQ("INT $14, handler returns: exit status", 7,
		     WEXITSTATUS(run_vector(14, 1, how, sizeof(how))));
	KML_CHECK_EQ("INT $0xfd, handler returns: exit status", 7,
		     WEXITSTATUS(run_vector(0xfd, 1, how, sizeof(how))));
	kml_finish();
}
