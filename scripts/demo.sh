#!/usr/bin/env bash
# The main job: boot the KML guest once and show what it does: the same
# program in ring 3 and from /trusted in ring 0, and what a system call
# costs in each, against a plain function call.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

step "demo: booting the guest (QEMU TCG, 2 CPUs)"
out=build/demo
mkdir -p "$out"
tools/kmlvm sh --no-build --timeout 900 '
echo "kernel: $(uname -r), $(nproc) CPUs"
dmesg | grep -i "kml" | sed "s/^/dmesg: /" | head -5
echo "ring of /bin/kml-ring:          $(/bin/kml-ring)"
echo "ring of /trusted/sbin/kml-ring: $(/trusted/sbin/kml-ring)"
echo "@bench ring3"; /bench/syscall_bench 0.5
if [ "$(/trusted/sbin/kml-ring)" = 0 ]; then
	echo "@bench ring0-syscall"; KML_FORCE_SYSCALL=1 /trusted/bench/syscall_bench 0.5
	echo "@bench ring0-direct"
	/trusted/bench/syscall_bench --require-direct 0.5 || echo "@unavailable ring0-direct the kernel offers no direct entry"
else
	echo "@unavailable ring0-syscall KML is not active on this kernel"
	echo "@unavailable ring0-direct KML is not active on this kernel"
fi
' > "$out/guest.txt"
sed -n '/^@bench/q;p' "$out/guest.txt"
echo
python3 scripts/bench-table.py "$out/guest.txt"
