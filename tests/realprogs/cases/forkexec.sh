#!/bin/sh
# A shell script heavy in fork and exec (forkexec-loop), run by the
# busybox shell of this ring; every program it execs is from BIN too.
set -e
PATH=$BIN "$BIN/sh" "$CASES/forkexec-loop" 150
