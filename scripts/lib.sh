# Shared shell helpers for scripts/*.sh (sourced, not executed).

# step MSG: one progress line, prefixed so it stands out from tool output.
step() { printf '==> %s\n' "$*"; }

# die MSG: an error the user can act on, then exit 1.
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
