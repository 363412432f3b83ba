/* SPDX-License-Identifier: GPL-2.0 */
// timeout: 120
/*
 * direct_libc: the KML musl (libc/patches) works through the direct entry.
 *
 * Build with build/libc/bin/kml-cc: it reads the libc's own __sysinfo (built
 * with another libc, it skips).
 * In ring 0 on a kernel that offers the entry, every system call below goes
 * through it (one inline per arity in syscall_arch.h, and syscall_cp.s for
 * the cancellation points); in ring 3 the same binary uses syscall.  Checks:
 *
 *   - __sysinfo is AT_SYSINFO, or 0 with KML_FORCE_SYSCALL=1 (re-exec);
 *   - calls of every arity give the right results and errno;
 *   - fork: the child comes back from the entry, in both processes;
 *   - a pipe ping-pong between two processes;
 *   - a read blocked on a pipe is restarted after a SA_RESTART handler;
 *   - a seccomp filter still filters (getppid -> EPERM);
 *   - ptrace still traces: PTRACE_SYSCALL sees entry and exit of each
 *     call, and a tracer that rewrites orig_rax changes the call made;
 *   - threads, and pthread_cancel of a thread blocked in read (musl's
 *     cancellation ranges, the second one for the direct call);
 *   - clock_gettime (the vDSO, untouched).
 *
 * --fake-entry (host only): point __sysinfo at a user-space stand-in
 * ("syscall; ret") to exercise the libc's call sequences in ring 3.  The
 * cancellation check is skipped there: a cancel signal lands inside the
 * stand-in, outside musl's ranges, so musl would re-send it forever.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AT_SYSINFO
#define AT_SYSINFO 32
#endif

/* The libc's copy of the entry (hidden in the KML libc.a); weak, so that
 * the test also builds with other libcs, where it skips. */
extern unsigned long __sysinfo __attribute__((weak));

/* The host stand-in counts the calls it served. */
unsigned long dl_fake_calls;
__asm__(".text\n.globl dl_fake_entry\ndl_fake_entry:\n"
	"\tlock incq dl_fake_calls(%rip)\n\tsyscall\n\tret\n");
extern char dl_fake_entry[];

static int failures;
#define FAIL(...) do { failures++; printf("[FAIL]\t" __VA_ARGS__); putchar('\n'); } while (0)
#define OK(...) do { printf("[OK]\t" __VA_ARGS__); putchar('\n'); } while (0)
#define RUN(...) do { printf("[RUN]\t" __VA_ARGS__); putchar('\n'); } while (0)

static long raw_getppid(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(SYS_getppid) : "rcx", "r11", "memory");
	return r;
}

static void check_entry(char **argv, int fake)
{
	unsigned long at = getauxval(AT_SYSINFO);
	const char *force = getenv("KML_FORCE_SYSCALL");
	int forced = force && !strcmp(force, "1");
	const char *ring = getenv("KML_EXPECT_RING");

	RUN("__sysinfo follows AT_SYSINFO and KML_FORCE_SYSCALL");
	if (fake)
		;
	else if (__sysinfo != (forced ? 0 : at))
		FAIL("__sysinfo: expected %#lx (AT_SYSINFO %#lx, forced %d), got %#lx",
		     forced ? 0 : at, at, forced, __sysinfo);
	else
		OK("__sysinfo %#lx (AT_SYSINFO %#lx%s)", __sysinfo, at, forced ? ", forced to syscall" : "");
	if (ring && !strcmp(ring, "3") && at)
		FAIL("AT_SYSINFO in ring 3: expected absent, got %#lx", at);
	if (at && !forced && !fake) {
		/* The same binary with KML_FORCE_SYSCALL=1 must drop the entry. */
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			setenv("KML_FORCE_SYSCALL", "1", 1);
			execv("/proc/self/exe", (char *[]){ argv[0], "--entry-only", NULL });
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			FAIL("re-exec with KML_FORCE_SYSCALL=1: expected exit 0, got status %#x", st);
		else
			OK("re-exec with KML_FORCE_SYSCALL=1 uses syscall");
	}
}

