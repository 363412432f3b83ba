#!/bin/sh
# Run the kernel's x86 selftests (/selftests/x86/*_64) in ring 3 and, from
# /trusted/selftests/x86, in ring 0, and compare.  The rule: every selftest
# that passes in ring 3 passes in ring 0, unless /selftests/ring0-exceptions
# names it with the reason it cannot apply to a ring-0 process ("NAME
# REASON"), or marks it "!NAME REASON": not run in ring 0 at all, or
# "!!NAME REASON": not run at all (an open kernel bug, named there).
# One line a selftest:
#   PASS NAME                   passes in both rings (or fails in neither)
#   FAIL NAME: ...              passes in ring 3, fails in ring 0
#   SKIP NAME: ...              a documented exception, or skipped/failing
#                               in ring 3 already (then ring 0 proves nothing)
# and "END passed=N failed=N skipped=N".
pass=0 fail=0 skip=0
kml=no
[ "$(/trusted/sbin/kml-ring 2>/dev/null)" = 0 ] && kml=yes
say() { echo "$*"; echo "kml-selftest: $*" >/dev/console; }
run() { timeout -s KILL 120 "$1" >"$2" 2>&1 </dev/null; echo $?; }

for t in /selftests/x86/*_64; do
	name=${t##*/}
	bug=$(sed -n "s/^!!$name[[:space:]]\{1,\}//p" /selftests/ring0-exceptions)
	if [ -n "$bug" ]; then
		say "SKIP $name: not run: $bug"; skip=$((skip + 1)); continue
	fi
	r3=$(run "$t" /tmp/r3.out)
	if [ "$r3" != 0 ]; then
		say "SKIP $name: exit $r3 in ring 3 already (ring 0 not compared)"
		skip=$((skip + 1)); continue
	fi
	if [ $kml = no ]; then
		say "FAIL $name: KML is not active, cannot run in ring 0"
		fail=$((fail + 1)); continue
	fi
	norun=$(sed -n "s/^!$name[[:space:]]\{1,\}//p" /selftests/ring0-exceptions)
	if [ -n "$norun" ]; then
		say "SKIP $name: not run in ring 0: $norun"; skip=$((skip + 1)); continue
	fi
	r0=$(run "/trusted/selftests/x86/$name" /tmp/r0.out)
	why=$(sed -n "s/^$name[[:space:]]\{1,\}//p" /selftests/ring0-exceptions)
	if [ "$r0" = 0 ]; then
		say "PASS $name"; pass=$((pass + 1))
	elif [ -n "$why" ]; then
		say "SKIP $name: exit $r0 in ring 0, documented: $why"; skip=$((skip + 1))
	else
		say "FAIL $name: passes in ring 3, exit $r0 in ring 0"
		grep -E 'FAIL|fail|Error|error' /tmp/r0.out | head -n 15 | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
done
echo "END passed=$pass failed=$fail skipped=$skip"
[ $fail = 0 ]
