"""Recording the links of a new letter in the transaction that records it.

A link whose rule allows one letter per referenced letter (one answer per
request and step, one forwarding per request) carries a ``kunci``; the
unique index on it is what makes two clients answering the same request at
the same moment end with one answer, whatever the validation before saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from contextlib import contextmanager
from typing import Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..plumbing.errors import Finding, InvalidRequest
from ..plumbing.models import Riwayat, Surat, SuratLuar, Tautan
from ..plumbing.services import Services
from .known import Known, named_letter

HISTORY = {"menjawab": "dijawab", "meneruskan": "diteruskan", "dasar": "menjadi_dasar"}
"""What the referenced letter's history says when a new letter links to it."""


@dataclass(frozen=True)
class Link:
    """One reference of a new letter.

    :param hubungan: ``menjawab``, ``meneruskan`` or ``dasar``.
    :param ref: the referenced letter, when the registry knows it.
    :param outside: nomor/tanggal/hal/jenis of an outside letter to register, when it does not.
    :param exclusive: prefix of the ``kunci`` when only one letter may link this way.
    :param conflict: the finding to answer with when that ``kunci`` is already taken.
    """

    hubungan: str
    ref: Known | None = None
    outside: Mapping | None = None
    exclusive: str | None = None
    conflict: Finding | None = None


def _register_outside(session: Session, wilayah: str, outside: Mapping) -> str:
    """Id of the outside letter, registering it unless a concurrent letter just did."""
    luar = SuratLuar(wilayah=wilayah, jenis=outside["jenis"], nomor=outside["nomor"],
                     tanggal=outside["tanggal"], hal=outside["hal"], isi={})
    try:
        with session.begin_nested():
            session.add(luar)
        return luar.id
    except IntegrityError:
        return session.scalars(select(SuratLuar.id).where(
            SuratLuar.wilayah == wilayah, SuratLuar.nomor == outside["nomor"],
            SuratLuar.tanggal == outside["tanggal"])).one()


def _kunci(link: Link, ref_id: str) -> str | None:
    return f"{link.exclusive}:{ref_id}" if link.exclusive else None


def record_links(session: Session, surat: Surat, links: list[Link], oleh: str) -> None:
    """Add the links of ``surat`` (already added to ``session``) and note them
    in the history of each referenced letter of this service."""
    for link in links:
        ref_id = link.ref.id if link.ref else _register_outside(session, surat.wilayah, link.outside)
        luar = link.ref.luar if link.ref else True
        session.add(Tautan(surat_id=surat.id, rujukan_id=ref_id, luar=luar, hubungan=link.hubungan,
                           kunci=_kunci(link, ref_id)))
        if not luar:
            session.add(Riwayat(surat_id=ref_id, aksi=HISTORY[link.hubungan],
                                oleh=f"{oleh}: surat {surat.nomor or f'konsep {surat.id}'}"))


def taken(session: Session, wilayah: str, links: list[Link]) -> list[Finding]:
    """The findings of exclusive links whose ``kunci`` another letter now holds."""
    found = []
    for link in links:
        ref = link.ref or (named_letter(session, wilayah, link.outside) if link.exclusive else None)
        if ref is not None and link.exclusive:
            if session.scalar(select(Tautan.id).where(Tautan.kunci == _kunci(link, ref.id))) is not None:
                found.append(link.conflict)
    return found


@contextmanager
def exclusive_links(services: Services, wilayah: str, links: list[Link]) -> Iterator[None]:
    """Around the transaction that records ``links``: a link another letter took meanwhile (the unique
    ``kunci``, e.g. a second answer to one request) fails it, and the client gets the rule it broke.

    :raises InvalidRequest: another letter took a link this one may share with none.
    """
    try:
        yield
    except IntegrityError as e:
        with services.sessions() as session:
            conflicts = taken(session, wilayah, links)
        if conflicts:
            raise InvalidRequest(conflicts) from e
        raise
