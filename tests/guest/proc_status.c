// SPDX-License-Identifier: GPL-2.0
/*
 * proc_status - /proc/PID/status tells whether a process runs in ring 0,
 * and a ring-0 process's own work is accounted as user time.
 *
 * 1. The "KernelMode:" line of /proc/self/status is 1 in ring 0 and 0 in
 *    ring 3, matching the CS the process reads, and the same line of a
 *    forked child (read by the parent through /proc/PID/status) agrees.
 *    On a kernel without the line: skip when no ring was asked for, fail
 *    when the runner set KML_EXPECT_RING (a KML kernel must show it).
 * 2. A busy loop with no system calls for 0.5 s of CPU time shows up in
 *    getrusage() mostly as user time: utime >= 0.3 s and stime < utime / 2.
 */
#include "kmltest.h"

int main(void)
{
	int want = kml_expected_ring(), ring = kml_ring(), km, ckm;
	int p[2];
	char path[64], c;
	struct rusage ru;
	int64_t t0, user_us, sys_us;
	volatile unsigned long spin = 0;
	pid_t pid;

	kml_expect_ring();

	kml_run("KernelMode: line in /proc/self/status");
	km = kml_status_kernelmode("/proc/self/status");
	if (km < 0 && want < 0) {
		kml_skip("no KernelMode: line (kernel without KML) and no ring expected");
		kml_info("time accounting is checked anyway");
	} else {
		KML_CHECK("KernelMode: line present", km >= 0,
			  "expected a KernelMode: line (KML_EXPECT_RING=%d), found none",
			  want);
		if (km >= 0)
			KML_CHECK_EQ("KernelMode value matches the ring (1 = ring 0)",
				     ring == 0, km);
		if (pipe(p))
			kml_die("pipe");
		pid = fork();
		if (pid == 0) {
			close(p[1]);
			_exit(read(p[0], &c, 1) < 0);
		}
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		ckm = kml_status_kernelmode(path);
		KML_CHECK_EQ("a forked child's KernelMode, read by its parent",
			     km, ckm);
		close(p[1]);
		close(p[0]);
		kml_check_exit("child exits 0", pid, 0);
	}

	kml_run("0.5 s busy loop is accounted as user time");
	t0 = kml_thread_cpu_ns();
	while (kml_thread_cpu_ns() - t0 < 500000000) {
		for (int i = 0; i < 1000000; i++)
			spin++;
	}
	getrusage(RUSAGE_SELF, &ru);
	user_us = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
	sys_us = ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
	kml_info("utime %lld ms, stime %lld ms", (long long)user_us / 1000,
		 (long long)sys_us / 1000);
	KML_CHECK("utime >= 300 ms", user_us >= 300000,
		  "expected at least 300 ms of user time, got %lld ms",
		  (long long)user_us / 1000);
	/*
	 * Not zero: timer interrupts themselves cost system time, and under
	 * emulation they are slow (about a fifth of the time was seen).
	 */
	KML_CHECK("stime < utime / 2", sys_us < user_us / 2,
		  "expected system time below %lld ms, got %lld ms",
		  (long long)user_us / 2000, (long long)sys_us / 1000);
	if (km < 0 && want < 0)
		return kml_failures ? KML_EXIT_FAIL : KML_EXIT_SKIP;
	kml_finish();
}
