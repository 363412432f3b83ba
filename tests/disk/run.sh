#!/usr/bin/env bash
# make test-disk: boot the Debian disk image (make disk) and check the KML
# system on it.  Two boots under QEMU:
#   1. tests/disk/checks.sh as a job: systemd up, trusted redis in ring 0,
#      an untrusted copy in ring 3, no kernel warning, the packages' hooks;
#      the job's status only comes back after a complete poweroff;
#   2. "systemctl reboot" as a job: the status comes back only when the
#      reboot went through to the end.
# Every boot has kmlvm's time limit and console checks (oops, BUG, WARNING,
# panic, lockup, hang).  Result lines are PASS/FAIL; the last line counts.
#
# Usage: tests/disk/run.sh [IMAGE]   (default build/disk/kml.img)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
image=${1:-$top/build/disk/kml.img}
kmlvm="$top/tools/kmlvm"
log="$top/build/disk/test"
mkdir -p "$log"
[ -f "$image" ] || { echo "error: no $image: run 'make disk'" >&2; exit 1; }
passed=0 failed=0
result() {  # result NAME STATUS
	if [ "$2" = 0 ]; then echo "PASS disk/$1"; passed=$((passed + 1))
	else echo "FAIL disk/$1"; failed=$((failed + 1)); fi
}
# The console line of the image's shutdown hook (disk/files/usr/lib/systemd/
# system-shutdown/kml-job.shutdown): the shutdown went through to the end.
shutdown_reached() { grep -q "kml-job: end of shutdown ($1)" "$2"; }

start=$(date +%s)
"$kmlvm" --disk "$image" run --timeout 600 -v "$top/tests/disk/checks.sh" \
	>"$log/checks.out" 2>"$log/checks.console"
rc=$?
sed 's/^/    /' "$log/checks.out"
[ $rc = 0 ] || tail -40 "$log/checks.console" | sed 's/^/    /'
result checks $rc
shutdown_reached poweroff "$log/checks.console"
result poweroff $?
echo "    (boot, checks and poweroff: $(( $(date +%s) - start )) s)"

start=$(date +%s)
"$kmlvm" --disk "$image" sh --timeout 600 -v 'systemctl reboot' >"$log/reboot.out" 2>"$log/reboot.console"
rc=$?
[ $rc = 0 ] || tail -40 "$log/reboot.console" | sed 's/^/    /'
shutdown_reached reboot "$log/reboot.console"
result reboot $(( rc || $? ))
echo "    (boot and reboot: $(( $(date +%s) - start )) s)"

echo "disk: $passed passed, $failed failed"
[ "$failed" = 0 ]
