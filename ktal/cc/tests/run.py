#!/usr/bin/env python3
"""run.py - the KC compiler's test suite (make -C ktal cc-test).

Prints "PASS cc/NAME" or "FAIL cc/NAME: why" per case and a summary line;
exits 1 if a case failed.  Parts:
  errors    errors.txt: NAME<TAB>expected message<TAB>one-line program;
            ktal-cc must refuse it with file:line:col, that message and a
            caret (and never crash)
  run       run/*.kc with run/*.out: compile, ktal-check, run, compare
  programs  ktal/programs/*.kc (each with lib.kc) against Debian's tools
            on the same inputs, byte for byte; bc.kc on the programs of
            bc/*.bc against Debian's bc (output, errors, exit status)
  gen       random programs (gen.py) against the same program in C, gcc
Every object ktal-cc produces must be accepted by ktal-check; the count
is printed as "INFO cc/checker accepted N of N".
"""
import os, random, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KTAL = os.path.dirname(os.path.dirname(HERE))
B = os.path.join(KTAL, "build")
CC, CHECK = os.path.join(B, "ktal-cc"), os.path.join(B, "ktal-check")
PROGS = os.path.join(KTAL, "programs")
T = os.path.join(B, "cc-test")
os.makedirs(T, exist_ok=True)
sys.path.insert(0, HERE)
import gen

passes = fails = objs = accepted = 0


def report(ok, name, why=""):
    global passes, fails
    if ok:
        passes += 1
        print("PASS cc/%s" % name, flush=True)
    else:
        fails += 1
        print("FAIL cc/%s: %s" % (name, why), flush=True)


def compile_check(srcs, out):
    """compile and check; returns None or the reason it failed"""
    global objs, accepted
    r = subprocess.run([CC, "-o", out] + srcs, capture_output=True, text=True)
    if r.returncode != 0:
        return "ktal-cc: " + (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[0]
    objs += 1
    r = subprocess.run([CHECK, out], capture_output=True, text=True)
    if r.returncode != 0:
        return "CHECKER REFUSED (compiler bug): " + r.stdout.strip()
    accepted += 1
    return None


def run(obj, args=(), stdin=b""):
    try:
        r = subprocess.run([obj] + list(args), input=stdin, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return -1, b"timeout"
    return r.returncode, r.stdout


def errors():
    n = 0
    with open(os.path.join(HERE, "errors.txt")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, want, src = line.split("\t", 2)
            src = src.replace("\\n", "\n")
            path = os.path.join(T, "e_%s.kc" % name)
            with open(path, "w") as g:
                g.write(src + "\n")
            r = subprocess.run([CC, "-S", "-o", path + ".ktal", path], capture_output=True, text=True)
            err = r.stderr
            lines = err.splitlines()
            if r.returncode != 1:
                report(False, "error/" + name, "expected exit 1 and \"%s\", got exit %d: %s" % (want, r.returncode, err.strip()[:200]))
            elif not lines or not lines[0].startswith(path + ":") or ": error: " not in lines[0]:
                report(False, "error/" + name, "no file:line:col: error: line: " + err[:200])
            elif want not in lines[0]:
                report(False, "error/" + name, "expected \"%s\", got: %s" % (want, lines[0]))
            elif len(lines) < 3 or not lines[2].strip() == "^":
                report(False, "error/" + name, "no source line and caret")
            else:
                report(True, "error/" + name)
            n += 1
    return n


def runcases():
    d = os.path.join(HERE, "run")
    for f in sorted(os.listdir(d)):
        if not f.endswith(".kc"):
            continue
        name = f[:-3]
        obj = os.path.join(T, "r_" + name)
        why = compile_check([os.path.join(d, f)], obj)
        if why:
            report(False, "run/" + name, why)
            continue
        want = open(os.path.join(d, name + ".out"), "rb").read()
        rc, out = run(obj)
        exp_rc = 0
        if os.path.exists(os.path.join(d, name + ".rc")):
            exp_rc = int(open(os.path.join(d, name + ".rc")).read())
        if out != want or rc != exp_rc:
            report(False, "run/" + name, "exit %d (want %d), output %r (want %r)" % (rc, exp_rc, out[:200], want[:200]))
        else:
            report(True, "run/" + name)


def sh(cmd, stdin):
    return subprocess.run(cmd, shell=True, input=stdin, capture_output=True, env=dict(os.environ, LC_ALL="C")).stdout


def program_inputs():
    rnd = random.Random(14)
    words = ["alpha", "beta", "gamma", "delta", "KTAL", "ring", "zero", "x", "héllo", "a-b", "foo", "bar"]
    text = []
    for i in range(3000):
        text.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9))))
    t1 = ("\n".join(text) + "\n").encode()
    t2 = open(os.path.join(KTAL, "..", "docs", "ktal", "spec.md"), "rb").read()
    t3 = b"no newline at end\nsecond\tline  with  spaces\n\n\nlast"
    t4 = bytes(rnd.randrange(256) for _ in range(5000))
    rep = b"".join((b"%d\n" % rnd.randint(0, 3)) * rnd.randint(1, 3) for _ in range(500))
    return {"words": t1, "spec": t2, "odd": t3, "binary": t4, "repeats": rep, "empty": b""}


