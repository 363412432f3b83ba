# Shared shell helpers for scripts/*.sh (sourced, not executed).

# step MSG: one progress line, prefixed so it stands out from tool output.
step() { printf '==> %s\n' "$*"; }

# die MSG: an error the user can act on, then exit 1.
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# keep_times SRC PRISTINE_VERSION_FILE: after a patched tree SRC was made
# anew (hard links to the pristine tree, patched files written anew), give
# each patched file whose content is the same as in the tree it replaced
# (SRC.old) that file's old timestamp, so make does not rebuild what
# includes it; then remove SRC.old.  Patched files are those with one link
# that are newer than the pristine tree's version file.
keep_times() {
	local src=$1 mark=$2 f
	[ -d "$src.old" ] || return 0
	(cd "$src" && find . -type f -links 1 -newer "$mark" -print0) |
	while IFS= read -r -d '' f; do
		if cmp -s "$src/$f" "$src.old/$f"; then touch -r "$src.old/$f" "$src/$f"; fi
	done
	rm -rf "$src.old"
}
