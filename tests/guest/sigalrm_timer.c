// SPDX-License-Identifier: GPL-2.0
/*
 * sigalrm_timer - timers deliver their signals, not early and not lost.
 *
 * 1. setitimer(ITIMER_REAL) one-shot: SIGALRM arrives, no earlier than
 *    the interval; a periodic ITIMER_REAL delivers repeatedly.
 * 2. alarm(): the remaining time reads back, and alarm(1) fires.
 * 3. ITIMER_VIRTUAL and ITIMER_PROF while spinning in user code: they
 *    count the process's own CPU time, so they fire only if the kernel
 *    accounts a ring-0 process's loop as the process's time.
 * 4. timer_create() with SIGEV_SIGNAL on CLOCK_MONOTONIC and on
 *    CLOCK_PROCESS_CPUTIME_ID: si_code SI_TIMER and the sigev_value.
 * Waiting is sigsuspend() with the signal blocked before arming, so no
 * wake-up can be missed.
 */
#include "kmltest.h"
#include <sys/time.h>

static volatile int hits[NSIG];
static volatile int last_code, last_val;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits[sig]++;
	last_code = si->si_code;
	last_val = si->si_value.sival_int;
}

/*
 * sigsuspend until `count` deliveries of sig (blocked by the caller before
 * arming); returns the time since t0, taken before arming the timer.
 */
static int64_t wait_for(int sig, int count, int64_t t0)
{
	sigset_t empty;

	sigemptyset(&empty);
	while (hits[sig] < count)
		sigsuspend(&empty);
	return kml_now_ns() - t0;
}

static void block(int sig, int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* Spin in user code until sig arrived `count` times or `limit_ns` passed. */
static void spin_for(int sig, int count, int64_t limit_ns)
{
	int64_t t0 = kml_now_ns();
	volatile unsigned long x = 0;

	while (hits[sig] < count && kml_now_ns() - t0 < limit_ns) {
		for (int i = 0; i < 100000; i++)
			x += i;
	}
}

int main(void)
{
	struct itimerval it;
	struct sigevent sev;
	struct itimerspec its;
	timer_t tid;
	int64_t dt, t0;
	unsigned rem;

	kml_expect_ring();
	kml_sigaction(SIGALRM, on_sig, 0);
	kml_sigaction(SIGVTALRM, on_sig, 0);
	kml_sigaction(SIGPROF, on_sig, 0);
	kml_sigaction(SIGRTMIN, on_sig, 0);

	kml_run("setitimer(ITIMER_REAL) one-shot, 50 ms");
	block(SIGALRM, SIG_BLOCK);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 50000;
	t0 = kml_now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	dt = wait_for(SIGALRM, 1, t0);
	KML_CHECK_EQ("one SIGALRM", 1, hits[SIGALRM]);
	KML_CHECK("not before 50 ms, within 10 s", dt >= 49000000 && dt < 10000000000LL,
		  "expected 50 ms <= t < 10 s, got %lld us", (long long)dt / 1000);

	kml_run("setitimer(ITIMER_REAL) periodic, 5 x 10 ms");
	hits[SIGALRM] = 0;
	it.it_value.tv_usec = 10000;
	it.it_interval.tv_usec = 10000;
	t0 = kml_now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	dt = wait_for(SIGALRM, 5, t0);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	KML_CHECK("5 signals, no earlier than 50 ms", hits[SIGALRM] >= 5 && dt >= 49000000,
		  "got %d signals after %lld us", hits[SIGALRM], (long long)dt / 1000);

	kml_run("alarm()");
	hits[SIGALRM] = 0;
	KML_CHECK_EQ("alarm(5) with none pending returns 0", 0, alarm(5));
	t0 = kml_now_ns();
	rem = alarm(1);
	KML_CHECK("alarm(1) returns the remaining 5 s (4 or 5)", rem == 5 || rem == 4,
		  "expected 4 or 5, got %u", rem);
	dt = wait_for(SIGALRM, 1, t0);
	KML_CHECK("SIGALRM from alarm(1) after about 1 s", dt >= 900000000,
		  "expected >= 0.9 s, got %lld ms", (long long)dt / 1000000);
	block(SIGALRM, SIG_UNBLOCK);

	kml_run("ITIMER_VIRTUAL and ITIMER_PROF fire while spinning in user code");
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 20000;
	it.it_interval.tv_usec = 20000;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	spin_for(SIGVTALRM, 3, 10000000000LL);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	KML_CHECK("3 SIGVTALRM within 10 s", hits[SIGVTALRM] >= 3,
		  "expected >= 3, got %d (user time not accounted?)", hits[SIGVTALRM]);
	it.it_value.tv_usec = 20000;
	it.it_interval.tv_usec = 20000;
	setitimer(ITIMER_PROF, &it, NULL);
	spin_for(SIGPROF, 3, 10000000000LL);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_PROF, &it, NULL);
	KML_CHECK("3 SIGPROF within 10 s", hits[SIGPROF] >= 3,
		  "expected >= 3, got %d", hits[SIGPROF]);

	kml_run("timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL)");
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 1234;
	if (!KML_CHECK_SYS("timer_create", timer_create(CLOCK_MONOTONIC, &sev, &tid)))
		kml_finish();
	block(SIGRTMIN, SIG_BLOCK);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 30000000;
	t0 = kml_now_ns();
	timer_settime(tid, 0, &its, NULL);
	dt = wait_for(SIGRTMIN, 1, t0);
	KML_CHECK_EQ("si_code SI_TIMER", SI_TIMER, last_code);
	KML_CHECK_EQ("si_value 1234", 1234, last_val);
	KML_CHECK("not before 30 ms", dt >= 29000000, "got %lld us", (long long)dt / 1000);
	block(SIGRTMIN, SIG_UNBLOCK);
	timer_delete(tid);

	kml_run("timer_create(CLOCK_PROCESS_CPUTIME_ID) while spinning");
	hits[SIGRTMIN] = 0;
	sev.sigev_value.sival_int = 5678;
	if (!KML_CHECK_SYS("timer_create", timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &tid)))
		kml_finish();
	its.it_value.tv_nsec = 50000000;
	timer_settime(tid, 0, &its, NULL);
	spin_for(SIGRTMIN, 1, 10000000000LL);
	KML_CHECK("fires after 50 ms of CPU time", hits[SIGRTMIN] == 1 && last_val == 5678,
		  "expected 1 signal with value 5678, got %d (value %d)",
		  hits[SIGRTMIN], last_val);
	timer_delete(tid);

	kml_finish();
}
