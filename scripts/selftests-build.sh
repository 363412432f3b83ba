#!/usr/bin/env bash
# Build the kernel's own x86 selftests (tools/testing/selftests/x86 of the
# patched source tree), 64-bit variants, into build/guest/selftests-x86/.
# The guest image carries them under /selftests/x86 and, for ring-0 runs,
# /trusted/selftests/x86; guest/run-selftests.sh runs them in both rings.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
src="$top/build/kernel/src"
obj="$top/build/kernel/obj"
out="$top/build/guest/selftests-x86"
[ -d "$src/tools/testing/selftests/x86" ] || die "no kernel source tree: run 'make kernel' first"
stamp=$(cat "$top/build/kernel/src.stamp" 2>/dev/null || echo none)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
	exit 0
fi
step "selftests: building tools/testing/selftests/x86 (64-bit)"
make -s -C "$src" O="$obj" headers >/dev/null
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src/tools/testing/selftests/x86" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $obj/usr/include" all_64 >"$out/build.log" 2>&1 ||
	{ tail -20 "$out/build.log" >&2; die "building the x86 selftests failed (log: $out/build.log)"; }
rm -f "$out"/*.o "$out/build.log"
ls "$out" >/dev/null
echo "$stamp" > "$out/.stamp"
step "selftests: $(ls "$out" | wc -l) programs"