static void check_arities(void)
{
	char path[] = "/tmp/direct_libc.XXXXXX", buf[16] = { 0 };
	int fd;
	void *p;

	RUN("calls of every arity");
	if (getppid() != raw_getppid())
		FAIL("getppid: expected %ld (raw syscall), got %d", raw_getppid(), getppid());
	fd = mkstemp(path);					/* open: 3 args */
	if (fd < 0) {
		FAIL("mkstemp: %s", strerror(errno));
		return;
	}
	unlink(path);						/* 1 */
	if (write(fd, "kml-direct", 10) != 10)			/* 3 */
		FAIL("write: %s", strerror(errno));
	if (pwrite(fd, "D", 1, 4) != 1)				/* 4 */
		FAIL("pwrite: %s", strerror(errno));
	if (lseek(fd, 0, SEEK_SET) != 0)			/* 3 */
		FAIL("lseek: %s", strerror(errno));
	if (read(fd, buf, sizeof(buf)) != 10 || strcmp(buf, "kml-Direct"))
		FAIL("read back: expected \"kml-Direct\", got \"%s\"", buf);
	if (dup2(fd, 100) != 100 || fcntl(100, F_GETFD) < 0)	/* 2 */
		FAIL("dup2/fcntl: %s", strerror(errno));
	close(100);
	close(fd);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);	/* 6 */
	if (p == MAP_FAILED) {
		FAIL("mmap: %s", strerror(errno));
	} else {
		memset(p, 1, 1 << 20);
		if (mprotect(p, 4096, PROT_READ) || munmap(p, 1 << 20))
			FAIL("mprotect/munmap: %s", strerror(errno));
	}
	errno = 0;
	if (open("/nonexistent/kml", O_RDONLY) != -1 || errno != ENOENT)
		FAIL("open of a missing file: expected -1/ENOENT, got errno %d", errno);
	if (!failures)
		OK("open, read, write, pread/pwrite, lseek, dup2, fcntl, mmap, mprotect, munmap, errno");
}

static void check_fork_pipes(void)
{
	int a[2], b[2], st;
	pid_t pid;
	char c = 0;

	RUN("fork, and a pipe ping-pong of 1000 rounds between parent and child");
	if (pipe(a) || pipe(b)) {
		FAIL("pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 1000; i++) {
			if (read(a[0], &c, 1) != 1)
				_exit(2);
			c++;
			if (write(b[1], &c, 1) != 1)
				_exit(3);
		}
		_exit(getppid() == raw_getppid() ? 42 : 4);
	}
	for (int i = 0; i < 1000; i++) {
		char d = (char)i;

		if (write(a[1], &d, 1) != 1 || read(b[0], &c, 1) != 1 || c != (char)(i + 1)) {
			FAIL("ping-pong round %d: expected %d back, got %d", i, (char)(i + 1), c);
			break;
		}
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 42)
		FAIL("child: expected exit 42, got status %#x", st);
	else
		OK("fork, 1000 ping-pong rounds, child exit status");
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

static int rfd[2];
static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	if (++alarms == 3 && write(rfd[1], "r", 1) != 1)
		_exit(5);
}

static void check_restart(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, off = { 0 };
	char c = 0;
	ssize_t n;

	RUN("read blocked on an empty pipe, restarted (SA_RESTART) until the 3rd SIGALRM fills it");
	if (pipe(rfd))
		return;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(rfd[0], &c, 1);
	setitimer(ITIMER_REAL, &off, NULL);
	if (n != 1 || c != 'r' || alarms < 3)
		FAIL("restarted read: expected 1 byte 'r' after 3 signals, got %zd '%c' after %d", n, c, alarms);
	else
		OK("read returned the byte after %d signals", alarms);
}

/* seccomp, spelled out: the KML musl's headers do not include the kernel's. */
struct kml_sock_filter { unsigned short code; unsigned char jt, jf; unsigned int k; };
struct kml_sock_fprog { unsigned short len; struct kml_sock_filter *filter; };
#define KML_BPF_STMT(code, k) { (unsigned short)(code), 0, 0, k }
#define KML_BPF_JUMP(code, k, jt, jf) { (unsigned short)(code), jt, jf, k }

static void check_seccomp(void)
{
	struct kml_sock_filter f[] = {
		KML_BPF_STMT(0x20, 4),					/* ld arch */
		KML_BPF_JUMP(0x15, 0xc000003e, 1, 0),			/* x86-64? */
		KML_BPF_STMT(0x06, 0x7fff0000),				/* other arch: allow */
		KML_BPF_STMT(0x20, 0),					/* ld nr */
		KML_BPF_JUMP(0x15, SYS_getppid, 0, 1),
		KML_BPF_STMT(0x06, 0x00050000 | EPERM),			/* getppid: EPERM */
		KML_BPF_STMT(0x06, 0x7fff0000),				/* allow */
	};
	struct kml_sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	pid_t pid;
	int st;

	RUN("a seccomp filter (getppid -> EPERM) in a child");
	pid = fork();
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, 2, &prog, 0, 0))
			_exit(10);
		errno = 0;
		r = syscall(SYS_getppid);
		if (r != -1 || errno != EPERM)
			_exit(11);
		_exit(getpid() > 0 ? 0 : 12);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("seccomp: expected the child to see -1/EPERM from getppid and exit 0, got status %#x (10: no filter, 11: not filtered)", st);
	else
		OK("the filtered getppid returned -1/EPERM");
}

