#!/usr/bin/env bash
# Boot-time decisions, from the host.  With kml=off the boot log must have
# exactly one "KML: off: ..." line saying why (and no "KML: on"), a
# program in /trusted must run in ring 3, and debugfs kml/cpu_state must
# agree (active=0).  With pti=on KML stays on beside page table isolation:
# "KML: on", isolation enabled, /trusted in ring 0, the rest in ring 3.
# One line each:
#   PASS attacks/boot_kml_off: ... | FAIL attacks/boot_kml_off: ...
# FRED and kernel IBT cannot be switched on in this guest (QEMU TCG has
# neither); their refusal is the same code path (kml_init()).
#
#   tests/attacks/boot-refusals.sh [kmlvm VM options...]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
check() {	# check NAME APPEND EXPECTED-REASON-REGEX
	local name=$1 append=$2 want=$3 out off
	out=$("$top/tools/kmlvm" sh "${@:4}" --append "$append" \
		'dmesg | grep "KML:"; echo "ring=$(/trusted/sbin/kml-ring)"; head -n 1 /sys/kernel/debug/kml/cpu_state 2>/dev/null' 2>&1)
	off=$(echo "$out" | grep -c "KML: off:")
	if [ "$off" != 1 ] || echo "$out" | grep -q "KML: on"; then
		echo "FAIL attacks/$name: expected one 'KML: off:' line and no 'KML: on' with $append, got:"
		echo "$out" | sed 's/^/    | /'; rc=1; return
	fi
	if ! echo "$out" | grep "KML: off:" | grep -Eq "$want"; then
		echo "FAIL attacks/$name: the 'KML: off:' line does not say '$want': $(echo "$out" | grep 'KML: off:')"; rc=1; return
	fi
	if ! echo "$out" | grep -q '^ring=3$'; then
		echo "FAIL attacks/$name: a /trusted program did not run in ring 3 with $append: $(echo "$out" | grep '^ring=')"; rc=1; return
	fi
	if echo "$out" | grep -q '^kml active=1'; then
		echo "FAIL attacks/$name: kml/cpu_state says active=1 with $append"; rc=1; return
	fi
	echo "PASS attacks/$name: $append: one line ($(echo "$out" | grep 'KML: off:' | sed 's/^\[[^]]*\] //')), /trusted in ring 3"
}
check_on() {	# check_on NAME APPEND: KML stays on with APPEND
	local name=$1 append=$2 out
	out=$("$top/tools/kmlvm" sh "${@:3}" --append "$append" \
		'dmesg | grep -E "KML:|isolation"; echo "ring0=$(/trusted/sbin/kml-ring) ring3=$(/bin/kml-ring)"' 2>&1)
	if ! echo "$out" | grep -q "KML: on" || echo "$out" | grep -q "KML: off"; then
		echo "FAIL attacks/$name: expected 'KML: on' with $append, got:"
		echo "$out" | sed 's/^/    | /'; rc=1; return
	fi
	if ! echo "$out" | grep -q "isolation: enabled"; then
		echo "FAIL attacks/$name: page table isolation is not enabled with $append"; rc=1; return
	fi
	if ! echo "$out" | grep -q '^ring0=0 ring3=3$'; then
		echo "FAIL attacks/$name: /trusted and /bin programs in the wrong rings: $(echo "$out" | grep '^ring0=')"; rc=1; return
	fi
	echo "PASS attacks/$name: $append: KML on beside page table isolation, /trusted in ring 0, /bin in ring 3"
}
check_on boot_pti pti=on "$@"
check boot_kml_off kml=off "kml=off" "$@"
exit $rc
