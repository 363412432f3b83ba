#!/bin/sh
# smep_smap_cpu_state (guest, root; run by run.sh after the attacks): while
# ring-0 processes busy-loop on one CPU, a ring-3 process on the other CPU
# reads /sys/kernel/debug/kml/cpu_state 30 times and must see, each time:
#   its own CPU: smep=1 smap=1 ring0=0;
#   the other CPU: smap=1, and smep=0 only while a ring-0 task is current
#   there (smep=1 otherwise), with at least one sample showing the ring-0
#   task (the relaxation is real, and observed where it happens).
# Then the same with the CPUs swapped.  One verdict line.
F=/sys/kernel/debug/kml/cpu_state
name=smep_smap_cpu_state
V=/trusted/attacks/victim
pids=
fail() { echo "FAIL attacks/$name: $*"; [ -z "$pids" ] || kill $pids 2>/dev/null; exit 1; }

[ -r $F ] || fail "no $F in this kernel"
head -n 1 $F | grep -q 'smep=1 smap=1' || fail "the CPU has no SMEP/SMAP here: $(head -n 1 $F)"
head -n 1 $F | grep -q 'active=1' || fail "KML is not active: $(head -n 1 $F)"
if [ "$(grep -c '^cpu' $F)" -lt 2 ]; then
	echo "SKIP attacks/$name: needs 2 CPUs"
	exit 0
fi
cat $F
bad=$(grep '^cpu' $F | grep -v 'ring0=1' | grep -v 'smep=1 smap=1')
[ -z "$bad" ] || fail "before any ring-0 process, a CPU without SMEP/SMAP: $bad"

summary=
for pair in "1 0" "0 1"; do
	set -- $pair
	spin=$1 read=$2
	taskset -c $spin $V spin 25 &
	pids=$!
	taskset -c $spin $V spin 25 &
	pids="$pids $!"
	sleep 1
	seen=0 i=0
	while [ $i -lt 30 ]; do
		i=$((i + 1))
		sample=$(taskset -c $read cat $F) || fail "cannot read $F"
		own=$(echo "$sample" | grep "^cpu$read:")
		other=$(echo "$sample" | grep "^cpu$spin:")
		case "$own" in
		*"smep=1 smap=1 ring0=0"*) ;;
		*) fail "the ring-3 reader on cpu$read saw its own CPU as: $own" ;;
		esac
		case "$other" in
		*"smep=0 smap=1 ring0=1"*) seen=$((seen + 1)) ;;
		*"smep=1 smap=1 ring0=0"*) ;;
		*) fail "cpu$spin, running ring-0 busy loops: $other (SMEP off must go with a ring-0 task, SMAP always on)" ;;
		esac
	done
	kill $pids
	wait
	pids=
	[ $seen -gt 0 ] || fail "cpu$spin never showed a ring-0 task in 30 samples (are the busy loops in ring 0?)"
	summary="$summary cpu$read: 30/30 smep=1 smap=1, cpu$spin: ring 0 in $seen/30 with smep=0 smap=1;"
done
echo "PASS attacks/$name: ring-3 reader keeps SMEP and SMAP while ring-0 tasks run on the other CPU ($summary)"
