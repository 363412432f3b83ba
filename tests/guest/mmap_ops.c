// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_ops - mmap, munmap, mprotect, MAP_FIXED and mremap behave, and
 * every forbidden access is a SIGSEGV with the exact address and code.
 *
 * A ring-0 process takes its page faults as kernel-mode faults; the
 * kernel must still resolve them against the process's own mappings and
 * permissions (demand-zero, write protection, PROT_NONE, NX, SIGBUS past
 * the end of a file) exactly as for a ring-3 process.
 */
#include "kmltest.h"
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void rd(void *p) { (void)*(volatile char *)p; }
static void wr(void *p) { *(volatile char *)p = 1; }
static void call(void *p) { ((void (*)(void))p)(); }

/* Expect fn(addr) to raise SIGSEGV with si_code `code` at `addr`. */
static void expect_segv(const char *what, void (*fn)(void *), void *addr, int code)
{
	siginfo_t si;
	int sig = kml_try(fn, addr, &si);

	KML_CHECK(what, sig == SIGSEGV && si.si_code == code && si.si_addr == addr,
		  "expected SIGSEGV code %d at %p, got signal %d code %d at %p",
		  code, addr, sig, sig ? si.si_code : 0, sig ? si.si_addr : NULL);
}

static void expect_ok(const char *what, void (*fn)(void *), void *addr)
{
	siginfo_t si;
	int sig = kml_try(fn, addr, &si);

	KML_CHECK(what, sig == 0, "expected no fault, got signal %d code %d at %p",
		  sig, si.si_code, si.si_addr);
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t big = 8 << 20, i;
	unsigned char *p, *q, *f;
	unsigned long sum = 0;
	int bad = 0, fd;
	char buf[8];
	/* mov $42, %eax; ret */
	static const unsigned char code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };

	kml_expect_ring();

	kml_run("anonymous mmap is zero-filled on demand (8 MB, every page)");
	p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		kml_die("mmap: %s", strerror(errno));
	for (i = 0; i < big; i += pg)
		sum += p[i];
	KML_CHECK_EQ("all pages read as zero", 0, sum);
	for (i = 0; i < big; i += pg)
		p[i] = (unsigned char)(i / pg);
	for (i = 0; i < big; i += pg)
		bad += p[i] != (unsigned char)(i / pg);
	KML_CHECK_EQ("every page keeps what was written", 0, bad);

	kml_run("munmap of one page in the middle");
	q = p + 5 * pg;
	KML_CHECK_SYS("munmap", munmap(q, pg));
	expect_segv("read of the unmapped page: SEGV_MAPERR at the address",
		    rd, q + 100, SEGV_MAPERR);
	expect_segv("write to the unmapped page: SEGV_MAPERR at the address",
		    wr, q + pg - 1, SEGV_MAPERR);
	expect_ok("neighbouring pages still mapped", rd, q - 1);
	expect_ok("neighbouring pages still mapped", rd, q + pg);
	KML_CHECK_EQ("next page keeps its data", 6, p[6 * pg]);

	kml_run("mprotect");
	q = p + 10 * pg;
	KML_CHECK_SYS("mprotect(PROT_READ)", mprotect(q, pg, PROT_READ));
	expect_segv("write to PROT_READ page: SEGV_ACCERR", wr, q + 8, SEGV_ACCERR);
	expect_ok("read of PROT_READ page", rd, q + 8);
	KML_CHECK_EQ("data survived", 10, q[0]);
	KML_CHECK_SYS("mprotect(PROT_NONE)", mprotect(q, pg, PROT_NONE));
	expect_segv("read of PROT_NONE page: SEGV_ACCERR", rd, q + 16, SEGV_ACCERR);
	KML_CHECK_SYS("mprotect(PROT_READ|PROT_WRITE)", mprotect(q, pg, PROT_READ | PROT_WRITE));
	expect_ok("write after mprotect RW", wr, q + 8);
	KML_CHECK_EQ("write took effect", 1, q[8]);

	kml_run("MAP_FIXED replaces a mapping; MAP_FIXED_NOREPLACE refuses");
	q = p + 20 * pg;
	f = mmap(q, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KML_CHECK("MAP_FIXED returns the requested address", f == q,
		  "expected %p, got %p", (void *)q, (void *)f);
	KML_CHECK_EQ("replaced page reads zero", 0, q[0]);
	KML_CHECK_EQ("page after the fixed range untouched", 22, p[22 * pg]);
	f = mmap(q, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	KML_CHECK("MAP_FIXED_NOREPLACE over a mapping fails with EEXIST",
		  f == MAP_FAILED && errno == EEXIST,
		  "expected MAP_FAILED/EEXIST, got %p errno %d", (void *)f, errno);

	kml_run("executable mappings and NX");
	f = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(f, code, sizeof(code));
	expect_segv("call into a PROT_READ|PROT_WRITE page: SEGV_ACCERR (NX)",
		    call, f, SEGV_ACCERR);
	KML_CHECK_SYS("mprotect(PROT_READ|PROT_EXEC)", mprotect(f, pg, PROT_READ | PROT_EXEC));
	KML_CHECK_EQ("generated code runs and returns 42", 42, ((int (*)(void))f)());
	expect_segv("write to the PROT_EXEC page: SEGV_ACCERR", wr, f, SEGV_ACCERR);
	munmap(f, pg);

	kml_run("mremap grows a mapping and keeps its contents");
	q = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q[0] = 0x5a;
	q[2 * pg - 1] = 0xa5;
	f = mremap(q, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
	if (KML_CHECK("mremap succeeds", f != MAP_FAILED, "errno %d", errno)) {
		KML_CHECK("contents moved with it", f[0] == 0x5a && f[2 * pg - 1] == 0xa5,
			  "got %#x %#x", f[0], f[2 * pg - 1]);
		KML_CHECK_EQ("new tail is zero", 0, f[64 * pg - 1]);
	}

	kml_run("shared file mapping is coherent with read()/write()");
	fd = (int)syscall(SYS_memfd_create, "kml", 0);
	if (fd < 0) {
		char tmpl[] = "/tmp/kmlmmapXXXXXX";

		fd = mkstemp(tmpl);
		unlink(tmpl);
	}
	if (fd < 0 || ftruncate(fd, pg))
		kml_die("memfd/mkstemp: %s", strerror(errno));
	f = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memcpy(f + 100, "mapped", 6);
	KML_CHECK("pread sees the store through the mapping",
		  pread(fd, buf, 6, 100) == 6 && !memcmp(buf, "mapped", 6),
		  "expected \"mapped\"");
	KML_CHECK("the mapping sees pwrite",
		  pwrite(fd, "FILE", 4, 200) == 4 && !memcmp(f + 200, "FILE", 4),
		  "expected \"FILE\" at offset 200");
	q = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	q[100] = 'X';
	KML_CHECK("a MAP_PRIVATE write does not reach the file",
		  pread(fd, buf, 1, 100) == 1 && buf[0] == 'm' && f[100] == 'm',
		  "expected 'm', got '%c'", buf[0]);

	kml_run("access to a mapped page beyond the end of the file");
	q = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
	{
		siginfo_t si;
		int sig = kml_try(rd, q + pg + 8, &si);

		KML_CHECK("SIGBUS, BUS_ADRERR at the address",
			  sig == SIGBUS && si.si_code == BUS_ADRERR &&
			  si.si_addr == (void *)(q + pg + 8),
			  "expected SIGBUS code %d at %p, got signal %d code %d at %p",
			  BUS_ADRERR, (void *)(q + pg + 8), sig,
			  sig ? si.si_code : 0, sig ? si.si_addr : NULL);
	}
	kml_finish();
}
