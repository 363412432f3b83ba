/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmltest.h - shared helpers for the KML guest tests.
 *
 * Every guest test is one program that checks one behaviour of an ordinary
 * Linux process.  The same binary runs as a ring-3 process (the control)
 * and, copied under the trusted directory, as a ring-0 process; both runs
 * must give the same verdict.  Output follows tools/testing/selftests/x86:
 *
 *   [RUN]   what is about to be checked
 *   [OK]    what held
 *   [FAIL]  what was expected and what came
 *   [SKIP]  why a check cannot apply here
 *
 * Exit status: 0 pass, 1 fail, 4 skip (KML_EXIT_*).
 *
 * Header only: every helper is static inline, so each test is one
 * translation unit and builds the same with musl (static) and glibc.
 */
#ifndef KMLTEST_H
#define KMLTEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

/*
 * Kernel ABI constants, spelled out here because musl-gcc does not see the
 * kernel's <linux/...> and <asm/...> headers.
 */
#ifndef ARCH_SET_GS
#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004
#endif
#ifndef FUTEX_WAIT
#define FUTEX_WAIT	0
#define FUTEX_WAKE	1
#endif
#ifndef SI_KERNEL
#define SI_KERNEL	0x80
#endif

#define KML_EXIT_PASS	0
#define KML_EXIT_FAIL	1
#define KML_EXIT_SKIP	4

/* Number of failed checks so far; kml_exit_status() turns it into a verdict. */
static int kml_failures;

#define kml_run(...)	kml_line("[RUN]", __VA_ARGS__)
#define kml_ok(...)	kml_line("[OK]", __VA_ARGS__)
#define kml_info(...)	kml_line("[INFO]", __VA_ARGS__)
#define kml_skip(...)	kml_line("[SKIP]", __VA_ARGS__)
#define kml_fail(...)	do { kml_failures++; kml_line("[FAIL]", __VA_ARGS__); } while (0)

static inline void kml_line(const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void kml_line(const char *tag, const char *fmt, ...)
{
	va_list ap;

	printf("%s\t", tag);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/*
 * KML_CHECK(what, cond, fmt, ...): one named check.  On success prints
 * "[OK] what"; on failure "[FAIL] what: <fmt...>", where the format says
 * what was expected and what came.  Evaluates to cond (0 or 1).
 */
#define KML_CHECK(what, cond, ...)					\
	({								\
		int kml_c_ = !!(cond);					\
		if (kml_c_)						\
			kml_ok("%s", (what));				\
		else							\
			kml_check_failed((what), __VA_ARGS__);		\
		kml_c_;							\
	})

static inline void kml_check_failed(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void kml_check_failed(const char *what, const char *fmt, ...)
{
	va_list ap;

	kml_failures++;
	printf("[FAIL]\t%s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Integer equality, the most common check: prints both values in hex and decimal. */
#define KML_CHECK_EQ(what, expected, got)				\
	({								\
		long long kml_e_ = (long long)(expected);		\
		long long kml_g_ = (long long)(got);			\
		KML_CHECK((what), kml_e_ == kml_g_,			\
			  "expected %lld (%#llx), got %lld (%#llx)",	\
			  kml_e_, (unsigned long long)kml_e_,		\
			  kml_g_, (unsigned long long)kml_g_);		\
	})

/* A system call or libc call that must succeed (return value != -1). */
#define KML_CHECK_SYS(what, ret)					\
	({								\
		long kml_r_ = (long)(ret);				\
		int kml_en_ = errno;					\
		KML_CHECK((what), kml_r_ != -1,				\
			  "expected success, got -1 (errno %d: %s)",	\
			  kml_en_, strerror(kml_en_));			\
	})

/* Exit status for the runner: 1 if any check failed, else 0. */
static inline int kml_exit_status(void)
{
	return kml_failures ? KML_EXIT_FAIL : KML_EXIT_PASS;
}

/* A fatal setup error: the test cannot continue, so it fails. */
#define kml_die(...)							\
	do {								\
		kml_fail(__VA_ARGS__);					\
		exit(KML_EXIT_FAIL);					\
	} while (0)

/*
 * Privilege level of the running code: the RPL bits of CS.  A process the
 * kernel runs in ring 0 has CS & 3 == 0; an ordinary one has 3.  Reading
 * CS with mov is legal in every ring and never traps.
 */
static inline int kml_ring(void)
{
	unsigned short cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

/*
 * Ring the runner expects this process to run in: 0 or 3, or -1 when
 * KML_EXPECT_RING is unset (a run by hand, or on the host).
 */
static inline int kml_expected_ring(void)
{
	const char *e = getenv("KML_EXPECT_RING");

	if (!e || !*e)
		return -1;
	return atoi(e);
}

/*
 * Every test calls this first.  It makes stdout line buffered (output
 * survives fork and _exit), prints the ring the process runs in, and fails
 * the whole test at once if the runner asked for a ring and the process is
 * in another one: a "ring 0" run that silently ran in ring 3 proves nothing.
 */
static inline void kml_expect_ring(void)
{
	int want = kml_expected_ring();
	int ring = kml_ring();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (want < 0) {
		kml_info("running in ring %d (KML_EXPECT_RING unset)", ring);
		return;
	}
	if (ring != want) {
		kml_fail("process ring: expected %d (KML_EXPECT_RING), got %d",
			 want, ring);
		exit(KML_EXIT_FAIL);
	}
	kml_info("running in ring %d as expected", ring);
}

/*
 * Exit with the runner's status code.  Checks the ring once more first:
 * a signal return, ptrace or exec path that silently moved the process to
 * another ring fails the test even if every check passed.
 */
static inline __attribute__((noreturn)) void kml_finish(void)
{
	int want = kml_expected_ring();

	if (want >= 0 && kml_ring() != want)
		kml_fail("ring at the end of the test: expected %d, got %d",
			 want, kml_ring());
	fflush(stdout);
	exit(kml_exit_status());
}

/* Monotonic time in nanoseconds. */
static inline int64_t kml_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time of the calling thread in nanoseconds. */
static inline int64_t kml_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Describe a wait status in words, for failure messages. */
static inline const char *kml_wstatus_str(int status)
{
	static char buf[64];

	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exited with %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)%s",
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 WCOREDUMP(status) ? ", core dumped" : "");
	else if (WIFSTOPPED(status))
		snprintf(buf, sizeof(buf), "stopped by signal %d",
			 WSTOPSIG(status));
	else
		snprintf(buf, sizeof(buf), "wait status %#x", status);
	return buf;
}

/* waitpid() that retries on EINTR; returns the status, or -1 on error. */
static inline int kml_wait(pid_t pid)
{
	int status;
	pid_t r;

	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		return -1;
	return status;
}

/* Check that child `pid` exits with `code`. */
static inline int kml_check_exit(const char *what, pid_t pid, int code)
{
	int status = kml_wait(pid);

	return KML_CHECK(what, status != -1 && WIFEXITED(status) &&
			       WEXITSTATUS(status) == code,
			 "expected exit status %d, got %s", code,
			 status == -1 ? "waitpid error" : kml_wstatus_str(status));
}

/* Check that child `pid` is killed by signal `sig`. */
static inline int kml_check_killed(const char *what, pid_t pid, int sig)
{
	int status = kml_wait(pid);

	return KML_CHECK(what, status != -1 && WIFSIGNALED(status) &&
			       WTERMSIG(status) == sig,
			 "expected death by signal %d (%s), got %s", sig,
			 strsignal(sig),
			 status == -1 ? "waitpid error" : kml_wstatus_str(status));
}

/* No core files from the children that are meant to crash. */
static inline void kml_no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
}

/* Install a handler with SA_SIGINFO and the given extra flags. */
static inline void kml_sigaction(int sig,
				 void (*fn)(int, siginfo_t *, void *),
				 int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		kml_die("sigaction(%d): %s", sig, strerror(errno));
}

/*
 * kml_try(fn, arg, info): run fn(arg); if it raises SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE or SIGTRAP, catch it, copy the siginfo to *info and
 * return the signal number.  Returns 0 when fn returns normally.  For
 * faults on a good stack; faults that break the stack run in a child.
 */
static sigjmp_buf kml_try_jmp;
static siginfo_t kml_try_info;
static volatile sig_atomic_t kml_try_active;

static inline void kml_try_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!kml_try_active) {
		signal(sig, SIG_DFL);
		return;		/* not ours: re-fault with the default action */
	}
	kml_try_info = *si;
	siglongjmp(kml_try_jmp, sig);
}

static inline int kml_try(void (*fn)(void *), void *arg, siginfo_t *info)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction old[5];
	struct sigaction sa;
	int sig;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = kml_try_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, &old[i]);

	sig = sigsetjmp(kml_try_jmp, 1);
	if (sig == 0) {
		kml_try_active = 1;
		fn(arg);
	}
	kml_try_active = 0;
	for (i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (sig && info)
		*info = kml_try_info;
	return sig;
}

