"""Boot the guest under QEMU (TCG, -cpu max) and judge the run.

A run has a time limit.  The console (ttyS0) is read line by line and
scanned; the job's standard output and error come back through ttyS1 and
ttyS2 as files; its exit status comes back as QEMU's exit status through the
isa-debug-exit device.  The verdict is one of:

  ok        the job ran and reported its status
  kernel    the console showed an oops, BUG, WARNING, panic, lockup or stall
  hang      the time limit passed; QEMU was killed
  noexit    QEMU stopped without the job reporting a status (e.g. a panic
            that rebooted, or init died)
"""
import os
import re
import selectors
import signal
import subprocess
import sys
import time

from .console import Scanner

DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=0x04"

# The instruction-count clock: the guest clock advances 1 ns per executed
# guest instruction (shift=0), and an idle guest jumps to its next timer
# instead of waiting for the host (sleep=off), so every time the guest
# measures is an exact instruction count.  TCG then runs the vCPUs in turn
# on one host thread, which is slower than the multi-threaded default:
# default time limits are multiplied by ICOUNT_SLOWDOWN.  Time limits stay
# host wall-clock seconds either way (the guest's own clock no longer
# follows the host's).  The rest of what the guest sees from the host is
# fixed too, so that two boots execute the same instructions: the random
# numbers of RDRAND/RDSEED (-seed) and the real-time clock (a fixed date
# that advances with the guest clock), from which the kernel seeds its
# random pool (and so address-space randomisation).
ICOUNT_ARGS = ("-icount", "shift=0,sleep=off", "-seed", "1", "-rtc", "base=2030-01-01T00:00:00,clock=vm")
ICOUNT_SLOWDOWN = 3


def plugin_args(library, **options):
    """QEMU's arguments loading the TCG plugin LIBRARY with key=value OPTIONS.

    QEMU splits the option string at commas, so no value may contain one."""
    parts = [library] + [f"{k}={v}" for k, v in options.items()]
    for part in parts:
        if "," in part:
            raise ValueError(f"a TCG plugin argument cannot contain a comma: {part!r}")
    return ("-plugin", ",".join(parts))


class Run:
    """The outcome of one boot."""

    def __init__(self):
        self.verdict = None  # "ok" | "kernel" | "hang" | "noexit"
        self.status = None  # the job's exit status when verdict is "ok"
        self.scanner = Scanner()
        self.seconds = 0.0
        self.stdout = b""
        self.stderr = b""

    def failed(self):
        return self.verdict != "ok"

    def explain(self):
        """Why the run failed, with console context, for humans."""
        s = self.scanner
        if self.verdict == "kernel":
            return s.report()
        if self.verdict == "hang":
            return f"guest hang: no result within {self.seconds:.0f}s; QEMU killed. Last console lines:\n" + "\n".join("  " + l for l in s.tail())
        if self.verdict == "noexit":
            return "the guest stopped without reporting a result (init died or the kernel rebooted). Last console lines:\n" + "\n".join("  " + l for l in s.tail())
        return ""


def qemu_command(kernel, initrd, cpus, memory, append, out_dir, interactive=False, extra=()):
    cmd = [
        "qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-smp", str(cpus), "-m", str(memory),
        "-kernel", kernel, *(["-initrd", initrd] if initrd else []), "-append", append,
        "-no-reboot", "-display", "none", "-vga", "none", "-nodefaults",
        "-device", DEBUG_EXIT,
    ]
    if interactive:
        cmd += ["-serial", "mon:stdio"]
    else:
        cmd += ["-monitor", "none", "-serial", "stdio"]
    cmd += ["-serial", "file:" + os.path.join(out_dir, "stdout"), "-serial", "file:" + os.path.join(out_dir, "stderr")]
    return cmd + list(extra)


def kernel_cmdline(extra=""):
    # panic=-1: a panic reboots at once, and -no-reboot turns that into QEMU
    # exiting, so a panicked guest never sits until the time limit.
    # loglevel=5: the console shows KERN_WARNING and above, the level of
    # WARN() reports ("WARNING: CPU: ...") that the scanner must see.
    # no_timer_check: the boot's IO-APIC timer check counts ticks against
    # a delay loop, which a busy host running TCG can starve; it then
    # panics ("IO-APIC + timer doesn't work").
    base = "console=ttyS0 panic=-1 loglevel=5 printk.time=1 no_timer_check rdinit=/init"
    return (base + " " + extra).strip()


def boot(kernel, initrd, out_dir, cpus=2, memory=1024, append="", timeout=300,
         echo=None, extra=()):
    """Boot once, non-interactively.  ECHO: callable given each console line."""
    os.makedirs(out_dir, exist_ok=True)
    for name in ("stdout", "stderr"):
        open(os.path.join(out_dir, name), "wb").close()
    cmd = qemu_command(kernel, initrd, cpus, memory, kernel_cmdline(append), out_dir, extra=extra)
    run = Run()
    start = time.monotonic()
    log = open(os.path.join(out_dir, "console.log"), "w")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    pending = b""
    deadline = start + timeout
    grace_until = None  # after a kernel failure, keep reading a little for the full report
    # The guest's /init prints the job's status before it ends the VM
    # through isa-debug-exit (/dev/port).  Under kernel lockdown /dev/port
    # is closed, the guest powers off instead and QEMU's exit status says
    # nothing: then this line is the job's status.
    job_status = None
    while True:
        now = time.monotonic()
        limit = min(deadline, grace_until) if grace_until else deadline
        if now >= limit:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            if not grace_until:
                run.verdict = "hang"
            break
        events = sel.select(timeout=min(1.0, limit - now))
        if not events:
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            proc.wait()
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            log.write(line.rstrip("\r") + "\n")
            m = re.match(r"kml-guest: job exited with status (\d+)\r?$", line)
            if m:
                job_status = int(m.group(1))
            if run.scanner.feed(line) and not grace_until:
                grace_until = time.monotonic() + 8
            if echo:
                echo(line.rstrip("\r"))
    log.close()
    run.seconds = time.monotonic() - start
    if pending:
        run.scanner.feed(pending.decode("utf-8", "replace"))
    rc = proc.returncode
    if run.scanner.findings:
        run.verdict = "kernel"
    elif run.verdict != "hang":
        if rc is not None and rc % 2 == 1 and rc > 0:
            run.verdict, run.status = "ok", (rc - 1) // 2
        elif rc == 0 and job_status is not None:
            run.verdict, run.status = "ok", job_status
        else:
            run.verdict = "noexit"
    with open(os.path.join(out_dir, "stdout"), "rb") as f:
        run.stdout = f.read()
    with open(os.path.join(out_dir, "stderr"), "rb") as f:
        run.stderr = f.read()
    return run


def interactive(kernel, initrd, out_dir, cpus=2, memory=1024, append="", extra=()):
    os.makedirs(out_dir, exist_ok=True)
    cmd = qemu_command(kernel, initrd, cpus, memory, kernel_cmdline(append), out_dir, interactive=True, extra=extra)
    print("kmlvm: Ctrl-A X quits QEMU; 'exit' in the shell powers the guest off", file=sys.stderr)
    return subprocess.call(cmd)
