#!/usr/bin/env bash
# Build Debian packages of the KML kernel for ordinary virtual machines
# (make deb): linux-image-6.12.N-kml and linux-headers-6.12.N-kml, made by
# the kernel's own bindeb-pkg from Debian's linux-source-6.12, the patch
# series and kernel/config/kml.config + kml-vm.config.
#
#   build/deb/src/       its own patched tree (hard links to a pristine one)
#   build/deb/obj/       the out-of-tree object directory (bindeb-pkg runs here)
#   build/deb/*.deb      the packages (bindeb-pkg writes them next to obj/)
#   build/deb/packages   the file names of the image and headers packages
#
# The tree and the object directory are not the guest kernel's
# (build/kernel/), so this build never races scripts/kernel-build.sh.
# Nothing is rebuilt when the inputs are unchanged (a stamp of them all).
#
# Usage: scripts/deb-build.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

tarball=/usr/src/linux-source-6.12.tar.xz
[ -r "$tarball" ] || die "$tarball is missing: run scripts/deps.sh (package linux-source-6.12)"
debver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
series="$top/kernel/patches/series"
out="$top/build/deb"
src="$out/src"
obj="$out/obj"
mkdir -p "$out"

exec 9>"$top/build/deb.lock"
if ! flock -n 9; then
	step "deb: another build of the packages is running; waiting for it"
	flock 9
fi

patch_list() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series"; }
stamp=$( {
	echo "debian $debver"
	for p in $(patch_list); do sha256sum "$top/kernel/patches/$p"; done
	sha256sum "$top/kernel/config/kml.config" "$top/kernel/config/kml-vm.config" \
		"$top/scripts/deb-build.sh" "$top/scripts/kernel-config-vm.sh" \
		"$top"/ktal/check/*.[ch] "$top"/ktal/include/*.h "$top/scripts/kernel-ktal-sources.sh"
} | sha256sum | cut -d' ' -f1)
have_packages() {
	[ -f "$out/packages" ] || return 1
	while read -r f; do [ -f "$out/$f" ] || return 1; done < "$out/packages"
}
if have_packages && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	step "deb: up to date ($(tr '\n' ' ' < "$out/packages"))"
	exit 0
fi
rm -f "$out/stamp"

# 1. A pristine tree: the guest kernel's when it is of the same Debian
# version (hard links cost no space), else one of our own.
pristine="$top/build/kernel/pristine"
if [ "$(cat "$pristine.version" 2>/dev/null)" != "$debver" ]; then
	pristine="$out/pristine"
	if [ "$(cat "$pristine.version" 2>/dev/null)" != "$debver" ]; then
		step "deb: unpacking linux-source $debver"
		rm -rf "$pristine" "$pristine.version"
		mkdir -p "$pristine"
		tar -xf "$tarball" -C "$pristine" --strip-components=1
		echo "$debver" > "$pristine.version"
	fi
fi

# 2. The patched tree, made anew when the series or the Debian version
# changed.  patch writes each file it changes anew, which breaks the hard
# link and leaves the pristine tree alone.  Files no patch touches keep the
# pristine timestamps, and a patched file whose content is the same as in
# the previous tree gets that tree's timestamp back: the object directory
# rebuilds only what really changed (as scripts/kernel-build.sh does).
src_stamp=$( { echo "$debver"; for p in $(patch_list); do sha256sum "$top/kernel/patches/$p"; done; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/src.stamp" 2>/dev/null)" != "$src_stamp" ]; then
	rm -rf "$src.old" "$out/src.stamp"
	[ -d "$src" ] && mv "$src" "$src.old"
	cp -al "$pristine" "$src"
	for p in $(patch_list); do
		[ -f "$top/kernel/patches/$p" ] || die "kernel/patches/series names $p, which does not exist"
		if ! log=$(cd "$src" && patch -p1 -N -f --no-backup-if-mismatch < "$top/kernel/patches/$p" 2>&1); then
			echo "$log" | sed 's/^/    /' >&2
			die "patch $p does not apply to linux-source $debver (scripts/kernel-build.sh names the hunk)"
		fi
	done
	keep_times "$src" "$pristine.version"
	echo "$src_stamp" > "$out/src.stamp"
	step "deb: applied $(patch_list | wc -l) patches to linux-source $debver"
fi
"$top/scripts/kernel-ktal-sources.sh" "$src"

# 3. Config (checked), then bindeb-pkg.  The package version is the
# release itself (6.12.N-kml: upstream 6.12.N, Debian revision "kml").
"$top/scripts/kernel-config-vm.sh" "$src" "$obj"
release=$(make -s -C "$src" O="$obj" kernelrelease)
case "$release" in 6.12.*-kml) ;; *) die "unexpected kernel release '$release' (want 6.12.N-kml)" ;; esac
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
ccache -M 8G >/dev/null 2>&1 || true
rm -f "$out"/linux-*.deb "$out"/linux-upstream_* "$out/packages"
step "deb: building $release packages with $(nproc) jobs (log: build/deb/build.log)"
set +e
make -C "$src" O="$obj" CC="ccache gcc" KBUILD_BUILD_TIMESTAMP="kml" \
	KBUILD_BUILD_USER=kml KBUILD_BUILD_HOST=kml KDEB_PKGVERSION="$release" \
	DEB_BUILD_OPTIONS="terse" -j"$(nproc)" bindeb-pkg 2>&1 |
	python3 "$top/scripts/make-progress.py" "$out/build.log" "$obj/.kml-object-count"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || die "package build failed (exit $rc); the full log is build/deb/build.log"

arch=$(dpkg --print-architecture)
image="linux-image-${release}_${release}_$arch.deb"
headers="linux-headers-${release}_${release}_$arch.deb"
for f in "$image" "$headers"; do
	[ -f "$out/$f" ] || die "bindeb-pkg did not make $f (see build/deb/build.log)"
done
printf '%s\n' "$image" "$headers" > "$out/packages"
echo "$stamp" > "$out/stamp"
step "deb: built build/deb/$image ($(du -k "$out/$image" | cut -f1) KiB) and build/deb/$headers"
