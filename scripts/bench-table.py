#!/usr/bin/env python3
"""Print the system-call latency table from syscall_bench output.

Input: the guest's output with sections "@bench MODE" followed by lines
"NAME MEDIAN_NS IQR_NS".  Output: one row a call, one column a mode, each
cell the median with its spread, and each call's ratio to the plain function
call (the floor) measured in the same mode.
"""
import sys


def parse(path):
    modes, mode = {}, None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "@bench":
                mode = parts[1]
                modes[mode] = {}
            elif mode and len(parts) == 3:
                try:
                    modes[mode][parts[0]] = (float(parts[1]), float(parts[2]))
                except ValueError:
                    pass
    return modes


def main():
    modes = parse(sys.argv[1])
    if not modes:
        sys.exit("bench-table: no benchmark results in " + sys.argv[1])
    names = list(next(iter(modes.values())))
    head = f"{'call':<20}" + "".join(f"{m + ' ns (spread)':>26}{'x floor':>9}" for m in modes)
    print(head)
    print("-" * len(head))
    for name in names:
        row = f"{name:<20}"
        for m, res in modes.items():
            if name not in res:
                row += f"{'-':>26}{'':>9}"
                continue
            med, iqr = res[name]
            floor = res.get("function", (0, 0))[0]
            row += f"{med:>16.1f} ({iqr:>6.1f}){(med / floor if floor else 0):>9.1f}"
        print(row)
    if "ring0" in modes and "ring3" in modes:
        print()
        for name in names:
            if name == "function" or name not in modes["ring0"]:
                continue
            r3, r0 = modes["ring3"][name][0], modes["ring0"][name][0]
            print(f"{name:<20} ring 0 is {r3 / r0:.2f}x faster than ring 3")
    print("\nQEMU TCG (software emulation): compare within this table, not with hardware.")


if __name__ == "__main__":
    main()
