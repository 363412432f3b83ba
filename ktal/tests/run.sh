#!/bin/bash
# run.sh - the KTAL test suite (make -C ktal test).
#
# Prints one line per case, "PASS ktal/<name>" or "FAIL ktal/<name>: why",
# and exits non-zero if any case failed.  Parts:
#   corpus/     *.ktal: "; expect: accept", "; expect: reject "msg"" or
#               "; expect: as-error "msg""; accepted programs also run
#               under the monitor and must not die of a signal
#   malformed/  *.mut: an object mutated by tools/mutate.py, with its
#               expected rejection
#   examples    every example runs in ring 3 and prints the right output
#   fuzz        a bounded libFuzzer run of the checker (FUZZ_SMOKE s)
#   sound       generated programs: every accepted one runs clean
cd "$(dirname "$0")/.." || exit 2
# Debian's own python3 starts much faster than version-manager shims.
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
B=build
T=$B/test
rm -rf "$T"; mkdir -p "$T"
fails=0 passes=0
pass() { echo "PASS ktal/$1"; passes=$((passes + 1)); }
fail() { echo "FAIL ktal/$1: $2"; fails=$((fails + 1)); }

# run_monitored OBJ [stdin-file]: run under the ring-3 monitor; prints
# "signal N" if killed by a signal, "timeout", or "exit N".
run_monitored() {
	local in=${2:-/dev/null}
	KTAL_MONITOR=1 timeout -s KILL 10 "$1" < "$in" > "$T/run.out" 2> "$T/run.err"
	local rc=$?
	if [ $rc -eq 137 ]; then echo timeout
	elif [ $rc -gt 128 ]; then echo "signal $((rc - 128))"
	else echo "exit $rc"; fi
}

# ---- the checker is freestanding: built with kernel code-model flags, it
# references nothing outside itself (no libc, no libgcc helpers)
KF="-std=gnu11 -ffreestanding -nostdinc -isystem $(${CC:-gcc} -print-file-name=include) -O2 -Wall -Wextra
    -Wno-sign-compare -Werror -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-pic
    -fno-stack-protector -fno-common -Wdeclaration-after-statement -Wmissing-prototypes
    -Wstrict-prototypes -Wframe-larger-than=1024 -Wvla"
