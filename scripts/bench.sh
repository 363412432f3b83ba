#!/usr/bin/env bash
# The system-call benchmarks (bench/guest/syscall_bench), in one VM boot:
# the same binary, built against the KML musl, as a ring-3 process
# (/bench), as a ring-0 process forced to use `syscall`
# (/trusted/bench with KML_FORCE_SYSCALL=1), and as a ring-0 process using
# the direct entry (/trusted/bench); each against the floor, a plain
# function call of the same shape.  Modes this kernel cannot run are shown
# as unavailable.  Writes:
#   build/bench/guest.txt      the guest's raw output
#   build/bench/syscalls.csv   one line a (call, mode)
#   build/bench/syscalls.png   the chart
#
# Usage: scripts/bench.sh [--vanilla]
#   --vanilla   instead: ring-3 figures on this kernel and on the unpatched
#               kernel of the same config (build/kernel-vanilla/bzImage,
#               from scripts/kernel-build.sh --unpatched), in alternating
#               boots (KML_BENCH_ROUNDS each, default 2), and the overhead.
#               KML_VANILLA_KERNEL=PATH compares against another kernel.
#               Writes build/bench/vanilla.csv.
# KML_BENCH_SCALE scales the iteration counts (default 1; 0.1 is quick);
# KML_BENCH_ROUNDS: alternating rounds of the modes (default 3), or, with
# --vanilla, boots of each kernel (default 2).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

out=build/bench
mkdir -p "$out"
scale=${KML_BENCH_SCALE:-1}
vm() { tools/kmlvm sh --no-build --timeout "${KML_BENCH_TIMEOUT:-1800}" "$@"; }

ring3_job="
echo \"@kernel \$(uname -r) cpus=\$(nproc)\"
echo '@bench ring3'; /bench/syscall_bench $scale || echo '@unavailable ring3 the benchmark failed'
"

if [ "${1:-}" = --vanilla ]; then
	vanilla=${KML_VANILLA_KERNEL:-build/kernel-vanilla/bzImage}
	[ -f "$vanilla" ] || die "no $vanilla: run 'scripts/kernel-build.sh --unpatched' (or 'make bench-vanilla')"
	rounds=${KML_BENCH_ROUNDS:-2}
	mkdir -p "$out/vanilla"
	pat=() van=()
	for i in $(seq "$rounds"); do
		step "bench: ring 3 on the patched kernel (boot $i of $rounds)"
		vm "$ring3_job" > "$out/vanilla/patched-$i.txt" || echo "bench: the boot ended with status $?; using what came back" >&2
		pat+=("$out/vanilla/patched-$i.txt")
		step "bench: ring 3 on the unpatched kernel (boot $i of $rounds)"
		vm --kernel "$vanilla" "$ring3_job" > "$out/vanilla/vanilla-$i.txt" || echo "bench: the boot ended with status $?; using what came back" >&2
		van+=("$out/vanilla/vanilla-$i.txt")
	done
	echo
	python3 scripts/bench-table.py --compare "$(IFS=,; echo "${pat[*]}")" "$(IFS=,; echo "${van[*]}")" \
		--csv "$out/vanilla.csv"
	echo
	echo "CSV: $out/vanilla.csv"
	exit 0
fi

# The modes run in alternating rounds (ring 3, ring 0 syscall, ring 0
# direct, again, ...), each round with 1/ROUNDS of the iterations, so that
# a change of load on the host while the guest runs touches every mode alike;
# bench-table.py pools the batches of each mode.
rounds=${KML_BENCH_ROUNDS:-3}
rscale=$(awk -v s="$scale" -v r="$rounds" 'BEGIN { printf "%.4f", s / r }')
step "bench: one boot, three modes in $rounds alternating rounds (QEMU TCG, 2 CPUs; a few minutes)"
rc=0
vm "
echo \"@kernel \$(uname -r) cpus=\$(nproc)\"
active=\$(/trusted/sbin/kml-ring 2>/dev/null)
direct=yes
for round in \$(seq $rounds); do
	echo '@bench ring3'; /bench/syscall_bench $rscale || echo '@unavailable ring3 the benchmark failed'
	[ \"\$active\" = 0 ] || continue
	echo '@bench ring0-syscall'
	KML_FORCE_SYSCALL=1 /trusted/bench/syscall_bench $rscale || echo '@unavailable ring0-syscall the benchmark failed'
	[ \$direct = yes ] || continue
	echo '@bench ring0-direct'
	if ! /trusted/bench/syscall_bench --require-direct $rscale; then
		echo '@unavailable ring0-direct the kernel offers no direct entry (no AT_SYSINFO in ring 0)'
		direct=no
	fi
done
if [ \"\$active\" = 0 ]; then /trusted/bench/insn_cost; else /bench/insn_cost; fi
if [ \"\$active\" != 0 ]; then
	echo '@unavailable ring0-syscall KML is not active on this kernel (/trusted programs run in ring 3)'
	echo '@unavailable ring0-direct KML is not active on this kernel'
fi
" > "$out/guest.txt" || rc=$?
[ "$rc" = 0 ] || echo "bench: the guest run ended with status $rc; the table shows what came back" >&2
echo
grep '^@kernel' "$out/guest.txt" | sed 's/^@kernel /guest kernel: /' || true
python3 scripts/bench-table.py "$out/guest.txt" --csv "$out/syscalls.csv" --plot "$out/syscalls.png"
if grep -q '^@insn ' "$out/guest.txt"; then
	echo
	echo "What TCG charges for the instructions of an entry path (ns a pair, ring $(sed -n 's/^@insn-ring //p' "$out/guest.txt")):"
	sed -n 's/^@insn /    /p' "$out/guest.txt"
fi
echo
echo "CSV: $out/syscalls.csv   chart: $out/syscalls.png   raw: $out/guest.txt"
exit "$rc"
