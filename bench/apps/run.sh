#!/usr/bin/env bash
# The application benchmark: unmodified Debian programs in ring 3 and from
# /trusted/ in ring 0, in one VM boot (QEMU TCG, 2 CPUs): redis GET and SET
# (redis-benchmark), sqlite3 inserts and queries, fork+exec+wait of busybox
# `true`, a fork/exec-heavy busybox shell script; and the verified
# key-value server ktal/programs/kvs.kc, verified in ring 0 against the same
# object run by its ring-3 runtime, with redis-server as the reference (GET
# and SET, 50 clients).  The rings alternate
# round by round (guest.sh), after a warm-up round that is not counted.
#
# By default the guest runs under the instruction-count clock (kmlvm
# --icount): every figure is guest instructions per operation (all virtual
# CPUs, kernel and programs together), exact and the same from run to run.
# Writes:
#   build/apps/guest.txt   the guest's raw output
#   build/apps/insns.csv   measure,mode,instructions (modes ring3, ring0)
#   build/apps/insns.png   the chart
# With --wall, wall-clock rates and times instead (medians over the
# rounds): build/apps/guest-wall.txt, apps.csv, apps.png.
#
#   bench/apps/run.sh [--wall] [kmlvm VM options...]      (`make bench-apps`)
# KML_APPS_ROUNDS: rounds (default 1 counting instructions, 5 with --wall);
# KML_APPS_SCALE scales the sizes (default 1; 0.2 is quick); KML_APPS_ONLY
# runs only these groups of "redis kvs sqlite forkexec" (default: all).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/lib.sh
src=bench/apps
out=build/apps
mkdir -p "$out"
wall=
if [ "${1:-}" = --wall ]; then
	wall=yes
	shift
fi
if [ -n "$wall" ]; then
	rounds=${KML_APPS_ROUNDS:-5} clock= raw=$out/guest-wall.txt
else
	rounds=${KML_APPS_ROUNDS:-1} clock=--icount raw=$out/guest.txt
fi
scale=${KML_APPS_SCALE:-1}
if [ ! -x "$out/apptime" ] || [ "$src/apptime.c" -nt "$out/apptime" ]; then
	musl-gcc -static -O2 -Wall -Wextra -o "$out/apptime" "$src/apptime.c"
fi
# kvs: the object (ring 0: the kernel verifies it), and the same bytes with
# .ktal.hdr renamed (ring 3: the kernel leaves it to its runtime)
make -s -C ktal all >/dev/null
ktal/build/ktal-cc -o "$out/kvs" ktal/programs/kvs.kc
python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); assert b.count(b".ktal.hdr\0") == 1
open(sys.argv[2], "wb").write(b.replace(b".ktal.hdr\0", b".ktal.hdX\0"))' "$out/kvs" "$out/kvs-r3"
chmod 755 "$out/kvs-r3"
. tests/realprogs/programs.sh
realprogs_vmopts redis-server redis-benchmark redis-cli sqlite3 busybox
step "bench-apps: one boot, ring 3 and ring 0 in $rounds alternating round(s) after a warm-up (QEMU TCG${clock:+ -icount}, 2 CPUs; a few minutes)"
rc=0
tools/kmlvm $clock sh --timeout "${KML_APPS_TIMEOUT:-3600}" "${RP_VMOPTS[@]}" \
	--file "$src/guest.sh:/apps/run.sh" --file "$out/apptime:/apps/apptime" \
	--file "$out/apptime:/trusted/apps/apptime" \
	--file "$out/kvs:/apps/kvs" --file "$out/kvs-r3:/apps/kvs-r3" \
	--file tests/realprogs/cases/forkexec-loop:/apps/forkexec-loop \
	"$@" "/apps/run.sh $rounds $scale '${KML_APPS_ONLY:-all}'" >"$raw" || rc=$?
[ "$rc" = 0 ] || echo "bench-apps: the guest run ended with status $rc; the table shows what came back" >&2
echo
if [ -n "$wall" ]; then
	python3 "$src/table.py" "$raw" --csv "$out/apps.csv" --plot "$out/apps.png" || rc=${rc/#0/1}
	echo
	echo "CSV: $out/apps.csv   chart: $out/apps.png   raw: $raw"
else
	python3 "$src/table.py" --insns "$raw" --csv "$out/insns.csv" --plot "$out/insns.png" || rc=${rc/#0/1}
	echo
	echo "CSV: $out/insns.csv   chart: $out/insns.png   raw: $raw"
fi
exit "$rc"
