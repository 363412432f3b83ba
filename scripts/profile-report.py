#!/usr/bin/env python3
"""Tables of the profiling plugin's report (tools/profile/kmlprof.c).

Input: the plugin's report (@region, @sym, @costly lines) and, optionally,
the guest's output, whose "@profile TAG CALL N" lines name the regions.
Output, for each region (mode): the instructions a call, where they go
(symbol, instructions over all calls, instructions a call) and the costly
instructions a call with the symbols they are in.

    profile-report.py REPORT [GUEST.TXT] [--min PER_CALL]
Symbols under PER_CALL instructions a call (default 0.5) are summed in one
line, "(other symbols)".
"""
import argparse
import sys

MODES = {1: "ring 3", 2: "ring 0 syscall", 3: "ring 0 direct"}


def parse_report(path):
    """{tag: {"calls", "insns", "unbalanced", "syms": {name: n}, "costly": [(cls, n, name)]}}"""
    regions = {}
    with open(path, errors="replace") as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "@region" and len(p) == 5:
                kv = dict(x.split("=", 1) for x in p[2:])
                regions[int(p[1])] = {"calls": int(kv["calls"]), "insns": int(kv["insns"]),
                                      "unbalanced": int(kv["unbalanced"]), "syms": {}, "costly": []}
            elif p[0] == "@sym" and len(p) == 4 and int(p[1]) in regions:
                regions[int(p[1])]["syms"][p[3]] = int(p[2])
            elif p[0] == "@costly" and len(p) == 5 and int(p[1]) in regions:
                regions[int(p[1])]["costly"].append((p[2], int(p[3]), p[4]))
    return regions


def parse_guest(path):
    """{tag: (call, n)} from the guest's "@profile TAG CALL N" lines."""
    names = {}
    if path:
        with open(path, errors="replace") as f:
            for line in f:
                p = line.split()
                if len(p) == 4 and p[0] == "@profile":
                    names[int(p[1])] = (p[2], int(p[3]))
    return names


def per(n, calls):
    x = n / calls
    return f"{x:.0f}" if x == int(x) else f"{x:.2f}"


def print_region(tag, r, names, min_per_call):
    call = names.get(tag, ("?", None))[0]
    calls = r["calls"]
    print(f"== {MODES.get(tag, f'region {tag}')}: {call}, {calls} calls, "
          f"{per(r['insns'], calls)} instructions a call")
    if r["unbalanced"]:
        print(f"   warning: {r['unbalanced']} unbalanced markers (a region opened twice or closed unopened)")
    if tag in names and names[tag][1] != calls:
        print(f"   warning: the guest made {names[tag][1]} calls, the plugin saw {calls} regions")
    print(f"   {'symbol':<44}{'instructions':>14}{'a call':>10}")
    rest = 0
    for name, n in sorted(r["syms"].items(), key=lambda kv: (-kv[1], kv[0])):
        if n / calls < min_per_call:
            rest += n
            continue
        print(f"   {name:<44}{n:>14}{per(n, calls):>10}")
    if rest:
        print(f"   {'(other symbols)':<44}{rest:>14}{per(rest, calls):>10}")
    costly = {}
    for cls, n, name in r["costly"]:
        costly.setdefault(cls, []).append((n, name))
    if costly:
        print(f"   costly instructions a call:")
        for cls in sorted(costly, key=lambda c: -sum(n for n, _ in costly[c])):
            total = sum(n for n, _ in costly[cls])
            where = ", ".join(f"{name} {per(n, calls)}" for n, name in sorted(costly[cls], reverse=True)
                              if n / calls >= min_per_call / 10)
            print(f"     {cls:<12}{per(total, calls):>8}   ({where})")
    else:
        print("   costly instructions: none")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("guest", nargs="?")
    ap.add_argument("--min", type=float, default=0.5, help="fold symbols under this many instructions a call")
    a = ap.parse_args()
    regions = parse_report(a.report)
    names = parse_guest(a.guest)
    if not regions:
        sys.exit(f"profile-report: no regions in {a.report} (did the guest run the marked code?)")
    for tag in sorted(regions):
        print_region(tag, regions[tag], names, a.min)
    for tag in sorted(set(names) - set(regions)):
        print(f"== {MODES.get(tag, f'region {tag}')}: the guest ran it, the plugin saw no region")
    print("Guest instructions executed between the markers of each call, by kernel symbol (System.map) and user")
    print("code, interrupts included; costly: instructions that are expensive on hardware (cheap under TCG).")


if __name__ == "__main__":
    main()
