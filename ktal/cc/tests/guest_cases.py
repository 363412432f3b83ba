#!/usr/bin/env python3
"""guest_cases.py DIR - the KC programs for tests/ktal-guest: compiles
ktal/programs into DIR/kc/ and writes their inputs and Debian's outputs
(the cases of run.py), then prints one cases.txt line per case:
    run kc/PROG/N kc/BIN 1000 kc/IN kc/EXP ARGS
Each program is compiled once; a case with arguments gets them (argv[0]
first) from the file ARGS, NUL-separated, which ktal-run -A execs it
with ("-": none)."""
import os, subprocess, sys

sys.argv, dst = sys.argv[:1], sys.argv[1]
import run as R

d = os.path.join(dst, "kc")
os.makedirs(d, exist_ok=True)
inputs = R.program_inputs()
for name, data in inputs.items():
    open(os.path.join(d, name + ".in"), "wb").write(data)
lib = open(os.path.join(R.PROGS, "lib.kc")).read()
cases = R.program_cases()
# the bc interpreter on the programs of tests/bc (standard output only)
for name, data in R.bc_inputs().items():
    open(os.path.join(d, name + ".in"), "wb").write(data)
    inputs[name] = data
cases["bc"] = [([], "bc", name) for name in R.bc_inputs()]
n = 0
for prog in sorted(cases):
    for i, (args, ref, inp) in enumerate(cases[prog]):
        if prog == "wordfreq" and inp == "binary":
            continue
        tag = "%s-%d" % (prog, i)
        obj = os.path.join(d, prog)
        if not os.path.exists(obj):
            libf = os.path.join(d, prog + "-lib.kc")
            open(libf, "w").write(lib)
            r = subprocess.run([R.CC, "-o", obj, libf, os.path.join(R.PROGS, prog + ".kc")],
                               capture_output=True, text=True)
            os.unlink(libf)
            if r.returncode:
                sys.stderr.write("guest_cases: %s: %s\n" % (tag, r.stderr))
                continue
        argf = "-"
        if args:
            # the arguments for ktal-run -A: argv[0], then args, NUL-terminated
            open(os.path.join(d, tag + ".args"), "wb").write(
                b"".join(a.encode() + b"\0" for a in [prog] + args))
            argf = "kc/%s.args" % tag
        open(os.path.join(d, tag + ".exp"), "wb").write(R.sh("cat | " + ref, inputs[inp]))
        print("run kc/%s/%d kc/%s 1000 kc/%s.in kc/%s.exp %s" % (prog, i, prog, inp, tag, argf))
        n += 1
