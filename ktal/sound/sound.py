#!/usr/bin/env python3
"""sound.py - soundness testing: well-typed programs do not go wrong.

Generates programs (random near-valid KTAL text, random byte flips of
the code of valid objects, and valid objects whose imports are renamed
or retyped), checks each with ktal-check, and runs every accepted one in
ring 3 under the monitor (KTAL_MONITOR=1: every heap
object ends at a guard page, the runtime's own state is PROT_NONE while
verified code runs, the import slots are read-only, the stack has a guard
page below its limit, and every service call must come from the verified
code).  An accepted program that dies of a signal, or that the runtime
stops, is a checker bug: it is kept in --out and the run fails.

Objects with changed imports are linked before they run as the ring-0
loader will link them: each import slot gets the service that the
checker matched by name and type, with the object size and pool that it
reports (ktal-check -i), not what the assembler wrote for the ring-3
runtime.

usage: sound.py [--count N] [--seed S] [--out DIR]
"""
import argparse, glob, os, random, re, shutil, struct, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import mutate  # noqa: E402  (the object-format helpers)
AS = os.path.join(ROOT, 'build', 'ktal-as')
CHECK = os.path.join(ROOT, 'build', 'ktal-check')

# The service table in its order (check/services.c, KTAL_SVC_*).
SERVICES = ['exit', 'read', 'write', 'open', 'close', 'getpid', 'alloc', 'free',
            'alloc_array', 'free_array']
RT_DESCS = 1024  # KTAL_RT_DESCS: import k's ring-3 descriptor at +1024+8k

PRE = '''struct Node { val: int, next: ptr? Node }
import alloc_node = alloc<Node>
import free_node = free<Node>
import alloc_ints = alloc_array<int>
import alloc_bytes = alloc_array<byte>
import write = write
data nums: int = 1, 2, 3
data msg: byte = "ok\\n"
fn main() -> int headroom 512
    push rbx
    push r12
    mov edi, %d
    call [alloc_ints]
    test rax, rax
    je out
    mov rbx, rax
    call [alloc_node]
    test rax, rax
    je out
    mov r12, rax
    xor ecx, ecx
    mov edx, 1
    mov esi, 2
    mov edi, 3
    mov r8d, 4
'''
POST = '''out: {rbx: junk, r12: junk} [saved.r12, saved.rbx] headroom 496
    pop r12
    pop rbx
    xor eax, eax
    ret
'''
REGS = ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'rbx', 'r12']


