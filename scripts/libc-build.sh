#!/usr/bin/env bash
# Build the KML libc: musl from Debian's source package, with our patches
# (libc/patches/*.patch), static, into build/libc/sysroot, and the compiler
# wrapper build/libc/bin/kml-cc that builds programs against it.
#
#   build/libc/dl/       what apt-get source fetched (.dsc and tarballs)
#   build/libc/src/      the unpacked, patched source (built in place)
#   build/libc/sysroot/  include/, lib/ (libc.a, crt*.o, musl-gcc.specs)
#   build/libc/bin/kml-cc
#
# Nothing is rebuilt when Debian's musl version, the patches, this script
# and the wrapper template are unchanged: a stamp of all four is kept in
# build/libc/stamp. Needs a deb-src entry for bookworm; one is added to
# /etc/apt/sources.list.d/ when apt knows no musl source package.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

out="$top/build/libc"
dl="$out/dl"
src="$out/src"
sysroot="$out/sysroot"
mkdir -p "$dl"

# 1. Which musl Debian serves: the source package's version.
srcver() { { apt-cache showsrc musl 2>/dev/null || true; } | awk '/^Version:/ { print $2; exit }'; }
ver=$(srcver)
if [ -z "$ver" ]; then
	list=/etc/apt/sources.list.d/kml-deb-src.sources
	[ "$(id -u)" = 0 ] || die "apt knows no musl source package; add a deb-src entry for bookworm (as root, or run this script as root)"
	if [ ! -f "$list" ]; then
		step "libc: adding a deb-src entry for bookworm ($list)"
		cat > "$list" <<'LIST'
# Added by KML scripts/libc-build.sh: source packages (apt-get source musl).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
LIST
	fi
	apt-get update -q >/dev/null || apt-get update
	ver=$(srcver)
	[ -n "$ver" ] || die "apt-get source musl: still no source package after adding $list"
fi
upver=${ver%-*}
upver=${upver#*:}

patches=("$top"/libc/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
stamp=$( {
	echo "musl $ver"
	for p in "${patches[@]}"; do sha256sum "$p"; done
	sha256sum "$top/scripts/libc-build.sh" "$top/libc/kml-cc.in"
	echo "$sysroot"
} | sha256sum | cut -d' ' -f1)
if [ -f "$sysroot/lib/libc.a" ] && [ -x "$out/bin/kml-cc" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	step "libc: up to date (musl $ver, ${#patches[@]} patches, build/libc/bin/kml-cc)"
	exit 0
fi
rm -f "$out/stamp"

# 2. The source package, fetched once per version.
dsc="$dl/musl_${ver#*:}.dsc"
if [ ! -f "$dsc" ]; then
	step "libc: apt-get source musl=$ver"
	(cd "$dl" && apt-get source -q --download-only -o APT::Sandbox::User=root "musl=$ver" >/dev/null) ||
		die "apt-get source musl=$ver failed (network? deb-src entry?)"
fi

# 3. A fresh tree: Debian's source (with Debian's own patches), then ours.
rm -rf "$src"
dpkg-source --no-check -q -x "$dsc" "$src" >/dev/null
for p in "${patches[@]}"; do
	if ! log=$(cd "$src" && patch -p1 -N -f --no-backup-if-mismatch < "$p" 2>&1); then
		echo "$log" | sed 's/^/    /' >&2
		die "libc patch $(basename "$p") does not apply to musl $ver"
	fi
done
step "libc: musl $ver with ${#patches[@]} patches; building (static, -j2)"

# 4. Build and install. Static only: programs for ring 0 are static, and
# the wrapper needs no dynamic loader in the guest.
log="$out/build.log"
(
	cd "$src"
	./configure --prefix="$sysroot" --disable-shared --enable-wrapper=gcc CFLAGS="-O2 -g0"
	make -j"${KML_JOBS:-2}"
	rm -rf "$sysroot"
	make install
) > "$log" 2>&1 || { tail -n 30 "$log" | sed 's/^/    /' >&2; die "musl build failed (full log: $log)"; }

# 5. The wrapper.
mkdir -p "$out/bin"
sed "s|@SYSROOT@|$sysroot|g" "$top/libc/kml-cc.in" > "$out/bin/kml-cc.tmp"
chmod 755 "$out/bin/kml-cc.tmp"
mv "$out/bin/kml-cc.tmp" "$out/bin/kml-cc"
echo "$stamp" > "$out/stamp"
step "libc: done (musl $upver + KML direct entry, build/libc/bin/kml-cc)"
