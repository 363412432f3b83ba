#!/usr/bin/env python3
"""Table, CSV and chart of the application benchmark (bench/apps).

Input: the guest's output (bench/apps/guest.sh):
    @config KEY=VALUE ...            the sizes of the run
    @result METRIC RING VALUE UNIT   one measurement (one a round)
    @ring WHAT RING KERNELMODE       the ring a measured program ran in
    @error WHAT                      something that failed
Output: one row a metric: the median over the rounds in ring 3 and in
ring 0 (with the spread, min-max), and how much faster ring 0 is (for a
time, ring 3 over ring 0; for a rate, ring 0 over ring 3: above 1 means
ring 0 is faster).  A ring whose @ring lines contradict it (a program
that ran in the other ring) is refused, never shown as a figure.

    table.py GUEST.TXT [--csv FILE] [--plot FILE.png]
    table.py --insns GUEST.TXT [--csv FILE] [--plot FILE.png]

With --insns the guest ran under the instruction-count clock (kmlvm
--icount: 1 ns = 1 guest instruction, all virtual CPUs together) and each
figure is instructions per operation: for redis, 10^9 over redis-benchmark's
requests per second; for the others, apptime's nanoseconds over the count
(@ops lines: the whole process, loading and exit included, over the inserts,
the queries, the fork+exec+wait runs, the script's iterations).  The median
over the rounds (one by default).  The CSV is "measure,mode,instructions".
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

METRICS = [  # (name, title, higher is better)
    ("redis-set", "redis SET", True),
    ("redis-get", "redis GET", True),
    ("kvs-set", "kvs SET c50", True),
    ("kvs-get", "kvs GET c50", True),
    ("redis50-set", "redis SET c50", True),
    ("redis50-get", "redis GET c50", True),
    ("sqlite-insert", "sqlite insert", True),
    ("sqlite-query", "sqlite query", True),
    ("fork-exec-wait", "fork+exec+wait", True),
    ("forkexec", "fork/exec script", False),
]
# Instructions per operation: (name, title, what one operation is).
INSN_MEASURES = [
    ("redis-set", "redis SET", "request"),
    ("redis-get", "redis GET", "request"),
    ("kvs-set", "kvs SET c50", "request"),
    ("kvs-get", "kvs GET c50", "request"),
    ("redis50-set", "redis SET c50", "request"),
    ("redis50-get", "redis GET c50", "request"),
    ("sqlite-insert", "sqlite insert", "insert"),
    ("sqlite-query", "sqlite query", "query"),
    ("fork-exec-wait", "fork+exec+wait", "true(1)"),
    ("forkexec", "fork/exec script", "iteration"),
]
INSN_MODES = [("3", "ring3"), ("0", "ring0")]
# Issue 12's target: redis GET in ring 0 at least 3% under ring 3.
INSN_TARGET = ("redis-get", 3.0)
# Issue 15's: the verified server's GET in ring 0 at least 10% under ring 3
# (50 clients, -P 1), and its rate in ring 0 at least half of redis-server's
# in ring 3 (same boot, same client).
KVS_TARGET = ("kvs-get", 10.0)
KVS_RATE = ("kvs-get", "redis50-get", 0.5)
# Rates (requests/s) from redis-benchmark: instructions per request are
# 10^9 over the rate under --icount.
BENCH_RATES = ("redis", "kvs")
RINGS = ["3", "0"]


def parse(path, ops=None):
    """Results, units, wrong rings, errors and config; OPS, a dict, gets the
    instructions per operation of the @ops lines, by (metric, ring)."""
    results, units, bad, errors, config = {}, {}, {}, [], ""
    ops = {} if ops is None else ops
    with open(path, errors="replace") as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "@config":
                config = " ".join(p[1:])
            elif p[0] == "@result" and len(p) >= 4:
                try:
                    v = float(p[3])
                except ValueError:
                    continue
                results.setdefault((p[1], p[2]), []).append(v)
                units[p[1]] = p[4] if len(p) > 4 else ""
            elif p[0] == "@ring" and len(p) >= 3:
                want = "1" if p[2] == "0" else "0"
                got = p[3] if len(p) > 3 else "none"
                if got != want:
                    bad.setdefault(p[2], set()).add(f"{p[1]} KernelMode={got}")
            elif p[0] == "@ops" and len(p) == 5:
                ops.setdefault((p[1], p[2]), []).append(float(p[3]) / float(p[4]))
            elif p[0] == "@error":
                errors.append(" ".join(p[1:]))
    for ring, what in bad.items():
        for key in [k for k in results if k[1] == ring]:
            del results[key]
        for key in [k for k in ops if k[1] == ring]:
            del ops[key]
    return results, units, bad, errors, config


def insns_per_op(results, ops):
    """{(metric, ring): instructions per operation}: apptime's @ops, or for
    redis 10^9 over the requests per second."""
    out = {}
    for name, _, _ in INSN_MEASURES:
        for ring, _ in INSN_MODES:
            if ops.get((name, ring)):
                out[(name, ring)] = statistics.median(ops[(name, ring)])
            elif name.startswith(BENCH_RATES) and results.get((name, ring)):
                out[(name, ring)] = statistics.median(1e9 / v for v in results[(name, ring)] if v > 0)
    return out


def print_insns(per_op, bad, errors, config):
    print(f"{'measure':<20}{'per':<11}{'ring 3':>14}{'ring 0':>14}{'ring 0 - ring 3':>18}")
    print("-" * 77)
    for name, title, what in INSN_MEASURES:
        r3, r0 = per_op.get((name, "3")), per_op.get((name, "0"))
        row = f"{title:<20}{what:<11}" + "".join(f"{'n/a' if v is None else f'{v:.0f}':>14}" for v in (r3, r0))
        row += f"{(r0 - r3) / r3 * 100:>+17.1f}%" if r3 and r0 else f"{'-':>18}"
        print(row)
    print()
    name, target = INSN_TARGET
    r3, r0 = per_op.get((name, "3")), per_op.get((name, "0"))
    if r3 and r0:
        saved = (r3 - r0) / r3 * 100
        print(f"redis GET: ring 0 {saved:.1f}% fewer instructions a request than ring 3 "
              f"(target: at least {target:.0f}%) {'met' if saved >= target else 'NOT met'}")
    kvs_targets(lambda m, r: per_op.get((m, r)), insns=True)
    if config:
        print(f"sizes: {config}")
    print("Guest instructions per operation on both virtual CPUs (QEMU -icount shift=0: 1 ns = 1 instruction),")
    print("kernel and programs together; sqlite and fork/exec: the whole process (loading and exit included).")
    print("redis-benchmark times its run in whole milliseconds: the redis figures are exact to about 0.15% at")
    print("20,000 requests (the default size), 0.3% at 10,000.")
    for ring, what in bad.items():
        print(f"ring {ring}: refused, programs ran in the wrong ring: {', '.join(sorted(what))}")
    for e in errors:
        print(f"error: {e}")


def kvs_targets(get, insns):
    """Issue 15's figures for the verified server; GET(metric, ring) is the
    median instructions per request (insns) or requests per second."""
    name, target = KVS_TARGET
    r3, r0 = get(name, "3"), get(name, "0")
    if r3 and r0 and insns:
        saved = (r3 - r0) / r3 * 100
        print(f"kvs GET: ring 0 {saved:.1f}% fewer instructions a request than ring 3 "
              f"(target: at least {target:.0f}%) {'met' if saved >= target else 'NOT met'}")
    kvs, ref, frac = KVS_RATE
    k0, d3 = get(kvs, "0"), get(ref, "3")
    if k0 and d3:
        rate = d3 / k0 if insns else k0 / d3   # kvs ring 0 over redis ring 3
        print(f"kvs GET in ring 0: {rate:.2f}x the rate of redis-server in ring 3 "
              f"(target: at least {frac:g}x) {'met' if rate >= frac else 'NOT met'}")


def write_insns_csv(per_op, path):
    with open(path, "w") as f:
        f.write("measure,mode,instructions\n")
        for name, _, _ in INSN_MEASURES:
            for ring, mode in INSN_MODES:
                v = per_op.get((name, ring))
                f.write(f"{name},{mode},{'' if v is None else f'{v:.0f}'}\n")


def plot_insns(per_op, path):
    """Ring 0 relative to ring 3 (lower is better), with the counts in the bars."""
    rows = []
    for name, title, what in INSN_MEASURES:
        r3, r0 = per_op.get((name, "3")), per_op.get((name, "0"))
        if r3 and r0:
            rows.append((f"{title}\\nper {what}", 1.0, r0 / r3, f"{r3:.0f}", f"{r0:.0f}"))
    if not rows:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for i, r in enumerate(rows):
            dat.write(f'{i} "{r[0]}" {r[1]} {r[2]} "{r[3]}" "{r[4]}"\n')
    script = f"""
