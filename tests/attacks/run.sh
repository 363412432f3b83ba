#!/usr/bin/env bash
# The attack suite, from the host: build the attacks (build/attacks/), boot
# the guest with them, run guest-run.sh there and pass its lines back.
#
#   tests/attacks/run.sh [kmlvm VM options...] [-- FILTER]
#
# e.g. tests/attacks/run.sh --no-build --cpus 2
#      tests/attacks/run.sh --append pti=on -- ptrace
# Prints one line an attack ("PASS attacks/NAME: blocked (how)" or
# "FAIL attacks/NAME: what got through") and exits non-zero if any failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/tests/attacks
out=$top/build/attacks
vmopts=() filter=
while [ $# -gt 0 ]; do
	case "$1" in
	--) shift; filter=${1:-}; break ;;
	*) vmopts+=("$1"); shift ;;
	esac
done

CFLAGS=(-O2 -Wall -Wextra -Wno-unused-parameter -g0)
mkdir -p "$out/bin" "$out/lib" "$out/evil"
build() {	# build OUT CC ARGS...: only when a source is newer
	local target=$1; shift
	if [ ! -e "$target" ] || [ -n "$(find "$src" -newer "$target" -name '*.[ch]' | head -n 1)" ]; then
		"$@" -o "$target"
	fi
}
for c in "$src"/*.c; do
	name=$(basename "$c" .c)
	case "$name" in
	victim|kmlv|evil|loader|fd_after) ;;
	*) build "$out/bin/$name" musl-gcc -static "${CFLAGS[@]}" "$c" ;;
	esac
done
build "$out/bin/victim" musl-gcc -static "${CFLAGS[@]}" "$src/victim.c"
for name in ld_preload ld_library_path ld_audit; do
	build "$out/bin/$name" musl-gcc -static "${CFLAGS[@]}" "$src/loader.c"
done
for name in fd_after_unlink fd_after_rename; do
	build "$out/bin/$name" musl-gcc -static "${CFLAGS[@]}" "$src/fd_after.c"
done
# The dynamic victim and its library (root installs both under
# /trusted/attacks), and the attacker's library of the same soname.
build "$out/lib/libkmlv.so" gcc -shared -fPIC "${CFLAGS[@]}" -Wl,-soname,libkmlv.so "$src/kmlv.c"
build "$out/evil/libkmlv.so" gcc -shared -fPIC "${CFLAGS[@]}" -Wl,-soname,libkmlv.so "$src/evil.c"
build "$out/bin/victim_dyn" gcc "${CFLAGS[@]}" -DWITH_LIB "$src/victim.c" -L"$out/lib" -lkmlv \
	-Wl,-rpath,/trusted/attacks/lib

files=(--file "$src/guest-run.sh:/attacks/run.sh"
       --file "$out/lib/libkmlv.so:/attacks/lib/libkmlv.so"
       --file "$out/evil/libkmlv.so:/attacks/evil/libkmlv.so")
[ ! -f "$src/cpu-state.sh" ] || files+=(--file "$src/cpu-state.sh:/attacks/cpu-state.sh")
for f in "$out"/bin/*; do
	files+=(--file "$f:/attacks/bin/$(basename "$f")")
done
[ -z "${ATTACKS_BUILD_ONLY:-}" ] || exit 0	# build the attacks, boot nothing
exec "$top/tools/kmlvm" sh --timeout 900 "${files[@]}" "${vmopts[@]}" "/attacks/run.sh '$filter'"
