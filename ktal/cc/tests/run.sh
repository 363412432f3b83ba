#!/bin/sh
# run.sh - the KC compiler's tests (see run.py); one line per case.
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
exec nice -n 10 "$PY" "$(dirname "$0")/run.py" "$@"