set terminal pngcairo size 1200,650 font "Sans,11"
set output "{path}"
set title "Real programs in the KML guest: instructions per operation, ring 0 against ring 3 (QEMU -icount; lower is better)"
set ylabel "instructions relative to ring 3"
set yrange [0:*]
set bmargin 5
set key outside top center horizontal
set grid ytics
set style fill solid 0.85 border -1
set boxwidth 0.38
set xrange [-0.6:{len(rows) - 0.4}]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444"
plot "{dat.name}" using ($1 - 0.2):3:xtic(2) with boxes title "ring 3" lc rgb "#d62728", \\
     "" using ($1 + 0.2):4 with boxes title "ring 0 (from /trusted)" lc rgb "#2ca02c", \\
     "" using ($1 - 0.2):(0.04):5 with labels rotate left font "Sans,10" tc rgb "white" notitle, \\
     "" using ($1 + 0.2):(0.04):6 with labels rotate left font "Sans,10" tc rgb "white" notitle
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"table: gnuplot failed, no chart: {getattr(e, 'stderr', e)}", file=sys.stderr)
    finally:
        os.unlink(dat.name)


def fmt(x):
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def summary(v):
    return statistics.median(v), min(v), max(v)


def speedup(name, higher, results):
    r3, r0 = results.get((name, "3")), results.get((name, "0"))
    if not r3 or not r0:
        return None
    m3, m0 = statistics.median(r3), statistics.median(r0)
    if not m3 or not m0:
        return None
    return m0 / m3 if higher else m3 / m0


