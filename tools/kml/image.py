"""Build the guest's initramfs.

The base image holds busybox, the init script, the guest test runner, the
guest tests (each built twice: static with musl, dynamic with glibc), the
benchmarks, and copies of the tests under /trusted/tests for ring-0 runs.
add_binary() puts any host (Debian) program into an image together with the
shared libraries and the ELF interpreter it needs, found with ldd; add_tree()
puts a host directory (a program's data, such as Python's standard library)
into an image, with the libraries of the ELF files in it.
"""
import fnmatch
import glob
import os
import re
import subprocess

from .cpio import Archive

BUSYBOX = "/bin/busybox"
UNPRIVILEGED_UID = 1000  # "kml" in the guest's /etc/passwd: attacks run as it


def shared_libraries(host_path):
    """Absolute paths of the interpreter and libraries HOST_PATH loads."""
    try:
        out = subprocess.run(["ldd", host_path], capture_output=True, text=True, check=False).stdout
    except OSError:
        return []
    libs = []
    for line in out.splitlines():
        line = line.strip()
        m = re.match(r"\S+ => (/\S+) \(0x", line) or re.match(r"(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def add_binary(archive, host_path, guest_path=None, mode=0o755):
    """Add HOST_PATH (at GUEST_PATH, default the same path) and what it loads.

    Libraries keep their host paths, and the symlinks on the way (Debian's
    /lib -> usr/lib, /lib64/ld-linux-x86-64.so.2 -> ...) are reproduced, so
    the dynamic loader finds everything where the host has it.
    """
    archive.add_host_file(guest_path or host_path, host_path, mode)
    for lib in shared_libraries(host_path):
        add_path_with_links(archive, lib)


def is_elf(host_path):
    try:
        with open(host_path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def add_tree(archive, host_dir, guest_dir=None, exclude=()):
    """Add the directory HOST_DIR at GUEST_DIR (default the same path).

    Files keep their mode bits (owned by root), symlinks are kept as they
    are, directories whose name matches a pattern of EXCLUDE are left out, and every ELF
    file (e.g. a Python extension module) brings the libraries it loads,
    at their host paths.
    """
    host_dir = host_dir.rstrip("/") or "/"
    guest_dir = (guest_dir or host_dir).rstrip("/")
    archive.add_dir(guest_dir)
    for root, dirs, files in os.walk(host_dir):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatchcase(d, pat) for pat in exclude))
        rel = os.path.relpath(root, host_dir)
        groot = guest_dir if rel == "." else os.path.join(guest_dir, rel)
        for d in dirs:
            if os.path.islink(os.path.join(root, d)):
                archive.add_symlink(os.path.join(groot, d), os.readlink(os.path.join(root, d)))
            else:
                archive.add_dir(os.path.join(groot, d))
        for name in sorted(files):
            host = os.path.join(root, name)
            if os.path.islink(host):
                archive.add_symlink(os.path.join(groot, name), os.readlink(host))
            elif os.path.isfile(host):
                archive.add_host_file(os.path.join(groot, name), host, os.stat(host).st_mode & 0o755)
                if is_elf(host):
                    for lib in shared_libraries(host):
                        add_path_with_links(archive, lib)


def add_path_with_links(archive, path):
    """Add PATH, following and recreating each symlink along the way."""
    seen = 0
    while seen < 16:
        seen += 1
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:i])
            if os.path.islink(prefix):
                target = os.readlink(prefix)
                archive.add_symlink(prefix, target)
                path = os.path.normpath(os.path.join(os.path.dirname(prefix), target, *parts[i:]))
                break
        else:
            archive.add_host_file(path, path)
            return


def test_names(top):
    """(name, timeout) of every guest test; helper_*.c are not tests.

    The tests are tests/guest/*.c and the direct-call tests of the libc,
    libc/tests/direct_*.c (built against the KML musl).
    """
    tests = []
    sources = glob.glob(os.path.join(top, "tests/guest/*.c")) + glob.glob(os.path.join(top, "libc/tests/direct_*.c"))
    for src in sorted(sources, key=os.path.basename):
        name = os.path.basename(src)[:-2]
        if name.startswith("helper_"):
            continue
        timeout = 30
        with open(src, errors="replace") as f:
            for line in f.readlines()[:15]:
                m = re.match(r"\s*(?://|/?\*)\s*timeout:\s*(\d+)", line)
                if m:
                    timeout = int(m.group(1))
        tests.append((name, timeout))
    return tests


