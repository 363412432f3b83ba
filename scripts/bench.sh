#!/usr/bin/env bash
# The system-call benchmarks (bench/guest/syscall_bench), in one VM boot:
# the same binary, built against the KML musl, as a ring-3 process
# (/bench), as a ring-0 process forced to use `syscall`
# (/trusted/bench with KML_FORCE_SYSCALL=1), and as a ring-0 process using
# the direct entry (/trusted/bench); each against the floor, a plain
# function call of the same shape.  Modes this kernel cannot run are shown
# as unavailable.
#
# By default the guest runs under the instruction-count clock (kmlvm
# --icount), so the figures are exact instructions per call, the same from
# run to run and on any host load.  Writes:
#   build/bench/guest.txt      the guest's raw output
#   build/bench/insns.csv      call,mode,instructions
#   build/bench/insns.png      the chart
#
# Usage: scripts/bench.sh [--wall] [--vanilla]
#   --wall      wall-clock time instead (ns per call, medians of batches,
#               the modes in KML_BENCH_ROUNDS alternating rounds, default 3):
#               build/bench/guest-wall.txt, syscalls.csv, syscalls.png
#   --vanilla   instead: ring-3 figures on this kernel and on the unpatched
#               kernel of the same config (build/kernel-vanilla/bzImage,
#               from scripts/kernel-build.sh --unpatched), one boot each
#               (exact instruction counts), and the difference:
#               build/bench/vanilla-insns.csv.  With --wall: alternating
#               boots (KML_BENCH_ROUNDS each, default 2), the overhead in
#               %, build/bench/vanilla.csv.
#               KML_VANILLA_KERNEL=PATH compares against another kernel.
# KML_BENCH_SCALE scales the iteration counts (default 1 for wall clock;
# 0.05 for instruction counts, whose small batches are more often free of
# timer interrupts, so that the fastest batch is the exact count).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

wall= vanilla=
for arg in "$@"; do
	case $arg in
	--wall) wall=yes ;;
	--vanilla) vanilla=yes ;;
	*) die "usage: scripts/bench.sh [--wall] [--vanilla]" ;;
	esac
done
out=build/bench
mkdir -p "$out"
clock=--icount scale=${KML_BENCH_SCALE:-0.05}
[ -z "$wall" ] || clock= scale=${KML_BENCH_SCALE:-1}
vm() { tools/kmlvm $clock sh --no-build --timeout "${KML_BENCH_TIMEOUT:-1800}" "$@"; }

ring3_job="
echo \"@kernel \$(uname -r) cpus=\$(nproc)\"
echo '@bench ring3'; /bench/syscall_bench $scale || echo '@unavailable ring3 the benchmark failed'
"

if [ -n "$vanilla" ] && [ -z "$wall" ]; then
	vanilla=${KML_VANILLA_KERNEL:-build/kernel-vanilla/bzImage}
	[ -f "$vanilla" ] || die "no $vanilla: run 'scripts/kernel-build.sh --unpatched' (or 'make bench-vanilla')"
	mkdir -p "$out/vanilla"
	step "bench: ring 3 on the patched kernel (one boot, instruction counts)"
	vm "$ring3_job" > "$out/vanilla/patched.txt" || echo "bench: the boot ended with status $?; using what came back" >&2
	step "bench: ring 3 on the unpatched kernel (one boot, instruction counts)"
	vm --kernel "$vanilla" "$ring3_job" > "$out/vanilla/vanilla.txt" || echo "bench: the boot ended with status $?; using what came back" >&2
	echo
	python3 scripts/bench-table.py --insns --compare "$out/vanilla/patched.txt" "$out/vanilla/vanilla.txt" \
		--csv "$out/vanilla-insns.csv"
	echo
	echo "CSV: $out/vanilla-insns.csv   raw: $out/vanilla/patched.txt $out/vanilla/vanilla.txt"
	exit 0
fi

if [ -n "$vanilla" ]; then
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

# Wall clock: the modes run in alternating rounds (ring 3, ring 0 syscall,
# ring 0 direct, again, ...), each round with 1/ROUNDS of the iterations,
# so that a change of load on the host while the guest runs touches every
# mode alike; bench-table.py pools the batches of each mode.  Instruction
# counts do not depend on the host: one round.
if [ -n "$wall" ]; then
	rounds=${KML_BENCH_ROUNDS:-3}
	raw=$out/guest-wall.txt
	step "bench: one boot, three modes in $rounds alternating rounds, wall clock (QEMU TCG, 2 CPUs; a few minutes)"
else
	rounds=1
	raw=$out/guest.txt
	step "bench: one boot, three modes, instruction counts (QEMU TCG -icount, 2 CPUs; a few minutes)"
fi
rscale=$(awk -v s="$scale" -v r="$rounds" 'BEGIN { printf "%.4f", s / r }')
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
[ -z \"$wall\" ] || if [ \"\$active\" = 0 ]; then /trusted/bench/insn_cost; else /bench/insn_cost; fi
if [ \"\$active\" != 0 ]; then
	echo '@unavailable ring0-syscall KML is not active on this kernel (/trusted programs run in ring 3)'
	echo '@unavailable ring0-direct KML is not active on this kernel'
fi
" > "$raw" || rc=$?
[ "$rc" = 0 ] || echo "bench: the guest run ended with status $rc; the table shows what came back" >&2
echo
grep '^@kernel' "$raw" | sed 's/^@kernel /guest kernel: /' || true
if [ -z "$wall" ]; then
	python3 scripts/bench-table.py --insns "$raw" --csv "$out/insns.csv" --plot "$out/insns.png"
	echo
	echo "CSV: $out/insns.csv   chart: $out/insns.png   raw: $raw"
	exit "$rc"
fi
python3 scripts/bench-table.py "$raw" --csv "$out/syscalls.csv" --plot "$out/syscalls.png"
if grep -q '^@insn ' "$raw"; then
	echo
	echo "What TCG charges for the instructions of an entry path (ns a pair, ring $(sed -n 's/^@insn-ring //p' "$raw")):"
	sed -n 's/^@insn /    /p' "$raw"
fi
echo
echo "CSV: $out/syscalls.csv   chart: $out/syscalls.png   raw: $raw"
exit "$rc"
