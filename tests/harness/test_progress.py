"""scripts/make-progress.py: the step count it keeps for the next build's
percentage (the largest count seen; never lowered by a short build)."""
import os
import subprocess
import sys
import tempfile
import unittest

from kmlvm_module import TOP

SCRIPT = os.path.join(TOP, "scripts/make-progress.py")


def build(steps, count_file, log):
    """Feed make-progress.py the output of a build of STEPS objects."""
    out = "".join(f"  CC      dir/obj{i}.o\n" for i in range(steps))
    r = subprocess.run([sys.executable, SCRIPT, log, count_file], input=out, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return r.stdout


def kept(count_file):
    try:
        with open(count_file) as f:
            return int(f.read())
    except FileNotFoundError:
        return None


class CountTest(unittest.TestCase):
    # (steps of each build in turn, the count kept after each)
    CASES = [
        ("complete first build above the estimate", [2400], [2400]),
        ("interrupted first build keeps the estimate", [374], [None]),
        ("interrupted, then complete", [374, 2400], [None, 2400]),
        ("complete, then incremental", [2400, 12], [2400, 2400]),
        ("complete, then a larger configuration", [2400, 2600], [2400, 2600]),
    ]

    def test_kept_count(self):
        for name, steps, want in self.CASES:
            with self.subTest(name), tempfile.TemporaryDirectory() as d:
                count, log = os.path.join(d, "count"), os.path.join(d, "log")
                got = []
                for n in steps:
                    out = build(n, count, log)
                    self.assertIn(f"{n} steps done", out)
                    got.append(kept(count))
                self.assertEqual(got, want)
                with open(log) as f:
                    self.assertEqual(len(f.read().splitlines()), steps[-1])


if __name__ == "__main__":
    unittest.main()
