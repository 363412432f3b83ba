#!/usr/bin/env bash
# The whole test suite: host tests (KTAL), the harness's own tests, then the
# guest tests in the VM on 2 CPUs and on 1 CPU.
#
# Every suite prints one line a case, "PASS suite/name" or "FAIL suite/name:
# why"; this script keeps them in build/test-results.txt and ends with
# "N passed, N failed".  A suite that exits non-zero without printing a FAIL
# line (it crashed, or could not build) counts as one failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh
results=build/test-results.txt
mkdir -p build
: > "$results"

# suite NAME COMMAND...: run a suite, echo and record its lines.
suite() {
	local name=$1; shift
	step "test: $name"
	local log="build/test-$name.log"
	# No "|| true" here: with pipefail it would run whenever the suite
	# failed and reset PIPESTATUS, hiding the suite's status.
	"$@" 2>&1 | tee "$log" | grep --line-buffered -E '^(PASS|FAIL|SKIP) |^    |^==> |^error:'
	local rc=${PIPESTATUS[0]}
	grep -E '^(PASS|FAIL|SKIP) ' "$log" >> "$results"
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$log"; then
		echo "FAIL $name: the suite exited with status $rc without reporting a failing case (log: $log)" | tee -a "$results"
		tail -n 30 "$log" | sed 's/^/    | /'
	fi
}

# selftests_suite: the kernel's x86 selftests, ring 0 against ring 3.
# selftests_suite [kmlvm options...]: results named selftests-x86/ (or
# selftests-x86-pti/ with --append pti=on).
selftests_suite() {
	local tag=selftests-x86
	case "$*" in *pti=on*) tag=$tag-pti ;; esac
	tools/kmlvm sh --no-build --timeout 1500 "$@" /selftests/run.sh | sed -u -E "s#^(PASS|FAIL|SKIP) #\\1 $tag/#"
	return "${PIPESTATUS[0]}"
}

# guest_suite CPUS [kmlvm options...]: the guest tests on CPUS virtual
# CPUs, each result named guest-CPUScpu/ring/libc/test (guest-CPUScpu-pti/
# with --append pti=on).
guest_suite() {
	local cpus=$1 tag=guest-$1cpu; shift
	case "$*" in *pti=on*) tag=$tag-pti ;; esac
	tools/kmlvm test --no-build --cpus "$cpus" "$@" | sed -u -E "s#^(PASS|FAIL|SKIP) #\\1 $tag/#"
	return "${PIPESTATUS[0]}"
}

# attacks_pti: the attack suite with page table isolation, named attacks-pti/.
attacks_pti() {
	tests/attacks/run.sh --no-build --cpus 2 --append pti=on | sed -u -E "s#^(PASS|FAIL|SKIP) attacks/#\\1 attacks-pti/#"
	return "${PIPESTATUS[0]}"
}

[ -f ktal/Makefile ] && suite ktal make --no-print-directory -C ktal test
# The verified key-value server (ktal/programs/kvs.kc) on the host through
# its ring-3 runtime, against Debian's redis-server.
suite kvs-host tests/kvs/host.sh
suite libc scripts/libc-test.sh
suite harness-unit python3 -m unittest discover -s tests/harness -p 'test_*.py' -v
if make --no-print-directory kernel && make --no-print-directory image; then
	suite harness-vm tests/harness/vm-checks.sh
	for cpus in 2 1; do
		suite "guest-${cpus}cpu" guest_suite "$cpus"
	done
	suite selftests-x86 selftests_suite
	# Page table isolation (pti=on): KML stays on beside it; the guest
	# suite, the attack suite and the x86 selftests again.
	suite guest-2cpu-pti guest_suite 2 --append pti=on
	suite attacks-pti attacks_pti
	suite selftests-x86-pti selftests_suite --append pti=on
	# The attack suite (tests/attacks): each attack as uid 1000 on 2 CPUs,
	# then the boot-time refusals (pti=on, kml=off).
	suite attacks tests/attacks/run.sh --no-build --cpus 2
	suite boot-refusals tests/attacks/boot-refusals.sh --no-build
	# Kernel lockdown: boot with lockdown=integrity, and raise it at run
	# time: /trusted in ring 3, verified programs still in ring 0.
	suite lockdown tests/attacks/lockdown.sh --no-build
	# Unmodified Debian programs (tests/realprogs), ring 0 against ring 3.
	suite realprogs tests/realprogs/run.sh --no-build
	# The stress smoke run (tests/stress): stress-ng, 20 s in ring 3, then
	# 20 s from /trusted in ring 0, 2 CPUs.  `make stress` runs it longer.
	suite stress tests/stress/run.sh --no-build --duration 20s
	# Verified KTAL programs (tests/ktal-guest): examples in ring 0 as uid
	# 1000, the corpus refused with the host checker's reasons, malformed
	# objects and mutants, in one boot.
	suite ktal-kernel tests/ktal-guest/run.sh --kernel build/kernel/bzImage
	# The verified key-value server in the guest as uid 1000: ring 0 and
	# ring 3 against redis-server, redis-cli, redis-benchmark, hostile clients.
	suite kvs tests/kvs/run.sh --no-build
	# A boot whose mitigations cannot protect the kernel from ring-0 code
	# (mitigations=off): verified programs for CAP_SYS_ADMIN only.
	suite ktal-unsafe-cpu tests/ktal-guest/unsafe-cpu.sh --no-build
else
	echo "FAIL build: the kernel or the guest image did not build" | tee -a "$results"
fi

pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
skip=$(grep -c '^SKIP ' "$results")
if [ "$fail" != 0 ]; then
	echo
	echo "Failures:"
	grep '^FAIL ' "$results" | sed 's/^/  /'
fi
echo
[ "$skip" = 0 ] || echo "($skip skipped)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