BC = os.path.join(HERE, "bc")


def bc_inputs():
    """the bc programs of tests/bc, by name "bc-NAME": the interpreter's
    inputs, run by Debian's bc for the expected output"""
    return {"bc-" + f[:-3]: open(os.path.join(BC, f), "rb").read()
            for f in sorted(os.listdir(BC)) if f.endswith(".bc")}


def bc_norm(err):
    """bc's run-time errors name a byte-code address the interpreter
    does not have: compared as adr=N"""
    import re
    return re.sub(rb"adr=[0-9]+", b"adr=N", err)


def program_cases():
    """program -> [(arguments, the Debian command, input name)]"""
    inputs = program_inputs()
    return {
        "cat": [([], "cat", k) for k in inputs],
        "wc": [([], "wc", k) for k in inputs if k != "binary"],
        "head": [([], "head", "words"), (["-n", "3"], "head -n 3", "spec"), (["-n", "0"], "head -n 0", "odd"),
                 (["-n", "100"], "head -n 100", "binary")],
        "tail": [([], "tail", "words"), (["-n", "3"], "tail -n 3", "spec"), (["-n", "2"], "tail -n 2", "odd"),
                 (["-n", "1"], "tail -n 1", "empty")],
        "uniq": [([], "uniq", "repeats"), (["-c"], "uniq -c", "repeats"), ([], "uniq", "spec")],
        "sort": [([], "sort", "words"), ([], "sort", "spec"), ([], "sort", "odd"), ([], "sort", "repeats")],
        "tr": [(["a-z", "A-Z"], "tr a-z A-Z", "spec"), (["-d", "aeiou"], "tr -d aeiou", "words"),
               (["abc", "x"], "tr abc x", "words")],
        "grep": [(["KTAL"], "grep -F KTAL", "words"), (["-c", "the"], "grep -F -c the", "spec"),
                 (["-v", "a"], "grep -F -v a", "words"), (["-n", "check"], "grep -F -n check", "spec"),
                 (["-c", "-v", "-n", "zero"], "grep -F -c -v -n zero", "words")],
        "base64": [([], "base64", "binary"), ([], "base64", "spec"), ([], "base64", "empty"), ([], "base64", "odd")],
        "wordfreq": [([], "tr -s ' \\t\\n\\r\\v\\f' '\\n' | grep -v '^$' | sort | uniq -c", k)
                     for k in ("words", "spec", "odd")],
    }


def programs():
    inputs = program_inputs()
    cases = program_cases()
    lib = os.path.join(PROGS, "lib.kc")
    for prog in sorted(cases) + ["json", "bc"]:
        obj = os.path.join(T, "p_" + prog)
        why = compile_check([lib, os.path.join(PROGS, prog + ".kc")], obj)
        if why:
            report(False, "program/" + prog, why)
            continue
        if prog == "bc":
            # standard output byte for byte, standard error with the
            # addresses normalised, and the exit status
            for name, src in bc_inputs().items():
                try:
                    r = subprocess.run([obj], input=src, capture_output=True, timeout=20)
                    got = (r.returncode, r.stdout, bc_norm(r.stderr))
                except subprocess.TimeoutExpired:
                    got = (-1, b"timeout", b"")
                w = subprocess.run(["bc"], input=src, capture_output=True, env=dict(os.environ, LC_ALL="C"))
                want = (w.returncode, w.stdout, bc_norm(w.stderr))
                why = ""
                if got != want:
                    k = [i for i in range(3) if got[i] != want[i]][0]
                    why = "%s differs from Debian's bc: %r, want %r" % (
                        ("exit status", "output", "standard error")[k], got[k][:200] if k else got[k],
                        want[k][:200] if k else want[k])
                report(got == want, "program/bc/" + name[3:], why)
            continue
        if prog == "json":
            for i, (src, want) in enumerate(json_cases()):
                rc, out = run(obj, stdin=src)
                if want is None:
                    ok = rc == 1 and out.startswith(b"invalid at byte ")
                else:
                    ok = rc == 0 and out == want
                report(ok, "program/json/%d" % i, "%r: got %r, want %r" % (src[:60], out, want))
            continue
        for i, (args, ref, inp) in enumerate(cases[prog]):
            rc, out = run(obj, args, inputs[inp])
            want = sh("cat | " + ref, inputs[inp])
            report(out == want, "program/%s/%d-%s" % (prog, i, inp),
                   "output differs from '%s' (%d bytes against %d)" % (ref, len(out), len(want)))
        if prog == "base64":
            enc = sh("base64", inputs["binary"])
            rc, out = run(obj, ["-d"], enc)
            report(out == inputs["binary"], "program/base64/decode", "decoded bytes differ")


