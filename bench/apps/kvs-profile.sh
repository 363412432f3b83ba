#!/usr/bin/env bash
# Where the instructions of a GET to the verified key-value server
# (ktal/programs/kvs.kc) go, in ring 3 (the object run by its ring-3
# runtime) and in ring 0 (verified), in one boot on one virtual CPU under
# the instruction-count clock with the profiling TCG plugin (tools/profile).
# In each ring: the server starts, 2000 GETs warm it up, then the region
# (kvs-client mark open/close) holds N GETs of the ring-3 redis-benchmark,
# 50 clients, -P 1: every instruction of the one CPU in between, client,
# server and kernel, is counted and attributed to a kernel symbol or to
# "[user]".  Prints instructions per request by symbol in both rings, and
# the SYSCALLs per request.  Writes build/apps/kvs-profile.{guest,plugin}.txt.
#
#   bench/apps/kvs-profile.sh [N] [kmlvm VM options...]     (N: 5000)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/lib.sh
n=5000
case "${1:-}" in [0-9]*) n=$1; shift ;; esac
out=build/apps
mkdir -p "$out/kvs-profile"
t=$out/kvs-profile
make -s -C ktal all >/dev/null
ktal/build/ktal-cc -o "$t/kvs" ktal/programs/kvs.kc
python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); assert b.count(b".ktal.hdr\0") == 1
open(sys.argv[2], "wb").write(b.replace(b".ktal.hdr\0", b".ktal.hdX\0"))' "$t/kvs" "$t/kvs-r3"
gcc -static -O2 -Wall -Wextra -o "$t/kvs-client" tests/kvs/kvs-client.c
chmod 755 "$t/kvs" "$t/kvs-r3" "$t/kvs-client"
. tests/realprogs/programs.sh
realprogs_vmopts redis-cli redis-benchmark
rm -f "$out/kvs-profile.plugin.txt"
step "kvs-profile: $n GETs in each ring, one boot, one CPU (QEMU TCG -icount with the profiling plugin)"
tools/kmlvm --icount --profile "$out/kvs-profile.plugin.txt" sh --cpus 1 --timeout 1800 "${RP_VMOPTS[@]}" \
	--file "$t/kvs:/p/kvs" --file "$t/kvs-r3:/p/kvs-r3" --file "$t/kvs-client:/p/kvs-client" "$@" "
cd /p && chmod 755 /p /p/*
B=/realprogs/bin
for tag in 0 1; do
	if [ \$tag = 1 ]; then prog=./kvs; else prog=./kvs-r3; fi
	\$prog 6401 >/tmp/kvs.log 2>&1 & pid=\$!
	until \$B/redis-cli -p 6401 ping >/dev/null 2>&1; do sleep 0.1; done
	echo \"@ring \$tag \$(sed -n 's/^KernelMode:[[:space:]]*//p' /proc/\$pid/status)\"
	\$B/redis-benchmark -p 6401 -t get -n 2000 -c 50 -P 1 --csv >/dev/null 2>&1
	./kvs-client mark open \$tag
	\$B/redis-benchmark -p 6401 -t get -n $n -c 50 -P 1 --csv 2>/dev/null
	./kvs-client mark close \$tag
	kill \$pid; wait \$pid || true
done
" >"$out/kvs-profile.guest.txt"
python3 - "$out/kvs-profile.plugin.txt" "$out/kvs-profile.guest.txt" "$n" <<'PYEOF'
import collections, sys
plugin, guest, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ring = {}
for l in open(guest):
    p = l.split()
    if p[:1] == ["@ring"]:
        ring[int(p[1])] = p[2]
if ring != {0: "0", 1: "1"}:
    sys.exit(f"kvs-profile: the servers ran in the wrong rings (tag: KernelMode): {ring}")
sym = {0: collections.Counter(), 1: collections.Counter()}
sysc = {0: 0, 1: 0}
for l in open(plugin):
    p = l.split()
    if p[:1] == ["@sym"] and int(p[1]) in sym:
        sym[int(p[1])][" ".join(p[3:])] += int(p[2])
    elif p[:1] == ["@costly"] and p[2] == "SYSCALL" and int(p[1]) in sysc:
        sysc[int(p[1])] += int(p[3])
tot = {t: sum(sym[t].values()) / n for t in sym}
print(f"{'per GET request (' + str(n) + ' requests, 50 clients, -P 1)':<44}{'ring 3':>10}{'ring 0':>10}{'0 - 3':>9}")
print("-" * 73)
print(f"{'all instructions on the CPU':<44}{tot[0]:>10.0f}{tot[1]:>10.0f}{tot[1] - tot[0]:>+9.0f}")
print(f"{'SYSCALL instructions (client and server)':<44}{sysc[0] / n:>10.2f}{sysc[1] / n:>10.2f}{(sysc[1] - sysc[0]) / n:>+9.2f}")
keys = set()
for t in sym:
    keys |= {k for k, _ in sym[t].most_common(25)}
for k in sorted(keys, key=lambda k: -(sym[0][k] + sym[1][k])):
    print(f"{k[:43]:<44}{sym[0][k] / n:>10.0f}{sym[1][k] / n:>10.0f}{(sym[1][k] - sym[0][k]) / n:>+9.0f}")
print(f"ring 0: {(tot[0] - tot[1]) / tot[0] * 100:.1f}% fewer instructions a request than ring 3")
print("[user]: the client's and the server's own code; kernel symbols from the kernel's System.map.")
PYEOF
