"""The measuring options of kmlvm (--icount, --profile) and the tables of
the instruction-count benchmarks and of the profile, on made-up input."""
import os
import subprocess
import sys
import tempfile
import unittest

from kmlvm_module import TOP, kmlvm, qemu


class IcountOptionTest(unittest.TestCase):
    def test_before_and_after_the_command(self):
        for argv in (["--icount", "run", "--ring0", "prog"], ["run", "--icount", "prog"],
                     ["--icount", "sh", "true"], ["sh", "true", "--icount"], ["test", "--icount"],
                     ["--icount", "test"], ["shell", "--icount"]):
            with self.subTest(argv=argv):
                self.assertTrue(kmlvm.parse_args(argv).icount)
        for argv in (["run", "prog"], ["sh", "true"], ["test"], ["shell"]):
            with self.subTest(argv=argv):
                self.assertFalse(kmlvm.parse_args(argv).icount)

    def test_program_arguments_stay_the_programs(self):
        a = kmlvm.parse_args(["run", "prog", "--icount"])
        self.assertFalse(a.icount)
        self.assertEqual(a.args, ["--icount"])

    def test_qemu_arguments(self):
        a = kmlvm.parse_args(["--icount", "sh", "true"])
        extra = kmlvm.qemu_extra(a, tempfile.gettempdir())
        cmd = qemu.qemu_command("bz", "initrd", 2, 1024, "", "/tmp", extra=extra)
        i = cmd.index("-icount")
        self.assertEqual(cmd[i + 1], "shift=0,sleep=off")
        self.assertNotIn("-icount", qemu.qemu_command("bz", "initrd", 2, 1024, "", "/tmp",
                                                      extra=kmlvm.qemu_extra(kmlvm.parse_args(["sh", "x"]), "/tmp")))

    def test_time_limits_stay_wall_clock(self):
        self.assertEqual(kmlvm.time_limit(kmlvm.parse_args(["sh", "x"]), 300), 300)
        self.assertEqual(kmlvm.time_limit(kmlvm.parse_args(["--icount", "sh", "x"]), 300), 300 * qemu.ICOUNT_SLOWDOWN)
        # An explicit limit is wall-clock seconds, with or without --icount.
        self.assertEqual(kmlvm.time_limit(kmlvm.parse_args(["--icount", "sh", "x", "--timeout", "25"]), 300), 25)


class ProfileOptionTest(unittest.TestCase):
    def test_profile_before_and_after(self):
        self.assertEqual(kmlvm.parse_args(["--profile", "out.txt", "sh", "x"]).profile, "out.txt")
        self.assertEqual(kmlvm.parse_args(["sh", "x", "--profile", "o2"]).profile, "o2")
        self.assertIsNone(kmlvm.parse_args(["sh", "x"]).profile)

    def test_plugin_arguments(self):
        self.assertEqual(qemu.plugin_args("/p/k.so", map="/m", out="/o"), ("-plugin", "/p/k.so,map=/m,out=/o"))
        with self.assertRaises(ValueError):
            qemu.plugin_args("/p/k.so", out="/a,b")


def run(*argv):
    return subprocess.run([sys.executable] + list(argv), capture_output=True, text=True, cwd=TOP)


def syscall_bench_section(mode, ring, entry, getppid_samples):
    return (f"@bench {mode}\n@info ring={ring} entry={entry} sysinfo=0\n@overhead 80.0\n"
            "@batch function 2000000\nfunction 10.0 0.0 10.0\n@samples function 10.0 10.0 10.1\n"
            "@batch getppid 20000\ngetppid 270.1 0.0 270.0\n@samples getppid " + getppid_samples + "\n")


class InsnsTableTest(unittest.TestCase):
    def test_csv_and_figures(self):
        guest = (syscall_bench_section("ring3", 3, "syscall", "270.1 270.0 275.3")
                 + syscall_bench_section("ring0-syscall", 0, "syscall", "272.0 272.0 280.0")
                 + syscall_bench_section("ring0-direct", 0, "direct", "68.0 68.1 70.0"))
        with tempfile.TemporaryDirectory() as d:
            g, c = os.path.join(d, "guest.txt"), os.path.join(d, "insns.csv")
            with open(g, "w") as f:
                f.write(guest)
            r = run("scripts/bench-table.py", "--insns", g, "--csv", c)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(c) as f:
                lines = f.read().splitlines()
        self.assertEqual(lines[0], "call,mode,instructions")
        # The fastest batch less 80 ns of clock reads over the batch.
        self.assertEqual(lines[1:], ["getppid,ring3,270", "getppid,ring0-syscall,272",
                                     "getppid,ring0-direct,68", "getppid,floor,10"])
        self.assertIn("getppid, ring 0 direct: 68 instructions (target: at most 80) met", r.stdout)

    def test_wrong_ring_is_refused(self):
        guest = syscall_bench_section("ring3", 3, "syscall", "270.0") + \
            syscall_bench_section("ring0-direct", 3, "syscall", "270.0")
        with tempfile.TemporaryDirectory() as d:
            g, c = os.path.join(d, "guest.txt"), os.path.join(d, "insns.csv")
            with open(g, "w") as f:
                f.write(guest)
            r = run("scripts/bench-table.py", "--insns", g, "--csv", c)
            with open(c) as f:
                self.assertIn("getppid,ring0-direct,\n", f.read())
        self.assertIn("ring 0 direct: unavailable: ran in ring 3", r.stdout)


