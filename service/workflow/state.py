"""The one way a draft moves: a conditional update on the state and version it was read in, with its
history line, audit entry and webhook event, in one transaction; of two requests, one moves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..access import audit
from ..letters.nip import format_nip
from ..plumbing.errors import WrongState
from ..plumbing.models import CANCELLED, DRAFT, READY, RETURNED, Paraf, Riwayat, Surat, SuratVersi
from ..plumbing.services import Services
from ..webhooks import outbox

OPEN = (DRAFT, RETURNED, READY)
"""States of a draft not yet signed, which may be revised or cancelled."""

STATE_TEXT = {
    DRAFT: "masih menunggu paraf", RETURNED: "dikembalikan untuk diperbaiki", READY: "siap ditandatangani",
    CANCELLED: "dibatalkan",
}


def check_state(surat: Surat, allowed: Iterable[str], what: str) -> None:
    """:raises WrongState: ``surat`` is not in one of ``allowed`` for ``what``."""
    if surat.status not in allowed:
        now = STATE_TEXT.get(surat.status, f"berstatus {surat.status}")
        raise WrongState(f"Surat ini {now}: {what} tidak dapat dilakukan.")


def check_version(surat: Surat, versi: int | None) -> None:
    """The caller acts on the version it read (none named: whatever is current).

    :raises WrongState: a revision came after the caller read it.
    """
    if versi is not None and versi != surat.versi:
        raise WrongState(f"Permintaan ini untuk versi {versi}, padahal versi yang berlaku versi {surat.versi}: "
                         "periksa versi terbaru lebih dulu.")


def official_line(person: dict) -> str:
    """A verifikator or signer as the history and the answers name them."""
    return f"{person['nama']} (NIP {format_nip(person['nip'])})"


def paraf_given(session, surat: Surat) -> int:
    """How many of the route have given paraf on the current version (they give it in order)."""
    return session.scalar(select(func.count()).select_from(Paraf).where(
        Paraf.surat_id == surat.id, Paraf.versi == surat.versi)) or 0


def due(session, surat: Surat) -> list[dict]:
    """The verifikators still to give paraf on the current version, in order."""
    return still_due(surat, paraf_given(session, surat))


def still_due(surat: Surat, given: int) -> list[dict]:
    """The verifikators after the ``given`` who gave paraf on the current version (they give it in order)."""
    return list(surat.verifikator[given:])


@dataclass(frozen=True)
class Version:
    """One version of a draft and the paraf given on it, in the route's order."""

    row: SuratVersi
    paraf: list[Paraf]


def versions(session, surat_id: str) -> list[Version]:
    """Every version of a letter, oldest first, each with its paraf (the API's list and the letter's page)."""
    paraf = session.scalars(select(Paraf).where(Paraf.surat_id == surat_id).order_by(Paraf.versi, Paraf.urutan))
    given: dict[int, list[Paraf]] = {}
    for p in paraf:
        given.setdefault(p.versi, []).append(p)
    rows = session.scalars(select(SuratVersi).where(SuratVersi.surat_id == surat_id).order_by(SuratVersi.versi))
    return [Version(row, given.get(row.versi, [])) for row in rows]


def move(services: Services, surat: Surat, *, to: str, entry: Riwayat, actor: audit.Actor, aksi: str,
         event: str | None, rows: Iterable = (), also: Iterable = (), **values) -> Surat:
    """Move ``surat`` (as read: same state, same version) to state ``to`` with ``values``, adding ``entry``,
    ``rows`` and the audit entry of ``actor`` doing ``aksi``, running the statements ``also`` and
    emitting ``event``.

    :raises WrongState: another request moved it first.
    """
    try:
        _moved(services, surat, to, entry, actor, aksi, event, rows, also, values)
    except IntegrityError:  # the same paraf given twice at once: the unique index keeps one
        raise WrongState("Surat ini baru saja diubah oleh permintaan lain; muat ulang dan periksa lagi.") from None
    with services.sessions() as session:
        return session.get(Surat, surat.id)


def _moved(services: Services, surat: Surat, to: str, entry: Riwayat, actor: audit.Actor, aksi: str,
           event: str | None, rows: Iterable, also: Iterable, values: dict) -> None:
    with audit.transaction(services) as session:
        moved = session.execute(
            update(Surat).where(Surat.id == surat.id, Surat.status == surat.status, Surat.versi == surat.versi)
            .values(status=to, **values)).rowcount
        if moved != 1:
            raise WrongState("Surat ini baru saja diubah oleh permintaan lain; muat ulang dan periksa lagi.")
        for statement in also:
            session.execute(statement)
        for row in (entry, *rows):
            row.surat_id = surat.id
            session.add(row)
        session.flush()
        audit.add(session, actor, aksi, wilayah=surat.wilayah, objek=surat.id,
                  rincian={"versi": values.get("versi", surat.versi), "oleh": entry.oleh, "status": to})
        if event:
            outbox.emit(session, event, session.get(Surat, surat.id))
