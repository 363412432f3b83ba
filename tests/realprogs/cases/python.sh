#!/bin/sh
# python3 runs python.py (this directory): the interpreter, its standard
# library, threads, fork, subprocesses, signals, a process pool.
exec "$BIN/python3" "$CASES/python.py"
