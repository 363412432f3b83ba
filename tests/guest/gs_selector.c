// SPDX-License-Identifier: GPL-2.0
/*
 * gs_selector - a process that loads %gs with a selector keeps the kernel
 * working, in either ring.
 *
 * MOV to %gs is an unprivileged instruction: in 64-bit mode it loads the
 * GS base from the descriptor, so a ring-0 process can put any base into
 * MSR_GS_BASE without asking the kernel.  Every way into the kernel must
 * then still find its per-CPU data: SYSCALL, the direct entry, interrupts,
 * exceptions and context switches.  Once the direct entry and the SYSCALL
 * return to ring 0 skipped SWAPGS, and the next entry ran with the
 * process's GS base as the kernel's: a page-fault loop (the x86 selftest
 * fsgsbase_restore_64 stalled the guest that way).
 *
 * 1. %gs = __USER_DS (base 0); 2. %gs = an LDT data segment whose base is
 * a buffer of ours (modify_ldt); after each: system calls through the
 * libc (the direct entry under the KML musl in ring 0) and through a raw
 * SYSCALL, sleeps (context switches), a busy loop (timer interrupts), a
 * page fault, a fork.  In ring 3 %gs:0 must read the buffer; in ring 0 the
 * kernel may reset the GS base at a context switch, so only survival and
 * the results of the calls are checked there.
 */
#include "kmltest.h"
#include <sys/mman.h>
#include <sys/syscall.h>


/* struct user_desc of <asm/ldt.h>, which musl's headers lack */
struct ldt_desc {
	unsigned int entry_number, base_addr, limit;
	unsigned int seg_32bit:1, contents:2, read_exec_only:1, limit_in_pages:1,
		     seg_not_present:1, useable:1, lm:1;
};

static void load_gs(unsigned short sel)
{
	asm volatile("mov %0, %%gs" : : "r"(sel) : "memory");
}

static long raw_getppid(void)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(SYS_getppid) : "rcx", "r11", "memory");
	return ret;
}

static void exercise(const char *what)
{
	pid_t ppid = getppid(), pid;
	volatile char *page;
	int bad = 0;

	for (int i = 0; i < 200; i++) {
		bad += getppid() != ppid;
		bad += raw_getppid() != ppid;
	}
	for (int i = 0; i < 10; i++) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	for (int64_t end = kml_now_ns() + 50 * 1000 * 1000; kml_now_ns() < end;)
		;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page != MAP_FAILED) {
		page[0] = 1;		/* a page fault */
		munmap((void *)page, 4096);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(getppid() == getpid() ? 1 : 7);
	KML_CHECK(what, bad == 0, "%d of 400 getppid calls returned something else", bad);
	kml_check_exit("the forked child ran and exited 7", pid, 7);
}

int main(void)
{
	struct ldt_desc d;
	unsigned long *buf, v;
	int ring;

	kml_expect_ring();
	ring = kml_ring();

	kml_run("%%gs = __USER_DS in ring %d", ring);
	load_gs(0x2b);
	exercise("system calls with %gs = __USER_DS");

	kml_run("%%gs = an LDT segment based at a buffer, ring %d", ring);
	/* An LDT base has 32 bits: the buffer goes below 4 GiB */
	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (buf == MAP_FAILED)
		kml_die("mmap MAP_32BIT: %s", strerror(errno));
	buf[0] = 0x6b6d6c5f67730a00UL;
	buf[1] = 0x1234;
	memset(&d, 0, sizeof(d));
	d.entry_number = 0;
	d.base_addr = (unsigned int)(unsigned long)buf;
	d.limit = 0xfffff;
	d.seg_32bit = 1;
	d.limit_in_pages = 1;
	d.useable = 1;
	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)) != 0) {
		kml_skip("modify_ldt: %s", strerror(errno));
		kml_finish();
	}
	/* Load and read at once: in ring 0 a context switch resets the base */
	asm volatile("mov %1, %%gs; mov %%gs:0, %0" : "=r"(v) : "r"((unsigned short)0x7) : "memory");
	if (ring == 3)
		KML_CHECK_EQ("%gs:0 reads the buffer", buf[0], v);
	else
		kml_info("%%gs:0 right after the load: %#lx (the buffer holds %#lx)", v, buf[0]);
	exercise("system calls with %gs = an LDT segment");
	if (ring == 3) {
		asm volatile("mov %%gs:8, %0" : "=r"(v));
		KML_CHECK_EQ("%gs:8 still reads the buffer", buf[1], v);
	}
	kml_finish();
}
