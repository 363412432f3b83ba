// SPDX-License-Identifier: GPL-2.0
// timeout: 90
/*
 * migrate - a process's threads move between CPUs, both when forced
 * (sched_setaffinity) and by the scheduler under load.
 *
 * 1. Forced: each of 4 threads pins itself to every online CPU in turn
 *    and must then report that CPU from sched_getcpu() (the kernel has
 *    to migrate the running thread; for a ring-0 thread this is the
 *    interrupt/IPI path landing it on another CPU's stacks).
 * 2. Natural: 4 threads start on CPU 0, then allow every CPU and spin
 *    (no system calls in the loop), blocking briefly every ~10 ms, for up
 *    to 30 s (a loaded host slows the virtual CPUs down), recording
 *    sched_getcpu(): the scheduler's load balancing must move them.
 *    The process must have run on more than one CPU, and at least one
 *    thread must have been seen on two CPUs.
 * Needs 2 online CPUs: skipped (exit 4) on 1.
 */
#include "kmltest.h"
#include <pthread.h>
#include <sched.h>

#define NT 4
#define MAXCPU 64

struct tstate {
	int id;
	int forced_bad;		/* CPU where a forced pin failed, or -1 */
	int forced_got;
	unsigned char seen[MAXCPU];
};

static int ncpu;
static volatile int stop;
static int64_t deadline;

static void *forced(void *arg)
{
	struct tstate *t = arg;
	cpu_set_t set;
	int c, round;
	volatile unsigned long spin = 0;

	t->forced_bad = -1;
	for (round = 0; round < 3; round++) {
		for (c = 0; c < ncpu; c++) {
			CPU_ZERO(&set);
			CPU_SET(c, &set);
			if (sched_setaffinity(0, sizeof(set), &set)) {
				t->forced_bad = c;
				t->forced_got = -errno;
				return NULL;
			}
			for (int i = 0; i < 100000; i++)
				spin++;
			t->forced_got = sched_getcpu();
			if (t->forced_got != c) {
				t->forced_bad = c;
				return NULL;
			}
		}
	}
	return NULL;
}

static int nseen(const unsigned char *s)
{
	int c, n = 0;

	for (c = 0; c < MAXCPU; c++)
		n += s[c] != 0;
	return n;
}

static void *natural(void *arg)
{
	struct tstate *t = arg;
	volatile unsigned long spin = 0;
	int64_t last = kml_now_ns();
	cpu_set_t set;

	/*
	 * Start crowded on CPU 0, then allow every CPU: the idle CPUs' load
	 * balancing, not an affinity change, has to move threads away.
	 * (Spread evenly from the start, busy threads may never move.)
	 */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (sched_getcpu() != 0)
		;
	t->seen[0] = 1;
	CPU_ZERO(&set);
	for (int c = 0; c < ncpu; c++)
		CPU_SET(c, &set);
	sched_setaffinity(0, sizeof(set), &set);

	while (!stop && kml_now_ns() < deadline) {
		int c = sched_getcpu();

		if (c >= 0 && c < MAXCPU)
			t->seen[c] = 1;
		if (nseen(t->seen) >= 2)
			stop = 1;
		for (int i = 0; i < 20000; i++)
			spin++;
		if (kml_now_ns() - last > 10000000) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
			last = kml_now_ns();
		}
	}
	return NULL;
}

int main(void)
{
	struct tstate t[NT];
	pthread_t th[NT];
	unsigned char all[MAXCPU];
	cpu_set_t set;
	int i, c, moved = 0;
	int64_t t0;

	kml_expect_ring();
	ncpu = kml_ncpus();
	if (ncpu < 2) {
		kml_skip("%d online CPU: migration needs at least 2", ncpu);
		return KML_EXIT_SKIP;
	}
	if (ncpu > MAXCPU)
		ncpu = MAXCPU;
	sched_getaffinity(0, sizeof(set), &set);
	for (c = 0; c < ncpu; c++)
		if (!CPU_ISSET(c, &set)) {
			kml_skip("CPU %d not in the affinity mask", c);
			return KML_EXIT_SKIP;
		}

	kml_run("forced migration: %d threads pinned to each of %d CPUs in turn", NT, ncpu);
	memset(t, 0, sizeof(t));
	for (i = 0; i < NT; i++) {
		t[i].id = i;
		pthread_create(&th[i], NULL, forced, &t[i]);
	}
	for (i = 0; i < NT; i++) {
		char what[64];

		pthread_join(th[i], NULL);
		snprintf(what, sizeof(what), "thread %d ran on each CPU it was pinned to", i);
		KML_CHECK(what, t[i].forced_bad < 0,
			  "pinned to CPU %d, sched_getcpu() said %d",
			  t[i].forced_bad, t[i].forced_got);
	}

	kml_run("natural migration: %d busy threads started on CPU 0, then unpinned", NT);
	memset(t, 0, sizeof(t));
	t0 = kml_now_ns();
	deadline = t0 + 30000000000LL;
	for (i = 0; i < NT; i++)
		pthread_create(&th[i], NULL, natural, &t[i]);
	for (i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	memset(all, 0, sizeof(all));
	for (i = 0; i < NT; i++) {
		for (c = 0; c < MAXCPU; c++)
			all[c] |= t[i].seen[c];
		moved += nseen(t[i].seen) >= 2;
	}
	kml_info("%d CPUs used, %d thread(s) seen on 2+ CPUs, after %lld ms",
		 nseen(all), moved, (long long)(kml_now_ns() - t0) / 1000000);
	KML_CHECK("the process ran on more than one CPU", nseen(all) >= 2,
		  "expected >= 2 CPUs, got %d", nseen(all));
	KML_CHECK("at least one thread migrated", moved >= 1,
		  "expected a thread seen on 2 CPUs within 30 s, got none");
	kml_finish();
}
