// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * rlimit_cpu - an endless loop is stopped by its CPU-time limit.
 *
 * A ring-0 process in a loop without system calls never enters the
 * kernel by itself; the timer interrupt must both account its time and
 * deliver the limit's signals:
 *   1. RLIMIT_CPU soft 1 s: the child is killed by SIGXCPU.
 *   2. SIGXCPU ignored, soft 1 s / hard 2 s: killed by SIGKILL at the hard
 *      limit, after at least 1.5 s of CPU time (so not at the soft one).
 *   3. SIGXCPU handled: the handler runs, then the loop ends normally.
 */
#include "kmltest.h"

static volatile int got_xcpu;

static void on_xcpu(int sig)
{
	(void)sig;
	got_xcpu = 1;
}

static void spin_with_limit(rlim_t soft, rlim_t hard, int mode)
{
	struct rlimit rl = { soft, hard };
	volatile unsigned long x = 0;

	if (mode == 1)
		signal(SIGXCPU, SIG_IGN);
	if (mode == 2)
		signal(SIGXCPU, on_xcpu);
	if (setrlimit(RLIMIT_CPU, &rl))
		_exit(9);
	while (!got_xcpu)
		x++;
	_exit(42);
}

int main(void)
{
	struct rusage ru;
	int status;
	pid_t pid;
	int64_t cpu_ms;

	kml_expect_ring();
	kml_no_core();

	kml_run("RLIMIT_CPU 1 s, default SIGXCPU action");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		spin_with_limit(1, 10, 0);
	kml_check_killed("child killed by SIGXCPU", pid, SIGXCPU);

	kml_run("RLIMIT_CPU 1 s / 2 s, SIGXCPU ignored");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		spin_with_limit(1, 2, 1);
	if (wait4(pid, &status, 0, &ru) != pid)
		kml_die("wait4: %s", strerror(errno));
	cpu_ms = ru.ru_utime.tv_sec * 1000LL + ru.ru_utime.tv_usec / 1000 +
		 ru.ru_stime.tv_sec * 1000LL + ru.ru_stime.tv_usec / 1000;
	KML_CHECK("killed by SIGKILL at the hard limit",
		  WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "expected SIGKILL, got %s", kml_wstatus_str(status));
	KML_CHECK("after 1.5 to 4 s of CPU time", cpu_ms >= 1500 && cpu_ms < 4000,
		  "got %lld ms", (long long)cpu_ms);

	kml_run("RLIMIT_CPU 1 s, SIGXCPU handled");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		spin_with_limit(1, 10, 2);
	kml_check_exit("handler ran and the loop ended (exit 42)", pid, 42);
	kml_finish();
}