ok=1
for c in check/*.c; do
	${CC:-gcc} $KF -c "$c" -o "$T/k-$(basename "$c" .c).o" 2> "$T/kbuild.err" || { ok=0; break; }
done
undef=$(nm -u "$T"/k-*.o 2>/dev/null | awk 'NF == 2 { print $2 }' | grep -v -E '^(kt_|ktal_)' | sort -u | tr '\n' ' ')
if [ $ok = 1 ] && [ -z "$undef" ]; then pass "build/freestanding"
else fail "build/freestanding" "kernel-flags build failed or needs outside symbols: $undef $(head -3 "$T/kbuild.err")"; fi

# ---- corpus: assemble everything, check everything in one ktal-check run
declare -A EXP VERDICT MSG
objs=()
for f in tests/corpus/*.ktal; do
	n=$(basename "$f" .ktal)
	exp=
	while IFS= read -r line; do
		case "$line" in "; expect: "*) exp=${line#; expect: }; break ;; ";"*) ;; *) break ;; esac
	done < "$f"
	EXP[$n]=$exp
	case "$exp" in
	as-error*)
		want=${exp#as-error \"}; want=${want%\"}
		if $B/ktal-as -o "$T/$n" "$f" 2> "$T/as.err"; then
			fail "corpus/$n" "expected assembler error \"$want\", but it assembled"
		elif grep -qF -- "$want" "$T/as.err" &&
		     { ! grep -q ':[0-9]*:[0-9]*: error' "$T/as.err" || grep -q '\^' "$T/as.err"; }; then
			pass "corpus/$n"
		else
			fail "corpus/$n" "expected assembler error \"$want\", got: $(head -1 "$T/as.err")"
		fi ;;
	"") fail "corpus/$n" "no '; expect:' line" ;;
	*)
		if $B/ktal-as -o "$T/$n" "$f" 2> "$T/as.err"; then objs+=("$T/$n")
		else fail "corpus/$n" "does not assemble: $(head -1 "$T/as.err")"; fi ;;
	esac
done
# ktal-check -v: "FILE: accepted" or "FILE: rejected: ..." then "  message: M"
cur=
while IFS= read -r line; do
	case "$line" in
	"$T/"*": accepted") cur=${line%: accepted}; cur=${cur#$T/}; VERDICT[$cur]=accept ;;
	"$T/"*": rejected: "*) cur=${line%%: rejected: *}; cur=${cur#$T/}; VERDICT[$cur]=reject; MSG[$cur]=${line#*: rejected: } ;;
	"  message: "*) MSG[$cur]="${line#  message: }" ;;
	esac
done < <($B/ktal-check -v "${objs[@]}")
for o in "${objs[@]}"; do
	n=${o#$T/}
	exp=${EXP[$n]}
	case "$exp" in
	accept)
		if [ "${VERDICT[$n]}" != accept ]; then
			fail "corpus/$n" "expected accept, got ${VERDICT[$n]:-nothing}: ${MSG[$n]}"
			continue
		fi
		r=$(run_monitored "$o")
		case "$r" in
		signal*|timeout) fail "corpus/$n" "accepted but at run time: $r $(head -c 200 "$T/run.err")" ;;
		*) pass "corpus/$n" ;;
		esac ;;
	reject*)
		want=${exp#reject \"}; want=${want%\"}
		if [ "${VERDICT[$n]}" != reject ]; then
			fail "corpus/$n" "expected reject \"$want\", got ${VERDICT[$n]:-nothing}"
		elif [ "${MSG[$n]}" != "$want" ]; then
			fail "corpus/$n" "expected reject \"$want\", got \"${MSG[$n]}\""
		else
			pass "corpus/$n"
		fi ;;
	*) fail "corpus/$n" "bad expectation: $exp" ;;
	esac
done

# ---- malformed objects
for f in tests/malformed/*.mut; do
	[ -e "$f" ] || continue
	name=malformed/$(basename "$f" .mut)
	base=$(sed -n 's/^# base: //p' "$f")
	want=$(sed -n 's/^# expect: reject "\(.*\)"$/\1/p' "$f")
	obj=$T/mal-$(basename "$f" .mut)
	if ! $B/ktal-as -o "$obj.in" "$base" 2> "$T/as.err"; then
		fail "$name" "base $base does not assemble"; continue
	fi
	if ! $PY tools/mutate.py "$obj.in" "$obj" $(sed -n 's/^# mutate: //p' "$f") 2> "$T/mut.err"; then
		fail "$name" "mutator failed: $(head -1 "$T/mut.err")"; continue
	fi
	out=$($B/ktal-check -v "$obj"); rc=$?
	got=$(sed -n 's/^  message: //p' <<< "$out")
	if [ $rc -eq 1 ] && [ "$got" = "$want" ]; then pass "$name"
	else fail "$name" "expected reject \"$want\", got rc=$rc \"$got\""; fi
done

# ---- the checker's memory: for every object above (the worst the format
# allows among them), the arena is at most 18 bytes a byte of file plus
# 8 KiB, and at most KTAL_MAX_ARENA (spec section 11)
over=$($B/ktal-check -a "$T"/* 2>/dev/null | awk '$3 > 18 * $6 + 8192 || $3 > 32 * 1048576 { print }')
big=$($B/ktal-check -a "$T"/* 2>/dev/null | sort -k3 -n | tail -1)
if [ -z "$over" ] && [ -n "$big" ]; then pass "memory/bound"
else fail "memory/bound" "arena over the bound: $(head -3 <<< "$over")"; fi
echo "INFO ktal/memory/largest: $big"

# ---- examples: ring 3, checked output
ex() { # name stdin-file expected-output-file
	local obj=$B/examples/$1
	if ! $B/ktal-check -q "$obj"; then fail "example/$1" "rejected: $($B/ktal-check "$obj")"; return; fi
	r=$(run_monitored "$obj" "$2")
	if [ "$r" != "exit 0" ]; then fail "example/$1" "expected exit 0, got $r"; return; fi
	if cmp -s "$T/run.out" "$3"; then pass "example/$1"
	else fail "example/$1" "output differs: expected '$(head -c 80 "$3" | tr '\n' '|')', got '$(head -c 80 "$T/run.out" | tr '\n' '|')'"; fi
}
printf 'hello, world\n' > "$T/hello.exp"
ex hello /dev/null "$T/hello.exp"
head -c 300000 /dev/urandom > "$T/rand.in"
cp "$T/rand.in" "$T/cat.exp"
ex cat "$T/rand.in" "$T/cat.exp"
printf 'one two  three\n\tfour\nfive six' > "$T/wc.in"
cat tests/corpus/*.ktal >> "$T/wc.in"
wc -l -w -c < "$T/wc.in" | awk '{print $1, $2, $3}' > "$T/wc.exp"
ex wc "$T/wc.in" "$T/wc.exp"
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) print int(rand() * 1000000) }' > "$T/sort.in"
sort -n "$T/sort.in" > "$T/sort.exp"
ex sort "$T/sort.in" "$T/sort.exp"
seq 10 -1 1 > "$T/list.exp"; echo "sum 55" >> "$T/list.exp"
ex list /dev/null "$T/list.exp"
printf '6765\n5000050000\nstack limit reached\n' > "$T/rec.exp"
ex rec /dev/null "$T/rec.exp"
printf '17\n7\n60\n12\n' > "$T/fnptr.exp"
ex fnptr /dev/null "$T/fnptr.exp"

# ---- load information for the ring-0 loader: sizes come from the checked
# tables, and agree with what the assembler gave the ring-3 runtime
out=$($B/ktal-check -i $B/examples/list)
want="  import 1: alloc size 16 pool 0x0|  import 2: free size 16 pool 0x0|  import 3: alloc_array size 1 pool 0x80000002|  runtime page: 0x200000"
bad=
IFS='|' read -ra lines <<< "$want"
for l in "${lines[@]}"; do grep -qxF -- "$l" <<< "$out" || bad="$bad [$l]"; done
if [ -z "$bad" ]; then pass "check/info"; else fail "check/info" "missing$bad in: $(tr '\n' '|' <<< "$out")"; fi

# ---- fuzz smoke
if [ -x $B/fuzz_check ]; then
	mkdir -p "$T/fuzz-corpus"
	# seeds: every object of this run, whole, and the examples' code for
	# the harness's code-splicing mode
	for o in "${objs[@]}" $B/examples/*; do cp "$o" "$T/fuzz-corpus/"; done
	for o in $B/examples/*; do
		$PY tools/mutate.py "$o" "$T/fuzz-corpus/code-$(basename "$o")" extract-code
	done
	if KTAL_FUZZ_TEMPLATE=$B/fuzz_template $B/fuzz_check -max_total_time=${FUZZ_SMOKE:-20} -timeout=5 -dict=fuzz/ktal.dict \
		-rss_limit_mb=2048 -artifact_prefix="$T/" "$T/fuzz-corpus" > "$T/fuzz.log" 2>&1; then
		pass "fuzz/smoke ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$T/fuzz.log" | awk '{print $2}')$(tail -1 "$T/fuzz.log" | grep -o 'Done [0-9]* runs'))"
	else
		fail "fuzz/smoke" "libFuzzer found a problem: $(grep -m1 -E 'ERROR|runtime error|deadly' "$T/fuzz.log")"
	fi
else
	fail "fuzz/smoke" "$B/fuzz_check not built"
fi

# ---- soundness smoke
if $PY sound/sound.py --count ${SOUND_COUNT:-250} --seed ${SOUND_SEED:-1} --out "$T/sound" > "$T/sound.log" 2>&1; then
	pass "sound/smoke ($(tail -1 "$T/sound.log"))"
else
	fail "sound/smoke" "$(grep -m3 -E 'FAIL|error' "$T/sound.log" | tr '\n' ' ')"
fi

echo "ktal: $passes passed, $fails failed"
[ $fails -eq 0 ]
