"""The console scanner flags every kind of kernel failure, and nothing else."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tools"))
from kml.console import Scanner, classify  # noqa: E402

# (console line, expected kind or None), taken from the kernel's own formats.
CASES = [
    ("[   12.345678] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b", "panic"),
    ("[    3.1] Oops: general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP", "oops"),
    ("[    3.1] Oops: 0002 [#1] PREEMPT SMP NOPTI", "oops"),
    ("[    3.1] kernel BUG at mm/slub.c:123!", "oops"),
    ("[    3.1] BUG: unable to handle page fault for address: ffffffffff600000", "oops"),
    ("[    3.1] BUG: kernel NULL pointer dereference, address: 0000000000000000", "BUG"),
    ("[    3.1] BUG: scheduling while atomic: sh/1/0x00000002", "BUG"),
    ("[    3.1] WARNING: CPU: 1 PID: 77 at arch/x86/kernel/cpu/common.c:482 native_write_cr4+0x3e/0x50", "WARNING"),
    ("[    3.1] ------------[ cut here ]------------", "WARNING"),
    ("[   30.2] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [busy:80]", "BUG"),
    ("[   30.2] Watchdog detected hard LOCKUP on cpu 1", "lockup"),
    ("[   30.2] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", "RCU stall"),
    ("[   30.2] rcu: INFO: rcu_preempt self-detected stall on CPU", "RCU stall"),
    ("[  150.0] INFO: task kworker/0:1:30 blocked for more than 120 seconds.", "hung task"),
    ("[    0.0] traps: PANIC: double fault, error_code: 0x0", "double fault"),
    # Ordinary lines, including ones that mention the words harmlessly.
    ("[    0.0] Linux version 6.12.57-kml (kml@kml) (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC", None),
    ("[    0.1] Spectre V2 : Mitigation: Retpolines", None),
    ("[    0.2] kml: enabled: trusted programs in /trusted/ run in ring 0", None),
    ("PASS ring3/musl/faults", None),
    ("[    1.0] rcu: Hierarchical RCU implementation.", None),
    ("[    1.0] Run /init as init process", None),
    ("[    1.0] lkdtm: Performing direct entry EXCEPTION", None),
]


class ClassifyTest(unittest.TestCase):
    def test_table(self):
        for line, kind in CASES:
            with self.subTest(line=line):
                self.assertEqual(classify(line), kind, f"classify({line!r})")


class ScannerTest(unittest.TestCase):
    def test_report_shows_context(self):
        s = Scanner()
        for i in range(40):
            s.feed(f"line {i}\r\n")
        s.feed("[ 1.0] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2")
        for i in range(40, 50):
            s.feed(f"line {i}")
        report = s.report()
        self.assertIn("kernel WARNING", report)
        self.assertIn("> [ 1.0] WARNING: CPU: 0", report)
        self.assertIn("line 39", report)  # before
        self.assertIn("line 49", report)  # after
        self.assertNotIn("line 20\n", report)  # too far before

    def test_clean_console_has_no_report(self):
        s = Scanner()
        s.feed("kml-guest: up, 2 CPU(s)")
        self.assertEqual(s.report(), "")
        self.assertEqual(s.findings, [])


if __name__ == "__main__":
    unittest.main()
