#!/usr/bin/env bash
# Install what the build, the VM and the tests need, with apt-get.
# Safe to run again: it only asks apt for packages that are missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

packages=(
	# the kernel build
	gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils ccache
	linux-source-6.12 patch
	# the guest and the VM
	qemu-system-x86 busybox-static musl-tools python3
	# charts of the benchmarks
	gnuplot-nox
)
# Each part of the project may name its own packages in a deps.list.
for list in "$top"/*/deps.list; do
	[ -f "$list" ] || continue
	while read -r p _; do
		case "$p" in ''|'#'*) ;; *) packages+=("$p") ;; esac
	done < "$list"
done

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
	step "deps: all ${#packages[@]} packages present"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them: apt-get install ${missing[*]}"
step "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || apt-get update
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
	apt-get install -y --no-install-recommends "${missing[@]}"
step "deps: done"
