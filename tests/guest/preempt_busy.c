// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * preempt_busy - busy loops on every CPU do not stop the rest of the
 * system, and SIGKILL ends them.
 *
 * One child per online CPU spins in a loop with no system calls (a ring-0
 * process in such a loop never enters the kernel on its own, so only the
 * timer interrupt can take the CPU back).  While they spin, the parent
 * (same priority) must keep running: twenty 20 ms sleeps must each wake
 * within a generous 2 s, and a pipe round trip through a helper child
 * must complete.  The spinners must really have been running (their CPU
 * time grows).  Then SIGKILL must end every spinner, seen as "killed by
 * SIGKILL" in the wait status.
 */
#include "kmltest.h"
#include <fcntl.h>
#include <sys/prctl.h>

/* utime + stime of `pid` in clock ticks, from /proc/PID/stat. */
static long long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long ut = 0, st = 0;
	int fd, i;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* after ")": state(3) ... utime is field 14, stime 15 */
	for (i = 3; i < 14 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

int main(void)
{
	int ncpu = kml_ncpus(), i, ready[2], ping[2], pong[2];
	pid_t *kids, echo;
	long long before = 0, after = 0;
	int64_t worst = 0, t0, dt;
	char c;

	kml_expect_ring();
	kids = calloc(ncpu, sizeof(*kids));
	if (pipe(ready) || pipe(ping) || pipe(pong))
		kml_die("pipe: %s", strerror(errno));

	/* The echo child: answers each byte on ping with a byte on pong. */
	echo = fork();
	if (echo == 0) {
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				break;
		_exit(0);
	}

	kml_run("start %d busy-looping children (one per online CPU)", ncpu);
	for (i = 0; i < ncpu; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			volatile unsigned long spin = 0;

			/* never outlive the test, even if it is killed at its timeout */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(ping[1]);
			if (write(ready[1], "r", 1) != 1)
				_exit(2);
			for (;;)
				spin++;
		}
	}
	for (i = 0; i < ncpu; i++)
		if (read(ready[0], &c, 1) != 1)
			kml_die("spinner %d never started", i);
	for (i = 0; i < ncpu; i++)
		before += cpu_ticks(kids[i]);

	kml_run("parent keeps running: 20 sleeps of 20 ms");
	t0 = kml_now_ns();
	for (i = 0; i < 20; i++) {
		struct timespec ts = { 0, 20000000 };
		int64_t s = kml_now_ns();

		nanosleep(&ts, NULL);
		dt = kml_now_ns() - s;
		if (dt > worst)
			worst = dt;
	}
	kml_info("20 sleeps took %lld ms, worst single sleep %lld ms",
		 (long long)(kml_now_ns() - t0) / 1000000, (long long)worst / 1000000);
	KML_CHECK("every 20 ms sleep woke within 2 s", worst < 2000000000LL,
		  "worst sleep took %lld ms", (long long)worst / 1000000);

	kml_run("pipe round trips through another process");
	t0 = kml_now_ns();
	for (i = 0; i < 10; i++) {
		if (write(ping[1], "p", 1) != 1 || read(pong[0], &c, 1) != 1)
			break;
	}
	KML_CHECK_EQ("10 round trips completed", 10, i);
	kml_info("10 round trips took %lld ms", (long long)(kml_now_ns() - t0) / 1000000);

	for (i = 0; i < ncpu; i++)
		after += cpu_ticks(kids[i]);
	KML_CHECK("the spinners used CPU time meanwhile", before >= 0 && after > before,
		  "expected their utime+stime to grow, got %lld -> %lld ticks",
		  before, after);

	kml_run("SIGKILL ends every spinner");
	for (i = 0; i < ncpu; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < ncpu; i++) {
		char what[64];

		snprintf(what, sizeof(what), "spinner %d killed by SIGKILL", i);
		kml_check_killed(what, kids[i], SIGKILL);
	}
	close(ping[1]);
	kml_check_exit("echo child exits 0", echo, 0);
	kml_finish();
}