def print_table(results, units, bad, errors, config):
    print(f"{'metric':<18}{'unit':<12}{'ring 3 (min-max)':>28}{'ring 0 (min-max)':>28}{'ring 0 speed':>14}")
    print("-" * 100)
    for name, title, higher in METRICS:
        row = f"{title:<18}{units.get(name, ''):<12}"
        for ring in RINGS:
            v = results.get((name, ring))
            if v:
                m, lo, hi = summary(v)
                row += f"{fmt(m)} ({fmt(lo)}-{fmt(hi)})".rjust(28)
            else:
                row += f"{'n/a':>28}"
        s = speedup(name, higher, results)
        row += f"{s:>13.3f}x" if s else f"{'-':>14}"
        print(row)
    print()
    kvs_targets(lambda m, r: statistics.median(results[(m, r)]) if results.get((m, r)) else None, insns=False)
    if config:
        print(f"sizes: {config}")
    n = max((len(v) for v in results.values()), default=0)
    print(f"Each figure: the median of {n} rounds (ring 3 and ring 0 alternating, one boot), with min-max.")
    print("'ring 0 speed': above 1 means ring 0 is faster (rates: ring 0 / ring 3; times: ring 3 / ring 0).")
    print("QEMU TCG (software emulation): compare within this table, not with hardware.")
    for ring, what in bad.items():
        print(f"ring {ring}: refused, programs ran in the wrong ring: {', '.join(sorted(what))}")
    for e in errors:
        print(f"error: {e}")


