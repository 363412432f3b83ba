// SPDX-License-Identifier: GPL-2.0
/*
 * vdso_time - the vDSO's clocks agree with the system calls, and time moves.
 *
 * libc answers clock_gettime, gettimeofday, time and (in musl and glibc)
 * sched_getcpu from the vDSO without entering the kernel: that code and
 * its data pages run and are read in the process's own ring.  For each
 * clock, a vDSO reading is bracketed by two raw system calls and must lie
 * between them; readings are monotonic over many calls; a 20 ms sleep
 * advances CLOCK_MONOTONIC by at least 20 ms; the vDSO is mapped
 * (AT_SYSINFO_EHDR in the auxiliary vector).
 */
#include "kmltest.h"
#include <sched.h>
#include <sys/auxv.h>
#include <sys/time.h>

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t raw_clock(clockid_t c)
{
	struct timespec t;

	syscall(SYS_clock_gettime, c, &t);
	return ts_ns(&t);
}

int main(void)
{
	static const struct { clockid_t id; const char *name; } clocks[] = {
		{ CLOCK_REALTIME, "CLOCK_REALTIME" },
		{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
		{ CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" },
		{ CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
	};
	struct timespec t, sl = { 0, 20000000 };
	struct timeval tv;
	int64_t a, b, v, prev, t0;
	unsigned i, n;
	int cpu, bad;
	long scpu;
	unsigned int c2 = 0;

	kml_expect_ring();

	kml_run("vDSO is mapped");
	KML_CHECK("AT_SYSINFO_EHDR is set", getauxval(AT_SYSINFO_EHDR) != 0,
		  "expected a vDSO address, got 0");

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		char what[96];

		kml_run("%s through libc vs. the raw system call", clocks[i].name);
		a = raw_clock(clocks[i].id);
		clock_gettime(clocks[i].id, &t);
		b = raw_clock(clocks[i].id);
		v = ts_ns(&t);
		snprintf(what, sizeof(what), "%s: libc reading between two syscalls",
			 clocks[i].name);
		KML_CHECK(what, a <= v && v <= b,
			  "expected %lld <= %lld <= %lld", (long long)a,
			  (long long)v, (long long)b);
		bad = 0;
		prev = v;
		for (n = 0; n < 10000; n++) {
			clock_gettime(clocks[i].id, &t);
			if (clocks[i].id != CLOCK_REALTIME && ts_ns(&t) < prev)
				bad++;
			prev = ts_ns(&t);
		}
		if (clocks[i].id != CLOCK_REALTIME) {
			snprintf(what, sizeof(what), "%s: 10000 readings never go back",
				 clocks[i].name);
			KML_CHECK_EQ(what, 0, bad);
		}
	}

	kml_run("gettimeofday and time agree with CLOCK_REALTIME");
	a = raw_clock(CLOCK_REALTIME) / 1000;
	gettimeofday(&tv, NULL);
	b = raw_clock(CLOCK_REALTIME) / 1000;
	v = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	KML_CHECK("gettimeofday between two raw readings (us)", a <= v && v <= b,
		  "expected %lld <= %lld <= %lld", (long long)a, (long long)v, (long long)b);
	a = raw_clock(CLOCK_REALTIME) / 1000000000;
	v = time(NULL);
	b = raw_clock(CLOCK_REALTIME) / 1000000000;
	/* time() reads the tick-updated seconds, which may lag by one tick */
	KML_CHECK("time() between two raw readings (s), one tick of slack",
		  a - 1 <= v && v <= b,
		  "expected %lld <= %lld <= %lld", (long long)a, (long long)v, (long long)b);

	kml_run("a 20 ms sleep advances CLOCK_MONOTONIC by >= 20 ms");
	t0 = kml_now_ns();
	nanosleep(&sl, NULL);
	v = kml_now_ns() - t0;
	KML_CHECK("elapsed >= 20 ms", v >= 20000000, "got %lld us", (long long)v / 1000);

	kml_run("sched_getcpu agrees with getcpu()");
	cpu = sched_getcpu();
	scpu = syscall(SYS_getcpu, &c2, NULL, NULL);
	KML_CHECK("valid CPU number from both", cpu >= 0 && scpu == 0 &&
		  cpu < kml_ncpus() && (int)c2 < kml_ncpus(),
		  "sched_getcpu %d, getcpu returned %ld cpu %u, %d CPUs online",
		  cpu, scpu, c2, kml_ncpus());
	kml_finish();
}
