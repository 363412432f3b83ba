#!/usr/bin/env bash
# Where the instructions of one system call go, in each mode (ring 3, ring 0
# through `syscall`, ring 0 through the direct entry), in one VM boot under
# the instruction-count clock with the profiling TCG plugin (tools/profile):
# syscall_bench --profile CALL N makes N warm-up calls, then N calls each
# between the plugin's markers; the plugin attributes every instruction
# executed there to a kernel symbol (the kernel's System.map) or to the
# benchmark's own code, and counts the costly ones.  Writes:
#   build/profile/CALL.guest.txt    the guest's output
#   build/profile/CALL.plugin.txt   the plugin's report
#   build/profile/CALL.txt          the tables printed
#
# Usage: scripts/profile.sh [CALL [N]]   (default getppid 1000; `make profile CALL=...`)
# CALL: a row of bench/guest/syscall_bench (getppid, read_1B_dev_zero, ...).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

call=${1:-getppid}
n=${2:-1000}
case $call in *[!A-Za-z0-9_]*|'') die "profile: bad call name '$call'" ;; esac
out=build/profile
mkdir -p "$out"
scripts/profile-build.sh
rm -f "$out/$call.plugin.txt"
step "profile: $call, $n calls in each mode, one boot (QEMU TCG -icount with the profiling plugin)"
rc=0
tools/kmlvm --icount --profile "$out/$call.plugin.txt" --profile-user build/guest/bench/syscall_bench \
	sh --no-build --timeout "${KML_PROFILE_TIMEOUT:-1800}" "
active=\$(/trusted/sbin/kml-ring 2>/dev/null)
/bench/syscall_bench --profile $call $n || echo '@unavailable ring3'
if [ \"\$active\" = 0 ]; then
	KML_FORCE_SYSCALL=1 /trusted/bench/syscall_bench --profile $call $n || echo '@unavailable ring0-syscall'
	/trusted/bench/syscall_bench --require-direct --profile $call $n || echo '@unavailable ring0-direct'
else
	echo '@unavailable ring0 KML is not active on this kernel'
fi
" >"$out/$call.guest.txt" || rc=$?
[ "$rc" = 0 ] || echo "profile: the guest run ended with status $rc" >&2
[ -s "$out/$call.plugin.txt" ] || die "profile: the plugin wrote no report ($out/$call.plugin.txt)"
echo
python3 scripts/profile-report.py "$out/$call.plugin.txt" "$out/$call.guest.txt" | tee "$out/$call.txt"
grep '^@unavailable' "$out/$call.guest.txt" | sed 's/^@unavailable /unavailable: /' || true
echo "tables: $out/$call.txt   plugin report: $out/$call.plugin.txt   guest output: $out/$call.guest.txt"
exit "$rc"
