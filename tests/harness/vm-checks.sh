#!/usr/bin/env bash
# The harness's own tests, in the VM: kmlvm passes a program's output and
# status back; the runner catches failing tests, kernel warnings, oopses,
# panics and hangs; the kernel boots on 1 and 2 CPUs.  Each check prints
# "PASS harness/NAME" or "FAIL harness/NAME: expected ..., got ...".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=build/harness
mkdir -p "$out"
# Options go before the program's own arguments: "run FILE ARGS..." passes
# everything after FILE to the program.
kmlvm() { local cmd=$1; shift; tools/kmlvm "$cmd" --no-build "$@"; }
failed=0
pass() { echo "PASS harness/$1"; }
fail() { echo "FAIL harness/$1: $2"; failed=1; }

for prog in echo_status must_fail icount_loop; do
	musl-gcc -static -O2 -o "$out/$prog" "tests/harness/guest/$prog.c" || fail build "musl-gcc $prog"
done

# expect NAME WANT_STATUS GREP_STDOUT GREP_STDERR -- KMLVM_ARGS...
expect() {
	local name=$1 want=$2 re_out=$3 re_err=$4
	shift 5
	kmlvm "$@" >"$out/$name.out" 2>"$out/$name.err" </dev/null
	local got=$?
	if [ "$got" != "$want" ]; then
		fail "$name" "expected exit status $want, got $got; stderr ends: $(tail -n 3 "$out/$name.err" | tr '\n' ' ')"
	elif [ -n "$re_out" ] && ! grep -qE -- "$re_out" "$out/$name.out"; then
		fail "$name" "expected stdout matching '$re_out', got: $(head -c 300 "$out/$name.out" | tr '\n' ' ')"
	elif [ -n "$re_err" ] && ! grep -qE -- "$re_err" "$out/$name.err"; then
		fail "$name" "expected stderr matching '$re_err', got: $(tail -c 300 "$out/$name.err" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

expect run-status 7 '^hello world$' '^to stderr$' -- run --ring3 "$out/echo_status" 7 hello world
expect run-status-zero 0 '^ok$' 'to stderr' -- run "$out/echo_status" 0 ok
expect boot-1cpu 0 '^1$' '' -- sh 'nproc' --cpus 1
expect boot-2cpu 0 '^2$' '' -- sh 'nproc' --cpus 2
expect runner-catches-failure 1 'FAIL ring3/musl/must_fail: exit 1' '' -- sh \
	'cp /job/must_fail /tests/bin/must_fail.musl && cp /job/must_fail /tests/bin/must_fail.glibc &&
	 echo "must_fail 10" > /tests/list && /tests/run-tests.sh 3' --file "$out/must_fail"
grep -q 'expected 5, got 4' "$out/runner-catches-failure.out" &&
	pass runner-shows-why || fail runner-shows-why "expected the test's 'expected 5, got 4' in the runner's output"
# The guest test runner on the ring-0 busybox: the shell that runs it and
# every utility it starts (timeout, sed, grep...) come from /trusted/bin.
# Each reports its own ring through /proc/PID/status.
expect runner-on-ring0-busybox 0 'END passed=[1-9][0-9]* failed=0' '' -- sh \
	'PATH=/trusted/bin:$PATH exec /trusted/bin/sh -c "
	 echo shell \$(grep ^KernelMode: /proc/\$\$/status);
	 echo grep \$(grep ^KernelMode: /proc/self/status);
	 sh /tests/run-tests.sh \"3 0\" signal"'
for tool in shell grep; do
	grep -qE "^$tool KernelMode: 1\$" "$out/runner-on-ring0-busybox.out" &&
		pass "ring0-busybox-$tool" ||
		fail "ring0-busybox-$tool" "expected '$tool KernelMode: 1' (ring 0) in the output, got: $(head -c 300 "$out/runner-on-ring0-busybox.out" | tr '\n' ' ')"
done
expect catches-warning 125 '' 'kernel WARNING' -- sh 'echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT; echo survived'
expect catches-oops 125 '' 'kernel (oops|BUG)' -- sh 'echo BUG > /sys/kernel/debug/provoke-crash/DIRECT; echo survived'
expect catches-panic 125 '' 'kernel panic' -- sh 'echo PANIC > /sys/kernel/debug/provoke-crash/DIRECT; echo survived'
expect catches-hang 124 '' 'guest hang' -- sh 'sleep 100000' --timeout 25

# --icount: the guest clock counts instructions (2000 more for 1000 more
# iterations of a two-instruction loop), the same in two boots; a guest
# that never stops is still killed at the wall-clock limit.
expect icount-clock 0 '^diff 2000$' '' -- run --icount "$out/icount_loop" clock
cp "$out/icount-clock.out" "$out/icount-clock.first"
expect icount-clock-again 0 '^diff 2000$' '' -- run --icount "$out/icount_loop" clock
cmp -s "$out/icount-clock.first" "$out/icount-clock-again.out" &&
	pass icount-same-twice ||
	fail icount-same-twice "two boots counted differently: $(paste -d' ' "$out/icount-clock.first" "$out/icount-clock-again.out" | tr '\n' ';')"
expect icount-catches-hang 124 '' 'guest hang' -- sh 'while :; do :; done' --icount --timeout 25

# --profile: the plugin sees the marked regions of icount_loop (in ring 0:
# both) and attributes each instruction exactly; plugin_line NAME LINE
# checks that the report has that line.
plugin_line() {
	grep -qxF -- "$2" "$out/profile.txt" && pass "$1" ||
		fail "$1" "expected the plugin's report to have '$2', got: $(grep -E "^@(region|sym [56] [0-9]+ marked|costly [56])" "$out/profile.txt" | tr '\n' ';')"
}
scripts/profile-build.sh && pass profile-build ||
	fail profile-build "scripts/profile-build.sh could not build the plugin (needs apt-get source qemu)"
rm -f "$out/profile.txt"
expect profile-run 0 '^ring 0$' '' -- run --ring0 --icount --profile "$out/profile.txt" \
	--profile-user "$out/icount_loop" "$out/icount_loop" region
plugin_line profile-region-calls "@region 5 calls=3 insns=6015 unbalanced=0"
plugin_line profile-region-symbol "@sym 5 6015 marked_region"
plugin_line profile-costly-lfence "@costly 5 LFENCE 3 marked_region"
plugin_line profile-costly-mfence "@costly 5 MFENCE 3 marked_region"
plugin_line profile-costly-popf "@costly 5 POPF 3 marked_region"
plugin_line profile-ring0-symbol "@sym 6 18 marked_ring0"
plugin_line profile-costly-swapgs "@costly 6 SWAPGS 6 marked_ring0"
for cls in CLI STI CLAC STAC; do
	plugin_line "profile-costly-${cls,,}" "@costly 6 $cls 3 marked_ring0"
done
# Kernel code by System.map: ring-3 getppid goes through the system-call
# entry and the getppid handler, each once a call.
rm -f "$out/profile.txt"
expect profile-kernel-run 0 '^@profile 1 getppid 10$' '' -- sh '/bench/syscall_bench --profile getppid 10' \
	--icount --profile "$out/profile.txt"
for sym in entry_SYSCALL_64 __x64_sys_getppid; do
	grep -qE "^@sym 1 [1-9][0-9]* $sym\$" "$out/profile.txt" &&
		pass "profile-kernel-$sym" || fail "profile-kernel-$sym" "expected instructions in $sym in the plugin's report"
done
grep -qxF "@costly 1 SWAPGS 10 entry_SYSCALL_64" "$out/profile.txt" &&
	pass profile-kernel-swapgs || fail profile-kernel-swapgs "expected '@costly 1 SWAPGS 10 entry_SYSCALL_64' in the plugin's report"
exit $failed
