#!/bin/bash
# run.sh - KTAL in the kernel: verified programs in ring 0, refusals, and
# malformed objects, in one guest boot.
#
#   tests/ktal-guest/run.sh [--kernel BZIMAGE] [--cpus N]
#
# Prints "PASS ktal-kernel/NAME" or "FAIL ktal-kernel/NAME: why" per case,
# a few "INFO ktal-kernel/..." lines with measured figures, and
# "END passed=N failed=N"; exits 1 if a case failed.  Cases:
#   example/*    every ktal/examples program runs in ring 0 (as uid 1000)
#                and prints what ktal/tests/run.sh expects of it in ring 3
#   kc/*         the KC programs of ktal/programs (ktal-cc), as uid 1000 in
#                ring 0, print what Debian's tools print on the same input
#   unpriv/*     kernel.kml_ktal_unprivileged: 0 at boot, uid 1000 refused
#                with EPERM and the reason, root allowed; 1: uid 1000 runs
#                it (the rest of the run uses 1)
#   ssb          a verified task of uid 1000 shows Speculation_Store_Bypass
#                "thread force mitigated" (or the CPU's global state)
#   status       /proc/PID/status of a verified program started by uid
#                1000 says KernelMode 1, KtalVerified 1
#   probe        uid 1000 cannot write into the code of its own verified
#                program: /proc/PID/mem, PTRACE_ATTACH, process_vm_writev
#   exit/*       the entry's result and the exit service become the status
#   heap/reuse   a freed struct comes back, zeroed, from its type's pool
#   kill, restart  a looping program dies of SIGKILL; a read interrupted
#                by SIGSTOP/SIGCONT is restarted and completes
#   corpus/*     every corpus program: an accepted one runs in ring 0 and
#                is not killed by a signal; a rejected one is refused with
#                EPERM, and the kernel's reason (debugfs kml/ktal) is the
#                host ktal-check's line, byte for byte
#   malformed/*  the mutated objects of ktal/tests/malformed: never
#                accepted, refused with the host's reason when the ELF
#                still has KTAL sections
#   fuzz/*       300 examples with 1-4 random bytes changed (FUZZ_COUNT):
#                the kernel's verdict and reason are the host checker's; a
#                mutant that checks runs in ring 0 without a fault
#   concurrent   3 rounds of 12 simultaneous execs by uid 1000 of an object
#                that makes the checker ask for nearly its memory cap: all
#                refused, no memory kept between rounds, the console quiet
#   big          a 1 MB-of-code object: checked (cond_resched) and run
#   svc/*        the services of issue 15 (svc/*.kc: sockets and poll,
#                clocks, pipes, dup2, getrandom, arguments, files) used for
#                real and with lying arguments, as uid 1000 in ring 0
#                (verified) and the same object in ring 3: every check
#                passes and both rings print the same lines; svc/heap:
#                1,000,000 allocate/free cycles of mixed sizes, the
#                resident size within 2x of its value after 10,000
#   boot         no oops, BUG, WARNING or lockup in the whole run (kmlvm)
# The figures: check time per KB of code, and getpid through a service
# call in ring 0 against the same code in ring 3 (the binary with its
# .ktal.hdr section renamed, so the kernel leaves it to its ring-3 runtime).
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
KERNEL=$ROOT/build/kernel/bzImage
CPUS=2
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	*) echo "usage: $0 [--kernel BZIMAGE] [--cpus N]" >&2; exit 2 ;;
	esac
done
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
K=$ROOT/ktal/build
T=$ROOT/build/ktal-guest
W=$T/tree
rm -rf "$T"; mkdir -p "$W"/corpus "$W"/mal "$W"/ex

make -s -C ktal all >/dev/null 2>"$T/make.err" || { echo "FAIL ktal-kernel/build: make -C ktal: $(head -3 "$T/make.err")"; echo "END passed=0 failed=1"; exit 1; }
gcc -static -O2 -o "$W/ktal-run" tests/ktal-guest/ktal-run.c 2>"$T/cc.err" ||
	{ echo "FAIL ktal-kernel/build: ktal-run: $(head -3 "$T/cc.err")"; echo "END passed=0 failed=1"; exit 1; }