def write_csv(results, units, path):
    with open(path, "w") as f:
        f.write("metric,ring,unit,median,min,max,rounds,ring0_speedup\n")
        for name, _, higher in METRICS:
            s = speedup(name, higher, results)
            for ring in RINGS:
                v = results.get((name, ring))
                if not v:
                    f.write(f"{name},{ring},{units.get(name, '')},,,,0,\n")
                    continue
                m, lo, hi = summary(v)
                f.write(f"{name},{ring},{units.get(name, '')},{m:.4f},{lo:.4f},{hi:.4f},{len(v)},"
                        f"{'' if s is None else f'{s:.4f}'}\n")


def plot(results, units, path):
    """Each metric relative to ring 3 (ring 3 = 1; higher is better), with
    the absolute medians written in the bars."""
    rows = []
    for name, title, higher in METRICS:
        r3, r0 = results.get((name, "3")), results.get((name, "0"))
        if not r3 or not r0:
            continue
        m3, m0 = statistics.median(r3), statistics.median(r0)
        rel0 = m0 / m3 if higher else m3 / m0
        u = units.get(name, "")
        rows.append((title.replace(" ", "\\n", 1), 1.0, rel0, f"{fmt(m3)} {u}", f"{fmt(m0)} {u}"))
    if not rows:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for i, r in enumerate(rows):
            dat.write(f'{i} "{r[0]}" {r[1]} {r[2]} "{r[3]}" "{r[4]}"\n')
    script = f"""
set terminal pngcairo size 1200,650 font "Sans,11"
set output "{path}"
set title "Real programs in the KML guest: ring 0 against ring 3 (QEMU TCG, one boot, medians; higher is better)"
set ylabel "speed relative to ring 3"
set yrange [0:*]
set bmargin 4
set key outside top center horizontal
set grid ytics
set style fill solid 0.85 border -1
set boxwidth 0.38
set xrange [-0.6:{len(rows) - 0.4}]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444"
plot "{dat.name}" using ($1 - 0.2):3:xtic(2) with boxes title "ring 3" lc rgb "#d62728", \\
     "" using ($1 + 0.2):4 with boxes title "ring 0 (from /trusted)" lc rgb "#2ca02c", \\
     "" using ($1 - 0.2):(0.04):5 with labels rotate left font "Sans,10" tc rgb "white" notitle, \\
     "" using ($1 + 0.2):(0.04):6 with labels rotate left font "Sans,10" tc rgb "white" notitle
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"table: gnuplot failed, no chart: {getattr(e, 'stderr', e)}", file=sys.stderr)
    finally:
        os.unlink(dat.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("--csv")
    ap.add_argument("--plot")
    ap.add_argument("--insns", action="store_true", help="instructions per operation (the guest ran under --icount)")
    a = ap.parse_args()
    if a.insns:
        ops = {}
        results, units, bad, errors, config = parse(a.input, ops)
        per_op = insns_per_op(results, ops)
        print_insns(per_op, bad, errors, config)
        if not per_op:
            sys.exit("table: no benchmark results in " + a.input)
        if a.csv:
            write_insns_csv(per_op, a.csv)
        if a.plot:
            plot_insns(per_op, a.plot)
        if errors or bad:
            sys.exit(1)
        return
    results, units, bad, errors, config = parse(a.input)
    if not results:
        print_table(results, units, bad, errors, config)
        sys.exit("table: no benchmark results in " + a.input)
    print_table(results, units, bad, errors, config)
    if a.csv:
        write_csv(results, units, a.csv)
    if a.plot:
        plot(results, units, a.plot)
    if errors or bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