static void check_ptrace(void)
{
	struct user_regs_struct regs;
	int st, stops = 0, rewritten = 0, in_call = 0;
	pid_t pid;

	RUN("ptrace: PTRACE_SYSCALL stops, and a tracer rewriting orig_rax");
	pid = fork();
	if (pid == 0) {
		long first, rest = 0, ppid = raw_getppid();

		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		first = syscall(SYS_getppid);	/* the tracer turns it into getpid */
		for (int i = 0; i < 4; i++)
			rest += syscall(SYS_getppid) == ppid;
		_exit(first == getpid() && rest == 4 ? 0 : 20);
	}
	waitpid(pid, &st, 0);
	while (WIFSTOPPED(st)) {
		if (WSTOPSIG(st) == SIGTRAP) {
			ptrace(PTRACE_GETREGS, pid, 0, &regs);
			in_call = regs.rax == (unsigned long long)-ENOSYS;	/* entry stop */
			if (in_call && regs.orig_rax == SYS_getppid) {
				stops++;
				if (!rewritten++) {
					regs.orig_rax = SYS_getpid;
					ptrace(PTRACE_SETREGS, pid, 0, &regs);
				}
			}
		}
		if (ptrace(PTRACE_SYSCALL, pid, 0, WSTOPSIG(st) == SIGTRAP || WSTOPSIG(st) == SIGSTOP ? 0 : WSTOPSIG(st)))
			break;
		if (waitpid(pid, &st, 0) != pid)
			break;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) || stops != 5)
		FAIL("ptrace: expected 5 getppid entry stops and the child to exit 0, got %d stops, status %#x (20: rewrite not honoured)", stops, st);
	else
		OK("5 getppid entry stops; the rewritten call ran getpid");
}

static __thread int tls_value;
static int cfd[2];

static void *thread_main(void *arg)
{
	tls_value = (int)(long)arg;
	return (void *)(long)(tls_value + getppid() - raw_getppid());
}

static void *blocked_reader(void *arg)
{
	char c;

	(void)arg;
	for (;;)
		if (read(cfd[0], &c, 1) < 0)	/* a cancellation point */
			return (void *)2;
}

static void check_threads(int fake)
{
	pthread_t t[4];
	void *res;
	int bad = 0;

	RUN("threads (clone, TLS, futex via join)");
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)(i + 10));
	for (long i = 0; i < 4; i++)
		if (pthread_join(t[i], &res) || (long)res != i + 10)
			bad++;
	if (bad)
		FAIL("threads: %d of 4 returned a wrong value", bad);
	else
		OK("4 threads with their own TLS");
	if (fake) {
		printf("[INFO]\tcancellation not checked with the stand-in entry\n");
		return;
	}
	RUN("pthread_cancel of a thread blocked in read");
	if (pipe(cfd))
		return;
	pthread_create(&t[0], NULL, blocked_reader, NULL);
	usleep(100000);
	pthread_cancel(t[0]);
	if (pthread_join(t[0], &res) || res != PTHREAD_CANCELED)
		FAIL("cancel: expected PTHREAD_CANCELED, got %p", res);
	else
		OK("the blocked read was cancelled");
}

static void check_clock(void)
{
	struct timespec a, b;

	RUN("clock_gettime (vDSO)");
	clock_gettime(CLOCK_MONOTONIC, &a);
	usleep(10000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 10000000L)
		FAIL("clock_gettime: expected at least 10 ms to pass over usleep(10000)");
	else
		OK("CLOCK_MONOTONIC advances");
}

int main(int argc, char **argv)
{
	int fake = argc > 1 && !strcmp(argv[1], "--fake-entry");

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!&__sysinfo) {
		printf("[SKIP]\tbuilt without the KML libc (no __sysinfo): build with kml-cc\n");
		return 4;
	}
	if (argc > 1 && !strcmp(argv[1], "--entry-only"))
		return __sysinfo != 0;	/* for the re-exec above */
	if (fake) {
		if (getauxval(AT_SYSINFO)) {
			printf("[FAIL]\t--fake-entry is for ring 3, but AT_SYSINFO is present\n");
			return 1;
		}
		__sysinfo = (unsigned long)dl_fake_entry;
		printf("[INFO]\tusing a user-space stand-in for the entry at %#lx\n", __sysinfo);
	}
	check_entry(argv, fake);
	check_arities();
	check_fork_pipes();
	check_restart();
	check_seccomp();
	check_ptrace();
	check_threads(fake);
	check_clock();
	if (fake) {
		if (dl_fake_calls < 2000)
			FAIL("stand-in entry: expected thousands of calls through it, got %lu", dl_fake_calls);
		else
			OK("%lu system calls went through the stand-in entry", dl_fake_calls);
	}
	if (!__sysinfo && getenv("KML_EXPECT_RING") && !strcmp(getenv("KML_EXPECT_RING"), "0")) {
		printf("[SKIP]\tring 0 without AT_SYSINFO: the kernel offers no direct entry (checks ran with syscall)\n");
		return failures ? 1 : 4;
	}
	return failures ? 1 : 0;
}
