/* SPDX-License-Identifier: GPL-2.0 */
// timeout: 60
/*
 * direct_redzone: the KML direct system-call entry leaves the caller's red
 * zone alone.
 *
 * The x86-64 psABI lets a leaf function keep live data in the 128 bytes
 * below %rsp, and compilers do.  A system call made with the direct entry
 * is a `call`, which pushes a return address; the sequence of the ABI
 * (docs/direct-call.md) steps %rsp over the red zone first.  This test is a
 * leaf function written in asm that fills its red zone with a pattern,
 * makes system calls with exactly that sequence, and checks after each one
 * that the pattern, the argument registers and the callee-saved registers
 * are intact (the entry may clobber only rax, rcx and r11, like syscall):
 *
 *   1. getppid in a loop;
 *   2. the same while SIGALRM fires every millisecond, so that interrupts
 *      and signal frames land while the red zone is live;
 *   3. a read that blocks on an empty pipe until a SA_RESTART handler
 *      fills it: the kernel restarts the call by rewinding the IP by 2
 *      bytes onto `call *%rcx`, with rcx still holding the entry.
 *
 * Where the kernel offers no entry (AT_SYSINFO absent: ring 3, or a kernel
 * without the direct entry), the leaf uses `syscall` and the test checks
 * the same things (a control); in ring 0 it says that it skipped the direct
 * entry.  It fails if AT_SYSINFO is present in ring 3.
 *
 * --fake-entry (host only): use a user-space stand-in for the entry
 * ("syscall; ret"), which exercises the call sequence itself: without
 * the red-zone step the stand-in's return address would overwrite the
 * pattern.  --bad-entry (host only): a stand-in that tramples the red
 * zone, for the harness to check that this test then fails.  Builds with
 * any libc (no dependency on the KML musl).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef AT_SYSINFO
#define AT_SYSINFO 32
#endif

unsigned long rz_entry;	/* the entry, or 0 for syscall */

/*
 * long rz_leaf(long nr, long a1, long a2, long a3, long n)
 * Makes system call NR(A1, A2, A3) N times.  Returns 0 when every call
 * succeeded and left everything intact; a negative errno when a call
 * failed; 1..16 when red-zone word K-1 (at -128+8*(K-1) from %rsp) changed;
 * 100+R when register R changed (101 rdi, 102 rsi, 103 rdx, 104 r10, 105 r8,
 * 106 r9, 107 rbx, 108 rbp, 109 r12).
 */
long rz_leaf(long nr, long a1, long a2, long a3, long n);
__asm__(
	".text\n"
	".globl rz_leaf\n"
	".type rz_leaf,@function\n"
	"rz_leaf:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	mov %rdi,%r12\n"		/* nr */
	"	mov %rsi,%r13\n"		/* a1 */
	"	mov %rdx,%r14\n"		/* a2 */
	"	mov %rcx,%r15\n"		/* a3 */
	"	mov %r8,%rbx\n"			/* n */
	"	movabs $0x6b6d6c2d7a6f6e00,%rbp\n"	/* pattern base, kept in rbp */
	/* From here on this is a leaf: the red zone is ours. */
	"1:	xor %eax,%eax\n"
	"2:	lea (%rbp,%rax),%r11\n"
	"	mov %r11,-128(%rsp,%rax,8)\n"
	"	inc %eax\n"
	"	cmp $16,%eax\n"
	"	jb 2b\n"
	"	mov %r12,%rax\n"
	"	mov %r13,%rdi\n"
	"	mov %r14,%rsi\n"
	"	mov %r15,%rdx\n"
	"	movabs $0x1010101010101010,%r10\n"
	"	movabs $0x0808080808080808,%r8\n"
	"	movabs $0x0909090909090909,%r9\n"
	"	mov rz_entry(%rip),%rcx\n"
	"	test %rcx,%rcx\n"
	"	jz 3f\n"
	/* The ABI's sequence, byte for byte. */
	"	lea -128(%rsp),%rsp\n"
	"	call *%rcx\n"
	"	lea 128(%rsp),%rsp\n"
	"	jmp 4f\n"
	"3:	syscall\n"
	"4:	cmp $-4095,%rax\n"
	"	jae 9f\n"			/* -errno: return it */
	"	mov $101,%eax\n	cmp %r13,%rdi\n	jne 9f\n"
	"	mov $102,%eax\n	cmp %r14,%rsi\n	jne 9f\n"
	"	mov $103,%eax\n	cmp %r15,%rdx\n	jne 9f\n"
	"	mov $104,%eax\n	movabs $0x1010101010101010,%r11\n	cmp %r11,%r10\n	jne 9f\n"
	"	mov $105,%eax\n	movabs $0x0808080808080808,%r11\n	cmp %r11,%r8\n	jne 9f\n"
	"	mov $106,%eax\n	movabs $0x0909090909090909,%r11\n	cmp %r11,%r9\n	jne 9f\n"
	"	mov $108,%eax\n	movabs $0x6b6d6c2d7a6f6e00,%r11\n	cmp %r11,%rbp\n	jne 9f\n"
	"	xor %eax,%eax\n"
	"5:	lea (%rbp,%rax),%r11\n"
	"	cmp %r11,-128(%rsp,%rax,8)\n"
	"	jne 8f\n"
	"	inc %eax\n"
	"	cmp $16,%eax\n"
	"	jb 5b\n"
	"	dec %rbx\n"
	"	jnz 1b\n"
	"	xor %eax,%eax\n"
	"	jmp 9f\n"
	"8:	inc %eax\n"			/* word index + 1 */
	"9:	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size rz_leaf,.-rz_leaf\n"
	/* The host stand-in for the entry: clobbers rcx and r11, as the ABI allows. */
	".globl rz_fake_entry\n"
	"rz_fake_entry:\n"
	"	syscall\n"
	"	ret\n"
	/* A broken stand-in, to prove the check catches damage: it writes the
	 * word just below the caller's rsp, where a call without the red-zone
	 * step would have pushed its return address. */
	".globl rz_bad_entry\n"
	"rz_bad_entry:\n"
	"	movq $0,128(%rsp)\n"
	"	syscall\n"
	"	ret\n");
