// SPDX-License-Identifier: GPL-2.0
/*
 * tsc_mode - prctl(PR_SET_TSC): obeyed in ring 3, refused in ring 0, and a
 * ring-0 process that inherited it context-switches cleanly.
 *
 * 1. Ring 3: PR_TSC_SIGSEGV makes RDTSC raise SIGSEGV.  Ring 0: CR4.TSD
 *    only stops RDTSC at CPL 3, so the kernel refuses the prctl (EPERM)
 *    rather than promise it, and RDTSC keeps working.
 * 2. From ring 3 (when a trusted copy of this test is found): a child
 *    sets PR_TSC_SIGSEGV, which survives exec, and execs the trusted copy
 *    with "--sleeper": a ring-0 process with TIF_NOTSC that sleeps 50
 *    times, so that each CPU switches between it and tasks without either
 *    flag.  Switching SMEP after CR4.TSD there once tripped the CR4
 *    pinning check (a WARNING on the console, which fails the run).
 */
#include "kmltest.h"
#include <sys/prctl.h>

static void do_rdtsc(void *arg)
{
	unsigned int lo, hi;

	(void)arg;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
}

static int sleeper(void)
{
	int mode = -1;

	prctl(PR_GET_TSC, &mode, 0, 0, 0);
	kml_info("sleeper: ring %d, PR_GET_TSC %d", kml_ring(), mode);
	for (int i = 0; i < 50; i++) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return kml_ring() == 0 && mode == PR_TSC_SIGSEGV ? 0 : 2;
}

static void inherited(const char *argv0)
{
	const char *tdir = getenv("KML_TRUSTED_DIR");
	char path[256];
	pid_t pid;

	if (!tdir || kml_helper_path(tdir, "tsc_mode", __FILE__, argv0, path, sizeof(path))) {
		kml_skip("no trusted copy of this test (KML_TRUSTED_DIR): inherited case not run");
		return;
	}
	kml_run("a ring-0 process with PR_TSC_SIGSEGV from before its exec, switching");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0))
			_exit(3);
		execl(path, path, "--sleeper", (char *)NULL);
		_exit(4);
	}
	kml_check_exit("the sleeper ran in ring 0 with the flag and exited 0", pid, 0);
}

int main(int argc, char **argv)
{
	siginfo_t si;
	int r, ring;

	if (argc > 1 && !strcmp(argv[1], "--sleeper"))
		return sleeper();

	kml_expect_ring();
	ring = kml_ring();
	kml_run("PR_SET_TSC PR_TSC_SIGSEGV in ring %d", ring);
	r = prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
	if (ring == 0) {
		KML_CHECK("ring 0: the prctl is refused with EPERM", r == -1 && errno == EPERM,
			  "prctl returned %d, errno %d", r, errno);
		KML_CHECK("ring 0: rdtsc still works", kml_try(do_rdtsc, NULL, &si) == 0,
			  "got signal %d", si.si_signo);
	} else {
		KML_CHECK_SYS("ring 3: the prctl succeeds", r);
		r = kml_try(do_rdtsc, NULL, &si);
		KML_CHECK("ring 3: rdtsc raises SIGSEGV", r == SIGSEGV,
			  "expected signal %d, got %d", SIGSEGV, r);
		KML_CHECK_SYS("ring 3: PR_TSC_ENABLE", prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0));
		inherited(argv[0]);
	}
	kml_finish();
}
