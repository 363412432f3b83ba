#!/usr/bin/env python3
"""Turn kbuild's output into a progress line every few seconds.

Usage: make ... 2>&1 | make-progress.py LOG COUNTFILE

Every line goes to LOG.  The terminal gets, every 10 seconds, what step the
build is at and how far it is: the number of objects built against the
number a complete build of this tree needed (the largest count seen, kept in
COUNTFILE; the first build estimates).  Compiler errors and warnings are shown at once.
"""
import re
import sys
import time

FIRST_BUILD_ESTIMATE = 1750
STEP = re.compile(r"^\s+(CC|AS|LD|AR|HOSTCC|HOSTLD|GEN|OBJCOPY|VDSO\w*|SYSTBL|BTF|KSYMS|SORTTAB|ZOFFSET|MKPIGGY|OBJTOOL|UPD|CPUSTR|RELOCS|VOFFSET|LDS|CALL|BUILD|MODPOST)\s+(\S+)")
NOTEWORTHY = re.compile(r"(error|warning):|\*\*\*|objtool", re.IGNORECASE)


def main():
    log_path, count_path = sys.argv[1], sys.argv[2]
    try:
        with open(count_path) as f:
            total, estimated = int(f.read().strip()), False
    except (OSError, ValueError):
        total, estimated = FIRST_BUILD_ESTIMATE, True
    done = 0
    current = "configuring"
    last = time.monotonic()
    start = last
    with open(log_path, "w", buffering=1) as log:
        for line in sys.stdin:
            log.write(line)
            m = STEP.match(line)
            if m:
                done += 1
                current = f"{m.group(1)} {m.group(2)}"
            elif NOTEWORTHY.search(line):
                sys.stdout.write("    " + line)
            now = time.monotonic()
            if now - last >= 10:
                last = now
                pct = min(99, 100 * done // max(total, 1))
                approx = "~" if estimated else ""
                print(f"    [{int(now - start):4d}s] {done} steps, {approx}{pct}%: {current}", flush=True)
    # Keep the largest count seen: that of a complete build.  Incremental
    # and interrupted builds do fewer steps and must not lower the count,
    # nor the first build's estimate: the first build may be interrupted.
    if done > total:
        try:
            with open(count_path, "w") as f:
                f.write(f"{done}\n")
        except OSError:
            pass
    print(f"    [{int(time.monotonic() - start):4d}s] {done} steps done", flush=True)


if __name__ == "__main__":
    main()