class AppsTableTest(unittest.TestCase):
    def tables(self, guest):
        """bench/apps/table.py on the guest output GUEST: the instruction
        table's run, its CSV lines, and the wall-clock table's run."""
        with tempfile.TemporaryDirectory() as d:
            g, c = os.path.join(d, "guest.txt"), os.path.join(d, "insns.csv")
            with open(g, "w") as f:
                f.write(guest)
            r = run("bench/apps/table.py", "--insns", g, "--csv", c)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(c) as f:
                lines = f.read().splitlines()
            w = run("bench/apps/table.py", g)
            self.assertEqual(w.returncode, 0, w.stderr)
        return r, lines, w

    def test_csv(self):
        guest = ("@config rounds=1\n@ring busybox 3 0\n@ring busybox 0 1\n"
                 "@result redis-get 3 32000.00 requests/s\n@result redis-get 0 40000.00 requests/s\n"
                 "@ops sqlite-insert 3 600000000 3000\n@ops sqlite-insert 0 540000000 3000\n")
        r, lines, _ = self.tables(guest)
        self.assertEqual(lines[0], "measure,mode,instructions")
        for line in ("redis-get,ring3,31250", "redis-get,ring0,25000",
                     "sqlite-insert,ring3,200000", "sqlite-insert,ring0,180000"):
            self.assertIn(line, lines)
        self.assertIn("20.0% fewer instructions a request", r.stdout)

    def test_kvs_targets(self):
        # the verified server: ring 0 against ring 3, and against
        # redis-server in ring 3 (issue 15's two figures)
        guest = ("@config rounds=1\n@ring kvs 3 0\n@ring kvs 0 1\n"
                 "@result kvs-get 3 20000.00 requests/s\n@result kvs-get 0 25000.00 requests/s\n"
                 "@result redis50-get 3 60000.00 requests/s\n@result redis50-get 0 70000.00 requests/s\n")
        r, lines, w = self.tables(guest)
        for line in ("kvs-get,ring3,50000", "kvs-get,ring0,40000", "redis50-get,ring3,16667"):
            self.assertIn(line, lines)
        self.assertIn("kvs GET: ring 0 20.0% fewer instructions a request than ring 3 (target: at least 10%) met",
                      r.stdout)
        self.assertIn("kvs GET in ring 0: 0.42x the rate of redis-server in ring 3 (target: at least 0.5x) NOT met",
                      r.stdout)
        self.assertIn("kvs GET in ring 0: 0.42x the rate of redis-server in ring 3", w.stdout)


class ProfileReportTest(unittest.TestCase):
    REPORT = ("# kmlprof: 3 kernel and 0 user symbols\n"
              "@region 1 calls=1000 insns=270000 unbalanced=0\n"
              "@sym 1 20000 [user]\n@sym 1 150000 entry_SYSCALL_64\n@sym 1 100000 do_syscall_64\n"
              "@costly 1 SYSCALL 1000 [user]\n@costly 1 SWAPGS 2000 entry_SYSCALL_64\n"
              "@region 3 calls=1000 insns=68000 unbalanced=0\n@sym 3 68000 kml_direct_entry\n")

    def test_tables(self):
        with tempfile.TemporaryDirectory() as d:
            rep, g = os.path.join(d, "r.txt"), os.path.join(d, "g.txt")
            with open(rep, "w") as f:
                f.write(self.REPORT)
            with open(g, "w") as f:
                f.write("@profile 1 getppid 1000\n@profile 3 getppid 1000\n")
            r = run("scripts/profile-report.py", rep, g)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("== ring 3: getppid, 1000 calls, 270 instructions a call", r.stdout)
        self.assertIn("== ring 0 direct: getppid, 1000 calls, 68 instructions a call", r.stdout)
        self.assertRegex(r.stdout, r"entry_SYSCALL_64 +150000 +150\n")
        self.assertRegex(r.stdout, r"SWAPGS +2 +\(entry_SYSCALL_64 2\)")


if __name__ == "__main__":
    unittest.main()