extern char rz_fake_entry[], rz_bad_entry[];

static int failures;
static int pipefd[2];
static volatile int alarms, refill_at;

static void on_alarm(int sig)
{
	char c = 'x';
	char junk[512];	/* a handler frame that writes its stack */

	(void)sig;
	memset(junk, 0xa5, sizeof(junk));
	__asm__ volatile("" : : "r"(junk) : "memory");
	if (++alarms == refill_at && write(pipefd[1], &c, 1) != 1)
		_exit(3);
}

static void check(const char *what, long r)
{
	if (r == 0) {
		printf("[OK]\t%s: red zone and registers intact\n", what);
		return;
	}
	failures++;
	if (r < 0)
		printf("[FAIL]\t%s: the system call failed: %s\n", what, strerror(-r));
	else if (r <= 16)
		printf("[FAIL]\t%s: red-zone word at rsp%+d changed: expected pattern, got something else\n",
		       what, -128 + 8 * (int)(r - 1));
	else
		printf("[FAIL]\t%s: register %s changed across the call\n", what,
		       (const char *[]){"rdi", "rsi", "rdx", "r10", "r8", "r9", "rbx", "rbp"}[r - 101]);
}

static void set_timer(long usec)
{
	struct itimerval it = { { 0, usec }, { 0, usec } };

	setitimer(ITIMER_REAL, &it, NULL);
}

int main(int argc, char **argv)
{
	const char *ring = getenv("KML_EXPECT_RING");
	unsigned long at = getauxval(AT_SYSINFO);
	struct sigaction sa;
	char c;
	long r;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && (!strcmp(argv[1], "--fake-entry") || !strcmp(argv[1], "--bad-entry"))) {
		if (at) {
			printf("[FAIL]\t%s is for ring 3, but AT_SYSINFO is %#lx\n", argv[1], at);
			return 1;
		}
		rz_entry = (unsigned long)(argv[1][2] == 'f' ? rz_fake_entry : rz_bad_entry);
		printf("[INFO]\tusing a user-space stand-in for the entry at %#lx\n", rz_entry);
	} else if (at) {
		rz_entry = at;
		printf("[INFO]\tdirect entry (AT_SYSINFO) at %#lx\n", at);
		if (ring && !strcmp(ring, "3")) {
			printf("[FAIL]\tAT_SYSINFO in ring 3: expected absent, got %#lx\n", at);
			failures++;
		}
	} else {
		printf("[INFO]\tno AT_SYSINFO: the leaf uses syscall (control run)\n");
	}

	printf("[RUN]\tgetppid x 20000 from a leaf with a live red zone\n");
	check("getppid", rz_leaf(SYS_getppid, 0, 0, 0, 20000));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	printf("[RUN]\tgetppid x 50000 with SIGALRM every 1 ms\n");
	set_timer(1000);
	check("getppid under signals", rz_leaf(SYS_getppid, 0, 0, 0, 50000));
	set_timer(0);
	printf("[INFO]\t%d signals arrived during the loop\n", alarms);

	if (pipe(pipefd)) {
		perror("pipe");
		return 1;
	}
	printf("[RUN]\tread blocking on an empty pipe, restarted (SA_RESTART) until the 3rd SIGALRM fills it\n");
	alarms = 0;
	refill_at = 3;
	set_timer(20000);
	r = rz_leaf(SYS_read, pipefd[0], (long)&c, 1, 1);
	set_timer(0);
	check("restarted read", r);
	if (alarms < 3) {
		printf("[FAIL]\trestarted read: expected to block until the 3rd signal, returned after %d\n", alarms);
		failures++;
	}

	if (!rz_entry && ring && !strcmp(ring, "0")) {
		printf("[SKIP]\tring 0 without AT_SYSINFO: the kernel offers no direct entry (checks ran with syscall)\n");
		return failures ? 1 : 4;
	}
	return failures ? 1 : 0;
}
