/*
 * Reproduction of a KML kernel bug found by the stress run (tests/stress,
 * stressor sigsegv, which sets PR_TSC_SIGSEGV to make rdtsc fault):
 *
 *   musl-gcc -static -O2 -o build/notsc tests/stress/repro/notsc_smep.c
 *   tools/kmlvm run --ring3 build/notsc    # "done", status 0
 *   tools/kmlvm run --ring0 build/notsc    # "done", then status 125:
 *     WARNING: ... at arch/x86/kernel/cpu/common.c:455 native_write_cr4
 *     pinned CR4 bits changed: 0x100000!?     (0x100000 = CR4.SMEP)
 *     __switch_to_xtra <- __switch_to <- __schedule
 *
 * A ring-0 process with TIF_NOTSC (prctl PR_SET_TSC, PR_TSC_SIGSEGV) that
 * sleeps: when the CPU switches from it to a task with neither TIF_KML
 * nor TIF_NOTSC, __switch_to_xtra() toggles CR4.TSD before it switches
 * SMEP back on (kml_switch_smep(), patch 0005).  current is already the
 * ring-3 task, so native_write_cr4() enforces the pinned SMEP bit on a
 * value taken from the CR4 shadow, in which SMEP is still clear: WARN.
 *
 * Fixed by commit 8bd52a6 ("switch SMEP before CR4.TSD on a context
 * switch; refuse PR_TSC_SIGSEGV in ring 0"): in ring 0 this program now
 * stops at "PR_SET_TSC: Operation not permitted" (status 1), no warning.
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
int main(void)
{
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0)) { perror("PR_SET_TSC"); return 1; }
	for (int i = 0; i < 20; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	puts("done");
	return 0;
}
