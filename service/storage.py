"""Content-addressed file store on local disk.

A file is named by its SHA-256, so a stored letter cannot change under its
name and the registry's hash is also its address. Writes go to a temporary
file and are renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class FileStore:
    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / f"{sha256}.pdf"

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``.

        :return: its SHA-256 and whether this call created the file (so a
            caller whose transaction fails can remove what it added).
        """
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256, False
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256, True

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def discard(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)