def json_cases():
    import json as J
    docs = [b'{"a": [1, 2.5e3, true, null, "x\\n"], "b": {}}', b"[]", b"  0 ", b"-0.5E+10", b'"\\u00e9\\t"',
            b"[1, 2,]", b"{,}", b'{"a" 1}', b"01", b"1.", b"tru", b'"abc', b'["a", {"b": [[], {}]}]', b"",
            b'{"k": -12, "l": [false, true, null]}\n', b"[1] [2]", b'"\x01"', b"[-]", b'{"a":1,"b":2,}']
    out = []
    for d in docs:
        try:
            J.loads(d.decode())
            valid = True
        except Exception:
            valid = False
        out.append((d, valid))
    # the expected text: counts for valid documents (computed here the same way)
    res = []
    for d, valid in out:
        if valid:
            v = J.loads(d.decode())
            cnt = {"o": 0, "a": 0, "s": 0, "n": 0, "l": 0}

            def walk(x):
                if isinstance(x, dict):
                    cnt["o"] += 1
                    for k, y in x.items():
                        cnt["s"] += 1
                        walk(y)
                elif isinstance(x, list):
                    cnt["a"] += 1
                    for y in x:
                        walk(y)
                elif isinstance(x, str):
                    cnt["s"] += 1
                elif isinstance(x, bool) or x is None:
                    cnt["l"] += 1
                else:
                    cnt["n"] += 1
            walk(v)
            res.append((d, b"valid: %d objects, %d arrays, %d strings, %d numbers, %d literals\n" %
                        (cnt["o"], cnt["a"], cnt["s"], cnt["n"], cnt["l"])))
        else:
            res.append((d, b"invalid"))
    # invalid: the offset is ours; compare only the verdict line start
    return [(d, w) if w != b"invalid" else (d, None) for d, w in res]


def gens(count, seed):
    """count generated programs from seed on; their C translations are
    compiled by gcc in one file (names prefixed per program), and each
    KC program's output is compared with its C twin's"""
    import re
    progs = []
    for k in range(count):
        s = seed + k
        kc, c = gen.program(s)
        body = c[len(gen.C_PRELUDE):]
        body = re.sub(r"\b(f\d+|rec|main)\b", lambda m: "g%d_%s" % (s, m.group(1)), body)
        progs.append((s, kc, body))
    for start in range(0, len(progs), 50):
        batch = progs[start:start + 50]
        cfile = os.path.join(T, "gen%d.c" % batch[0][0])
        with open(cfile, "w") as f:
            f.write(gen.C_PRELUDE)
            for s, _, body in batch:
                f.write(body)
            f.write("int main(int argc, char **argv) {\n    long n = atol(argv[1]);\n")
            for s, _, _ in batch:
                f.write("    if (n == %d) return g%d_main();\n" % (s, s))
            f.write("    return 99;\n}\n")
        r = subprocess.run(["gcc", "-O0", "-w", "-o", cfile + ".bin", cfile], capture_output=True, text=True)
        if r.returncode:
            for s, _, _ in batch:
                report(False, "gen/%d" % s, "gcc: " + r.stderr[:200])
            continue
        for s, kc, _ in batch:
            base = os.path.join(T, "g%d" % s)
            open(base + ".kc", "w").write(kc)
            why = compile_check([base + ".kc"], base)
            if why:
                report(False, "gen/%d" % s, why + " (" + base + ".kc)")
                continue
            a = run(base)
            b = run(cfile + ".bin", [str(s)])
            report(a == b, "gen/%d" % s, "KC %r against C %r (%s.kc)" % (a[0], b[0], base) if a != b else "")
            if a == b:
                os.unlink(base + ".kc")
                os.unlink(base)
        if all(os.path.exists(os.path.join(T, "g%d" % s)) is False for s, _, _ in batch):
            os.unlink(cfile)
            os.unlink(cfile + ".bin")


def main():
    count = 300
    if len(sys.argv) > 2 and sys.argv[1] == "--fuzz-only":
        gens(int(sys.argv[2]), random.randrange(1 << 30))
    else:
        n = errors()
        print("INFO cc/errors %d compile-error cases" % n)
        runcases()
        programs()
        gens(count, 1)
    print("INFO cc/checker accepted %d of %d objects ktal-cc produced" % (accepted, objs))
    print("cc: %d passed, %d failed" % (passes, fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
