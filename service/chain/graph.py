"""The whole chain around one letter, for ``GET /api/v1/surat/<id>/rantai``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..plumbing.errors import NotFound
from ..plumbing.models import Riwayat, Tautan
from .known import Known, resolve

MAX_LETTERS = 500
"""A chain is a handful of letters; this bounds the walk over a corrupted registry."""


def _links_touching(session: Session, ids: set[str]) -> list[Tautan]:
    return list(session.scalars(select(Tautan).where(
        or_(Tautan.surat_id.in_(ids), Tautan.rujukan_id.in_(ids))).order_by(Tautan.id)))


def _history(session: Session, ids: list[str]) -> dict[str, list[Riwayat]]:
    found: dict[str, list[Riwayat]] = {i: [] for i in ids}
    for row in session.scalars(select(Riwayat).where(Riwayat.surat_id.in_(ids)).order_by(Riwayat.id)):
        found[row.surat_id].append(row)
    return found


def chain_of(session: Session, surat_id: str) -> tuple[list[Known], list[Tautan], dict[str, list[Riwayat]]]:
    """Every letter linked to ``surat_id`` directly or through others, the links, and each letter's history.

    Letters come oldest first (by date, then registration).

    :raises NotFound: no such letter.
    """
    if resolve(session, surat_id) is None:
        raise NotFound(f"Surat {surat_id} tidak ditemukan.")
    seen, frontier, links = {surat_id}, {surat_id}, {}
    while frontier and len(seen) < MAX_LETTERS:
        found = _links_touching(session, frontier)
        links.update((t.id, t) for t in found)
        frontier = {i for t in found for i in (t.surat_id, t.rujukan_id)} - seen
        seen |= frontier
    letters = sorted((resolve(session, i) for i in seen), key=lambda k: (k.tanggal or dt.date.max, k.dibuat, k.id))
    internal = [k.id for k in letters if not k.luar]
    return letters, sorted(links.values(), key=lambda t: t.id), _history(session, internal)
