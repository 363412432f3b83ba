"""gen.py - random KC programs with their C translation (the differential
oracle of run.py).  gen.program(seed) returns (kc_source, c_source); both
print the same lines if ktal-cc is right.

The programs use int arithmetic (every operator, wrapping, division by
zero), loops, arrays (indexes reduced into range), structs, recursion
with a bounded depth, and function values.  C gets helper functions with
KC's semantics (wrapping through uint64_t, x/0 == 0, x%0 == x)."""
import random

C_PRELUDE = r"""#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
typedef int64_t I;
static I add(I a, I b) { return (I)((uint64_t)a + (uint64_t)b); }
static I sub(I a, I b) { return (I)((uint64_t)a - (uint64_t)b); }
static I mul(I a, I b) { return (I)((uint64_t)a * (uint64_t)b); }
static I dv(I a, I b) { if (!b) return 0; if (b == -1) return (I)(0 - (uint64_t)a); return a / b; }
static I md(I a, I b) { if (!b) return a; if (b == -1) return 0; return a % b; }
static I shl(I a, I b) { return (I)((uint64_t)a << (b & 63)); }
static I shr(I a, I b) { return a >> (b & 63); }
static I neg(I a) { return (I)(0 - (uint64_t)a); }
static I ix(I i, I n) { I r = md(i, n); return r < 0 ? r + n : r; }
typedef struct S { I a, b; struct S *next; } S;
static void put(I v) { printf("%lld\n", (long long)v); }
static I gsum = 5;
static I apply(I (*f)(I), I x) { return add(f(x), 1); }
"""

KC_PRELUDE = """struct S { a: int; b: int; next: S?; }
fn put(v: int) {
    var d = new byte[24];
    var i = 23;
    d[i] = '\\n';
    var neg = v < 0;
    if (v == 0) { i = i - 1; d[i] = '0'; }
    while (v != 0) {
        var r = v % 10;
        if (r < 0) { r = -r; }
        i = i - 1;
        d[i] = '0' + r;
        v = v / 10;
    }
    if (neg) { i = i - 1; d[i] = '-'; }
    write(1, d, i, 24 - i);
    free(d);
}
fn ix(i: int, n: int) -> int { var r = i % n; if (r < 0) { return r + n; } return r; }
var gsum: int = 5;
fn apply(f: fn(int) -> int, x: int) -> int { return f(x) + 1; }
"""

BIN = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "<", "<=", ">", ">=", "==", "!="]
CFN = {"+": "add", "-": "sub", "*": "mul", "/": "dv", "%": "md", "<<": "shl", ">>": "shr"}


