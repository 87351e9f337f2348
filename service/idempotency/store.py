"""Claiming an Idempotency-Key, keeping the answer given under it, and forgetting it after 24 hours.

The claim is a row inserted in its own short transaction: the primary key
(client, key) lets exactly one of two concurrent requests in, on SQLite and
PostgreSQL alike. The other waits for the first one's answer and gives it
again, or is told 409 if the first is still running after
:data:`WAIT_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..plumbing.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from .models import KunciIdempotensi

KEPT = dt.timedelta(hours=24)
WAIT_SECONDS = 30.0
"""How long a repeated request waits for the first one's answer before it is told 409."""
_POLL_SECONDS = 0.05
FORGOTTEN = frozenset({429, 500, 503})
"""Answers that did nothing and say "try again": not kept, so the retry runs."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str | None
    location: str | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\0".join((method.encode(), path.encode(), body))).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _forget(sessions: sessionmaker[Session], row: KunciIdempotensi) -> None:
    """Drop an expired key, unless another request already claimed it afresh."""
    with sessions.begin() as session:
        session.execute(delete(KunciIdempotensi).where(
            KunciIdempotensi.klien == row.klien, KunciIdempotensi.kunci == row.kunci,
            KunciIdempotensi.dibuat == row.dibuat))


def claim(sessions: sessionmaker[Session], klien: str, kunci: str, sidik: str) -> Answer | None:
    """``None`` when this request is the first with ``kunci`` and must run; else the first one's answer.

    :raises IdempotencyKeyReused: the key was used for another request (422).
    :raises IdempotencyKeyInProgress: the first request still runs after :data:`WAIT_SECONDS` (409).
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with sessions.begin() as session:
                session.add(KunciIdempotensi(klien=klien, kunci=kunci, sidik=sidik, dibuat=_now()))
            return None
        except IntegrityError:
            pass
        with sessions() as session:
            row = session.get(KunciIdempotensi, (klien, kunci))
        if row is None:
            continue  # the first request gave up its key meanwhile
        if _utc(row.dibuat) < _now() - KEPT:
            _forget(sessions, row)
            continue
        if row.sidik != sidik:
            raise IdempotencyKeyReused(
                "Kunci idempotensi ini sudah dipakai untuk permintaan dengan isi lain; buat kunci baru "
                "untuk permintaan baru.")
        if row.status is not None:
            return Answer(row.status, row.jawaban or b"", row.tipe, row.lokasi)
        if time.monotonic() >= deadline:
            raise IdempotencyKeyInProgress(
                "Permintaan pertama dengan kunci idempotensi ini belum selesai; ulangi sebentar lagi.")
        time.sleep(_POLL_SECONDS)


def keep(sessions: sessionmaker[Session], klien: str, kunci: str, answer: Answer) -> None:
    """Keep the first request's answer for the retries; one of :data:`FORGOTTEN` frees the key instead."""
    if answer.status in FORGOTTEN:
        release(sessions, klien, kunci)
        return
    with sessions.begin() as session:
        session.execute(update(KunciIdempotensi).where(
            KunciIdempotensi.klien == klien, KunciIdempotensi.kunci == kunci).values(
            status=answer.status, jawaban=answer.body, tipe=answer.content_type, lokasi=answer.location))


def release(sessions: sessionmaker[Session], klien: str, kunci: str) -> None:
    with sessions.begin() as session:
        session.execute(delete(KunciIdempotensi).where(
            KunciIdempotensi.klien == klien, KunciIdempotensi.kunci == kunci))


def purge(sessions: sessionmaker[Session]) -> int:
    """Forget every key older than 24 hours (the worker does this now and then)."""
    with sessions.begin() as session:
        return session.execute(delete(KunciIdempotensi).where(KunciIdempotensi.dibuat < _now() - KEPT)).rowcount
