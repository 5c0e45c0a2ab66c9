#!/usr/bin/python3
"""
A read-only FUSE filesystem for tests: serves files whose reads fail with EIO from a given offset
on, as a disk with a bad sector does. Usage: eio-fs.py SPEC.json MOUNTPOINT (foreground; unmount
with `fusermount -u`). SPEC maps a file name to {"source": path, "fail_at": offset or null}.
Needs python3-fusepy and /dev/fuse.
"""
import errno
import json
import stat
import sys
import time

from fusepy import FUSE, FuseOSError, Operations


class EioFs(Operations):
    def __init__(self, spec):
        self.files = {}
        for name, entry in spec.items():
            with open(entry["source"], "rb") as f:
                self.files[name] = (f.read(), entry.get("fail_at"))
        self.now = time.time()

    def getattr(self, path, fh=None):
        times = dict(st_mtime=self.now, st_ctime=self.now, st_atime=self.now)
        if path == "/":
            return dict(st_mode=stat.S_IFDIR | 0o755, st_nlink=2, **times)
        entry = self.files.get(path[1:])
        if entry is None:
            raise FuseOSError(errno.ENOENT)
        return dict(st_mode=stat.S_IFREG | 0o644, st_nlink=1, st_size=len(entry[0]), st_ino=hash(path) & 0xFFFFFFFF, **times)

    def readdir(self, path, fh):
        return [".", ".."] + sorted(self.files)

    def read(self, path, size, offset, fh):
        content, fail_at = self.files[path[1:]]
        if fail_at is not None and offset + size > fail_at:
            raise FuseOSError(errno.EIO)
        return content[offset : offset + size]


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    FUSE(EioFs(spec), sys.argv[2], foreground=True, ro=True)
