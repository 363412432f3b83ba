// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * fork_cow - fork gives the child a copy-on-write copy of memory; vfork
 * shares it until the child execs or exits; wait reports every kind of
 * ending exactly.
 *
 * 1. After fork, parent and child each write to a global, a heap buffer
 *    spanning many pages, and a stack variable; neither sees the other's
 *    writes (ordered with pipes so both writes really happen while the
 *    other process still holds the old pages).
 * 2. vfork: the parent is suspended until the child calls _exit; a store
 *    the child makes is visible to the parent (shared memory).  vfork +
 *    execve of this program also works.
 * 3. Exit statuses 0..255 all come back exactly; exit(256) is 0; death by
 *    SIGTERM, SIGKILL, SIGSEGV and SIGABRT; stop and continue with
 *    WUNTRACED/WCONTINUED; waitid() reports CLD_EXITED and the status.
 */
#include "kmltest.h"

#define HEAP (256 * 1024)
static volatile int global = 1;

static int heap_is(const unsigned char *h, unsigned char v)
{
	size_t i;

	for (i = 0; i < HEAP; i += 512)
		if (h[i] != v)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned char *heap = malloc(HEAP);
	volatile int stackvar = 7;
	int to_child[2], to_parent[2], status, i, bad;
	char exe[PATH_MAX], c;
	volatile int shared = 0;
	siginfo_t si;
	ssize_t n;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--exit-77"))
		return 77;
	kml_expect_ring();
	memset(heap, 0x11, HEAP);

	kml_run("copy-on-write after fork");
	if (pipe(to_child) || pipe(to_parent))
		kml_die("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int ok;

		/* child writes first, while the parent still has the pages */
		global = 2;
		memset(heap, 0x22, HEAP);
		stackvar = 8;
		if (write(to_parent[1], "w", 1) != 1)
			_exit(10);
		/* then waits for the parent's writes and checks it kept its own */
		if (read(to_child[0], &c, 1) != 1)
			_exit(11);
		ok = global == 2 && heap_is(heap, 0x22) && stackvar == 8;
		_exit(ok ? 0 : 1);
	}
	if (read(to_parent[0], &c, 1) != 1)
		kml_die("child did not report");
	KML_CHECK("parent does not see the child's writes",
		  global == 1 && heap_is(heap, 0x11) && stackvar == 7,
		  "expected global 1, heap 0x11, stack 7; got %d, %#x, %d",
		  global, heap[0], stackvar);
	global = 3;
	memset(heap, 0x33, HEAP);
	stackvar = 9;
	if (write(to_child[1], "p", 1) != 1)
		kml_die("write: %s", strerror(errno));
	kml_check_exit("child does not see the parent's writes (1: it does)", pid, 0);
	KML_CHECK("parent keeps its own writes",
		  global == 3 && heap_is(heap, 0x33) && stackvar == 9,
		  "got global %d heap %#x stack %d", global, heap[0], stackvar);

	kml_run("vfork shares memory and suspends the parent until _exit");
	pid = vfork();
	if (pid == 0) {
		shared = 42;
		_exit(5);
	}
	KML_CHECK_EQ("parent sees the child's store after vfork", 42, shared);
	kml_check_exit("vfork child exit status 5", pid, 5);

	kml_run("vfork + execve");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		snprintf(exe, sizeof(exe), "%s", argv[0]);
	else
		exe[n] = 0;
	pid = vfork();
	if (pid == 0) {
		execl(exe, exe, "--exit-77", (char *)NULL);
		_exit(99);
	}
	kml_check_exit("exec'd child exits 77 (99: exec failed)", pid, 77);

	kml_run("exit statuses 0..255 through wait");
	bad = -1;
	for (i = 0; i < 256; i++) {
		pid = vfork();		/* cheap: 256 full forks are slow under emulation */
		if (pid == 0)
			_exit(i);
		status = kml_wait(pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != i) {
			bad = i;
			break;
		}
	}
	KML_CHECK("all 256 exit codes round-trip", bad < 0,
		  "expected exit %d, got %s", bad, kml_wstatus_str(status));
	pid = fork();
	if (pid == 0)
		_exit(256);
	kml_check_exit("_exit(256) reads as 0", pid, 0);

	kml_run("death by signal");
	kml_no_core();
	{
		static const int sigs[] = { SIGTERM, SIGKILL, SIGSEGV, SIGABRT, SIGUSR1 };
		for (i = 0; i < 5; i++) {
			char what[64];

			pid = fork();
			if (pid == 0) {
				raise(sigs[i]);
				_exit(1);
			}
			snprintf(what, sizeof(what), "child killed by %s", strsignal(sigs[i]));
			kml_check_killed(what, pid, sigs[i]);
		}
	}

	kml_run("stop and continue");
	if (pipe(to_child))
		kml_die("pipe");
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(read(to_child[0], &c, 1) == 1 ? 6 : 7);
	}
	waitpid(pid, &status, WUNTRACED);
	KML_CHECK("WIFSTOPPED with SIGSTOP", WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
		  "got %s", kml_wstatus_str(status));
	kill(pid, SIGCONT);
	waitpid(pid, &status, WCONTINUED);
	KML_CHECK("WIFCONTINUED after SIGCONT", WIFCONTINUED(status), "got %#x", status);
	if (write(to_child[1], "c", 1) != 1)
		kml_die("write");
	memset(&si, 0, sizeof(si));
	KML_CHECK_SYS("waitid", waitid(P_PID, pid, &si, WEXITED));
	KML_CHECK("waitid: CLD_EXITED, status 6, right pid",
		  si.si_code == CLD_EXITED && si.si_status == 6 && si.si_pid == pid,
		  "got code %d status %d pid %d", si.si_code, si.si_status, si.si_pid);

	kml_finish();
}
