#!/usr/bin/env bash
# Make OBJ/.config for the Debian packages: allnoconfig plus
# kernel/config/kml.config plus kernel/config/kml-vm.config, then check that
# every option the two fragments ask for ended up in the .config, as
# scripts/kernel-config.sh does for the guest kernel.  When both fragments
# name an option, the later line wins (as it does for Kconfig), and only
# that value is checked.
#
# Usage: scripts/kernel-config-vm.sh SRC OBJ
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
src=$1 obj=$2
frags=("$top/kernel/config/kml.config" "$top/kernel/config/kml-vm.config")
mkdir -p "$obj"
cat "${frags[@]}" > "$obj/kml-vm.fragment"

# Kconfig warns about each option the second fragment sets anew: expected.
make -s -C "$src" O="$obj" KCONFIG_ALLCONFIG="$obj/kml-vm.fragment" allnoconfig >/dev/null 2>&1 ||
	make -C "$src" O="$obj" KCONFIG_ALLCONFIG="$obj/kml-vm.fragment" allnoconfig
make -s -C "$src" O="$obj" olddefconfig >/dev/null

# The value asked for last, one line per option, in fragment order.
wanted=$(awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { name = $0; sub(/=.*/, "", name) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { name = $2 }
	name != "" { if (!(name in line)) order[n++] = name; line[name] = $0; name = "" }
	END { for (i = 0; i < n; i++) print line[order[i]] }' "$obj/kml-vm.fragment")

missing=0
while IFS= read -r want; do
	name=${want#\# }; name=${name%%[= ]*}
	if ! grep -qxF -- "$want" "$obj/.config"; then
		got=$(grep -E "^(# )?${name}[= ]" "$obj/.config" || echo "absent")
		echo "kernel config: asked for '$want', got '$got'" >&2
		missing=$((missing + 1))
	fi
done <<< "$wanted"
[ "$missing" = 0 ] || die "$missing option(s) of kernel/config/kml.config + kml-vm.config did not survive olddefconfig (see above)"
step "kernel config (vm): $(wc -l <<< "$wanted") options of kml.config + kml-vm.config checked"