# cases.txt: KIND NAME FILE UID STDIN EXPECTED-STDOUT (- for none);
# expect.txt: NAME VERDICT [the host checker's line]
: > "$W/cases.txt"; : > "$T/expect.txt"
case_() { echo "$*" >> "$W/cases.txt"; }

# ---- examples, with the inputs and outputs of ktal/tests/run.sh
cp "$K"/examples/* "$W/ex/"
printf 'hello, world\n' > "$W/ex/hello.exp"
head -c 300000 /dev/urandom > "$W/ex/cat.in"; cp "$W/ex/cat.in" "$W/ex/cat.exp"
printf 'one two  three\n\tfour\nfive six' > "$W/ex/wc.in"
cat ktal/tests/corpus/*.ktal >> "$W/ex/wc.in"
wc -l -w -c < "$W/ex/wc.in" | awk '{print $1, $2, $3}' > "$W/ex/wc.exp"
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) print int(rand() * 1000000) }' > "$W/ex/sort.in"
sort -n "$W/ex/sort.in" > "$W/ex/sort.exp"
seq 10 -1 1 > "$W/ex/list.exp"; echo "sum 55" >> "$W/ex/list.exp"
printf '6765\n5000050000\nstack limit reached\n' > "$W/ex/rec.exp"
printf '17\n7\n60\n12\n' > "$W/ex/fnptr.exp"
for e in hello cat wc sort list rec fnptr; do
	in=-; [ -f "$W/ex/$e.in" ] && in=ex/$e.in
	case_ run example/$e ex/$e 1000 $in ex/$e.exp
done
# ---- the KC programs (ktal/programs compiled by ktal-cc) on the inputs of
# ktal/cc/tests/run.py, against Debian's outputs
"$PY" ktal/cc/tests/guest_cases.py "$W" >> "$W/cases.txt" 2>"$T/kc.err" ||
	{ echo "FAIL ktal-kernel/build: KC programs: $(head -3 "$T/kc.err")"; echo "END passed=0 failed=1"; exit 1; }
case_ status status ex/cat 1000 - -
case_ probe probe ex/cat 1000 - -

# ---- small programs of our own
mk() { # name source
	printf '%s\n' "$2" > "$T/$1.ktal"
	"$K/ktal-as" -o "$W/$1" "$T/$1.ktal" 2>>"$T/as.err"
}
mk ret42 'fn main() -> int headroom 0
    mov eax, 42
    ret'
mk exit7 'import exit = exit
fn main() -> int headroom 80
    mov edi, 7
    call [exit]
    xor eax, eax
    ret'
mk loop 'fn main() -> int headroom 0
    xor eax, eax
spin: {rax: int}
    jmp spin'
"$K/ktal-as" -o "$W/reuse" tests/ktal-guest/reuse.ktal
# the service tests, and their ring-3 twins (no .ktal.hdr: the runtime)
mkdir -p "$W/svc"
for f in tests/ktal-guest/svc/*.kc; do
	n=$(basename "$f" .kc)
	[ "$n" = t ] && continue
	"$K/ktal-cc" -o "$W/svc/$n" tests/ktal-guest/svc/t.kc "$f" 2>>"$T/svc.err" ||
		{ echo "FAIL ktal-kernel/build: $f: $(head -3 "$T/svc.err")"; echo "END passed=0 failed=1"; exit 1; }
	"$PY" -c 'import sys; b = open(sys.argv[1], "rb").read(); n = b.count(b".ktal.hdr\0"); assert n == 1, n
open(sys.argv[2], "wb").write(b.replace(b".ktal.hdr\0", b".ktal.hdX\0"))' "$W/svc/$n" "$W/svc/$n-r3"
	chmod +x "$W/svc/$n-r3"
	echo "$n" >> "$W/svc/list"
done
case_ run exit/return ret42 1000 - -
case_ run heap/reuse reuse 1000 - -
case_ run exit/service exit7 1000 - -
for n in 200000 400000; do
	sed "s/COUNT/$n/" tests/ktal-guest/getpid.ktal > "$T/getpid$n.ktal"
	"$K/ktal-as" -o "$W/getpid$n" "$T/getpid$n.ktal"
	# the same bytes, but no .ktal.hdr for the kernel to find: ring 3
	"$PY" -c 'import sys; b = open(sys.argv[1], "rb").read(); n = b.count(b".ktal.hdr\0"); assert n == 1, n
open(sys.argv[2], "wb").write(b.replace(b".ktal.hdr\0", b".ktal.hdX\0"))' "$W/getpid$n" "$W/getpid$n-r3"
	chmod +x "$W/getpid$n-r3"
done

# ---- the process services (tests/ktal-guest/proc/*.kc): each program as
# uid 1000 in ring 0, and the same bytes without .ktal.hdr in ring 3
# (its runtime); ring prints the ring an exec chose
mkdir -p "$W/proc"
for p in fork signal exec bomb status forkhold restart; do
	"$K/ktal-cc" -o "$W/proc/$p" tests/ktal-guest/proc/lib.kc tests/ktal-guest/proc/$p.kc 2>"$T/proc.err" ||
		{ echo "FAIL ktal-kernel/build: proc/$p: $(head -3 "$T/proc.err")"; echo "END passed=0 failed=1"; exit 1; }
	"$PY" -c 'import sys; b = open(sys.argv[1], "rb").read(); n = b.count(b".ktal.hdr\0"); assert n == 1, n
open(sys.argv[2], "wb").write(b.replace(b".ktal.hdr\0", b".ktal.hdX\0"))' "$W/proc/$p" "$W/proc/$p-r3"
	chmod +x "$W/proc/$p-r3"
done
gcc -static -O2 -o "$W/proc/ring" tests/ktal-guest/proc/ring.c 2>"$T/proc.err" ||
	{ echo "FAIL ktal-kernel/build: proc/ring: $(head -3 "$T/proc.err")"; echo "END passed=0 failed=1"; exit 1; }
# expected outputs: "ok NAME" for every check() in source order, and for
# exec.kc the lines of the programs it starts (K: KernelMode 1 in ring 0)
for p in fork signal bomb restart; do
	sed -n 's/.*check("\([^"]*\)".*/ok \1/p' tests/ktal-guest/proc/$p.kc > "$T/proc-$p.exp"