/*
 * Locating helper programs.  Helpers (helper_<x>.c) are built next to the
 * tests with the same variant suffix the harness gives the test itself
 * (for example "basic_life.musl" next to "helper_ring.musl").  The suffix
 * is what follows this test's own name in argv[0].
 */
static inline const char *kml_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Directory of this program: dirname of /proc/self/exe, else of argv[0]. */
static inline void kml_self_dir(const char *argv0, char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n > 0) {
		buf[n] = 0;
	} else {
		snprintf(buf, len, "%s", argv0);
	}
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(buf, len, ".");
}

/*
 * Path of helper `name` in directory `dir`, for a test whose source file
 * is `srcfile` (pass __FILE__) and whose argv[0] is `argv0`.  Tries
 * <dir>/<name><suffix> first, then <dir>/<name>.  Returns 0 when an
 * executable was found, -1 otherwise (buf then holds the last candidate).
 */
static inline int kml_helper_path(const char *dir, const char *name,
				  const char *srcfile, const char *argv0,
				  char *buf, size_t len)
{
	char stem[128];
	const char *self = kml_basename(argv0);
	const char *suffix = "";
	char *dot;
	size_t sl;

	snprintf(stem, sizeof(stem), "%s", kml_basename(srcfile));
	dot = strrchr(stem, '.');
	if (dot)
		*dot = 0;
	sl = strlen(stem);
	if (!strncmp(self, stem, sl))
		suffix = self + sl;

	snprintf(buf, len, "%s/%s%s", dir, name, suffix);
	if (!access(buf, X_OK))
		return 0;
	snprintf(buf, len, "%s/%s", dir, name);
	return access(buf, X_OK) ? -1 : 0;
}

/* Online CPUs, at least 1. */
static inline int kml_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/*
 * Value of the "KernelMode:" line of a /proc/<pid>/status file: 0 or 1,
 * or -1 when the line is absent (a kernel without KML).
 */
static inline int kml_status_kernelmode(const char *path)
{
	char line[256];
	int v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "KernelMode:", 11)) {
			v = atoi(line + 11);
			break;
		}
	}
	fclose(f);
	return v;
}

#endif /* KMLTEST_H */
