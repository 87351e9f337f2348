"""The number is taken with the first signature (as in SRIKANDI: provisional in the draft, fixed at signing).

The letter's request, as its verifikators approved it, is validated again for
the date it takes (the one its request fixes, else the signing day, WIB),
numbered in its unit's sequence under that sequence's lock, and printed with
both; the penandatangan signs that file, and the number, the numbered file
and the signature are recorded in one transaction
(:meth:`FirstSignature.record`). If anything fails before it, the lock is
let go and the number stays free: a draft never holds one, and none is
skipped. The numbered file differs from the approved preview only in nomor
and tanggal; the history records the hash of both.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy.orm import Session

from ..issuing.numbering import Sequencer
from ..issuing.printing import Numbered, numbered
from ..issuing.prepare import recheck
from ..plumbing.models import Riwayat, Surat
from ..plumbing.services import Services


@dataclass(frozen=True)
class FirstSignature:
    """The number a letter takes with its first signature, and its numbered (unsigned) file, stored."""

    number: Numbered
    sha256: str
    approved: str
    """The preview of the version the verifikators approved."""

    def values(self, surat: Surat) -> dict:
        """The letter's columns that change with its number (``surat`` already carries them)."""
        return {"nomor": surat.nomor, "urut": surat.urut, "tahun": surat.tahun, "tanggal": surat.tanggal,
                "permintaan": surat.permintaan, "pdf_sha256": self.sha256}

    def record(self, session: Session, surat: Surat) -> None:
        """Move the unit's counter and add the history line of the numbering, in the caller's transaction."""
        Sequencer.consume(session, self.number.key, self.number.urut)
        session.add(Riwayat(surat_id=surat.id, aksi="dinomori", sha256=self.sha256,
                            catatan=f"nomor {self.number.nomor}, tanggal {self.number.tanggal.isoformat()}; "
                                    f"dari versi {surat.versi} yang disetujui (sha256 {self.approved})"))


@contextmanager
def to_sign(services: Services, surat: Surat, done: int) -> Iterator[tuple[bytes, FirstSignature | None]]:
    """The file the next signature (after ``done``) goes on, and, for a letter without a number, the number
    it takes, held for the block (``surat``, a detached row, then carries it).

    :raises InvalidRequest: see :func:`~service.issuing.prepare.recheck`. :raises ServiceUnavailable: conversion failed.
    """
    if done or surat.nomor is not None:
        yield services.store.get(surat.current_sha256), None
        return
    valid = recheck(services, surat)
    approved = surat.pdf_sha256
    with numbered(services, valid) as number, services.store.keeping(number.pdf) as (sha256,):
        number.apply(surat)
        surat.pdf_sha256 = sha256
        yield number.pdf, FirstSignature(number, sha256, approved)
