// SPDX-License-Identifier: GPL-2.0
/*
 * signals_nested - nesting, blocking and pending signals.
 *
 * 1. A SIGUSR1 handler raises SIGUSR2: the SIGUSR2 handler runs nested,
 *    inside the SIGUSR1 handler.  It also raises SIGUSR1 again: the signal
 *    being handled is blocked during its handler, so that one stays
 *    pending and runs only after the first handler returns.
 * 2. Inside a handler the mask holds the signal itself and sa_mask.
 * 3. A blocked signal is not delivered, shows in sigpending(), and runs
 *    as soon as it is unblocked, before sigprocmask() returns.  Two
 *    standard signals sent while blocked coalesce into one delivery.
 * 4. Real-time signals queue: three sigqueue()s while blocked deliver
 *    three times, in order, each with its own si_value.
 */
#include "kmltest.h"

/* volatile: the handlers change these behind the compiler's back */
static volatile char order[64];
static volatile int norder;
static volatile int usr1_count, mask_ok = -1;

static void note(char c)
{
	if (norder < (int)sizeof(order) - 1)
		order[norder++] = c;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	(void)sig; (void)si; (void)uc;
	note('A');
	if (usr1_count++ == 0) {
		sigprocmask(SIG_BLOCK, NULL, &cur);
		mask_ok = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGWINCH) &&
			  !sigismember(&cur, SIGUSR2);
		raise(SIGUSR1);		/* blocked now: stays pending */
		raise(SIGUSR2);		/* not blocked: nests here */
	}
	note('a');
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	note('B');
}

static volatile int blocked_count;
static void on_count(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	blocked_count++;
}

static volatile int rt_vals[8];
static volatile int nrt;
static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	if (nrt < 8)
		rt_vals[nrt] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
	nrt++;
}

int main(void)
{
	struct sigaction sa;
	sigset_t set, pend;
	union sigval v;
	int i;

	kml_expect_ring();

	kml_run("nested handlers and a self-blocked signal");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGWINCH);
	sigaction(SIGUSR1, &sa, NULL);
	kml_sigaction(SIGUSR2, on_usr2, 0);
	raise(SIGUSR1);
	order[norder] = 0;
	/* A (B nested) a, then the pending SIGUSR1: A a */
	KML_CHECK("order of handler entries/exits", !strcmp((char *)order, "ABaAa"),
		  "expected \"ABaAa\" (A/a = SIGUSR1 enter/leave, B = SIGUSR2), got \"%s\"",
		  (char *)order);
	KML_CHECK_EQ("mask inside handler has SIGUSR1 and sa_mask, not SIGUSR2",
		     1, mask_ok);

	kml_run("blocked signals stay pending until unblocked");
	kml_sigaction(SIGUSR2, on_count, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	raise(SIGUSR2);
	KML_CHECK_EQ("not delivered while blocked", 0, blocked_count);
	sigpending(&pend);
	KML_CHECK_EQ("sigpending() has SIGUSR2", 1, sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	KML_CHECK_EQ("delivered once on unblock (standard signals coalesce)",
		     1, blocked_count);
	sigpending(&pend);
	KML_CHECK_EQ("no longer pending", 0, sigismember(&pend, SIGUSR2));

	kml_run("real-time signals queue in order with their values");
	kml_sigaction(SIGRTMIN + 1, on_rt, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < 3; i++) {
		v.sival_int = 100 + i;
		if (sigqueue(getpid(), SIGRTMIN + 1, v))
			kml_fail("sigqueue: %s", strerror(errno));
	}
	KML_CHECK_EQ("none delivered while blocked", 0, nrt);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	KML_CHECK_EQ("three deliveries", 3, nrt);
	KML_CHECK("values in order 100, 101, 102",
		  rt_vals[0] == 100 && rt_vals[1] == 101 && rt_vals[2] == 102,
		  "got %d, %d, %d", rt_vals[0], rt_vals[1], rt_vals[2]);

	kml_finish();
}