def snippet(r):
    # bases are usually the prologue's array (rbx) and node (r12), so that
    # a fair share of programs type-check and get run
    a, c = r.choice(REGS), r.choice(REGS)
    b = r.choice(['rbx', 'r12']) if r.random() < 0.7 else r.choice(REGS)
    k = r.choice([0, 1, 2, 3, 4, -1])
    n = r.choice([0, 8, 16, 64, 4096])
    s = r.choice([
        'mov %s, %d' % (a, r.choice([0, 1, 3, 7, -1, 100000])),
        'mov %s, %s' % (a, b),
        '%s %s, %s' % (r.choice(['add', 'sub', 'xor', 'and', 'or', 'imul', 'cmp']), a, b),
        '%s %s, %d' % (r.choice(['add', 'sub', 'shl', 'shr']), a, r.choice([1, 3, 8])),
        'mov %s, [%s + %d]' % (a, b, 8 * k),
        'mov [%s + %d], %s' % (b, 8 * k, a),
        'mov qword [%s + %d], %d' % (b, 8 * k, r.choice([0, 5])),
        'mov %s, [%s - 8]' % (a, b),
        'cmp %s, [%s - 8]\n    %s out' % (a, b, r.choice(['jae', 'jae', 'jb', 'jge'])),
        'index %s, %s, %s, out' % (a, b, c) if len({a, b, c}) == 3 else 'nop',
        'cmp %s, [%s - 8]\n    jae out\n    sbb %s, %s' % (a, b, c, r.choice([c, c, a])),
        'and %s, %s' % (a, c),
        'mov %s, [%s + %s*8]' % (a, b, c),
        'mov [%s + %s*8], %s' % (b, c, a),
        'movzx eax, byte [%s + %s]' % (b, c),
        'mov byte [%s + %s], al' % (b, c),
        'test %s, %s\n    %s out' % (a, a, r.choice(['je', 'jne'])),
        'push %s' % a, 'pop %s' % a,
        'push %s\n    pop %s' % (a, b),
        'lea %s, [rsp - %d]\n    cmp %s, [stack_limit]\n    jb out' % (a, n, a),
        'sub rsp, %d' % max(8, n % 64), 'add rsp, %d' % max(8, n % 64),
        'sub rsp, 16\n    mov [rsp + %d], %s\n    mov %s, [rsp + %d]\n    add rsp, 16' % (8 * (k % 2), a, b, 8 * (k % 3)),
        'mov edi, %d\n    call [alloc_ints]\n    test rax, rax\n    je out\n    mov rbx, rax' % r.choice([0, 1, 5]),
        'call [alloc_node]\n    test rax, rax\n    je out\n    mov %s, rax' % r.choice(['r12', 'rsi']),
        'mov rdi, %s\n    call [free_node]' % a,
        'lea %s, [%s]' % (a, r.choice(['nums', 'msg'])),
        'mov %s, [%s + Node.next]' % (a, b),
        'mov %s, %d\n    xor edx, edx\n    div %s' % (a, r.choice([0, 3]), a),
        '%s %s' % (r.choice(['inc', 'dec', 'neg', 'not']), a),
        'xor ecx, ecx\n    index rcx, rbx, r11, out\n    mov [rbx + rcx*8], %s' % a,
        'mov rcx, %d\n    cmp rcx, [%s - 8]\n    jae out\n    sbb r11, r11\n    and rcx, r11\n    mov %s, [%s + rcx*8]' % (r.choice([0, 2, 9, -1]), b, a, b),
        'mov rcx, %d\n    %s\n    mov [rbx + rcx*8], %s' % (r.choice([0, 3, -1]), r.choice(['index rcx, rbx, r11, out', 'index rcx, rbx, r11, out', 'cmp rcx, [rbx - 8]\n    jae out', 'cmp rcx, [rbx - 8]\n    jb out']), a),
        'mov edi, %d\n    call [alloc_bytes]\n    test rax, rax\n    je out\n    mov ecx, %d\n    index rcx, rax, r11, out\n    mov byte [rax + rcx], cl\n    movzx edx, byte [rax + rcx]' % (r.choice([0, 1, 16]), r.choice([0, 5, 15, 16])),
        'mov rcx, [r12 + Node.next]\n    test rcx, rcx\n    %s out\n    mov %s, [rcx + Node.val]' % (r.choice(['je', 'jne']), a),
        'mov [r12 + Node.next], r12\n    mov rdx, [r12 + Node.next]',
        'mov edi, 1\n    mov rsi, %s\n    xor edx, edx\n    mov rcx, %d\n    call [write]' % (a, r.choice([0, 3, 100])),
    ])
    return '    ' + s + '\n'


def program(r):
    body = ''.join(snippet(r) for _ in range(r.randint(1, 6)))
    return '; generated\n' + PRE % r.choice([0, 1, 4]) + body + POST