class G:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def name(self, p):
        self.n += 1
        return "%s%d" % (p, self.n)

    def const(self):
        r = self.r
        return r.choice([0, 1, 2, 3, 7, 10, -1, -5, 100, 255, 65536, 2147483647, -2147483648,
                         9223372036854775807, r.randint(-1000, 1000)])

    def expr(self, env, d):
        """(kc, c) of an int expression over env (names of int variables)"""
        r = self.r
        if d <= 0 or r.random() < 0.3:
            if env and r.random() < 0.7:
                v = r.choice(env)
                return v, v
            k = self.const()
            if k < 0:
                return "(%d)" % k, "((I)%dLL)" % k if k != -9223372036854775808 else "INT64_MIN"
            return str(k), "((I)%dULL)" % k
        c = r.random()
        if c < 0.65:
            op = r.choice(BIN)
            a, ca = self.expr(env, d - 1)
            b, cb = self.expr(env, d - 1)
            if op in CFN:
                return "(%s %s %s)" % (a, op, b), "%s(%s, %s)" % (CFN[op], ca, cb)
            if op in ("&", "|", "^"):
                return "(%s %s %s)" % (a, op, b), "(%s %s %s)" % (ca, op, cb)
            return "(%s %s %s)" % (a, op, b), "((I)(%s %s %s))" % (ca, op, cb)
        if c < 0.75:
            op = r.choice(["-", "!", "~"])
            a, ca = self.expr(env, d - 1)
            if op == "-":
                return "(-%s)" % a, "neg(%s)" % ca
            return "(%s%s)" % (op, a), "((I)(%s%s))" % (op, ca)
        if c < 0.85:
            op = r.choice(["&&", "||"])
            a, ca = self.expr(env, d - 1)
            b, cb = self.expr(env, d - 1)
            return "(%s %s %s)" % (a, op, b), "((I)(%s %s %s))" % (ca, op, cb)
        if self.arrays:
            a = r.choice(self.arrays)
            i, ci = self.expr(env, d - 1)
            return "%s[ix(%s, len(%s))]" % (a[0], i, a[0]), "((I)%s[ix(%s, %d)])" % (a[0], ci, a[1])
        return self.expr(env, 0)

    def chain(self, env, n):
        """(kc, c) of n small expressions nested to the right, a op (b op
        (c ...)): each left operand is held while the rest is computed,
        so beyond 6 of them the compiler spills temporaries"""
        if n <= 1:
            return self.expr(env, 1)
        a, ca = self.expr(env, 1)
        if self.arrays and self.r.random() < 0.6:
            x = self.r.choice(self.arrays)
            a, ca = "%s[ix(%s, len(%s))]" % (x[0], a, x[0]), "((I)%s[ix(%s, %d)])" % (x[0], ca, x[1])
        b, cb = self.chain(env, n - 1)
        op = self.r.choice(BIN)
        if op in CFN:
            return "(%s %s %s)" % (a, op, b), "%s(%s, %s)" % (CFN[op], ca, cb)
        if op in ("&", "|", "^"):
            return "(%s %s %s)" % (a, op, b), "(%s %s %s)" % (ca, op, cb)
        return "(%s %s %s)" % (a, op, b), "((I)(%s %s %s))" % (ca, op, cb)

    def stmts(self, env, depth, out_kc, out_c, ind, inloop):
        r = self.r
        for _ in range(r.randint(1, 4)):
            c = r.random()
            pad = "    " * ind
            if c < 0.3 or not env:
                v = self.name("v")
                if r.random() < 0.15:
                    e, ce = self.chain(env, r.randint(6, 14))
                else:
                    e, ce = self.expr(env, 3)
                out_kc.append("%svar %s = %s;" % (pad, v, e))
                out_c.append("%sI %s = %s;" % (pad, v, ce))
                env = env + [v]
            elif c < 0.4 and self.funcs:
                # calls only here, with call-free arguments: C leaves the
                # order of evaluation of operands and arguments open
                f, nargs = r.choice(self.funcs)
                v = self.name("v")
                args = [self.expr(env, 2) for _ in range(nargs)]
                out_kc.append("%svar %s = %s(%s);" % (pad, v, f, ", ".join(a for a, _ in args)))
                out_c.append("%sI %s = %s(%s);" % (pad, v, f, ", ".join(c for _, c in args)))
                env = env + [v]
            elif c < 0.5 and [x for x in env if not x.startswith("i")]:
                v = r.choice([x for x in env if not x.startswith("i")])
                e, ce = self.expr(env, 3)
                out_kc.append("%s%s = %s;" % (pad, v, e))
                out_c.append("%s%s = %s;" % (pad, v, ce))
            elif c < 0.6:
                e, ce = self.expr(env, 3)
                out_kc.append("%sput(%s);" % (pad, e))
                out_c.append("%sput(%s);" % (pad, ce))
            elif c < 0.7 and depth > 0:
                e, ce = self.expr(env, 2)
                out_kc.append("%sif (%s) {" % (pad, e))
                out_c.append("%sif (%s) {" % (pad, ce))
                self.stmts(env, depth - 1, out_kc, out_c, ind + 1, inloop)
                out_kc.append("%s} else {" % pad)
                out_c.append("%s} else {" % pad)
                self.stmts(env, depth - 1, out_kc, out_c, ind + 1, inloop)
                out_kc.append(pad + "}")
                out_c.append(pad + "}")
            elif c < 0.8 and depth > 0:
                i = self.name("i")
                n = r.randint(0, 6)
                out_kc.append("%sfor (var %s = 0; %s < %d; %s = %s + 1) {" % (pad, i, i, n, i, i))
                out_c.append("%sfor (I %s = 0; %s < %d; %s = %s + 1) {" % (pad, i, i, n, i, i))
                self.stmts(env + [i], depth - 1, out_kc, out_c, ind + 1, True)
                out_kc.append(pad + "}")
                out_c.append(pad + "}")
            elif c < 0.75 and depth > 0:
                w = self.name("i")
                n = r.randint(0, 5)
                out_kc.append("%svar %s = 0;" % (pad, w))
                out_c.append("%sI %s = 0;" % (pad, w))
                out_kc.append("%swhile (1) {" % pad)
                out_c.append("%swhile (1) {" % pad)
                out_kc.append("%s    if (%s >= %d) { break; }" % (pad, w, n))
                out_c.append("%s    if (%s >= %d) { break; }" % (pad, w, n))
                out_kc.append("%s    %s = %s + 1;" % (pad, w, w))
                out_c.append("%s    %s = %s + 1;" % (pad, w, w))
                self.stmts(env + [w], depth - 1, out_kc, out_c, ind + 1, True)
                out_kc.append(pad + "}")
                out_c.append(pad + "}")
                env = env + [w]
            elif c < 0.85 and inloop:
                e, ce = self.expr(env, 1)
                k = r.choice(["break", "continue"])
                out_kc.append("%sif (%s) { %s; }" % (pad, e, k))
                out_c.append("%sif (%s) { %s; }" % (pad, ce, k))
            elif c < 0.92 and self.arrays:
                a = r.choice(self.arrays)
                i, ci = self.expr(env, 2)
                e, ce = self.expr(env, 2)
                out_kc.append("%s%s[ix(%s, len(%s))] = %s;" % (pad, a[0], i, a[0], e))
                out_c.append("%s%s[ix(%s, %d)] = (%s)(%s);" % (pad, a[0], ci, a[1],
                             "unsigned char" if a[0] == "bytes" else "I", ce))
            elif c < 0.95:
                e, ce = self.expr(env, 2)
                out_kc.append("%sgsum = gsum + %s;" % (pad, e))
                out_c.append("%sgsum = add(gsum, %s);" % (pad, ce))
            else:
                e, ce = self.expr(env, 2)
                out_kc.append("%sst.a = st.a + %s;" % (pad, e))
                out_c.append("%sst->a = add(st->a, %s);" % (pad, ce))
                out_kc.append("%sput(st.a);" % pad)
                out_c.append("%sput(st->a);" % pad)
        return env


