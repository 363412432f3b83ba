#!/usr/bin/env bash
# mmdebstrap's customize hook for scripts/disk-build.sh: turn the fresh
# Debian tree ROOT into a KML system.  Runs on the host while ROOT is still
# set up for chroot (proc, sys and dev mounted by mmdebstrap).
#
# Usage (from disk-build.sh): disk-customize.sh ROOT
# Environment: KML_TOP (the project), KML_DISK_OUT (build/disk),
#              KML_DEBS (the kernel packages, space-separated paths)
set -euo pipefail
root=$1
. "$KML_TOP/scripts/lib.sh"
run_in() { chroot "$root" "$@"; }

# 1. The files of disk/files (units, the job runner, fstab, host name),
# and the two guest programs.  fstab first: the initramfs-tools hook reads
# it to put the root file system's fsck into the initramfs.
cp -r --no-preserve=ownership "$KML_TOP/disk/files/." "$root/"
install -m 0755 "$KML_DISK_OUT/bin/kml-qexit" "$root/usr/local/sbin/kml-qexit"

# 2. The kernel packages, installed as an administrator would: dpkg -i.
# Their postinst runs /etc/kernel/postinst.d/: initramfs-tools makes
# /boot/initrd.img-RELEASE; GRUB's hook runs update-grub only where
# /boot/grub/grub.cfg exists (a system booted by GRUB, not this tree).
mkdir -p "$root/tmp/kml-debs"
# shellcheck disable=SC2086
cp $KML_DEBS "$root/tmp/kml-debs/"
run_in sh -c 'dpkg -i /tmp/kml-debs/*.deb'
rm -rf "$root/tmp/kml-debs"
release=$(cd "$root/boot" && ls vmlinuz-*-kml | sed 's/^vmlinuz-//')
[ "$(echo "$release" | wc -w)" = 1 ] || die "expected one KML kernel in /boot, found: $release"
[ -s "$root/boot/initrd.img-$release" ] || die "the initramfs-tools hook made no /boot/initrd.img-$release"
echo "$release" > "$root/.kml-release"

# 3. The trusted directory: root's alone, so the trust rule holds for what
# is in it.  A copy of Debian's redis-server (its libraries and loader stay
# where they are, root's too), and kml-ring.
install -d -m 0755 -o root -g root "$root/trusted" "$root/trusted/bin" "$root/trusted/sbin"
install -m 0755 -o root -g root "$root/usr/bin/redis-server" "$root/trusted/bin/redis-server"
install -m 0755 -o root -g root "$KML_DISK_OUT/bin/kml-ring" "$root/trusted/sbin/kml-ring"

# 4. Accounts and services: root without a password (logged in on the
# serial console anyway), an unprivileged user kml (uid 1000), the trusted
# redis instead of Debian's, and the job runner.
run_in passwd -d root >/dev/null
run_in useradd -m -u 1000 -s /bin/bash kml
run_in systemctl disable --quiet redis-server.service
run_in systemctl enable --quiet kml-redis.service kml-job.service
