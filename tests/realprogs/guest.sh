#!/bin/sh
# The real-program suite's guest runner (as /realprogs/run.sh; kmlvm puts
# the programs at /realprogs/bin, ring 3, and /trusted/realprogs/bin,
# ring 0; see programs.sh).  Runs every case (/realprogs/cases/NAME.sh) in
# ring 3, then in ring 0, each in an empty directory under its own time
# limit, and prints one line a case:
#   PASS realprogs/NAME
#   FAIL realprogs/NAME: why          (then the details, indented)
# A case passes when both runs exit 0, every "@ring WHAT K" line it printed
# names the right ring (KernelMode 0 in ring 3, 1 in ring 0), it printed at
# least one, and the rest of its output is the same in both rings.  The
# last line is "END passed=N failed=N".
#
# Usage: run.sh [FILTER] [TIMEOUT]   FILTER: a substring of the case names;
#        TIMEOUT: seconds a run (default 300).
filter=${1:-}
limit=${2:-300}
CASES=/realprogs/cases
export CASES
pass=0 fail=0

say() { echo "$*"; echo "kml-realprogs: $*" >/dev/console; }
indent() { head -n "${2:-40}" "$1" | sed 's/^/    | /'; }

if [ "$(/trusted/sbin/kml-ring 2>/dev/null)" != 0 ]; then
	say "FAIL realprogs/kml: KML is not active on this kernel (a program in /trusted/ does not run in ring 0)"
	echo "END passed=0 failed=1"
	exit 1
fi

# busybox's applets, as links next to each copy of busybox, so that a
# shell run from a directory execs its applets from the same directory.
for dir in /realprogs/bin /trusted/realprogs/bin; do
	[ -x $dir/busybox ] || continue
	for applet in $($dir/busybox --list); do
		[ -e "$dir/$applet" ] || ln -s busybox "$dir/$applet"
	done
done

for script in $CASES/*.sh; do
	name=$(basename "$script" .sh)
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	why=
	for ring in 3 0; do
		if [ $ring = 0 ]; then BIN=/trusted/realprogs/bin want=1; else BIN=/realprogs/bin want=0; fi
		work=/tmp/realprogs/$name.ring$ring
		rm -rf "$work"; mkdir -p "$work"
		start=$(cut -d' ' -f1 /proc/uptime)
		(cd "$work" && BIN=$BIN timeout -s KILL "$limit" sh "$script" >"$work.out" 2>"$work.err" </dev/null)
		rc=$?
		echo "kml-realprogs: $name ring $ring: status $rc, $(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime) s" >/dev/console
		grep -v '^@ring ' "$work.out" >"$work.result"
		if [ $rc != 0 ]; then
			if [ $rc = 137 ]; then why="ring $ring: timed out after ${limit}s"; else why="ring $ring: exit status $rc"; fi
			break
		fi
		if ! grep -q '^@ring ' "$work.out"; then
			why="ring $ring: no @ring line (the case did not say which ring its programs ran in)"
			break
		fi
		bad=$(grep '^@ring ' "$work.out" | awk -v w=$want '$3 != w { printf "%s=%s ", $2, $3 }')
		if [ -n "$bad" ]; then
			why="ring $ring: a program ran in the wrong ring (KernelMode, want $want): $bad"
			break
		fi
		if [ ! -s "$work.result" ]; then
			why="ring $ring: no output"
			break
		fi
	done
	if [ -z "$why" ] && ! cmp -s /tmp/realprogs/$name.ring3.result /tmp/realprogs/$name.ring0.result; then
		why="ring 0 printed something else than ring 3"
		diff -U 2 /tmp/realprogs/$name.ring3.result /tmp/realprogs/$name.ring0.result >/tmp/realprogs/$name.diff
	fi
	if [ -z "$why" ]; then
		say "PASS realprogs/$name"
		pass=$((pass + 1))
	else
		say "FAIL realprogs/$name: $why"
		fail=$((fail + 1))
		if [ -f /tmp/realprogs/$name.diff ]; then
			indent /tmp/realprogs/$name.diff
		else
			echo "    | output:"; indent "$work.out" 25
			echo "    | standard error:"; indent "$work.err" 25
		fi
	fi
done
echo "END passed=$pass failed=$fail"
[ $fail = 0 ]