def base_image(top, out_path):
    guest_build = os.path.join(top, "build/guest")
    a = Archive()
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "run", "root", "home/kml", "job"):
        a.add_dir(d)
    a.add_dir("tmp", 0o1777)
    a.add_dir("home/kml", 0o755, UNPRIVILEGED_UID, UNPRIVILEGED_UID)
    a.add_node("dev/console", 0o020600, 5, 1)
    a.add_node("dev/null", 0o020666, 1, 3)

    a.add_host_file("bin/busybox", BUSYBOX, 0o755)
    applets = subprocess.run([BUSYBOX, "--list-full"], capture_output=True, text=True, check=True).stdout.split()
    for applet in applets:
        if applet not in ("bin/busybox", "linuxrc"):
            a.add_symlink(applet, "/bin/busybox")

    a.add_host_file("init", os.path.join(top, "guest/init"), 0o755)
    a.add_host_file("tests/run-tests.sh", os.path.join(top, "guest/run-tests.sh"), 0o755)
    a.add_file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nkml:x:1000:1000:kml:/home/kml:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
    a.add_file("etc/group", b"root:x:0:\nkml:x:1000:\nnogroup:x:65534:\n")
    a.add_file("etc/hosts", b"127.0.0.1 localhost kml\n")
    a.add_file("etc/profile", b"export PS1='kml:\\w# '\nexport PATH=/sbin:/bin:/usr/sbin:/usr/bin\n")

    a.add_host_file("sbin/kml-qexit", os.path.join(guest_build, "bin/kml-qexit"), 0o755)
    a.add_host_file("bin/kml-ring", os.path.join(guest_build, "bin/kml-ring"), 0o755)
    a.add_dir("trusted")
    a.add_host_file("trusted/sbin/kml-ring", os.path.join(guest_build, "bin/kml-ring"), 0o755)
    # The same busybox in /trusted/bin, every applet a link to it: the
    # guest's shell and utilities in ring 0 (a harness check runs the guest
    # test runner on them).
    a.add_host_file("trusted/bin/busybox", BUSYBOX, 0o755)
    for applet in applets:
        name = os.path.basename(applet)
        if name not in ("busybox", "linuxrc"):
            a.add_symlink("trusted/bin/" + name, "/trusted/bin/busybox")

    tests = test_names(top)
    a.add_file("tests/list", "".join(f"{n} {t}\n" for n, t in tests).encode())
    for path in sorted(glob.glob(os.path.join(guest_build, "tests/*"))):
        name = os.path.basename(path)
        a.add_host_file("tests/bin/" + name, path, 0o755)
        a.add_host_file("trusted/tests/" + name, path, 0o755)
        if name.endswith(".glibc"):
            for lib in shared_libraries(path):
                add_path_with_links(a, lib)
    for path in sorted(glob.glob(os.path.join(guest_build, "bench/*"))):
        name = os.path.basename(path)
        a.add_host_file("bench/" + name, path, 0o755)
        a.add_host_file("trusted/bench/" + name, path, 0o755)
        for lib in shared_libraries(path):
            add_path_with_links(a, lib)
    selftests = sorted(glob.glob(os.path.join(guest_build, "selftests-x86/*_64")))
    if selftests:
        a.add_host_file("selftests/run.sh", os.path.join(top, "guest/run-selftests.sh"), 0o755)
        a.add_host_file("selftests/ring0-exceptions", os.path.join(top, "guest/selftests-ring0-exceptions"))
        for path in selftests:
            name = os.path.basename(path)
            a.add_host_file("selftests/x86/" + name, path, 0o755)
            a.add_host_file("trusted/selftests/x86/" + name, path, 0o755)
            for lib in shared_libraries(path):
                add_path_with_links(a, lib)
    a.write(out_path)
    return a
