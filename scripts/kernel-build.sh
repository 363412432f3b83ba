#!/usr/bin/env bash
# Build the guest kernel: Debian's linux-source-6.12, our patch series, our
# config, out of tree under build/kernel/.
#
#   build/kernel/pristine/   the unpacked tarball (once per Debian version)
#   build/kernel/src/        hard-linked copy of pristine + kernel/patches
#   build/kernel/obj/        the out-of-tree object directory
#   build/kernel/bzImage     the result
#
# Nothing is rebuilt when the Debian version, the series and the config
# fragment are unchanged: a stamp of all three sits next to the bzImage.
#
# Usage: scripts/kernel-build.sh [--unpatched | --debug]
#   --unpatched   build the same config without the series, into
#                 build/kernel-vanilla/ (for the overhead benchmark)
#   --debug       the series with kernel/config/kml-debug.config on top
#                 (lockdep, DEBUG_ENTRY, RCU and preemption checks), into
#                 build/kernel-debug/ (make test-debug)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

variant=kernel unpatched= debug=
series="$top/kernel/patches/series"
case "${1:-}" in
--unpatched)
	variant=kernel-vanilla
	unpatched=yes
	series=/dev/null ;;
--debug)
	variant=kernel-debug
	debug=yes ;;
"") ;;
*) die "usage: scripts/kernel-build.sh [--unpatched | --debug]" ;;
esac

tarball=/usr/src/linux-source-6.12.tar.xz
[ -r "$tarball" ] || die "$tarball is missing: run scripts/deps.sh (package linux-source-6.12)"
debver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
out="$top/build/$variant"
pristine="$top/build/kernel/pristine"

# One build of a variant at a time: a second one waits for the first, then
# finds the kernel up to date (or builds what changed since).  Variants
# build side by side; they share only the pristine tree, unpacked under a
# lock of its own.
mkdir -p "$top/build"
exec 9>"$top/build/$variant.lock"
if ! flock -n 9; then
	step "kernel: another build of $variant is running; waiting for it"
	flock 9
fi
src="$out/src"
obj="$out/obj"
mkdir -p "$out"

# The stamp names everything the bzImage depends on.
patch_list() { [ -f "$series" ] && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series" || true; }
stamp=$( {
	echo "debian $debver"
	for p in $(patch_list); do sha256sum "$top/kernel/patches/$p"; done
	sha256sum "$top/kernel/config/kml.config" "$top/scripts/kernel-build.sh" "$top/scripts/kernel-config.sh"
	[ -z "$debug" ] || sha256sum "$top/kernel/config/kml-debug.config"
	# The KTAL checker is built into the patched kernel from ktal/ itself.
	[ -n "$unpatched" ] || sha256sum "$top"/ktal/check/*.[ch] "$top"/ktal/include/*.h "$top/scripts/kernel-ktal-sources.sh"
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/bzImage" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	step "kernel: up to date ($(basename "$out")/bzImage, linux-source $debver, $(patch_list | wc -l) patches)"
	exit 0
fi

# 1. Pristine tree, unpacked once per Debian version.
exec 8>"$top/build/kernel-pristine.lock"
flock 8
if [ "$(cat "$pristine.version" 2>/dev/null)" != "$debver" ]; then
	step "kernel: unpacking linux-source $debver"
	rm -rf "$pristine" "$pristine.version"
	mkdir -p "$pristine"
	tar -xf "$tarball" -C "$pristine" --strip-components=1
	echo "$debver" > "$pristine.version"
fi
flock -u 8

# 2. Patched tree: hard links to pristine files, so unchanged files keep
# their timestamps and make recompiles only what the series touches.
src_stamp=$( { echo "$debver"; for p in $(patch_list); do sha256sum "$top/kernel/patches/$p"; done; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/src.stamp" 2>/dev/null)" != "$src_stamp" ]; then
	rm -rf "$src.old" "$out/src.stamp"
	[ -d "$src" ] && mv "$src" "$src.old"
	cp -al "$pristine" "$src"
	n=0
	for p in $(patch_list); do
		n=$((n + 1))
		f="$top/kernel/patches/$p"
		[ -f "$f" ] || die "kernel/patches/series names $p, which does not exist"
		# Patched files are written anew, which breaks their hard link
		# and so never modifies the pristine tree.
		if ! log=$(cd "$src" && patch -p1 -N -f --no-backup-if-mismatch < "$f" 2>&1); then
			echo "$log" | sed 's/^/    /' >&2
			file=$(echo "$log" | awk '/^patching file/ {f=$3} /FAILED|malformed|Reversed|can.t find file/ {print f; exit}')
			hunk=$(echo "$log" | grep -m1 -E 'Hunk #[0-9]+ FAILED' || echo "$log" | grep -m1 -E 'malformed|Reversed|can.t find' || true)
			die "patch $p does not apply to linux-source $debver: file ${file:-?}: ${hunk:-see above}"
		fi
	done
	# A patched file whose content did not change since the last tree
	# keeps its old timestamp, so make does not rebuild what includes it.
	keep_times "$src" "$pristine.version"
	echo "$src_stamp" > "$out/src.stamp"
	step "kernel: applied $n patches to linux-source $debver"
fi

# 3. The KTAL checker's sources (one source of truth: ktal/), then config
# and build.
[ -n "$unpatched" ] || "$top/scripts/kernel-ktal-sources.sh" "$src"
"$top/scripts/kernel-config.sh" "$src" "$obj" ${unpatched:+--unpatched} ${debug:+--debug}
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths below the checkout hash relative, so that two checkouts (git
# worktrees) of the same series share their cached objects.
export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=1
ccache -M 8G >/dev/null 2>&1 || true
jobs=$(nproc)
step "kernel: building bzImage with $jobs jobs (log: build/$variant/build.log)"
set +e
make -C "$src" O="$obj" CC="ccache gcc" KBUILD_BUILD_TIMESTAMP="kml" \
	KBUILD_BUILD_USER=kml KBUILD_BUILD_HOST=kml -j"$jobs" bzImage 2>&1 |
	python3 "$top/scripts/make-progress.py" "$out/build.log" "$obj/.kml-object-count"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || die "kernel build failed (exit $rc); the full log is build/$variant/build.log"
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/System.map" "$out/System.map"
echo "$stamp" > "$out/stamp"
step "kernel: built $(basename "$out")/bzImage ($(du -k "$out/bzImage" | cut -f1) KiB)"
