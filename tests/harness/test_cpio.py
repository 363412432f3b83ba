"""Archives from kml.cpio unpack with cpio(1) to the entries they describe."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tools"))
from kml.cpio import Archive  # noqa: E402


class CpioTest(unittest.TestCase):
    def test_roundtrip(self):
        a = Archive()
        a.add_file("job/job.sh", b"#!/bin/sh\nexit 3\n", 0o755)
        a.add_file("trusted/x/data", b"\x00\x01binary\xff", 0o600, uid=1000, gid=1000)
        a.add_symlink("bin/sh", "/bin/busybox")
        a.add_dir("tmp", 0o1777)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "a.cpio")
            a.write(path)
            self.assertEqual(os.path.getsize(path) % 512, 0)
            listing = subprocess.run(["cpio", "-itv", "--quiet", "--numeric-uid-gid"], stdin=open(path, "rb"),
                                     capture_output=True, text=True, check=True).stdout
            out = os.path.join(d, "out")
            os.mkdir(out)
            subprocess.run(["cpio", "-id", "--quiet", "--no-absolute-filenames"], stdin=open(path, "rb"),
                           cwd=out, check=True)
            with open(os.path.join(out, "job/job.sh"), "rb") as f:
                self.assertEqual(f.read(), b"#!/bin/sh\nexit 3\n")
            with open(os.path.join(out, "trusted/x/data"), "rb") as f:
                self.assertEqual(f.read(), b"\x00\x01binary\xff")
            self.assertEqual(os.readlink(os.path.join(out, "bin/sh")), "/bin/busybox")
            self.assertRegex(listing, r"-rwxr-xr-x .* job/job.sh")
            self.assertRegex(listing, r"-rw------- .*1000 +1000 .* trusted/x/data")
            self.assertRegex(listing, r"drwxrwxrwt .* tmp")
            # Parents come before their children.
            names = [l.split()[-1] for l in listing.splitlines() if "->" not in l]
            self.assertLess(names.index("trusted"), names.index("trusted/x"))
            self.assertLess(names.index("trusted/x"), names.index("trusted/x/data"))


if __name__ == "__main__":
    unittest.main()
