"""A letter sent to the Esign service, in the registry: claimed, settled signed, or released.

Before the letter leaves, it is *claimed*: ``belum_pasti``, with what was
sent and whose signature it awaits (``esign_tertunda``: the sent file, the
number of signatures before it, the status to return to), in one
conditional update, so that of two
requests only one sends it, and a process that dies while waiting leaves
the letter marked rather than silently unsigned. A definite answer then
settles it: signed (the checked file recorded) or released back to
what it was (``siap_ditandatangani``, or ``menunggu_mengetahui`` for a countersignature). Without an answer it stays marked until reconciliation
(:mod:`.reconcile`). Each of these is conditional on the letter still being
``belum_pasti``: a letter is settled once, and never ends signed twice.
"""

from __future__ import annotations

from sqlalchemy import update

from ..plumbing.errors import Conflict
from ..plumbing.models import AWAITING_COUNTERSIGN, READY, SIGNED, UNCERTAIN, Riwayat, Surat
from ..plumbing.services import Services
from ..webhooks import outbox
from . import signature
from .first_signature import FirstSignature


def claim(services: Services, surat: Surat, sent_sha256: str, nik: str, level: str | None, done: int) -> None:
    """Mark ``surat``, with ``done`` signatures, as being signed remotely, unless another request moved it first.

    :raises Conflict: the letter is no longer as it was read.
    """
    pending = {"sha256": sent_sha256, "id_dokumen": None, "tingkat": level, "nik": nik, "urutan": done,
               "semula": surat.status}
    same_file = (Surat.signed_sha256 == surat.signed_sha256) if surat.signed_sha256 else Surat.signed_sha256.is_(None)
    with services.sessions.begin() as session:
        moved = session.execute(
            update(Surat).where(Surat.id == surat.id, Surat.status.in_((READY, AWAITING_COUNTERSIGN)),
                                Surat.status == surat.status, same_file)
            .values(status=UNCERTAIN, esign_tertunda=pending)).rowcount
    if moved != 1:
        raise Conflict("Surat ini baru saja dikirim untuk ditandatangani oleh permintaan lain.")


def note_uncertain(services: Services, surat: Surat, official: dict, id_dokumen: str | None,
                   first: FirstSignature | None) -> None:
    """Record that no answer came (and the service's id of the document, if it gave one); with the ``first``
    signature, the number the sent file carries, which the letter keeps whatever reconciliation finds."""
    with services.sessions.begin() as session:
        row = session.get(Surat, surat.id)
        row.esign_tertunda = {**row.esign_tertunda, "id_dokumen": id_dokumen}
        if first:
            _number(session, row, surat, first)
        session.add(Riwayat(surat_id=surat.id, aksi="penandatanganan_belum_pasti", oleh=signature.signer_line(official),
                            sha256=row.esign_tertunda["sha256"]))


def release(services: Services, surat: Surat, entry: Riwayat | None = None) -> None:
    """Back to what it was: certainly not signed (a refusal, an error, or reconciliation's verdict)."""
    with services.sessions.begin() as session:
        row = session.get(Surat, surat.id)
        before = (row.esign_tertunda or {}).get("semula", READY)
        moved = session.execute(update(Surat).where(Surat.id == surat.id, Surat.status == UNCERTAIN)
                                .values(status=before, esign_tertunda=None)).rowcount
        if moved != 1:
            raise Conflict("Penandatanganan surat ini sudah diselesaikan oleh permintaan lain.")
        if entry is not None:
            entry.surat_id = surat.id
            session.add(entry)


def _number(session, row: Surat, surat: Surat, first: FirstSignature) -> None:
    for column, value in first.values(surat).items():
        setattr(row, column, value)
    first.record(session, surat)


def settle_signed(services: Services, surat: Surat, official: dict, signed_sha256: str, done: int,
                  first: FirstSignature | None = None) -> None:
    """Record the checked signed file, the signature after ``done``: the letter is signed by ``official``, once
    (with the ``first`` signature, its number too).

    :raises Conflict: it was settled meanwhile (by a reconciliation, or the other way).
    """
    with services.sessions.begin() as session:
        if first:
            _number(session, session.get(Surat, surat.id), surat, first)
        moved = session.execute(
            update(Surat).where(Surat.id == surat.id, Surat.status == UNCERTAIN)
            .values(signed_sha256=signed_sha256, status=signature.status_after(surat, done + 1), esign_tertunda=None)
        ).rowcount
        if moved != 1:
            raise Conflict("Penandatanganan surat ini sudah diselesaikan oleh permintaan lain.")
        entry = signature.history_entry(official, done + 1, signed_sha256)
        entry.surat_id = surat.id
        session.add(entry)
        signed = session.get(Surat, surat.id)
        if signed.status == SIGNED:
            outbox.emit(session, outbox.DITANDATANGANI, signed)
