#!/bin/sh
# host-check.sh - build every guest test with both compilers the harness
# uses (musl static, glibc dynamic) and run them on this machine, in ring 3.
#
# Usage: tests/guest/host-check.sh [TEST...]     (default: every test)
# Environment: OUT (build directory, default /tmp/kml-host-check),
#              KML_EXPECT_RING (passed through; unset by default).
#
# Prints one line per test and variant, then "N passed, N failed, N skipped".
# Exit status: 0 when nothing failed.  Helpers (helper_*.c) are built, not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/kml-host-check}
# the flags the top-level Makefile uses for guest tests
CFLAGS=${CFLAGS:--O2 -Wall -Wextra -Wno-unused-parameter -g0}
mkdir -p "$out"

if ! command -v musl-gcc >/dev/null 2>&1; then
	echo "musl-gcc missing: apt-get install -y musl-tools" >&2
	exit 1
fi

cc_musl() { musl-gcc -static $CFLAGS -o "$2" "$1" -pthread; }
cc_glibc() { gcc $CFLAGS -o "$2" "$1" -pthread; }

# Build: <name>.musl and <name>.glibc for tests and helpers alike.
buildfail=0
for src in "$here"/*.c; do
	name=$(basename "$src" .c)
	for v in musl glibc; do
		rm -f "$out/$name.$v"
		if ! cc_$v "$src" "$out/$name.$v" 2>"$out/$name.$v.build.log"; then
			echo "BUILD FAIL $name.$v"; sed 's/^/    /' "$out/$name.$v.build.log"
			buildfail=$((buildfail + 1))
		elif [ -s "$out/$name.$v.build.log" ]; then
			echo "BUILD WARN $name.$v"; sed 's/^/    /' "$out/$name.$v.build.log"
		fi
	done
done

if [ $# -gt 0 ]; then
	tests=$*
else
	tests=$(cd "$here" && ls *.c | sed -n '/^helper_/!s/\.c$//p')
fi

pass=0 fail=0 skip=0
for t in $tests; do
	to=$(sed -n '1,5s|^// timeout: *\([0-9]*\).*|\1|p' "$here/$t.c")
	to=${to:-30}
	for v in musl glibc; do
		bin="$out/$t.$v"
		[ -x "$bin" ] || { echo "FAIL $t.$v (not built)"; fail=$((fail + 1)); continue; }
		start=$(date +%s.%N)
		timeout -k 5 "$to" "$bin" >"$out/$t.$v.log" 2>&1
		rc=$?
		secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
		case $rc in
		0) res=PASS; pass=$((pass + 1)) ;;
		4) res=SKIP; skip=$((skip + 1)) ;;
		124|137) res="FAIL (timeout ${to}s)"; fail=$((fail + 1)) ;;
		*) res="FAIL (exit $rc)"; fail=$((fail + 1)) ;;
		esac
		printf '%-6s %-22s %6.2fs\n' "$res" "$t.$v" "$secs" 2>/dev/null ||
			echo "$res $t.$v"
		case $res in PASS|SKIP) ;; *) grep -E '^\[(FAIL|SKIP)\]' "$out/$t.$v.log" | sed 's/^/    /' ;; esac
	done
done
echo "$pass passed, $fail failed, $skip skipped ($buildfail build failures); logs in $out"
[ $fail -eq 0 ] && [ $buildfail -eq 0 ]
