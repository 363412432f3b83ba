// SPDX-License-Identifier: GPL-2.0
/*
 * gs_fs - the FS base is the process's own; the GS base of a ring-0
 * process cannot be changed or read as a kernel address.
 *
 * A ring-0 process has no GS base of its own: it runs with the kernel's
 * per-CPU base (see gs_selector.c for what a selector load does), so
 * arch_prctl(ARCH_SET_GS) must fail there, and
 * ARCH_GET_GS must return 0 or fail rather than reveal that address.  In
 * ring 3 both work as usual (the control run).
 *
 * 1. ARCH_GET_FS returns the thread pointer (%fs:0).
 * 2. ARCH_SET_FS to a private block: %fs:0 and %fs:8 read that block;
 *    ARCH_GET_FS returns it; the original FS is restored.  The sequence
 *    runs in one asm block, because libc itself needs the original FS.
 * 3. ARCH_SET_FS to a kernel-half or non-canonical address fails (EPERM).
 * 4. ARCH_SET_GS / ARCH_GET_GS as described above; a forked child sees
 *    the same GS base as its parent.
 */
#include "kmltest.h"

static long arch_prctl(int code, unsigned long arg)
{
	return syscall(SYS_arch_prctl, code, arg);
}

/*
 * Set FS to `block`, read %fs:0 and %fs:8 and ARCH_GET_FS, restore FS to
 * `orig`.  Raw system calls only: nothing may touch TLS in between.
 */
static void fs_swap_probe(unsigned long block, unsigned long orig,
			  uint64_t out[4])
{
	uint64_t got = 0;

	asm volatile(
		"mov $158, %%eax\n mov $0x1002, %%edi\n mov %[blk], %%rsi\n syscall\n"
		"mov %%rax, 24(%[out])\n"		/* ARCH_SET_FS result */
		"mov %%fs:0, %%rax\n mov %%rax, 0(%[out])\n"
		"mov %%fs:8, %%rax\n mov %%rax, 8(%[out])\n"
		"mov $158, %%eax\n mov $0x1003, %%edi\n lea %[got], %%rsi\n syscall\n"
		"mov %[got], %%rax\n mov %%rax, 16(%[out])\n"
		"mov $158, %%eax\n mov $0x1002, %%edi\n mov %[orig], %%rsi\n syscall\n"
		: [got] "+m"(got)
		: [blk] "r"(block), [orig] "r"(orig), [out] "r"(out)
		: "rax", "rdi", "rsi", "rcx", "r11", "memory");
}

int main(void)
{
	int ring = kml_ring();
	unsigned long fs = 0, gs = 0xdead, v = 0;
	uint64_t block[4] __attribute__((aligned(64)));
	uint64_t out[4] = { 0 };
	uint64_t fs0;
	long r;
	int p[2];
	pid_t pid;

	kml_expect_ring();

	kml_run("ARCH_GET_FS");
	r = arch_prctl(ARCH_GET_FS, (unsigned long)&fs);
	asm volatile("mov %%fs:0, %0" : "=r"(fs0));
	KML_CHECK("ARCH_GET_FS succeeds and equals %fs:0", r == 0 && fs == fs0,
		  "got %ld, FS base %#lx, %%fs:0 %#llx", r, fs, (unsigned long long)fs0);

	kml_run("ARCH_SET_FS to a private block and back");
	block[0] = (uint64_t)block;
	block[1] = 0x1234567887654321ULL;
	fs_swap_probe((unsigned long)block, fs, out);
	KML_CHECK_EQ("ARCH_SET_FS returned 0", 0, out[3]);
	KML_CHECK_EQ("%fs:0 reads the block's self pointer", (uint64_t)block, out[0]);
	KML_CHECK_EQ("%fs:8 reads the block's second word", block[1], out[1]);
	KML_CHECK_EQ("ARCH_GET_FS returned the block", (uint64_t)block, out[2]);
	arch_prctl(ARCH_GET_FS, (unsigned long)&v);
	KML_CHECK_EQ("original FS base restored", fs, v);

	kml_run("ARCH_SET_FS to addresses outside user space fails");
	r = arch_prctl(ARCH_SET_FS, 0xffff888000000000UL);
	KML_CHECK("kernel-half address: -1/EPERM", r == -1 && errno == EPERM,
		  "got %ld errno %d", r, errno);
	r = arch_prctl(ARCH_SET_FS, 0x8000000000000000UL);
	KML_CHECK("non-canonical address: -1/EPERM", r == -1 && errno == EPERM,
		  "got %ld errno %d", r, errno);
	arch_prctl(ARCH_GET_FS, (unsigned long)&v);
	KML_CHECK_EQ("FS base unchanged", fs, v);

	kml_run("ARCH_GET_GS");
	r = arch_prctl(ARCH_GET_GS, (unsigned long)&gs);
	KML_CHECK("fails or returns 0 (no kernel address)", r == -1 || gs == 0,
		  "got %ld, GS base %#lx", r, gs);

	kml_run("ARCH_SET_GS (%s)", ring == 0 ? "ring 0: must be refused"
					      : "ring 3: must work");
	r = arch_prctl(ARCH_SET_GS, 0x10000);
	gs = 0xdead;
	if (ring == 0) {
		int e = errno;

		KML_CHECK("ARCH_SET_GS fails", r == -1,
			  "expected -1, got %ld", r);
		kml_info("errno %d (%s)", e, strerror(e));
		r = arch_prctl(ARCH_GET_GS, (unsigned long)&gs);
		KML_CHECK("GS base still hidden (ARCH_GET_GS fails or 0)",
			  r == -1 || gs == 0, "got %ld, %#lx", r, gs);
	} else {
		KML_CHECK_EQ("ARCH_SET_GS returns 0", 0, r);
		r = arch_prctl(ARCH_GET_GS, (unsigned long)&gs);
		KML_CHECK("ARCH_GET_GS returns the new base", r == 0 && gs == 0x10000,
			  "got %ld, %#lx", r, gs);
	}

	kml_run("a forked child inherits the same GS view");
	if (pipe(p))
		kml_die("pipe");
	pid = fork();
	if (pid == 0) {
		unsigned long cgs = 0xdead;
		long cr = arch_prctl(ARCH_GET_GS, (unsigned long)&cgs);

		_exit(write(p[1], &cr, sizeof(cr)) + write(p[1], &cgs, sizeof(cgs)) == 16 ? 0 : 1);
	}
	{
		long cr = 0;
		unsigned long cgs = 0;

		if (read(p[0], &cr, sizeof(cr)) != sizeof(cr) ||
		    read(p[0], &cgs, sizeof(cgs)) != sizeof(cgs))
			kml_fail("child did not report");
		KML_CHECK("child's ARCH_GET_GS matches the parent's",
			  cr == r && (r == -1 || cgs == gs),
			  "parent %ld/%#lx, child %ld/%#lx", r, gs, cr, cgs);
		kml_check_exit("child exits 0", pid, 0);
	}
	if (ring == 3)
		arch_prctl(ARCH_SET_GS, 0);
	kml_finish();
}
