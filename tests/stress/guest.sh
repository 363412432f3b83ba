#!/bin/sh
# The stress run's guest side (as /stress/run.sh): stress-ng, the unmodified
# Debian program, with every stressor of /stress/stressors.list at once,
# one instance each, for DURATION, in each ring of RINGS: from
# /realprogs/bin (ring 3) and from /trusted/realprogs/bin (ring 0).
# One line a ring:
#   PASS stress/ringR: ...
#   FAIL stress/ringR: why     (then details, indented)
# A ring fails when stress-ng exits non-zero (a stressor failed, was killed
# by a signal or lost), a stressor did no work, a stress-ng process was
# seen in the wrong ring (its /proc/PID/status KernelMode:, sampled every
# 2 s; none seen at all fails too), a stress-ng process or a zombie is
# left afterwards, or the run outlives DURATION by more than 120 s.  An
# oops, warning or hang fails the whole boot (kmlvm).
#
# Usage: run.sh DURATION RINGS [WITHOUT]   e.g. run.sh 20s "3 0";  DURATION
#        as stress-ng takes it (30s, 10m, 1h); WITHOUT: stressors to leave out.
dur=${1:-20s}
rings=${2:-3 0}
STRESS_WITHOUT=${3:-}
pass=0 fail=0
say() { echo "$*"; echo "kml-stress: $*" >/dev/console; }
indent() { sed 's/^/    | /'; }
seconds() {
	case "$1" in
	*h) echo $(( ${1%h} * 3600 )) ;; *m) echo $(( ${1%m} * 60 )) ;;
	*s) echo "${1%s}" ;; *) echo "$1" ;;
	esac
}
limit=$(( $(seconds "$dur") + 120 ))
# Lines "NAME [OPTIONS]"; names in $STRESS_WITHOUT (from run.sh --without) are left out.
stressors= args=
while read -r name opts; do
	case " $STRESS_WITHOUT " in *" $name "*) continue ;; esac
	stressors="$stressors $name"
	args="$args --$name 1 $opts"
done <<EOF2
$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /stress/stressors.list)
EOF2
nstress=$(echo $stressors | wc -w)

# sample WANT: one line "ok BAD" for the stress-ng processes now.
sample() {
	ok=0 bad=
	for st in /proc/[0-9]*/status; do
		name=$(sed -n 's/^Name:[[:space:]]*//p' "$st" 2>/dev/null)
		case "$name" in stress-ng*) ;; *) continue ;; esac
		km=$(sed -n 's/^KernelMode:[[:space:]]*//p' "$st" 2>/dev/null)
		[ -n "$km" ] || continue	# gone meanwhile
		if [ "$km" = "$1" ]; then ok=$((ok + 1)); else bad="$bad ${st#/proc/}:$name=$km"; fi
	done
	echo "$ok$bad"
}

for ring in $rings; do
	if [ $ring = 0 ]; then BIN=/trusted/realprogs/bin want=1; else BIN=/realprogs/bin want=0; fi
	if [ $ring = 0 ] && [ "$(/trusted/sbin/kml-ring 2>/dev/null)" != 0 ]; then
		say "FAIL stress/ring0: KML is not active on this kernel"; fail=$((fail + 1)); continue
	fi
	work=/tmp/stress.ring$ring
	rm -rf $work; mkdir -p $work; cd $work
	echo "kml-stress: ring $ring: $nstress stressors for $dur" >/dev/console
	timeout -s KILL $limit "$BIN/stress-ng" --timeout "$dur" --temp-path "$work" --verify --metrics-brief \
		--yaml "$work/result.yaml" $args >"$work/log" 2>&1 </dev/null &
	spid=$!
	samples=0 seen=0 wrong=
	while kill -0 $spid 2>/dev/null; do
		s=$(sample $want)
		n=${s%% *}; n=${n%%[!0-9]*}
		[ "$n" -gt 0 ] 2>/dev/null && seen=$((seen + n))
		case "$s" in *" "*) wrong="$wrong${s#* }" ;; esac
		samples=$((samples + 1))
		sleep 2
	done
	wait $spid
	rc=$?
	sleep 2
	left=$( for st in /proc/[0-9]*/status; do sed -n 's/^Name:[[:space:]]*\(stress-ng.*\)/\1/p' "$st" 2>/dev/null; done | sort | uniq -c | tr -s ' \n' ' ')
	zombies=$( for st in /proc/[0-9]*/status; do grep -q '^State:[[:space:]]*Z' "$st" 2>/dev/null && sed -n 's/^Name:[[:space:]]*//p' "$st"; done | tr '\n' ' ')
	# Stressors that did no work (no bogo-ops > 0 in the YAML).
	idle=
	for s in $stressors; do
		ops=$(awk -v s="$s" '$1 == "-" && $2 == "stressor:" { cur = $3 } $1 == "bogo-ops:" && cur == s { print $2; exit }' "$work/result.yaml" 2>/dev/null)
		[ "${ops:-0}" -gt 0 ] 2>/dev/null || idle="$idle $s"
	done
	why=
	if [ $rc = 137 ]; then why="stress-ng did not end within ${limit}s (killed)"
	elif [ $rc != 0 ]; then why="stress-ng exited with status $rc"
	fi
	[ -z "$why" ] && [ -n "$idle" ] && why="stressors that did no work:$idle"
	[ -z "$why" ] && [ -n "$wrong" ] && why="stress-ng processes not in ring $ring (pid:name=KernelMode):$wrong"
	[ -z "$why" ] && [ $seen = 0 ] && why="no stress-ng process seen in ring $ring in $samples samples"
	[ -z "$why" ] && [ -n "$left" ] && why="stress-ng processes left after the run: $left"
	[ -z "$why" ] && [ -n "$zombies" ] && why="zombies left after the run: $zombies"
	total=$(awk '$1 == "bogo-ops:" { t += $2 } END { printf "%d", t }' "$work/result.yaml" 2>/dev/null)
	if [ -z "$why" ]; then
		say "PASS stress/ring$ring: $nstress stressors for $dur, $total bogo-ops; $seen stress-ng process samples, all KernelMode $want"
		pass=$((pass + 1))
	else
		say "FAIL stress/ring$ring: $why"
		fail=$((fail + 1))
		tail -n 30 "$work/log" | indent
	fi
	# The per-stressor figures, for the record.
	grep -E 'metrc: .* [a-z-]+ +[0-9]+ ' "$work/log" | sed 's/^stress-ng: metrc: \[[0-9]*\] /  metrics ring'$ring' /'
	cd /
done
echo "END passed=$pass failed=$fail"
[ $fail = 0 ]
