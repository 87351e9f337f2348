"""Writing events to the outbox: one call, inside the transaction that makes the change.

``emit(session, "surat.ditandatangani", surat)`` is all a use case adds; the
worker does the rest. Payloads carry ids and states only, never the PDF, the
request body or a secret.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from ..plumbing.models import Surat
from .models import Peristiwa

DIBUAT, DIPARAF, DIKEMBALIKAN = "surat.dibuat", "surat.diparaf", "surat.dikembalikan"
DITANDATANGANI, DIBATALKAN, DICABUT = "surat.ditandatangani", "surat.dibatalkan", "surat.dicabut"
EVENTS = (DIBUAT, DIPARAF, DIKEMBALIKAN, DITANDATANGANI, DIBATALKAN, DICABUT)
"""Every event a subscription may ask for (the letter workflow emits diparaf, dikembalikan, dibatalkan, dicabut)."""


def payload_data(surat: Surat) -> dict:
    return {"id": surat.id, "nomor": surat.nomor, "jenis": surat.jenis, "wilayah": surat.wilayah,
            "unit": surat.unit_kode, "status": surat.status, "tautan": f"/api/v1/surat/{surat.id}"}


def emit(session: Session, event: str, surat: Surat) -> None:
    """Add ``event`` about ``surat`` (as it is now) to the outbox, in the caller's transaction."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    session.add(Peristiwa(pesan=f"msg_{uuid.uuid4().hex}", jenis=event, surat_id=surat.id, data=payload_data(surat),
                          waktu=dt.datetime.now(dt.timezone.utc)))
