#!/usr/bin/env bash
# Build the Debian 12 disk image of a KML system (make disk).
#
#   build/disk/root/         the tree, made by mmdebstrap from this machine's
#                            own apt sources (Debian's archive)
#   build/disk/kml.img       an ext4 image of the tree (the whole disk, no
#                            partition table, label kml-root), made by
#                            mkfs.ext4 -d: no loop mount, no bootloader
#   build/disk/vmlinuz       the kernel and the initramfs the packages put
#   build/disk/initrd.img    in the tree's /boot, to boot the image with
#                            -kernel/-initrd (tools/kmlvm --disk)
#
# In the tree: systemd as init, the KML kernel packages of make deb
# installed with dpkg (so their initramfs-tools hook made the initramfs),
# root logged in on the serial console, redis-server from Debian with
# /trusted/bin/redis-server run in ring 0 by kml-redis.service (Debian's
# redis-server.service disabled), and the harness's job runner (disk/files,
# see /usr/local/lib/kml/kml-job).  Nothing is rebuilt when the inputs are
# unchanged (a stamp of them all).
#
# Usage: scripts/disk-build.sh   (after scripts/deb-build.sh)
# Environment: KML_DISK_SOURCES  the apt sources for mmdebstrap (default:
#              the machine's own, /etc/apt/sources.list.d/debian.sources or
#              /etc/apt/sources.list)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

out="$top/build/disk"
debs="$top/build/deb"
suite=bookworm
# Debian packages of the image beyond minbase (Essential and apt).
packages=(systemd-sysv udev dbus procps sysvinit-utils e2fsprogs kmod initramfs-tools
	redis-server grub2-common grub-pc-bin)

[ "$(id -u)" = 0 ] || die "make disk runs mmdebstrap as root (the tree's files belong to root and other users)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run scripts/deps.sh"
[ -f "$debs/packages" ] || die "no kernel packages in build/deb: run 'make deb'"
sources=${KML_DISK_SOURCES:-}
if [ -z "$sources" ]; then
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
		[ -f "$f" ] && { sources=$f; break; }
	done
fi
[ -f "${sources:-}" ] || die "no apt sources file for mmdebstrap (set KML_DISK_SOURCES)"

mkdir -p "$out"
exec 9>"$top/build/disk.lock"
if ! flock -n 9; then
	step "disk: another build of the disk is running; waiting for it"
	flock 9
fi

stamp=$( {
	echo "$suite ${packages[*]}"
	cat "$sources"
	(cd "$top" && find disk/files -print0 | sort -z | xargs -0 stat -c '%n %a' &&
		find disk/files -type f -print0 | sort -z | xargs -0 sha256sum)
	sha256sum "$top/scripts/disk-build.sh" "$top/scripts/disk-customize.sh" \
		"$top/guest/kml-qexit.c" "$top/guest/kml-ring.c"
	for p in $(cat "$debs/packages"); do echo "$p $(stat -c '%s %Y' "$debs/$p")"; done
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/kml.img" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	step "disk: up to date (build/disk/kml.img, $(cat "$out/release"))"
	exit 0
fi
rm -f "$out/stamp"
start=$(date +%s)

# Two small programs of the guest, built for the image's glibc (the same
# Debian release as this machine): kml-qexit ends the VM with a status,
# kml-ring says which ring it runs in (kmlvm run --ring0 checks with it).
mkdir -p "$out/bin"
for p in kml-qexit kml-ring; do
	gcc -O2 -Wall -o "$out/bin/$p" "$top/guest/$p.c"
done

step "disk: mmdebstrap $suite (${#packages[@]} packages and the KML kernel; log: build/disk/mmdebstrap.log)"
rm -rf "$out/root"
export KML_TOP="$top" KML_DISK_OUT="$out"
KML_DEBS=$(sed "s|^|$debs/|" "$debs/packages" | tr '\n' ' ')
export KML_DEBS
if ! mmdebstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
	--customize-hook='"$KML_TOP/scripts/disk-customize.sh" "$1"' \
	"$suite" "$out/root" "$sources" > "$out/mmdebstrap.log" 2>&1; then
	tail -30 "$out/mmdebstrap.log" >&2
	die "mmdebstrap failed (full log: build/disk/mmdebstrap.log)"
fi

release=$(cat "$out/root/.kml-release")
rm "$out/root/.kml-release"
cp "$out/root/boot/vmlinuz-$release" "$out/vmlinuz"
cp "$out/root/boot/initrd.img-$release" "$out/initrd.img"

# The image: the tree's size plus 1 GiB free, sparse; mkfs.ext4 -d copies
# the tree in (owners, modes, links, device nodes) without mounting it.
size=$(( $(du -sm "$out/root" | cut -f1) + 1024 ))
rm -f "$out/kml.img.tmp"
truncate -s "${size}M" "$out/kml.img.tmp"
mkfs.ext4 -q -F -L kml-root -d "$out/root" "$out/kml.img.tmp"
mv "$out/kml.img.tmp" "$out/kml.img"
echo "$release" > "$out/release"
echo "$stamp" > "$out/stamp"
step "disk: built build/disk/kml.img (${size} MiB, kernel $release) in $(( $(date +%s) - start )) s"
