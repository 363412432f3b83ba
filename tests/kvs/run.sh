#!/usr/bin/env bash
# run.sh - the verified key-value server (ktal/programs/kvs.kc) in the
# guest, as uid 1000, in ring 0 (verified by the kernel) and in ring 3 (the
# same object with its .ktal.hdr section renamed, so that the kernel leaves
# it to the ring-3 runtime it carries), against Debian's redis-server as
# the reference, in one boot.
#
#   tests/kvs/run.sh [kmlvm VM options...]      e.g. --no-build, -v
#
# Prints "PASS kvs/..." or "FAIL kvs/...: why" a case, a few "INFO kvs/..."
# lines (requests per second, resident sizes), and exits 1 if a case
# failed.  The cases, for each ring (kvs/ringN/...):
#   ring         the server's /proc/PID/status: KernelMode 1 and
#                KtalVerified 1 in ring 0, KernelMode 0 in ring 3
#   cases        every request of cases.txt on its own connection (RESP and
#                inline, pipelined, errors, protocol errors): the reply
#                bytes are redis-server's (kvs-client cases)
#   redis-cli    session.txt through redis-cli: redis-server's output
#   pipe         20000 commands through redis-cli --pipe: redis-server's
#                output, and the counter they incremented
#   benchmark    redis-benchmark -t get,set -c 50 -P 1, then -P 16: every
#                test completes with a positive rate
#   hostile/*    protocol errors, garbage, huge lengths, closes in the middle
#                of a command, a client that never reads, resets; the
#                server answers Redis's error and closes, or drops the
#                client, and still answers PING (kvs-client hostile)
#   conns/*      50, then 200 clients at once, each PING then 10 pipelined
#   churn/*      SET/GET/overwrite/DEL of values of 1 to 50000 bytes
#   memory       the resident size after 500 more churn rounds is within
#                2x of its size after the first 100 (DEL and overwrite
#                give memory back to be reused)
#   alive        the same process still runs, in its ring, at the end
# A run whose console shows an oops, BUG, WARNING or panic fails (kmlvm).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
src=tests/kvs
out=build/kvs
rm -rf "$out"; mkdir -p "$out/tree"
fail() { echo "FAIL kvs/$1: $2"; exit 1; }

make -s -C ktal all >/dev/null 2>"$out/make.err" || fail build "make -C ktal: $(head -3 "$out/make.err")"
ktal/build/ktal-cc -o "$out/tree/kvs" ktal/programs/kvs.kc 2>"$out/cc.err" || fail build "ktal-cc: $(head -3 "$out/cc.err")"
ktal/build/ktal-check "$out/tree/kvs" >"$out/check.out" 2>&1 || fail build "ktal-check: $(head -3 "$out/check.out")"
# ring 3: the same bytes, but no .ktal.hdr for the kernel to find
python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); n = b.count(b".ktal.hdr\0"); assert n == 1, n
open(sys.argv[2], "wb").write(b.replace(b".ktal.hdr\0", b".ktal.hdX\0"))' "$out/tree/kvs" "$out/tree/kvs-r3" ||
	fail build "cannot make the ring-3 copy"
chmod 755 "$out/tree/kvs" "$out/tree/kvs-r3"
gcc -static -O2 -Wall -Wextra -o "$out/tree/kvs-client" "$src/kvs-client.c" 2>"$out/gcc.err" ||
	fail build "kvs-client: $(head -3 "$out/gcc.err")"
cp "$src/cases.txt" "$src/session.txt" "$src/guest.sh" "$out/tree/"
tar -C "$out/tree" -cf "$out/tree.tar" .

. tests/realprogs/programs.sh
realprogs_vmopts redis-server redis-cli redis-benchmark || fail build "redis programs missing (make deps)"
tools/kmlvm sh --timeout 1500 "${RP_VMOPTS[@]}" --file "$out/tree.tar:/kvs/tree.tar" "$@" \
	'mkdir -p /kvs/t && cd /kvs/t && tar xf /kvs/tree.tar && sh ./guest.sh' >"$out/guest.out" 2>"$out/guest.err"
rc=$?
grep -E '^(PASS|FAIL|INFO) ' "$out/guest.out"
grep -E '^    ' "$out/guest.out" | head -n 80
passed=$(grep -c '^PASS ' "$out/guest.out")
failed=$(grep -c '^FAIL ' "$out/guest.out")
if [ $rc != 0 ]; then
	echo "FAIL kvs/boot: kmlvm exit $rc (125: an oops, warning or panic, or no result; 124: the guest hung): $(tail -n 5 "$out/guest.err" | tr '\n' ' ')"
	failed=$((failed + 1))
elif ! grep -q '^END$' "$out/guest.out"; then
	echo "FAIL kvs/boot: the guest script did not finish"
	failed=$((failed + 1))
fi
echo "kvs: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
