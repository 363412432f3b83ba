#!/usr/bin/env bash
# Host tests of the KML libc (ring 3: the kernel offers no direct entry).
#
#   libc/static-check    every way into the kernel in libc.a is as designed
#   libc/hello           an ordinary program built with kml-cc runs
#   libc/direct_libc     the patched libc's calls, fork, restart, threads,
#                        cancellation, with syscall (as in ring 3)
#   libc/direct_libc-fake   the same through a user-space stand-in for the
#                        entry, which runs the libc's call sequences
#   libc/redzone[-fake]  the red-zone test, with syscall and with the stand-in
#   libc/redzone-catches a stand-in that tramples the red zone is caught
#
# One line a case, "PASS libc/NAME" or "FAIL libc/NAME: why" (scripts/test.sh
# format); exit status 1 on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
"$top/scripts/libc-build.sh" || exit 1
cc="$top/build/libc/bin/kml-cc"
out="$top/build/libc/tests"
mkdir -p "$out"
fail=0

# case NAME EXPECTED-STATUS COMMAND...
case_() {
	local name=$1 want=$2; shift 2
	local log="$out/$name.log"
	"$@" > "$log" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ]; then
		echo "PASS libc/$name"
	else
		echo "FAIL libc/$name: expected exit $want, got $rc"
		grep -E '\[FAIL\]' "$log" | head -n 10 | sed 's/^/    /'
		tail -n 5 "$log" | sed 's/^/    | /'
		fail=1
	fi
}

case_ static-check 0 python3 "$top/libc/tests/check-libc-a.py" "$top/build/libc/sysroot/lib/libc.a"
for t in hello direct_libc direct_redzone; do
	if ! "$cc" -O2 -Wall -Wextra -pthread -o "$out/$t" "$top/libc/tests/$t.c" 2> "$out/$t.build.log"; then
		echo "FAIL libc/$t: does not build with kml-cc"
		sed 's/^/    | /' "$out/$t.build.log"
		fail=1
	fi
done
case_ hello 0 "$out/hello"
case_ direct_libc 0 env KML_EXPECT_RING=3 "$out/direct_libc"
case_ direct_libc-fake 0 "$out/direct_libc" --fake-entry
case_ direct_libc-forced 0 env KML_FORCE_SYSCALL=1 "$out/direct_libc"
case_ redzone 0 env KML_EXPECT_RING=3 "$out/direct_redzone"
case_ redzone-fake 0 "$out/direct_redzone" --fake-entry
case_ redzone-catches 1 "$out/direct_redzone" --bad-entry
exit $fail
