#!/usr/bin/env bash
# Make OBJ/.config from allnoconfig plus kernel/config/kml.config, then
# check that every option the fragment asks for ended up in the .config
# (Kconfig silently drops options whose dependencies are not met).
#
# Usage: scripts/kernel-config.sh SRC OBJ [--unpatched | --debug]
#   --unpatched   SRC is the tree without the series: options that no
#                 Kconfig file of SRC defines (CONFIG_KERNEL_MODE_LINUX) are
#                 left out instead of failing the check.
#   --debug       kernel/config/kml-debug.config on top of the fragment,
#                 checked the same way
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
src=$1 obj=$2 unpatched= frags=("$top/kernel/config/kml.config")
case "${3:-}" in
--unpatched) unpatched=--unpatched ;;
--debug) frags+=("$top/kernel/config/kml-debug.config") ;;
esac
mkdir -p "$obj"
frag="$obj/kml-fragments.config"
cat "${frags[@]}" > "$frag"

make -s -C "$src" O="$obj" KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null
make -s -C "$src" O="$obj" olddefconfig >/dev/null

missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	name=${want#\# }; name=${name%%[= ]*}
	if ! grep -qxF -- "$want" "$obj/.config"; then
		if [ "$unpatched" = --unpatched ] &&
			! grep -rqE --include='Kconfig*' "^(menu)?config ${name#CONFIG_}\$" "$src"; then
			echo "kernel config: $name is not defined by this tree, left out" >&2
			continue
		fi
		got=$(grep -E "^(# )?$name[= ]" "$obj/.config" || echo "absent")
		echo "kernel config: asked for '$want', got '$got'" >&2
		missing=$((missing + 1))
	fi
done < "$frag"
[ "$missing" = 0 ] || die "$missing option(s) of kernel/config/kml.config did not survive olddefconfig (see above)"
