#!/bin/bash
# run.sh - make -C ktal bench: checker throughput on 10 KB .. 10 MB of
# code (one core, best of several runs), and annotation size as a share
# of code size for each example (exit 1 if one is above 50%).
cd "$(dirname "$0")/.." || exit 2
# Debian's own python3 starts much faster than version-manager shims.
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
B=build/bench-data
mkdir -p $B
echo "== checker throughput (host build, one core)"
objs=
for size in 10000 100000 1000000 10000000; do
	[ -f $B/p$size ] && [ $B/p$size -nt build/ktal-as ] || { $PY bench/gen.py $size > $B/p$size.ktal && build/ktal-as -o $B/p$size $B/p$size.ktal; } || exit 1
	objs="$objs $B/p$size"
done
build/bench speed $objs || exit 1
echo
echo "== annotation overhead: type tables (types, structs, sigs, labels, imports,"
echo "   globals) against code, the figure bounded at 50% (spec.md section 10);"
echo "   the fixed header, the import names (linkage) and the optional label names"
echo "   apart; all/code adds the header and the import names"
build/bench ann build/examples/* > $B/ann.txt || exit 1
cat $B/ann.txt
# the bound holds on every example, or make bench fails
awk 'NR > 1 && $7 + 0 > 50 { print "FAIL: " $1 ": annotations are " $7 " of code"; bad = 1 }
     END { exit bad }' $B/ann.txt
