#!/usr/bin/env bash
# The guest test suite on a debug kernel: the series with
# kernel/config/kml-debug.config (lockdep, DEBUG_ENTRY, RCU and preemption
# checks, the FPU state check), in both rings, on 2 CPUs and on 1.  Every
# boot fails on a WARNING, a lockdep splat (it prints a WARNING or BUG
# line), an oops or a hang, so a pass says the entry and exit paths of
# ring-0 tasks (the fast paths included) keep the invariants those
# checkers watch.  Not part of `make test`: it builds a second kernel.
#
# Ends with "N passed, N failed", like scripts/test.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

scripts/kernel-build.sh --debug || die "the debug kernel did not build"
make --no-print-directory image || die "the guest image did not build"

results=build/test-debug-results.txt
: > "$results"
for cpus in 2 1; do
	step "test-debug: the guest suite on the debug kernel, $cpus CPU(s)"
	tools/kmlvm test --no-build --kernel build/kernel-debug/bzImage --cpus "$cpus" |
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
