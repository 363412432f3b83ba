#!/usr/bin/env bash
# host.sh - the verified key-value server (ktal/programs/kvs.kc) on the
# host, through the ring-3 runtime its object carries, against Debian's
# redis-server on the host: the quick half of tests/kvs (run.sh is the
# guest half, in ring 0 and ring 3 as uid 1000).
#
#   tests/kvs/host.sh
#
# Prints "PASS kvs-host/NAME" or "FAIL kvs-host/NAME: why" a case: cases
# (the replies to cases.txt are redis-server's, byte for byte), redis-cli
# (session.txt), hostile/*, conns/*, churn/*, memory (VmRSS after 2200
# churn rounds within 2x of after 200), alive; exits 1 if one failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
src=tests/kvs
out=$top/build/kvs-host
rm -rf "$out"; mkdir -p "$out"
failed=0
pass() { echo "PASS kvs-host/$1"; }
fail() { echo "FAIL kvs-host/$1: $2"; failed=1; }

make -s -C ktal all >/dev/null 2>"$out/make.err" || { fail build "make -C ktal: $(head -3 "$out/make.err")"; exit 1; }
ktal/build/ktal-cc -o "$out/kvs" ktal/programs/kvs.kc 2>"$out/cc.err" || { fail build "ktal-cc: $(head -3 "$out/cc.err")"; exit 1; }
gcc -O2 -Wall -Wextra -o "$out/kvs-client" "$src/kvs-client.c" 2>"$out/gcc.err" ||
	{ fail build "kvs-client: $(head -3 "$out/gcc.err")"; exit 1; }

# two free ports below the ephemeral range (a client's port taken from
# that range could hold one of ours by the time the server binds it)
read -r rport kport < <(python3 -c 'import random, socket
found = []
while len(found) < 2:
    p = random.randrange(20000, 30000)
    try:
        with socket.socket() as s: s.bind(("127.0.0.1", p))
        found.append(p)
    except OSError: pass
print(*found)')
redis-server --port "$rport" --bind 127.0.0.1 --dir "$out" --save '' --appendonly no --logfile "$out/redis.log" &
rpid=$!
"$out/kvs" "$kport" >"$out/kvs.log" 2>&1 &
kpid=$!
trap 'kill $rpid $kpid 2>/dev/null' EXIT
up() {
	local i=0
	until [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1
		sleep 0.1
	done
}
up "$rport" || { fail setup "redis-server did not start: $(cat "$out/redis.log")"; exit 1; }
up "$kport" || { fail setup "kvs did not start: $(cat "$out/kvs.log")"; exit 1; }

for p in "$rport" "$kport"; do
	"$out/kvs-client" cases "$p" "$src/cases.txt" >"$out/cases.$p" 2>&1
	redis-cli -p "$p" <"$src/session.txt" >"$out/cli.$p" 2>&1
done
for t in cases cli; do
	if cmp -s "$out/$t.$rport" "$out/$t.$kport"; then pass "$t"
	else fail "$t" "differs from redis-server's:"; diff "$out/$t.$rport" "$out/$t.$kport" | head -n 20 | sed 's/^/    | /'; fi
done
sed "s#^\(PASS\|FAIL\) #\1 kvs-host/#" < <("$out/kvs-client" hostile "$kport"; "$out/kvs-client" conns "$kport" 200;
	"$out/kvs-client" churn "$kport" 200) | tee "$out/client.out"
grep -q '^FAIL ' "$out/client.out" && failed=1
r1=$(awk '/^VmRSS/ { print $2 }' /proc/$kpid/status)
"$out/kvs-client" churn "$kport" 2000 | sed "s#^\(PASS\|FAIL\) #\1 kvs-host/#" | tee "$out/churn.out"
grep -q '^FAIL ' "$out/churn.out" && failed=1
r2=$(awk '/^VmRSS/ { print $2 }' /proc/$kpid/status)
if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -le $((2 * r1)) ]; then pass "memory (VmRSS $r1 kB after 200 churn rounds, $r2 kB after 2200)"
else fail memory "VmRSS $r1 kB after 200 churn rounds, $r2 kB after 2200"; fi
if kill -0 $kpid 2>/dev/null; then pass alive; else fail alive "the server died: $(cat "$out/kvs.log")"; fi
exit $failed
