"""Write initramfs archives in the "newc" cpio format the kernel unpacks.

Entries are described in memory (path, mode, owner, content), so the archive
never depends on the ownership of files on the host: everything in the guest
is owned by root unless an entry says otherwise.  The kernel unpacks several
archives concatenated back to back, later entries replacing earlier ones;
kmlvm uses that to lay a small per-run archive over the cached base image.
"""
import os
import stat

TRAILER = "TRAILER!!!"


class Archive:
    """An initramfs under construction: a set of entries keyed by path."""

    def __init__(self):
        self.entries = {}  # path without leading "/" -> (mode, uid, gid, data)

    def add_dir(self, path, mode=0o755, uid=0, gid=0):
        path = path.strip("/")
        parts = path.split("/")
        for i in range(1, len(parts)):  # parents first, as the kernel needs
            parent = "/".join(parts[:i])
            if parent not in self.entries:
                self.entries[parent] = (stat.S_IFDIR | 0o755, 0, 0, b"")
        self.entries[path] = (stat.S_IFDIR | mode, uid, gid, b"")

    def add_file(self, path, data, mode=0o644, uid=0, gid=0):
        path = path.strip("/")
        self.add_dir(os.path.dirname(path)) if "/" in path else None
        self.entries[path] = (stat.S_IFREG | mode, uid, gid, data)

    def add_host_file(self, path, host_path, mode=None, uid=0, gid=0):
        with open(host_path, "rb") as f:
            data = f.read()
        if mode is None:
            mode = stat.S_IMODE(os.stat(host_path).st_mode)
        self.add_file(path, data, mode, uid, gid)

    def add_symlink(self, path, target):
        path = path.strip("/")
        self.add_dir(os.path.dirname(path)) if "/" in path else None
        self.entries[path] = (stat.S_IFLNK | 0o777, 0, 0, target.encode())

    def add_node(self, path, mode, major, minor):
        path = path.strip("/")
        self.entries[path] = (mode, 0, 0, (major, minor))

    def write(self, out_path):
        with open(out_path, "wb") as f:
            f.write(self.to_bytes())

    def to_bytes(self):
        chunks = []
        ino = 1000
        # Directories before their contents: sorting by path does it.
        for path in sorted(self.entries, key=lambda p: (p.count("/"), p)):
            mode, uid, gid, data = self.entries[path]
            ino += 1
            rdev = (0, 0)
            if isinstance(data, tuple):
                rdev, data = data, b""
            chunks.append(_entry(path, ino, mode, uid, gid, data, rdev))
        chunks.append(_entry(TRAILER, 0, 0, 0, 0, b"", (0, 0)))
        blob = b"".join(chunks)
        return blob + b"\0" * (-len(blob) % 512)


def _entry(name, ino, mode, uid, gid, data, rdev):
    name_b = name.encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = [ino, mode, uid, gid, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    header = b"070701" + b"".join(b"%08X" % v for v in fields)
    out = header + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out
