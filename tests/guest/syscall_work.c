// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * syscall_work - work that appears while a process is making system calls
 * is done: a seccomp filter installed mid-run filters the very next call,
 * a tracer that attaches to a process spinning in system calls sees its
 * syscall stops, and signals sent to a thread spinning in system calls
 * are all delivered, each once, with every call's result intact.
 *
 * In ring 0 the kernel runs system calls on a fast path while no entry
 * work is set and returns by a jump while no exit work is pending; this
 * checks the hand-over to the full path at both ends.  The calls here are
 * made with the SYSCALL instruction (libc's syscall()), which a ring-0
 * process also reaches the fast path by.
 */
#include "kmltest.h"
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>

/* seccomp and classic BPF, spelled out: musl-gcc sees no kernel headers. */
#define SECCOMP_MODE_FILTER_	2
#define SECCOMP_RET_ALLOW_	0x7fff0000U
#define SECCOMP_RET_ERRNO_	0x00050000U
#define BPF_LD_W_ABS_		0x20
#define BPF_JEQ_K_		0x15
#define BPF_RET_K_		0x06
#define SECCOMP_DATA_NR		0

struct bpf_insn_ { unsigned short code; unsigned char jt, jf; unsigned int k; };
struct bpf_prog_ { unsigned short len; struct bpf_insn_ *filter; };

/* getppid() -> EPERM, everything else allowed. */
static int filter_getppid(void)
{
	static struct bpf_insn_ insns[] = {
		{ BPF_LD_W_ABS_, 0, 0, SECCOMP_DATA_NR },
		{ BPF_JEQ_K_, 0, 1, SYS_getppid },
		{ BPF_RET_K_, 0, 0, SECCOMP_RET_ERRNO_ | EPERM },
		{ BPF_RET_K_, 0, 0, SECCOMP_RET_ALLOW_ },
	};
	struct bpf_prog_ prog = { sizeof(insns) / sizeof(insns[0]), insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER_, &prog, 0, 0);
}

static void check_seccomp_midway(void)
{
	pid_t pid;
	int st;

	kml_run("a seccomp filter installed after 10000 calls filters the next one");
	pid = fork();
	if (pid < 0)
		kml_die("fork: %s", strerror(errno));
	if (pid == 0) {
		long ppid = getppid();

		for (int i = 0; i < 10000; i++)
			if (syscall(SYS_getppid) != ppid)
				_exit(10);
		if (filter_getppid())
			_exit(11);
		errno = 0;
		if (syscall(SYS_getppid) != -1 || errno != EPERM)
			_exit(12);
		if (syscall(SYS_getpid) != getpid())
			_exit(13);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (KML_CHECK("seccomp", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child status %#x (10: bad result before, 11: no filter, 12: not filtered, 13: getpid)",
		      st))
		kml_ok("the filter took effect on the next call");
}

/* A child that spins in getppid() until killed. */
static pid_t start_spinner(void)
{
	pid_t pid = fork();

	if (pid < 0)
		kml_die("fork: %s", strerror(errno));
	if (pid == 0) {
		long ppid = getppid();

		for (;;)
			if (syscall(SYS_getppid) != ppid)
				_exit(10);
	}
	return pid;
}

static void check_trace_midway(void)
{
	struct user_regs_struct r;
	pid_t pid = start_spinner();
	int st, entries = 0, exits = 0, bad = 0;

	kml_run("a tracer attaching to a process spinning in getppid() sees its syscall stops");
	usleep(100000);
	if (!KML_CHECK_SYS("PTRACE_SEIZE", ptrace(PTRACE_SEIZE, pid, 0, 0)) ||
	    !KML_CHECK_SYS("PTRACE_INTERRUPT", ptrace(PTRACE_INTERRUPT, pid, 0, 0)))
		goto out;
	waitpid(pid, &st, 0);
	for (int i = 0; i < 20; i++) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, 0) || waitpid(pid, &st, 0) != pid ||
		    !WIFSTOPPED(st)) {
			bad++;
			break;
		}
		if (WSTOPSIG(st) != SIGTRAP)
			continue;
		ptrace(PTRACE_GETREGS, pid, 0, &r);
		if (r.orig_rax != SYS_getppid)
			bad++;
		else if ((long)r.rax == -ENOSYS)
			entries++;
		else if ((long)r.rax == getpid())
			exits++;
		else
			bad++;
	}
	if (KML_CHECK("syscall stops", !bad && entries >= 8 && exits >= 8,
		      "%d entry stops, %d exit stops, %d unexpected", entries, exits, bad))
		kml_ok("%d entry and %d exit stops of getppid", entries, exits);
	ptrace(PTRACE_DETACH, pid, 0, 0);
out:
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	KML_CHECK("the spinner's results", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		  "status %#x (exit 10: a getppid() returned something else)", st);
}

#define SIGNALS 300

static volatile int handled;
static volatile int spinning, stop, wrong;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void *spin_thread(void *arg)
{
	long ppid = getppid();

	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	spinning = 1;
	while (!stop)
		if (syscall(SYS_getppid) != ppid)
			wrong++;
	return NULL;
}

static void check_signals_to_spinner(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t t;
	int sent = 0, late = 0;

	kml_run("%d signals to a thread spinning in getppid() are each delivered once", SIGNALS);
	sigaction(SIGUSR1, &sa, NULL);
	if (pthread_create(&t, NULL, spin_thread, NULL))
		kml_die("pthread_create");
	while (!spinning)
		sched_yield();
	for (sent = 0; sent < SIGNALS; sent++) {
		int want = handled + 1;

		pthread_kill(t, SIGUSR1);
		for (int spins = 0; handled < want; spins++) {
			if (spins > 200000) {
				late++;
				break;
			}
			sched_yield();
		}
	}
	stop = 1;
	pthread_join(t, NULL);
	KML_CHECK_EQ("signals handled", SIGNALS - late, handled);
	KML_CHECK_EQ("getppid() results that were wrong", 0, wrong);
	if (handled == SIGNALS && !wrong)
		kml_ok("all %d handled, every result right", SIGNALS);
}

int main(void)
{
	sigset_t set;

	kml_expect_ring();
	/* The spinner thread is the only one that may take SIGUSR1. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	check_seccomp_midway();
	check_trace_midway();
	check_signals_to_spinner();
	kml_finish();
}
