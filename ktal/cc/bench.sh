#!/bin/bash
# bench.sh - make -C ktal bench-cc: instructions executed by wc and sort
# (ktal/programs, compiled by ktal-cc) over a 1 MB text against the same
# algorithms in C with gcc -O2 (ktal/cc/bench/*.c), counted by valgrind
# --tool=callgrind; and the compile time of the largest program.
cd "$(dirname "$0")/.." || exit 2
B=build
T=$B/bench-cc
mkdir -p "$T"
command -v valgrind >/dev/null || { echo "bench-cc: valgrind is needed (apt-get install valgrind)"; exit 2; }
python3 - "$T/input.txt" <<'PY'
import random, sys
r = random.Random(1)
w = ["alpha", "beta", "gamma", "delta", "KTAL", "ring", "zero", "x", "foo", "bar", "lorem", "ipsum"]
out, n = [], 0
while n < 1 << 20:
    l = " ".join(r.choice(w) for _ in range(r.randint(0, 12))) + "\n"
    out.append(l)
    n += len(l)
open(sys.argv[1], "w").write("".join(out)[: 1 << 20])
PY
count() { # prog: instructions of one run on the input
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" < "$T/input.txt" 2>&1 >/dev/null |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
fail=0
printf '%-6s %14s %14s %7s\n' program ktal-cc "gcc -O2" ratio
for p in wc sort; do
	$B/ktal-cc -o "$T/$p" programs/lib.kc programs/$p.kc || exit 1
	$B/ktal-check -q "$T/$p" || { echo "bench-cc: $p refused by the checker"; exit 1; }
	gcc -O2 -o "$T/$p-c" cc/bench/$p.c || exit 1
	cmp -s <("$T/$p" < "$T/input.txt") <("$T/$p-c" < "$T/input.txt") || { echo "bench-cc: $p and $p.c differ"; fail=1; }
	k=$(count "$T/$p"); c=$(count "$T/$p-c")
	r=$(awk -v k="$k" -v c="$c" 'BEGIN { printf "%.2f", k / c }')
	printf '%-6s %14d %14d %6sx\n' "$p" "$k" "$c" "$r"
	awk -v r="$r" 'BEGIN { exit !(r > 3) }' && { echo "bench-cc: $p is over 3x"; fail=1; }
done
# compile time of the largest program: best of 10, as CPU time (user +
# system of ktal-cc and the ktal-as it runs) and as wall time; the limit
# applies to CPU time, which a loaded machine does not inflate
big=$(ls -S programs/*.kc | grep -v lib.kc | head -1)
python3 - "$B/ktal-cc" "$T/big" programs/lib.kc "$big" <<'PY' || fail=1
import resource, subprocess, sys, time
cc, out, srcs = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = sum(1 for s in srcs for _ in open(s))
cpu, wall = [], []
for _ in range(10):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([cc, "-o", out] + srcs, check=True)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
    wall.append((t1 - t0) * 1000)
print("compile time of %s (with lib.kc, %d lines, through ktal-as): %.1f ms CPU, %.1f ms wall (best of 10)"
      % (srcs[-1], lines, min(cpu), min(wall)))
if min(cpu) >= 100:
    print("bench-cc: compile time over 100 ms")
    sys.exit(1)
PY
# compile time of every program (CPU, best of 5), and the bc interpreter
# (programs/bc.kc) beside Debian's bc on cc/bench/interp.bc: the same
# output, and the CPU time of each (best of 5)
python3 - "$B/ktal-cc" "$T" <<'PY' || fail=1
import glob, os, resource, subprocess, sys
cc, t = sys.argv[1], sys.argv[2]

def cpu(cmd, stdin=None):
    best = None
    for _ in range(5):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, input=stdin, capture_output=True, check=True).stdout
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        ms = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000
        best = ms if best is None else min(best, ms)
    return best, out

print("compile time, CPU ms (best of 5; with lib.kc, through ktal-as):")
for src in sorted(glob.glob("programs/*.kc")):
    name = os.path.basename(src)[:-3]
    if name == "lib":
        continue
    lines = sum(1 for f in ("programs/lib.kc", src) for _ in open(f))
    ms, _ = cpu([cc, "-o", os.path.join(t, name), "programs/lib.kc", src])
    print("  %-9s %5d lines %7.1f ms" % (name, lines, ms))
prog = open("cc/bench/interp.bc", "rb").read()
k, ko = cpu([os.path.join(t, "bc")], prog)
b, bo = cpu(["bc"], prog)
if ko != bo:
    print("bench-cc: bc.kc and Debian's bc differ on cc/bench/interp.bc")
    sys.exit(1)
print("interpreter on cc/bench/interp.bc, CPU ms (best of 5): bc.kc %.1f, Debian's bc %.1f: %.2fx"
      % (k, b, k / b if b else 0))
PY
exit $fail
