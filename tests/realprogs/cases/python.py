"""The python3 workload of tests/realprogs: the interpreter and a part of
its standard library, with threads, fork, a subprocess, signals, timers,
deep recursion (stack growth), mmap, floating point, compression, hashing
and a process pool.  Everything printed is deterministic, so the ring-3 and
ring-0 runs must print the same (the "@ring" lines excepted, which name the
ring of each process)."""
import decimal
import fractions
import hashlib
import json
import math
import mmap
import multiprocessing
import os
import random
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib


def kernel_mode():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("KernelMode:"):
                return line.split()[1]
    return "none"


def square(x):
    return x * x, kernel_mode()


def main():
    print("@ring python3", kernel_mode())

    # The interpreter itself.
    rng = random.Random(20261129)
    data = [rng.randrange(10**6) for _ in range(20000)]
    print("sort:", hashlib.sha256(repr(sorted(data)).encode()).hexdigest()[:16])
    print("bigint:", pow(3, 10007, 10**40 + 7), math.factorial(2000).bit_length())
    print("float:", repr(sum(math.sin(i) * math.exp(-i / 5000) for i in range(5000))), math.fsum([0.1] * 10))
    decimal.getcontext().prec = 60
    print("decimal:", decimal.Decimal(2).sqrt())
    print("fraction:", sum(fractions.Fraction(1, k) for k in range(1, 60)))
    doc = {"k%d" % i: [i, str(i) * 3, {"x": i / 7}] for i in range(1000)}
    text = json.dumps(doc, sort_keys=True)
    print("json:", len(text), json.loads(text) == doc)
    print("re:", len(re.findall(r"k(\d*7)\"", text)), re.sub(r"[aeiou]", "_", "kernel mode linux"))
    blob = text.encode() * 4
    packed = zlib.compress(blob, 9)
    print("zlib:", len(blob), zlib.crc32(packed) & 0xFFFFFFFF == zlib.crc32(zlib.compress(blob, 9)) & 0xFFFFFFFF,
          zlib.decompress(packed) == blob)
    print("hash:", hashlib.sha256(blob).hexdigest()[:16], hashlib.md5(blob).hexdigest()[:16])
    print("struct:", struct.pack("<dqI", 1.5, -2, 7).hex())

    # Deep recursion: the stack grows by several MiB.
    sys.setrecursionlimit(30000)
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)
    print("recursion:", depth(20000))

    # Threads with a lock and a condition.
    total = [0]
    lock = threading.Lock()
    def work(k):
        s = 0
        for i in range(5000):
            s += (i * k) % 7
        with lock:
            total[0] += s
    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("threads:", total[0])

    # mmap: anonymous shared memory written by a forked child.
    m = mmap.mmap(-1, 1 << 20)
    pid = os.fork()
    if pid == 0:
        m[:5] = b"child"
        m[(1 << 20) - 1] = 0x5A
        os._exit(7)
    _, status = os.waitpid(pid, 0)
    print("fork:", os.waitstatus_to_exitcode(status), bytes(m[:5]), m[(1 << 20) - 1])

    # A subprocess: this same interpreter, exec'd again (so in this ring).
    out = subprocess.run([sys.executable, "-c", "import sys; print(sum(range(10**5)), sys.argv[1:])", "a", "b"],
                         capture_output=True, text=True, check=True).stdout
    print("subprocess:", out.strip())
    child_ring = subprocess.run([sys.executable, "-c", "print(open('/proc/self/status').read().split('KernelMode:')[1].split()[0] "
                                 "if 'KernelMode:' in open('/proc/self/status').read() else 'none')"],
                                capture_output=True, text=True, check=True).stdout.strip()
    print("@ring python3-subprocess", child_ring)
    pipe = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read()[::-1])"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    print("pipe:", pipe.communicate(b"0123456789" * 1000)[0][:12], pipe.returncode)

    # Signals: an interval timer, a handler that counts, a signal to self.
    hits = []
    signal.signal(signal.SIGALRM, lambda s, f: hits.append(s))
    signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
    while len(hits) < 20:
        signal.pause()
    signal.setitimer(signal.ITIMER_REAL, 0)
    got = []
    signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
    os.kill(os.getpid(), signal.SIGUSR1)
    print("signals:", len(hits) >= 20, got == [signal.SIGUSR1])

    # A process pool (fork start method): workers, pipes, semaphores.
    with multiprocessing.get_context("fork").Pool(2) as pool:
        res = pool.map(square, range(40))
    print("pool:", sum(r[0] for r in res))
    rings = sorted(set(r[1] for r in res))
    print("@ring python3-pool-workers", ",".join(rings))

    # Time moves forward and the vDSO clock agrees with the system call.
    t0 = time.monotonic()
    time.sleep(0.05)
    print("sleep:", time.monotonic() - t0 >= 0.05)


if __name__ == "__main__":
    main()