def program(seed):
    g = G(seed)
    r = g.r
    g.funcs = []
    g.arrays = []
    kc, c = [KC_PRELUDE], [C_PRELUDE]
    # recursive function with bounded depth
    kc.append("fn rec(n: int, acc: int) -> int { if (n <= 0) { return acc; } return rec(n - 1, acc * 3 + n); }")
    c.append("static I rec(I n, I acc) { if (n <= 0) return acc; return rec(sub(n, 1), add(mul(acc, 3), n)); }")
    protos = []
    for k in range(r.randint(1, 3)):
        f = "f%d" % k
        nargs = r.randint(1, 3)
        params = ["p%d" % i for i in range(nargs)]
        g.arrays = []
        body_kc, body_c = [], []
        env = g.stmts(list(params), 2, body_kc, body_c, 1, False)
        e, ce = g.expr(env, 3)
        kc.append("fn %s(%s) -> int {\n    var st = new S;\n%s\n    return %s;\n}" %
                  (f, ", ".join(p + ": int" for p in params), "\n".join(body_kc), e))
        c.append("static I %s(%s) {\n    S *st = calloc(1, sizeof(S));\n%s\n    return %s;\n}" %
                 (f, ", ".join("I " + p for p in params), "\n".join(body_c), ce))
        g.funcs.append((f, nargs))
    # main: arrays, a struct list, function values
    mk, mc = [], []
    n = r.randint(1, 8)
    mk.append("    var st = new S;")
    mc.append("    S *st = calloc(1, sizeof(S));")
    mk.append("    var arr = new int[%d];" % n)
    mc.append("    I arr[%d] = {0};" % n)
    nb = r.randint(1, 6)
    mk.append("    var bytes = new byte[%d];" % nb)
    mc.append("    unsigned char bytes[%d] = {0};" % nb)
    g.arrays = [("arr", n), ("bytes", nb)]
    env = g.stmts([], 3, mk, mc, 1, False)
    mk.append("    put(rec(%d, 1));" % r.randint(0, 30))
    mc.append("    put(rec(%d, 1));" % 0 if False else "    put(rec(%d, 1));" % 0)
    mc[-1] = mk[-1].replace("put(rec(", "put(rec(")
    ones = [f for f, a in g.funcs if a == 1]
    if ones:
        f = r.choice(ones)
        mk.append("    var fv: fn(int) -> int = %s;" % f)
        mc.append("    I (*fv)(I) = %s;" % f)
        mk.append("    put(fv(%d));" % r.randint(-50, 50))
        mc.append(mk[-1])
        mk.append("    var fq: (fn(int) -> int)? = null;")
        mc.append("    I (*fq)(I) = 0;")
        mk.append("    if (arr[0] == 0) { fq = fv; }")
        mc.append("    if (arr[0] == 0) { fq = fv; }")
        mk.append("    if (let h = fq) { put(h(7)); } else { put(-7); }")
        mc.append("    if (fq) { put(fq(7)); } else { put(-7); }")
        mk.append("    put(apply(fv, arr[0]));")
        mc.append(mk[-1])
    # a list of structs
    mk.append("    var head: S? = null;")
    mc.append("    S *head = 0;")
    mk.append("    for (var k = 0; k < %d; k = k + 1) { var s = new S; s.a = k * k; s.next = head; head = s; }" % r.randint(0, 9))
    mc.append("    for (I k = 0; k < %d; k = k + 1) { S *s = calloc(1, sizeof(S)); s->a = k * k; s->next = head; head = s; }" %
              int(mk[-1].split("k < ")[1].split(";")[0]))
    mk.append("    var sum = 0;")
    mc.append("    I sum = 0;")
    mk.append("    while (1) { if (let s = head) { sum = sum + s.a; head = s.next; } else { break; } }")
    mc.append("    while (head) { sum = add(sum, head->a); head = head->next; }")
    mk.append("    put(sum);")
    mc.append("    put(sum);")
    mk.append("    var sa = new S?[3];")
    mc.append("    S *sa[3] = {0};")
    mk.append("    sa[1] = st;")
    mc.append("    sa[1] = st;")
    mk.append("    if (let q = sa[1]) { put(q.a); } else { put(0); }")
    mc.append("    if (sa[1]) { put(sa[1]->a); } else { put(0); }")
    mk.append("    if (sa[2] == null) { put(gsum); }")
    mc.append("    if (sa[2] == 0) { put(gsum); }")
    for i in range(nb):
        mk.append("    put(bytes[%d]);" % i)
        mc.append("    put(bytes[%d]);" % i)
    for i in range(n):
        mk.append("    put(arr[%d]);" % i)
        mc.append("    put(arr[%d]);" % i)
    kc.append("fn main() -> int {\n%s\n    return 0;\n}" % "\n".join(mk))
    c.append("int main(void) {\n%s\n    return 0;\n}" % "\n".join(mc))
    return "\n".join(kc) + "\n", "\n".join(c) + "\n"
