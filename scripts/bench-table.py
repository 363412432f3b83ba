#!/usr/bin/env python3
"""Tables, CSV and chart of the system-call benchmarks (bench/guest/syscall_bench).

Input: the guest's output, in sections:
    @bench MODE                 a mode starts (ring3, ring0-syscall, ring0-direct, ...)
    @info ring=R entry=E ...    what the program saw (checked against MODE)
    NAME MEDIAN_NS IQR_NS [MIN_NS]   one line a call
    @samples NAME NS...         every batch (sections of the same mode are pooled)
    @unavailable MODE WHY       a mode that could not run here
Output: one row a call, one column a mode, each cell the median with its
spread, the floor (a plain function call of the same shape, from the same
program), and how much faster ring 0 is than ring 3.  A mode whose @info
contradicts its name (e.g. "ring0-direct" that ran in ring 3 or through
syscall) is shown as unavailable, never as a figure.

    bench-table.py GUEST.TXT [--csv FILE] [--plot FILE.png]
    bench-table.py --compare PATCHED.TXT VANILLA.TXT [--csv FILE]
The second form prints the ring-3 overhead of the patched kernel.

With --insns the guest ran under the instruction-count clock (kmlvm
--icount: 1 ns = 1 instruction) and the figures are instructions per call:
the fastest batch (the one least disturbed by interrupts; under that clock
disturbances only ever add) less the clock reads around it (@overhead,
spread over the batch's @batch iterations).  The CSV is then
"call,mode,instructions", modes ring3, ring0-syscall, ring0-direct and
floor (the plain function call, the same for every call), and --compare
prints the ring-3 instructions of the two kernels and their difference.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

MODES = [  # (name, expected ring, expected entry, column title)
    ("ring3", "3", "syscall", "ring 3 syscall"),
    ("ring0-syscall", "0", "syscall", "ring 0 syscall"),
    ("ring0-direct", "0", "direct", "ring 0 direct"),
]
TITLE = {m[0]: m[3] for m in MODES}
FLOOR = "function"


def summary(samples):
    """(median, inter-quartile range, minimum) of a list of batch figures."""
    v = sorted(samples)
    n = len(v)
    return (v[n // 2], v[(3 * n) // 4] - v[n // 4], v[0])


def parse(path):
    """{mode: {"rows": {name: (median, iqr, min)}, "info": {...}, "why": str}}, in file order.

    A mode may come in several sections (scripts/bench.sh runs the modes in
    alternating rounds); their batches are pooled before the median.
    """
    modes, cur = {}, None
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "@bench" and len(parts) == 2:
                cur = modes.setdefault(parts[1], {"rows": {}, "samples": {}, "info": {}, "why": None})
            elif parts[0] == "@info" and cur is not None:
                info = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
                if cur["info"] and cur["info"].get("ring") != info.get("ring"):
                    cur["why"] = "its rounds ran in different rings"
                cur["info"] = info
            elif parts[0] == "@samples" and cur is not None and len(parts) > 2:
                try:
                    cur["samples"].setdefault(parts[1], []).extend(float(x) for x in parts[2:])
                except ValueError:
                    pass
            elif parts[0] == "@overhead" and cur is not None and len(parts) == 2:
                cur["overhead"] = min(cur.get("overhead", float("inf")), float(parts[1]))
            elif parts[0] == "@batch" and cur is not None and len(parts) == 3:
                cur.setdefault("batch", {})[parts[1]] = int(parts[2])
            elif parts[0] == "@unavailable" and len(parts) >= 2:
                m = modes.setdefault(parts[1], {"rows": {}, "samples": {}, "info": {}, "why": None})
                m["why"] = " ".join(parts[2:]) or "unavailable"
                if m is cur:
                    cur = None
            elif cur is not None and len(parts) in (3, 4) and not parts[0].startswith("@"):
                try:
                    nums = [float(x) for x in parts[1:]]
                except ValueError:
                    continue
                cur["rows"][parts[0]] = (nums[0], nums[1], nums[2] if len(nums) > 2 else nums[0])
    for name, _, _, _ in MODES:
        modes.setdefault(name, {"rows": {}, "samples": {}, "info": {}, "why": "not run"})
    for name, m in modes.items():
        for call, samples in m["samples"].items():
            m["rows"][call] = summary(samples)
        # Instructions per call (--insns): the fastest batch less the clock reads.
        m["insns"] = {}
        for call, (_, _, fastest) in m["rows"].items():
            n = m.get("batch", {}).get(call)
            m["insns"][call] = round(fastest - (m.get("overhead", 0) / n if n else 0), 1)
        want = {mm[0]: mm for mm in MODES}.get(name)
        info = m["info"]
        if want and not m["why"] and info:
            if info.get("ring") != want[1]:
                m["why"] = f"ran in ring {info.get('ring')}, not ring {want[1]}"
            elif info.get("entry") != want[2]:
                m["why"] = f"entered the kernel through {info.get('entry')}, not {want[2]}"
        if m["why"]:
            m["rows"] = {}
            m["insns"] = {}
        elif not m["rows"]:
            m["why"] = "no results (the program failed?)"
    return modes


def ordered_modes(modes):
    known = [m[0] for m in MODES]
    return [m for m in known if m in modes] + [m for m in modes if m not in known]


def call_names(modes):
    names = []
    for m in modes.values():
        for n in m["rows"]:
            if n not in names:
                names.append(n)
    return names


def floor_of(modes):
    for name in ordered_modes(modes):
        if FLOOR in modes[name]["rows"]:
            return modes[name]["rows"][FLOOR][0]
    return None


def cell(m, name):
    return m["rows"].get(name)


def print_table(modes):
    order = ordered_modes(modes)
    floor = floor_of(modes)
    calls = [n for n in call_names(modes) if n != FLOOR]
    w = 24
    head = f"{'call':<18}" + "".join(f"{TITLE.get(m, m) + ' ns':>{w}}" for m in order)
    head += f"{'x floor':>10}"
    ratios = [m for m in order if m != "ring3" and m.startswith("ring0")]
    head += "".join(f"{'r3/' + m.replace('ring0-', 'r0 '):>15}" for m in ratios)
    print(head)
    print("-" * len(head))
    for name in calls:
        row = f"{name:<18}"
        for m in order:
            c = cell(modes[m], name)
            row += f"{'n/a':>{w}}" if c is None else f"{c[0]:>{w - 11}.1f} (±{c[1] / 2:>7.1f})"
        best = min((cell(modes[m], name)[0] for m in order if cell(modes[m], name)), default=None)
        row += f"{best / floor:>10.1f}" if best and floor else f"{'':>10}"
        r3 = cell(modes.get("ring3", {"rows": {}}), name)
        for m in ratios:
            c = cell(modes[m], name)
            row += f"{r3[0] / c[0]:>14.2f}x" if r3 and c else f"{'-':>15}"
        print(row)
    if floor:
        print(f"{'floor: function':<18}{floor:>{w - 11}.1f} ns  (a plain call of the same shape, same program)")
    print()
    # The targets of issue 4, on getppid.
    r3 = cell(modes["ring3"], "getppid")
    for m, target in (("ring0-direct", 10), ("ring0-syscall", 2)):
        c = cell(modes[m], "getppid")
        if r3 and c:
            x = r3[0] / c[0]
            print(f"getppid, {TITLE[m]}: {x:.1f}x faster than ring 3 (target: {target}x) "
                  f"{'met' if x >= target else 'NOT met'}")
    for m in order:
        if modes[m]["why"]:
            print(f"{TITLE.get(m, m)}: unavailable: {modes[m]['why']}")
    print("Each figure: the median of all batches (15 a run), ± half the inter-quartile range; 'x floor' is the fastest")
    print("mode over the floor; r3/... is ring 3 over that mode (higher is better).")
    print("QEMU TCG (software emulation): compare within this table, not with hardware.")


def write_csv(modes, path):
    floor = floor_of(modes)
    r3 = modes.get("ring3", {"rows": {}})
    with open(path, "w") as f:
        f.write("call,mode,median_ns,iqr_ns,min_ns,x_floor,ring3_over_mode,status\n")
        for name in call_names(modes):
            for m in ordered_modes(modes):
                c = cell(modes[m], name)
                if c is None:
                    why = (modes[m]["why"] or "not measured").replace(",", ";")
                    f.write(f"{name},{m},,,,,,unavailable: {why}\n")
                    continue
                xf = f"{c[0] / floor:.2f}" if floor else ""
                rr = f"{cell(r3, name)[0] / c[0]:.3f}" if cell(r3, name) and c[0] else ""
                f.write(f"{name},{m},{c[0]:.1f},{c[1]:.1f},{c[2]:.1f},{xf},{rr},ok\n")


def histogram(path, title, ylabel, rows, series, extra=""):
    """A clustered bar chart in PNG at PATH, log-scale y: ROWS are
    (label, [value or None, ...]), SERIES the (column, title, colour) of
    the bars to draw; EXTRA more gnuplot commands before the plot."""
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for label, vals in rows:
            dat.write(f"{label.replace('_', '-')} " + " ".join("?" if v is None else f"{v}" for v in vals) + "\n")
    script = f"""
