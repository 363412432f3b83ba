"""kmlvm --disk: where the option may stand, and the QEMU arguments of a
disk boot (the image as /dev/vda with snapshot=on, the job as /dev/vdb)."""
import os
import tempfile
import unittest

from kmlvm_module import kmlvm, qemu


class DiskOptionTest(unittest.TestCase):
    def test_before_and_after_the_command(self):
        for argv in (["--disk", "d.img", "sh", "true"], ["sh", "--disk", "d.img", "true"],
                     ["--disk", "d.img", "run", "--ring0", "prog"], ["shell", "--disk", "d.img"]):
            with self.subTest(argv=argv):
                self.assertEqual(kmlvm.parse_args(argv).disk, "d.img")
        self.assertIsNone(kmlvm.parse_args(["sh", "true"]).disk)

    def test_program_arguments_stay_the_programs(self):
        a = kmlvm.parse_args(["run", "prog", "--disk", "x"])
        self.assertIsNone(a.disk)
        self.assertEqual(a.args, ["--disk", "x"])


class DiskBootTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        for name in ("kml.img", "vmlinuz", "initrd.img", "job.cpio"):
            open(os.path.join(d, name), "wb").close()
        self.image, self.job = os.path.join(d, "kml.img"), os.path.join(d, "job.cpio")

    def tearDown(self):
        self.dir.cleanup()

    def test_kernel_and_initrd_next_to_the_image(self):
        a = kmlvm.parse_args(["--disk", self.image, "sh", "true", "--append", "quiet"])
        kernel, initrd, append, extra = kmlvm.disk_boot(a, self.dir.name, job=self.job)
        self.assertEqual(kernel, os.path.join(self.dir.name, "vmlinuz"))
        self.assertEqual(initrd, os.path.join(self.dir.name, "initrd.img"))
        self.assertEqual(append, "root=/dev/vda ro kml.job=/dev/vdb quiet")
        self.assertEqual(extra, ["-drive", f"file={self.image},if=virtio,format=raw,snapshot=on",
                                 "-drive", f"file={self.job},if=virtio,format=raw,readonly=on"])

    def test_shell_has_no_job(self):
        a = kmlvm.parse_args(["--disk", self.image, "shell"])
        _, _, append, extra = kmlvm.disk_boot(a, self.dir.name)
        self.assertNotIn("kml.job", append)
        self.assertEqual(len(extra), 2)

    def test_own_kernel_boots_without_initramfs(self):
        a = kmlvm.parse_args(["--disk", self.image, "sh", "true", "--kernel", self.job])
        kernel, initrd, _, _ = kmlvm.disk_boot(a, self.dir.name)
        self.assertEqual((kernel, initrd), (self.job, None))
        cmd = qemu.qemu_command(kernel, initrd, 2, 1024, "", "/tmp")
        self.assertNotIn("-initrd", cmd)
        self.assertIn("-initrd", qemu.qemu_command("bz", "initrd", 2, 1024, "", "/tmp"))


if __name__ == "__main__":
    unittest.main()