def run(path, out):
    try:
        p = subprocess.run([path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env={'KTAL_MONITOR': '1'}, timeout=5)
    except subprocess.TimeoutExpired:
        return 'timeout'
    if p.returncode < 0:
        return 'signal %d' % -p.returncode
    if b'ktal-rt:' in p.stderr:
        return 'runtime stopped it: ' + p.stderr.decode(errors='replace').strip()
    return 'ok'


def accepted(obj):
    return subprocess.run([CHECK, '-q', obj]).returncode == 0


def link(obj):
    """Rewrite the runtime page's import descriptors (service | size << 8 |
    pool << 32) from what the checker matched and reports."""
    info = subprocess.run([CHECK, '-i', obj], capture_output=True, text=True).stdout
    o = mutate.Obj(open(obj, 'rb').read())
    base = o.rt_page_off() + RT_DESCS
    for m in re.finditer(r'import (\d+): (\S+) size (\d+) pool 0x([0-9a-f]+)', info):
        k, svc = int(m[1]), SERVICES.index(m[2])
        struct.pack_into('<Q', o.b, base + 8 * k, svc | int(m[3]) << 8 | int(m[4], 16) << 32)
    open(obj, 'wb').write(o.b)


def retarget(r, o):
    """Change one import of object o: its name (another service's, or a
    near miss) and/or one byte of its type."""
    names = o.impnames()
    k = r.randrange(len(names))
    how = r.random()
    if how < 0.6:
        names[k] = r.choice(SERVICES).encode()
    elif how < 0.8:
        n = bytearray(names[k])
        n[r.randrange(len(n))] = r.choice(b'aeiorstx_')
        names[k] = bytes(n)
    o.set_impnames(names)
    if how >= 0.6 or r.random() < 0.3:
        _, off, size = o.sec('.ktal.imports')
        o.b[off + r.randrange(size)] = r.randrange(16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=400)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', default='/tmp/ktal-sound')
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    stats = dict(generated=0, accepted=0, clean=0, timeouts=0, bad=0)

    def judge(obj, src, relink=False):
        stats['generated'] += 1
        if not accepted(obj):
            return
        stats['accepted'] += 1
        if relink:
            link(obj)
        v = run(obj, a.out)
        if v == 'ok':
            stats['clean'] += 1
        elif v == 'timeout':
            stats['timeouts'] += 1
        else:
            stats['bad'] += 1
            keep = os.path.join(a.out, 'bad-%d' % stats['bad'])
            shutil.copy(obj, keep)
            if src:
                open(keep + '.ktal', 'w').write(src)
            print('FAIL %s: accepted, but %s' % (keep, v))

    # 1. generated programs
    for i in range(a.count):
        src = program(r)
        sp, obj = os.path.join(a.out, 'g.ktal'), os.path.join(a.out, 'g')
        open(sp, 'w').write(src)
        if subprocess.run([AS, '-o', obj, sp], stderr=subprocess.DEVNULL).returncode:
            print('error: generated program does not assemble:\n' + src)
            return 1
        judge(obj, src)
    # 2. byte flips in the code of valid objects
    bases = sorted(glob.glob(os.path.join(ROOT, 'build', 'examples', '*')))
    for i in range(a.count):
        base = bases[i % len(bases)]
        b = bytearray(open(base, 'rb').read())
        off, size = hdr_code(b)
        for _ in range(r.randint(1, 3)):
            b[off + r.randrange(size)] = r.randrange(256)
        obj = os.path.join(a.out, 'm')
        open(obj, 'wb').write(b)
        os.chmod(obj, 0o755)
        judge(obj, None)
    # 3. imports of valid objects renamed or retyped; accepted ones linked
    # by the name and type the checker matched
    for i in range(a.count):
        o = mutate.Obj(open(bases[i % len(bases)], 'rb').read())
        retarget(r, o)
        obj = os.path.join(a.out, 'i')
        open(obj, 'wb').write(o.b)
        os.chmod(obj, 0o755)
        judge(obj, None, relink=True)
    print('%(generated)d programs, %(accepted)d accepted, %(clean)d ran clean, '
          '%(timeouts)d timed out, %(bad)d went wrong' % stats)
    return 1 if stats['bad'] or stats['accepted'] == 0 else 0


def hdr_code(b):
    """(file offset, size) of the code, from the object's .ktal.hdr."""
    return mutate.Obj(b).code()


sys.exit(main())