done
echo "stopped T T" >> "$T/proc-restart.exp"	# guest.sh saw it stopped, twice
for r in 0 3; do
	k=$([ $r = 0 ] && echo 1 || echo 0)
	sed -n 's/.*check("\([^"]*\)".*/ok \1/p' tests/ktal-guest/proc/exec.kc | awk -v k=$k '
	NR == 1 { print "status " k " " k; print "status " k " " k }
	$2 == "execve/echo" { print "hello from exec" }
	$2 == "execve/untrusted" { print "ring 0 0" }
	$2 == "execve/verified" { print "status 1 1" }
	$2 == "execve/trusted" { print "ring 1 0" }
	$2 == "execve/trusted-not-root-owned" || $2 == "execve/trusted-dotdot" { print "ring 0 0" }
	{ print }' > "$T/proc-exec-r$r.exp"
done

# ---- the corpus, with the host checker's verdict and line
objs=()
for f in ktal/tests/corpus/*.ktal; do
	n=$(basename "$f" .ktal)
	exp=$(sed -n 's/^; expect: //p' "$f" | head -1)
	case "$exp" in accept|reject*) ;; *) continue ;; esac
	"$K/ktal-as" -o "$W/corpus/$n" "$f" 2>/dev/null && objs+=("$W/corpus/$n")
done
for f in ktal/tests/malformed/*.mut; do
	n=$(basename "$f" .mut)
	base=$(sed -n 's/^# base: //p' "$f")
	"$K/ktal-as" -o "$T/mal-$n.in" "ktal/$base" 2>/dev/null &&
	"$PY" ktal/tools/mutate.py "$T/mal-$n.in" "$W/mal/$n" $(sed -n 's/^# mutate: //p' "$f") 2>/dev/null &&
	chmod +x "$W/mal/$n" && objs+=("$W/mal/$n")
done
# mutants: a few random bytes of an example changed, anywhere in the file
mkdir -p "$W/fuzz"
"$PY" - "$K" "$W/fuzz" "${FUZZ_COUNT:-300}" <<'PYEOF'
import os, random, re, subprocess, sys
k, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
src = os.path.join(k, "examples")
rnd = random.Random(7)
names = sorted(os.listdir(src))
where = {}
for n in names:
    # the bytes that matter: the verified code, and the tables and the
    # section headers after the data page (the rest is the ring-3
    # runtime and page padding)
    info = subprocess.run([os.path.join(k, "ktal-check"), "-i", os.path.join(src, n)],
                          capture_output=True, text=True).stdout
    c = re.search(r"code: offset (0x[0-9a-f]+) size (\d+)", info)
    d = re.search(r"data: offset (0x[0-9a-f]+)", info)
    co, cs = int(c.group(1), 16), int(c.group(2))
    tail = (int(d.group(1), 16) if d else co + cs + 4095 & ~4095) + 4096
    where[n] = (co, cs, tail)
for i in range(count):
    n = names[i % len(names)]
    b = bytearray(open(os.path.join(src, n), "rb").read())
    co, cs, tail = where[n]
    for _ in range(rnd.randint(1, 4)):
        if rnd.random() < 0.5 or tail >= len(b):
            b[co + rnd.randrange(cs)] = rnd.randrange(256)
        else:
            b[rnd.randrange(tail, len(b))] = rnd.randrange(256)
    p = os.path.join(dst, f"{n}-{i}")
    open(p, "wb").write(b)
    os.chmod(p, 0o755)
PYEOF
for o in "$W"/fuzz/*; do objs+=("$o"); done
"$K/ktal-check" "${objs[@]}" 2>/dev/null | sed -n "s|^$W/||p" |
while IFS= read -r line; do
	name=${line%%: *}
	case "$line" in
	*": accepted") echo "$name accept" ;;
	*": rejected: "*) echo "$name reject ${line#*: rejected: }" ;;
	esac
done >> "$T/expect.txt"
for o in "${objs[@]}"; do
	case $o in */fuzz/*) case_ fuzz "${o#$W/}" "${o#$W/}" 1000 - - ;; *) case_ run "${o#$W/}" "${o#$W/}" - - - ;; esac
done

# ---- a large object: check time per KB, and cond_resched on the way
# (built here, not taken from ktal/bench's cache: a fresh clone has none)
"$PY" ktal/bench/gen.py 1000000 > "$T/big.ktal" 2>"$T/big.err" &&
	"$K/ktal-as" -o "$W/big" "$T/big.ktal" 2>>"$T/big.err" ||
	{ echo "FAIL ktal-kernel/build: big object: $(head -3 "$T/big.err")"; echo "END passed=0 failed=1"; exit 1; }

tar -C "$W" -cf "$T/tree.tar" .

# ---- the guest
set +e
tools/kmlvm sh --no-build --kernel "$KERNEL" --cpus "$CPUS" --timeout 1500 \
	--file "$T/tree.tar:/job/tree.tar" --file tests/ktal-guest/guest.sh:/job/guest.sh \
	'sh /job/guest.sh' > "$T/guest.out" 2> "$T/guest.err"
rc=$?
set -e

"$PY" - "$T" "$rc" <<'EOF'
import sys
T, rc = sys.argv[1], int(sys.argv[2])
passed = failed = 0
def ok(n, info=""):
    global passed; passed += 1; print(f"PASS ktal-kernel/{n}" + (f" ({info})" if info else ""))
def bad(n, why):
    global failed; failed += 1; print(f"FAIL ktal-kernel/{n}: {why}")
exp = {}
for l in open(f"{T}/expect.txt"):
    p = l.rstrip("\n").split(" ", 2)
    exp[p[0]] = (p[1], p[2] if len(p) > 2 else "")
res, extra = {}, {}
for l in open(f"{T}/guest.out", errors="replace"):
    l = l.rstrip("\n")
    if l.startswith("R "):
        f = [x.strip() for x in l[2:].split(" | ")]
        d = {"run": f[1].split()}
        for x in f[2:]:
            k, _, v = x.partition(" ")
            d[k] = v
        res[f[0]] = d
    elif l.startswith("X "):
        k, _, v = l[2:].partition(" ")
        extra[k] = v
if rc == 125:
    bad("boot", "the kernel oopsed, warned or the guest died (kmlvm exit 125): "
        + open(f"{T}/guest.err", errors="replace").read()[-600:].replace("\n", " | "))
elif rc == 124:
    bad("boot", "the guest hung")
elif not res:
    bad("boot", f"no results (kmlvm exit {rc}): " + open(f"{T}/guest.err", errors="replace").read()[-400:])
else:
    ok("boot")
# the administrator's switch and the speculation controls (guest.sh, top)
unsafe = extra.get("unpriv_boot", "0") not in ("", "0")
e = lambda k: extra.get(k, "missing")
if e("unpriv_default") == "0": ok("unpriv/default", "kernel.kml_ktal_unprivileged is 0 at boot")
else: bad("unpriv/default", f"kernel.kml_ktal_unprivileged at boot: {e('unpriv_default')}, expected 0")
want_why = "the CPU's mitigations cannot protect" if unsafe else "(kernel.kml_ktal_unprivileged = 0)"
if e("unpriv_user0").startswith("execfail 1 ") and want_why in e("unpriv_user0"): ok("unpriv/off-user", "uid 1000: " + e("unpriv_user0"))
else: bad("unpriv/off-user", f"with the switch 0, uid 1000 expected EPERM and '{want_why}', got {e('unpriv_user0')}")
if e("unpriv_root0").startswith("exit 0"): ok("unpriv/off-root", "root runs it with the switch 0")
else: bad("unpriv/off-root", f"root with the switch 0: {e('unpriv_root0')}")
if unsafe:
    if e("unpriv_set").startswith("refused") and e("unpriv_user1").startswith("execfail 1 "):
        ok("unpriv/on-user", "the CPU cannot protect the kernel (boot line): the switch stays 0, uid 1000 refused")
    else: bad("unpriv/on-user", f"boot said not offered, but set: {e('unpriv_set')}, uid 1000: {e('unpriv_user1')}")
elif e("unpriv_set") == "ok 1" and e("unpriv_user1").startswith("exit 0"): ok("unpriv/on-user", "switch 1: uid 1000 runs it")
else: bad("unpriv/on-user", f"switch set: {e('unpriv_set')}, uid 1000: {e('unpriv_user1')}")
ssb = e("ssb").split(" ssb ")[-1] if " ssb " in e("ssb") else "missing"
ssb_ok = {"Not_affected": "not_vulnerable"}.get(e("ssb_cpu"), "thread_force_mitigated")
if e("ssb_cpu") == "Mitigation:_Speculative_Store_Bypass_disabled": ssb_ok = "globally_mitigated"
if unsafe and ssb == "missing": ok("ssb", f"not run: verified programs are not offered to uid 1000 on this CPU ({e('ssb_cpu')})")
elif e("ssb").startswith("status 1 1") and ssb == ssb_ok: ok("ssb", f"uid 1000's verified task: Speculation_Store_Bypass {ssb} (CPU: {e('ssb_cpu')})")
else: bad("ssb", f"expected a verified task with Speculation_Store_Bypass {ssb_ok} (CPU: {e('ssb_cpu')}), got: {e('ssb')}")
prev_acc, prev_rej = (int(x) for x in extra.get("base", "0 0").split())
for name, d in res.items():
    r = d["run"]
    acc, rej = (int(x) for x in d.get("acc", "0 rej 0").split()[::2])
    fresh_acc = prev_acc is not None and acc > prev_acc
    fresh_rej = prev_rej is not None and rej > prev_rej
    prev_acc, prev_rej = acc, rej
    out = d.get("out", "-")
    if name.startswith("example/") or name.startswith("kc/") or name.startswith("exit/") or name == "heap/reuse":
        want = {"exit/return": "exit 42", "exit/service": "exit 7"}.get(name, "exit 0")
        got = " ".join(r[:2])
        if got != want: bad(name, f"expected {want}, got {' '.join(r)}")
        elif not fresh_acc: bad(name, "the kernel did not verify it (debugfs kml/ktal accepted did not grow)")
        elif out not in ("same", "-"): bad(name, "output differs from ring 3's")
        else: ok(name)
    elif name == "status":
        if r[:3] == ["status", "1", "1"] and r[3:5] == ["exit", "0"]: ok(name, "uid 1000: KernelMode 1, KtalVerified 1")
        else: bad(name, f"expected KernelMode 1 KtalVerified 1 and exit 0 for uid 1000, got {' '.join(r)}")
    elif name == "probe":
        # "probe E1 E2 E3 status K V exit 0 ns T": each way in must fail
        if r[0] == "probe" and r[4:7] == ["status", "1", "1"] and "0" not in r[1:4]:
            ok(name, f"uid 1000 on its own verified program: /proc/PID/mem errno {r[1]}, "
                     f"PTRACE_ATTACH errno {r[2]}, process_vm_writev errno {r[3]}")
        else:
            bad(name, f"a write into the verified code of uid 1000's ring-0 program was not refused to uid 1000: {' '.join(r)}")
    elif name in exp:
        verdict, line = exp[name]
        if verdict == "accept" and name.startswith("fuzz/"):
            # a mutant that still checks: it runs in ring 0 and ends by
            # itself or by the 5 s limit, never by a fault
            if fresh_acc and (r[0] == "exit" or r[:2] == ["signal", "9"]): ok(name, " ".join(r[:2]))
            else: bad(name, f"accepted by the host checker; in ring 0: {' '.join(r)}{'' if fresh_acc else ' (not verified by the kernel)'}")
        elif verdict == "accept":
            if r[0] == "exit" and fresh_acc: ok(name)
            else: bad(name, f"accepted by the host checker; in ring 0: {' '.join(r)}{'' if fresh_acc else ' (not verified by the kernel)'}")
        else:
            last, why = d.get("last", ""), d.get("why", "")
            if fresh_acc: bad(name, "the kernel accepted what the host checker rejects: " + line)
            elif r[:2] == ["execfail", "1"] and fresh_rej and last == line and why == line: ok(name)
            elif r[:2] == ["execfail", "1"] and fresh_rej and last != line: bad(name, f"reason differs: kernel '{last}', host '{line}'")
            elif r[:2] == ["execfail", "1"] and fresh_rej: bad(name, f"the caller's reason (arch_prctl ARCH_KML_KTAL_REASON) differs: '{why}', host '{line}'")
            elif (name.startswith("mal/") or name.startswith("fuzz/")) and not fresh_rej:
                ok(name, f"not checked (the ELF loader refused it first, or no .ktal.hdr left to find): {' '.join(r[:2])}, not verified")
            else: bad(name, f"expected EPERM with '{line}', got {' '.join(r)}")
    else:
        bad(name, "no host verdict")
# concurrent: "REFUSED REJECTED_DELTA MEM_LOST_MIB first-result..."
c = extra.get("concurrent", "missing").split(" ", 3)
if len(c) >= 3 and c[0] == "36" and c[1] == "36" and int(c[2]) <= 16:
    ok("concurrent", f"3 rounds of 12 execs at once by uid 1000 of an object near the checker's memory cap: all refused with the host's reason, {c[2]} MiB less available after round 3 than after round 1")
else:
    bad("concurrent", f"expected 36 refusals ('.ktal.sigs size mismatch'), 36 more rejections and at most 16 MiB less available after round 3 than after round 1; got refused, rejected, MiB, first: {c}")
# the services: ring 0 verified, ring 3 not, every check "ok", the same lines
svc = {}
for l in open(f"{T}/guest.out", errors="replace"):
    if l.startswith("S "):
        f = [x.strip() for x in l[2:].rstrip("\n").split(" | ", 3)]
        name, ring = f[0].split()
        svc.setdefault(name, {})[ring] = (f[1], int(f[2].split()[1]), f[3].rstrip(";").split(";") if len(f) > 3 else [])
for name in sorted(svc):
    for ring in ("r0", "r3"):
        run, acc, out = svc[name].get(ring, ("missing", 0, []))
        n = f"svc/{name}/{'ring0' if ring == 'r0' else 'ring3'}"
        for x in out:
            if x.startswith("info "): print(f"INFO ktal-kernel/{n}: {x[5:]}")
        out = [x for x in out if not x.startswith("info ")]
        fails = [x for x in out if " ok" not in x or "FAIL" in x]
        if not run.startswith("exit 0"): bad(n, f"{run}; {'; '.join(fails[:8]) or 'no output'}")
        elif ring == "r0" and acc < 1: bad(n, "not verified by the kernel (debugfs kml/ktal accepted did not grow)")
        elif ring == "r3" and acc != 0: bad(n, "the ring-3 twin was verified: it should run through its runtime")
        elif fails or not out or out[-1] != "all ok": bad(n, "; ".join(fails[:8]) or "no 'all ok'")
        elif ring == "r3" and out != [x for x in svc[name].get("r0", ("", 0, []))[2] if not x.startswith("info ")]:
            bad(n, "ring 3 printed other lines than ring 0")
        else: ok(n, f"{len(out) - 1} checks")
# the process services: "P NAME | RESULT" then the program's output
# (guest.sh), against the expected lines
for p in ("fork", "signal", "exec", "bomb", "restart"):
    for r in ("0", "3"):
        name = f"proc/{p}-r{r}"
        v = extra.get(name, "missing")
        want = open(f"{T}/proc-{p}" + (f"-r{r}" if p == "exec" else "") + ".exp").read().split("\n")
        got = [x for x in v.split("~")[1:]] if "~" in v else []
        want = [x for x in want if x]
        if not v.startswith("exit 0"):
            bad(name, f"expected exit 0, got: {v.split('~')[0]}; output: {' | '.join(got)[:600]}")
        elif got[:len(want)] != want or any(x for x in got[len(want):]):
            diff = [f"{a!r} != {b!r}" for a, b in zip(got + [''] * len(want), want) if a != b][:3]
            bad(name, f"output differs: {'; '.join(diff)} (got {len(got)} lines, want {len(want)})")
        else:
            ok(name, f"{sum(1 for x in want if x.startswith('ok '))} checks in ring {r}")
# a forked child of a verified program is a ring-0 task: its user cannot
# write into it ("probe E1 E2 E3 status K V", ktal-run -P)
v = extra.get("proc/ptrace", "missing").split()
if v[:1] == ["probe"] and "0" not in v[1:4] and v[4:7] == ["status", "1", "1"]:
    ok("proc/ptrace", f"uid 1000 on the forked child of its verified program: /proc/PID/mem errno {v[1]}, "
                      f"PTRACE_ATTACH errno {v[2]}, process_vm_writev errno {v[3]}; KernelMode 1, KtalVerified 1")
else:
    bad("proc/ptrace", f"expected every write into the forked ring-0 child refused, and status 1 1: {' '.join(v)}")
for k in ("kill", "restart", "big"):
    v = extra.get(k, "missing")
    if v.startswith("ok"): ok(k, v[2:].lstrip(": "))
    else: bad(k, v)
# figures
try:
    st = dict(x.split(" ", 1) for x in extra["debugfs"].split(" ; ") if " " in x)
    big = extra["big_figures"].split()
    ns, code = int(big[0]), int(big[1])
    print(f"INFO ktal-kernel/check-cost {ns / 1000 / (code / 1024):.1f} us per KB of code "
          f"(one {code} B-code object, {ns / 1e6:.1f} ms; all checks of this run: "
          f"{int(st['check_ns']) / 1000 / (int(st['code_bytes']) / 1024):.1f} us per KB)")
except Exception as e:
    print(f"INFO ktal-kernel/check-cost unavailable ({e})")
try:
    g = {k: int(extra[k].split()[3]) for k in ("gp200000", "gp400000", "gp200000-r3", "gp400000-r3")}
    r0 = (g["gp400000"] - g["gp200000"]) / 200000
    r3 = (g["gp400000-r3"] - g["gp200000-r3"]) / 200000
    print(f"INFO ktal-kernel/getpid ring 0 (service call) {r0:.0f} ns, ring 3 (runtime, syscall) {r3:.0f} ns, ratio {r3 / r0:.2f}x")
except Exception as e:
    print(f"INFO ktal-kernel/getpid unavailable ({e})")
print(f"END passed={passed} failed={failed}")
sys.exit(1 if failed else 0)
EOF