set terminal pngcairo size 1400,720 font "Sans,11"
set output "{path}"
set title "{title}"
set ylabel "{ylabel}"
set logscale y
set yrange [1:*]
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0
set key top left
set datafile missing "?"
""" + extra
    plots = [f'"{dat.name}" using {col + 2}:xtic(1) title "{name}" lc rgb "{colour}"' for col, name, colour in series]
    script += "plot " + ", \\\n     ".join(plots) + "\n"
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-table: gnuplot failed, no chart: {getattr(e, 'stderr', e)}", file=sys.stderr)
    finally:
        os.unlink(dat.name)


def plot(modes, path):
    order = [m[0] for m in MODES]
    floor = floor_of(modes)
    rows = []
    for name in (n for n in call_names(modes) if n != FLOOR):
        cells = (cell(modes.get(m, {"rows": {}}), name) for m in order)
        rows.append((name, [f"{c[0]:.1f}" if c else None for c in cells]))
    missing = [TITLE[m] for m in order if not modes[m]["rows"]]
    sub = ("\\n" + ", ".join(missing) + ": unavailable on this kernel") if missing else ""
    extra = "set style textbox opaque noborder\n"
    if floor:
        extra += f'set arrow from graph 0, first {floor} to graph 1, first {floor} nohead dt 2 lw 2 lc rgb "#444444"\n'
        extra += f'set label "floor: a plain function call, {floor:.1f} ns" at graph 0.01, first {floor * 1.5} left front boxed tc rgb "#444444"\n'
    colors = ["#d62728", "#ff7f0e", "#2ca02c"]
    series = [(i, TITLE[order[i]], colors[i]) for i, m in enumerate(order) if modes[m]["rows"]]
    histogram(path, "System-call latency in the KML guest (QEMU TCG, one boot, median of all batches; lower is better)" + sub,
              "ns per call (log scale)", rows, series, extra)


INSN_MODES = ["ring3", "ring0-syscall", "ring0-direct"]
INSN_TITLE = {"ring3": "ring 3", "ring0-syscall": "ring 0 syscall", "ring0-direct": "ring 0 direct", "floor": "floor"}
# Issue 12's targets, in instructions per getppid.
INSN_TARGETS = (("ring0-direct", 80), ("ring0-syscall", 100))


def insn_floor(modes):
    for name in ordered_modes(modes):
        if FLOOR in modes[name].get("insns", {}):
            return modes[name]["insns"][FLOOR]
    return None


def insn_cell(modes, mode, call):
    if mode == "floor":
        return insn_floor(modes)
    return modes.get(mode, {}).get("insns", {}).get(call)


def fmt_insns(x):
    return "n/a" if x is None else (f"{x:.0f}" if x == int(x) else f"{x:.1f}")


def insn_calls(modes):
    return [n for n in call_names(modes) if n != FLOOR]


def print_insns(modes):
    cols = INSN_MODES + ["floor"]
    head = f"{'call':<18}" + "".join(f"{INSN_TITLE[m]:>16}" for m in cols)
    head += f"{'r3 - r0 syscall':>17}{'r3 - r0 direct':>16}"
    print(head)
    print("-" * len(head))
    for name in insn_calls(modes):
        row = f"{name:<18}" + "".join(f"{fmt_insns(insn_cell(modes, m, name)):>16}" for m in cols)
        r3 = insn_cell(modes, "ring3", name)
        for m in ("ring0-syscall", "ring0-direct"):
            c = insn_cell(modes, m, name)
            row += f"{'-' if r3 is None or c is None else fmt_insns(round(r3 - c, 1)):>{17 if m == 'ring0-syscall' else 16}}"
        print(row)
    print()
    for m, target in INSN_TARGETS:
        c = insn_cell(modes, m, "getppid")
        if c is not None:
            print(f"getppid, {INSN_TITLE[m]}: {fmt_insns(c)} instructions (target: at most {target}) "
                  f"{'met' if c <= target else 'NOT met'}")
    for m in INSN_MODES:
        if modes[m]["why"]:
            print(f"{INSN_TITLE[m]}: unavailable: {modes[m]['why']}")
    print("Instructions per call, counted by the guest clock under QEMU's -icount shift=0 (1 ns = 1 instruction):")
    print("the fastest batch, less the clock reads; exact and the same from run to run.  'floor': a plain")
    print("function call of the same shape; 'r3 - r0 ...': instructions ring 0 saves over ring 3 (higher is better).")


def write_insns_csv(modes, path):
    with open(path, "w") as f:
        f.write("call,mode,instructions\n")
        for name in insn_calls(modes):
            for m in INSN_MODES + ["floor"]:
                c = insn_cell(modes, m, name)
                f.write(f"{name},{m},{'' if c is None else fmt_insns(c)}\n")


def plot_insns(modes, path):
    cols = INSN_MODES + ["floor"]
    rows = [(name, [insn_cell(modes, m, name) for m in cols]) for name in insn_calls(modes)]
    missing = [INSN_TITLE[m] for m in INSN_MODES if not modes[m]["insns"]]
    sub = ("\\n" + ", ".join(missing) + ": unavailable on this kernel") if missing else ""
    colors = ["#d62728", "#ff7f0e", "#2ca02c", "#7f7f7f"]
    series = [(i, INSN_TITLE[m], colors[i]) for i, m in enumerate(cols) if m == "floor" or modes[m]["insns"]]
    histogram(path, "Instructions per system call in the KML guest (QEMU -icount: exact counts; lower is better)" + sub,
              "guest instructions per call (log scale)", rows, series)


def compare_insns(patched_path, vanilla_path, csv_path):
    """Ring-3 instructions per call, patched against unpatched (one boot each)."""
    pat = parse(patched_path).get("ring3", {}).get("insns", {})
    van = parse(vanilla_path).get("ring3", {}).get("insns", {})
    if not pat or not van:
        sys.exit("bench-table: no ring-3 results to compare")
    print(f"{'call':<18}{'patched':>12}{'unpatched':>12}{'difference':>12}{'':>9}")
    print("-" * 63)
    rows = []
    for name in pat:
        if name not in van:
            continue
        d = round(pat[name] - van[name], 1)
        rows.append((name, pat[name], van[name], d))
        pct = f"{d / van[name] * 100:+.1f}%" if van[name] else ""
        print(f"{name:<18}{fmt_insns(pat[name]):>12}{fmt_insns(van[name]):>12}{fmt_insns(d) if d <= 0 else '+' + fmt_insns(d):>12}{pct:>9}")
    print()
    g = [r for r in rows if r[0] == "getppid"]
    if g:
        print(f"getppid, ring 3: {fmt_insns(g[0][3])} instructions more on the patched kernel "
              f"(target: at most 2) {'met' if g[0][3] <= 2 else 'NOT met'}")
    print("Instructions per call in ring 3 (QEMU -icount shift=0), one boot of each kernel: exact, no noise.")
    if csv_path:
        with open(csv_path, "w") as f:
            f.write("call,patched,unpatched,difference\n")
            for r in rows:
                f.write(f"{r[0]},{fmt_insns(r[1])},{fmt_insns(r[2])},{fmt_insns(r[3])}\n")


def compare(patched_paths, vanilla_paths, csv_path):
    """Ring-3 figures, patched against unpatched, over alternating boots.

    Two estimates a call: the median over the boots of each boot's median,
    and the minimum over the boots of each boot's fastest batch.  On a
    shared host the noise only ever adds time (the emulator's threads get
    descheduled), so the fastest batch is the steadier estimate of the cost.
    """
    def runs(paths):
        out = {}
        for p in paths:
            m = parse(p).get("ring3")
            for n, (med, _, mn) in (m["rows"] if m else {}).items():
                out.setdefault(n, []).append((med, mn))
        return out
    pat, van = runs(patched_paths), runs(vanilla_paths)
    if not pat or not van:
        sys.exit("bench-table: no ring-3 results to compare")
    print(f"{'call':<18}{'patched ns':>12}{'unpatched':>12}{'overhead':>10}   {'patched min':>12}{'unpatched':>12}{'overhead':>10}")
    print("-" * 90)
    rows = []
    for name in pat:
        if name not in van:
            continue
        p = statistics.median(x[0] for x in pat[name])
        v = statistics.median(x[0] for x in van[name])
        pm = min(x[1] for x in pat[name])
        vm = min(x[1] for x in van[name])
        rows.append((name, p, v, (p / v - 1) * 100, pm, vm, (pm / vm - 1) * 100))
        r = rows[-1]
        print(f"{name:<18}{p:>12.1f}{v:>12.1f}{r[3]:>+9.1f}%   {pm:>12.1f}{vm:>12.1f}{r[6]:>+9.1f}%")
    calls = [r for r in rows if r[0] not in (FLOOR, "clock_gettime")]
    if calls:
        geo = statistics.geometric_mean([r[1] / r[2] for r in calls])
        geo_min = statistics.geometric_mean([r[4] / r[5] for r in calls])
        print(f"\nsystem calls, geometric mean of patched over unpatched, ring 3 "
              f"({len(patched_paths)} + {len(vanilla_paths)} boots): "
              f"medians {(geo - 1) * 100:+.1f}%, fastest batches {(geo_min - 1) * 100:+.1f}%")
    floor = [r for r in rows if r[0] == FLOOR]
    if floor:
        print(f"the floor (no kernel involved) moved {floor[0][3]:+.1f}% (medians), "
              f"{floor[0][6]:+.1f}% (fastest): that much is host noise, not the kernel")
    print("QEMU TCG on a shared host: read differences of a few % as noise.")
    if csv_path:
        with open(csv_path, "w") as f:
            f.write("call,patched_median_ns,unpatched_median_ns,overhead_median_pct,"
                    "patched_min_ns,unpatched_min_ns,overhead_min_pct\n")
            for r in rows:
                f.write(f"{r[0]},{r[1]:.1f},{r[2]:.1f},{r[3]:.2f},{r[4]:.1f},{r[5]:.1f},{r[6]:.2f}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", nargs="?")
    ap.add_argument("--csv")
    ap.add_argument("--plot")
    ap.add_argument("--compare", nargs=2, metavar=("PATCHED", "VANILLA"),
                    help="comma-separated guest outputs of each kernel")
    ap.add_argument("--insns", action="store_true", help="instructions per call (the guest ran under --icount)")
    a = ap.parse_args()
    if a.compare and a.insns:
        compare_insns(a.compare[0], a.compare[1], a.csv)
        return
    if a.compare:
        compare(a.compare[0].split(","), a.compare[1].split(","), a.csv)
        return
    if not a.input:
        ap.error("no input")
    modes = parse(a.input)
    if not any(m["rows"] for m in modes.values()):
        sys.exit("bench-table: no benchmark results in " + a.input)
    if a.insns:
        print_insns(modes)
        if a.csv:
            write_insns_csv(modes, a.csv)
        if a.plot:
            plot_insns(modes, a.plot)
        return
    print_table(modes)
    if a.csv:
        write_csv(modes, a.csv)
    if a.plot:
        plot(modes, a.plot)


if __name__ == "__main__":
    main()
