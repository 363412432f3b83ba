#!/usr/bin/env bash
# The real-program suite, from the host: unmodified Debian programs
# (redis-server with redis-cli and redis-benchmark, sqlite3, python3,
# busybox, a fork/exec-heavy shell script) in one VM boot, each case in
# ring 3 and from /trusted/ in ring 0, with the same results required.
#
#   tests/realprogs/run.sh [kmlvm VM options...] [-- FILTER]
#
# e.g. tests/realprogs/run.sh --no-build
#      tests/realprogs/run.sh --no-build -v -- redis
# Prints one line a case ("PASS realprogs/NAME" or "FAIL realprogs/NAME:
# why") and exits non-zero if any failed.  The cases: cases/NAME.sh; the
# guest runner: guest.sh; the programs and how they get into the guest:
# programs.sh (packages: tests/deps.list).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/tests/realprogs
vmopts=() filter=
while [ $# -gt 0 ]; do
	case "$1" in
	--) shift; filter=${1:-}; break ;;
	*) vmopts+=("$1"); shift ;;
	esac
done
. "$src/programs.sh"
realprogs_vmopts redis-server redis-benchmark redis-cli sqlite3 python3 busybox

files=(--file "$src/guest.sh:/realprogs/run.sh")
for f in "$src"/cases/*; do
	files+=(--file "$f:/realprogs/cases/$(basename "$f")")
done
exec "$top/tools/kmlvm" sh --timeout 1200 "${RP_VMOPTS[@]}" "${files[@]}" "${vmopts[@]}" \
	"/realprogs/run.sh '$filter'"
