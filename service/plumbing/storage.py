"""Content-addressed file store on local disk.

A file is named by its SHA-256, so a stored letter cannot change under its
name and the registry's hash is also its address. Writes go to a temporary
file and are renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class FileStore:
    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> str:
        """Where the file of ``sha256`` lives.

        A string, not a :class:`~pathlib.Path`: Python 3.11's pathlib interns
        every name in a path it parses, and a letter's file name is new each
        time. Interned and dropped thousands of times, such names made
        CPython's interned-string table double once (some 2 MiB) after a few
        thousand letters. The same holds for the other names made per letter
        (lock files, an official's key file).
        """
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return os.path.join(self.root, sha256[:2], f"{sha256}.pdf")

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``.

        :return: its SHA-256 and whether this call created the file (so a
            caller whose transaction fails can remove what it added).
        """
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if os.path.exists(target):
            return sha256, False
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            _remove(tmp)
            raise
        return sha256, True

    @contextmanager
    def keeping(self, *contents: bytes) -> Iterator[list[str]]:
        """Store ``contents`` for the block (a transaction that records them): their SHA-256s.

        If the block raises, the files this call created are removed again, so a
        letter that was not recorded leaves no file behind; a file that was
        already stored belongs to another letter and stays.
        """
        added: list[str] = []
        try:
            hashes = []
            for data in contents:
                sha256, created = self.put(data)
                hashes.append(sha256)
                if created:
                    added.append(sha256)
            yield hashes
        except BaseException:
            for sha256 in added:
                self.discard(sha256)
            raise

    def get(self, sha256: str) -> bytes:
        with open(self.path(sha256), "rb") as f:
            return f.read()

    def discard(self, sha256: str) -> None:
        _remove(self.path(sha256))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
