#!/usr/bin/env bash
# The application benchmark: unmodified Debian programs in ring 3 and from
# /trusted/ in ring 0, in one VM boot (QEMU TCG, 2 CPUs): redis GET/SET
# throughput (redis-benchmark), sqlite3 inserts and queries per second, the
# wall time of a fork/exec-heavy busybox shell script.  The rings alternate
# round by round (guest.sh).  Writes:
#   build/apps/guest.txt   the guest's raw output
#   build/apps/apps.csv    one line a (metric, ring)
#   build/apps/apps.png    the chart
#
#   bench/apps/run.sh [kmlvm VM options...]      (`make bench-apps`)
# KML_APPS_ROUNDS: rounds (default 5); KML_APPS_SCALE scales the sizes
# (default 1; 0.2 is quick).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/lib.sh
src=bench/apps
out=build/apps
mkdir -p "$out"
rounds=${KML_APPS_ROUNDS:-5}
scale=${KML_APPS_SCALE:-1}
if [ ! -x "$out/apptime" ] || [ "$src/apptime.c" -nt "$out/apptime" ]; then
	musl-gcc -static -O2 -Wall -Wextra -o "$out/apptime" "$src/apptime.c"
fi
. tests/realprogs/programs.sh
realprogs_vmopts redis-server redis-benchmark redis-cli sqlite3 busybox
step "bench-apps: one boot, ring 3 and ring 0 in $rounds alternating rounds (QEMU TCG, 2 CPUs; a few minutes)"
rc=0
tools/kmlvm sh --timeout "${KML_APPS_TIMEOUT:-3600}" "${RP_VMOPTS[@]}" \
	--file "$src/guest.sh:/apps/run.sh" --file "$out/apptime:/apps/apptime" \
	--file tests/realprogs/cases/forkexec-loop:/apps/forkexec-loop \
	"$@" "/apps/run.sh $rounds $scale" >"$out/guest.txt" || rc=$?
[ "$rc" = 0 ] || echo "bench-apps: the guest run ended with status $rc; the table shows what came back" >&2
echo
python3 "$src/table.py" "$out/guest.txt" --csv "$out/apps.csv" --plot "$out/apps.png" || rc=${rc/#0/1}
echo
echo "CSV: $out/apps.csv   chart: $out/apps.png   raw: $out/guest.txt"
exit "$rc"
