#!/usr/bin/env bash
# The guest tests of the ways into the kernel on a debug kernel: the
# series with kernel/config/kml-debug.config (lockdep, DEBUG_ENTRY, RCU and
# preemption checks, the FPU state check), in both rings, on 2 CPUs and on
# 1.  Every boot fails on a WARNING, a lockdep splat (it prints a WARNING or
# BUG line), an oops or a hang, so a pass says the entry and exit paths of
# ring-0 tasks (the fast paths included) keep the invariants those
# checkers watch.  Not part of `make test`: it builds a second kernel.
#
# The tests: the direct entry, signals, ptrace, seccomp and the hand-over
# from the fast path, faults, INT n, IF, preemption, fork, exec, threads.
# Left out: the tests that time CPU accounting or run against a short
# limit (proc_status's user/system split, rlimit_cpu, direct_pop_fault's
# 40 forks in 30 s), which the debug kernel's own cost skews.
#
# Ends with "N passed, N failed", like scripts/test.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

scripts/kernel-build.sh --debug || die "the debug kernel did not build"
make --no-print-directory image || die "the guest image did not build"

TESTS="direct_libc|direct_redzone|direct_work|syscall_work|signals_|sigaltstack|sigalrm|sa_restart|ptrace_debug|faults|int_n|eflags_if|preempt_busy|syscall_abi|fork_cow|exec_cross|threads_tls|gs_"
results=build/test-debug-results.txt
: > "$results"
for cpus in 2 1; do
	step "test-debug: the guest suite on the debug kernel, $cpus CPU(s)"
	tools/kmlvm test --no-build --kernel build/kernel-debug/bzImage --cpus "$cpus" --filter "$TESTS" |
		sed -u -E "s#^(PASS|FAIL|SKIP) #\\1 debug-${cpus}cpu/#" | tee -a "$results" |
		grep --line-buffered -E '^(PASS|FAIL|SKIP) |^    '
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && ! grep -q "^FAIL debug-${cpus}cpu/" "$results"; then
		echo "FAIL debug-${cpus}cpu: the boot failed (status $rc) without a failing test" | tee -a "$results"
	fi
done
pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
[ "$fail" = 0 ] || { echo; echo "Failures:"; grep '^FAIL ' "$results" | sed 's/^/  /'; }
echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
