#!/usr/bin/env bash
# Build the profiling TCG plugin (tools/profile/kmlprof.c) against the
# plugin API header of the QEMU that Debian serves:
#
#   build/profile/dl/                 what apt-get source qemu fetched (once a version)
#   build/profile/include/qemu-plugin.h   the header, from that source package
#   build/profile/kmlprof.so          the plugin (tools/kmlvm --profile loads it)
#
# The header is taken from the source package of the qemu-system-x86 that
# is installed (the plugin API must match the QEMU that loads it); only
# that file is unpacked, and only when no Debian patch touches it (else the
# whole source is unpacked with Debian's patches).  Nothing is fetched or
# rebuilt when the version, the plugin source and this script are
# unchanged.  Needs a deb-src entry; one for bookworm is added to
# /etc/apt/sources.list.d/ when apt knows no qemu source package.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

out="$top/build/profile"
dl="$out/dl"
header="$out/include/qemu-plugin.h"
plugin="$out/kmlprof.so"
srcfile="$top/tools/profile/kmlprof.c"
mkdir -p "$dl" "$out/include"

# The QEMU that will load the plugin: its source package and version.
binver=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed: run 'make deps'"
# A binary-only rebuild (+bN) comes from the same source.
ver=${binver%+b[0-9]*}
stamp=$( { echo "qemu $ver"; sha256sum "$srcfile" "$0"; } | sha256sum | cut -d' ' -f1)
if [ -f "$plugin" ] && [ -f "$header" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

if [ "$(cat "$out/include/version" 2>/dev/null)" != "$ver" ]; then
	dsc=$(ls "$dl"/qemu_"${ver#*:}".dsc 2>/dev/null || true)
	if [ -z "$dsc" ]; then
		if ! apt-cache showsrc qemu 2>/dev/null | grep -qxF "Version: $ver"; then
			list=/etc/apt/sources.list.d/kml-deb-src.sources
			[ "$(id -u)" = 0 ] || die "apt knows no qemu $ver source package; add a deb-src entry for bookworm (or run as root)"
			if [ ! -f "$list" ]; then
				step "profile: adding a deb-src entry for bookworm ($list)"
				cat > "$list" <<'LIST'
# Added by KML scripts: source packages (apt-get source).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
LIST
			fi
			apt-get update -q >/dev/null || apt-get update
		fi
		step "profile: apt-get source qemu=$ver (for qemu-plugin.h)"
		(cd "$dl" && apt-get source -q --download-only -o APT::Sandbox::User=root "qemu=$ver" >/dev/null) ||
			die "apt-get source qemu=$ver failed (network? a deb-src entry that serves $ver?)"
		dsc=$(ls "$dl"/qemu_"${ver#*:}".dsc)
	fi
	orig=$(ls "$dl"/qemu_*.orig.tar.* | head -n 1)
	debian=$(ls "$dl"/qemu_"${ver#*:}".debian.tar.* | head -n 1)
	rm -f "$header"
	if tar -xaf "$debian" -O --wildcards 'debian/patches/*' 2>/dev/null | grep -q 'include/qemu/qemu-plugin.h'; then
		# A Debian patch changes the header: unpack the whole source, patched.
		step "profile: unpacking the qemu source with Debian's patches"
		rm -rf "$out/qemu-src"
		dpkg-source --no-check -q -x "$dsc" "$out/qemu-src" >/dev/null
		cp "$out/qemu-src/include/qemu/qemu-plugin.h" "$header"
		rm -rf "$out/qemu-src"
	else
		tar -xaf "$orig" -O --wildcards '*/include/qemu/qemu-plugin.h' > "$header.tmp"
		mv "$header.tmp" "$header"
	fi
	[ -s "$header" ] || die "no include/qemu/qemu-plugin.h in the qemu $ver source"
	echo "$ver" > "$out/include/version"
fi

api=$(sed -n 's/^#define QEMU_PLUGIN_VERSION \([0-9]*\)/\1/p' "$header")
step "profile: building kmlprof.so (QEMU $ver, plugin API version $api)"
gcc -O2 -Wall -Wextra -Wno-unused-parameter -Werror -shared -fPIC -I "$out/include" \
	-o "$plugin.tmp" "$srcfile" -lpthread
mv "$plugin.tmp" "$plugin"
echo "$stamp" > "$out/stamp"
