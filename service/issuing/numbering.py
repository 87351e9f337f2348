"""Nomor naskah dinas: one gapless sequence per issuing unit and year.

A letter takes its number when it is recorded. The number is reserved under
a lock held for that unit and year only, the letter is rendered and
converted with it, and the counter moves in the same short transaction that
records the letter. If rendering or conversion fails, nothing is written and
the next letter of that unit gets the same number: no number is skipped and
none is used twice. Units do not wait for one another.

The lock is a PostgreSQL advisory lock where the registry is PostgreSQL (so
several service processes share it) and a file lock otherwise (SQLite: one
machine, any number of processes and threads).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from ..plumbing.models import Penomoran


@dataclass(frozen=True)
class SequenceKey:
    wilayah: str
    unit_kode: str
    tahun: int

    def lock_id(self) -> int:
        """A stable signed 64-bit id for PostgreSQL's advisory locks."""
        digest = hashlib.sha256(f"{self.wilayah}|{self.unit_kode}|{self.tahun}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


class Sequencer:
    """Hands out the next number of a sequence while its lock is held."""

    def __init__(self, engine: Engine, lock_dir: Path):
        self.engine = engine
        self.lock_dir = lock_dir
        self.postgres = engine.dialect.name == "postgresql"
        if not self.postgres:
            lock_dir.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def hold(self, key: SequenceKey) -> Iterator[None]:
        """Hold the lock of ``key`` for the duration of the block."""
        if self.postgres:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key.lock_id()})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key.lock_id()})
                    conn.commit()
        else:
            path = os.path.join(self.lock_dir, f"{key.lock_id() & 0xFFFFFFFFFFFFFFFF:016x}.lock")  # str: see FileStore.path
            with open(path, "a+b") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)

    @staticmethod
    def next_number(session: Session, key: SequenceKey) -> int:
        """The number the next letter of ``key`` will take (call under :meth:`hold`)."""
        last = session.scalar(
            select(Penomoran.terakhir).filter_by(
                wilayah=key.wilayah, unit_kode=key.unit_kode, tahun=key.tahun
            )
        )
        return (last or 0) + 1

    @staticmethod
    def consume(session: Session, key: SequenceKey, number: int) -> None:
        """Move the counter to ``number`` inside the caller's transaction.

        :raises RuntimeError: the counter moved although the lock was held
            (a process issuing without the lock); the caller's transaction
            must roll back.
        """
        if number == 1:
            session.add(Penomoran(
                wilayah=key.wilayah, unit_kode=key.unit_kode, tahun=key.tahun, terakhir=1,
            ))
            session.flush()
            return
        moved = session.execute(
            update(Penomoran)
            .filter_by(wilayah=key.wilayah, unit_kode=key.unit_kode, tahun=key.tahun,
                       terakhir=number - 1)
            .values(terakhir=number)
        ).rowcount
        if moved != 1:
            raise RuntimeError(f"counter {key} moved outside its lock")


def format_nomor(profile, jenis: str, urut: int, kode_unit: str, tahun: int) -> str:
    """The nomor naskah dinas in the region's format, e.g. ``800.1.11/7/BAPPEDA/2026``."""
    return profile.penomoran.format.format(
        klasifikasi=profile.penomoran.klasifikasi[jenis], urut=urut, kode_unit=kode_unit, tahun=tahun,
    )
