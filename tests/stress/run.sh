#!/usr/bin/env bash
# The stress run, from the host: stress-ng (Debian's, unmodified) with the
# stressors of stressors.list, on 2 CPUs, in ring 3 and then from
# /trusted/ in ring 0, in one VM boot.  Any oops, warning or hang fails
# the boot; a failed, killed or lost stressor, a stress-ng process in the
# wrong ring or one left behind fails its ring (guest.sh).
#
#   tests/stress/run.sh [--duration D] [--rings "3 0"] [--without "NAME..."] [kmlvm VM options...]
#
# D: how long each ring runs, as stress-ng takes it (20s, 10m, 1h; default
# 20s, the smoke run of scripts/test.sh).  `make stress DURATION=10m`.
# --without leaves stressors of stressors.list out (e.g. to look past one
# that fails).
# Prints "PASS stress/ringR: ..." or "FAIL stress/ringR: why" a ring.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/tests/stress
dur=20s rings="3 0" without= vmopts=()
while [ $# -gt 0 ]; do
	case "$1" in
	--duration) dur=$2; shift 2 ;;
	--rings) rings=$2; shift 2 ;;
	--without) without=$2; shift 2 ;;
	*) vmopts+=("$1"); shift ;;
	esac
done
case "$dur" in
*h) secs=$(( ${dur%h} * 3600 )) ;; *m) secs=$(( ${dur%m} * 60 )) ;;
*s) secs=${dur%s} ;; *) secs=$dur ;;
esac
[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || { echo "stress: bad duration '$dur' (e.g. 20s, 10m, 1h)" >&2; exit 2; }
nrings=$(wc -w <<<"$rings")
. "$top/tests/realprogs/programs.sh"
realprogs_vmopts stress-ng
exec "$top/tools/kmlvm" sh --cpus 2 --memory 2048 --timeout $(( (secs + 180) * nrings + 120 )) "${RP_VMOPTS[@]}" \
	--file "$src/guest.sh:/stress/run.sh" --file "$src/stressors.list:/stress/stressors.list" \
	"${vmopts[@]}" "/stress/run.sh '$dur' '$rings' '$without'"
