#!/bin/sh
# Guest test runner.  Runs every test of /tests/list (lines "NAME TIMEOUT")
# in each requested ring, as a static musl binary and as a dynamic glibc
# binary, each under its own timeout.  One result line a run on stdout:
#   PASS ring3/musl/NAME
#   FAIL ring0/glibc/NAME: exit 1        (then the test's output, indented)
#   SKIP ring3/musl/NAME
# and a last line "END passed=N failed=N skipped=N".  Progress also goes to
# the console.  Ring 0 runs use the copies under /trusted/tests and need a
# kernel on which KML is active; elsewhere they are reported as failures.
#
# Usage: run-tests.sh [RINGS] [FILTER]   RINGS like "3 0" (default: "3 0"
# when KML is active, else "3"); FILTER a substring of the test names, or
# several separated by "|" (a test runs when it contains any of them).
rings=${1:-auto}
filter=${2:-}
pass=0 fail=0 skip=0

kml_active() { [ "$(/trusted/sbin/kml-ring 2>/dev/null)" = 0 ]; }
if [ "$rings" = auto ]; then
	if kml_active; then rings="3 0"; else rings=3; fi
fi
say() { echo "$*"; echo "kml-test: $*" >/dev/console; }

for ring in $rings; do
	if [ "$ring" = 0 ] && ! kml_active; then
		say "FAIL ring0/*: KML is not active on this kernel (a program in /trusted/ does not run in ring 0)"
		fail=$((fail + 1))
		continue
	fi
	if [ "$ring" = 0 ]; then dir=/trusted/tests; else dir=/tests/bin; fi
	while read -r name timeout; do
		case "$name" in ''|'#'*) continue ;; esac
		wanted=
		for f in $(echo "$filter" | tr '|' ' '); do
			case "$name" in *"$f"*) wanted=1 ;; esac
		done
		[ -z "$filter" ] || [ -n "$wanted" ] || continue
		for libc in musl glibc; do
			id="ring$ring/$libc/$name"
			out=/tmp/test-output
			KML_EXPECT_RING=$ring KML_TRUSTED_DIR=/trusted/tests KML_UNTRUSTED_DIR=/tests/bin \
				timeout -s KILL "$timeout" "$dir/$name.$libc" >$out 2>&1 </dev/null
			rc=$?
			case $rc in
			0) say "PASS $id"; pass=$((pass + 1)) ;;
			4) say "SKIP $id"; skip=$((skip + 1)) ;;
			137) say "FAIL $id: timed out after ${timeout}s (killed)"; fail=$((fail + 1)) ;;
			*) if [ $rc -gt 128 ]; then why="killed by signal $((rc - 128))"; else why="exit $rc"; fi
			   say "FAIL $id: $why"; fail=$((fail + 1)) ;;
			esac
			if [ $rc != 0 ] && [ $rc != 4 ]; then
				tail -n 25 $out | sed 's/^/    | /'
			fi
		done
	done </tests/list
done
echo "END passed=$pass failed=$fail skipped=$skip"
[ $fail = 0 ]
