"""What a caller may see and act on: letters, outside letters, units.

A letter is visible, within its pemda, to the units it concerns
(:mod:`.audience`): the units that issue it and that it is addressed to,
and, once it is signed, the units that receive its tembusan. A Rahasia or
Sangat Rahasia letter only to the issuing and addressed units, and there
only to callers cleared for secrets (:attr:`.Principal.reads_secret`). A
host administrator sees every pemda. Whatever is outside answers 404, so
ids cannot be probed.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from ..plumbing.errors import Finding, InvalidRequest, MissingRight, NotFound
from ..plumbing.models import REVOKED, SIGNED, Surat, SuratAkses, SuratLuar
from .audience import PENGIRIM, SECRET, TEMBUSAN, TUJUAN
from .principal import Principal

ACCESS_RULE = "Ketentuan akses suratkerja (README, Akses)"


def _concerns(principal: Principal, roles: ColumnElement[bool]) -> ColumnElement[bool]:
    """The letter concerns one of the caller's units in one of ``roles``."""
    if principal.units is None:
        return exists().where(SuratAkses.surat_id == Surat.id, roles)
    return exists().where(SuratAkses.surat_id == Surat.id, SuratAkses.unit_kode.in_(principal.units), roles)


def visible_letters(principal: Principal) -> ColumnElement[bool]:
    """A ``WHERE`` clause on :class:`Surat`: the letters ``principal`` may read."""
    if principal.host_admin:
        return true()
    if not principal.authenticated:
        return false()
    direct = SuratAkses.peran.in_((PENGIRIM, TUJUAN))
    copy = and_(SuratAkses.peran == TEMBUSAN, Surat.status.in_((SIGNED, REVOKED)))
    ordinary = and_(Surat.sifat.not_in(SECRET), or_(true() if principal.units is None else false(),
                                                     _concerns(principal, or_(direct, copy))))
    clauses = [ordinary]
    if principal.reads_secret:
        clauses.append(and_(Surat.sifat.in_(SECRET), _concerns(principal, direct)))
    return and_(Surat.wilayah == principal.wilayah, or_(*clauses))


def letter_for(session: Session, principal: Principal, surat_id: str) -> Surat:
    """The letter ``surat_id`` if ``principal`` may read it.

    :raises NotFound: no such letter, or not the caller's to see.
    """
    surat = session.scalar(select(Surat).where(Surat.id == surat_id, visible_letters(principal)))
    if surat is None:
        raise NotFound(f"Surat {surat_id} tidak ditemukan.")
    return surat


def outside_for(session: Session, principal: Principal, luar_id: str) -> SuratLuar:
    """The outside letter ``luar_id`` if it is the caller's pemda's.

    :raises NotFound: no such outside letter in the caller's pemda.
    """
    luar = session.get(SuratLuar, luar_id)
    if luar is None or not principal.in_pemda(luar.wilayah):
        raise NotFound(f"Surat luar {luar_id} tidak ditemukan.")
    return luar


def check_pemda(principal: Principal, wilayah: Any) -> None:
    """Acting in ``wilayah``'s name, which must be the caller's pemda.

    :raises NotFound: another pemda (as if it did not exist: pemda are not probed).
    """
    if isinstance(wilayah, str) and not principal.in_pemda(wilayah):
        raise NotFound(f"Wilayah '{wilayah}' tidak ditemukan.")


def check_issuer(principal: Principal, payload: Any) -> None:
    """A letter request the caller may issue: its pemda, in the name of a unit it acts for.

    :raises NotFound: another pemda.
    :raises MissingRight: a unit the caller does not act for.
    :raises InvalidRequest: a caller for some units only, not naming the issuing unit.
    """
    if not isinstance(payload, dict):
        return  # the validation answers what is wrong with it
    check_pemda(principal, payload.get("wilayah"))
    pengirim = payload.get("pengirim")
    kode = pengirim.get("kode") if isinstance(pengirim, dict) else None
    if kode is None and principal.units is not None:
        # left out, it would be filled from the letter answered: perhaps another unit's name
        raise InvalidRequest([Finding("/pengirim/kode", "pengirim_wajib",
                                      "Kredensial untuk sebagian unit wajib menyebut unit pengirimnya.", ACCESS_RULE)])
    if isinstance(kode, str) and not principal.covers(kode):
        raise MissingRight(f"Kredensial ini tidak boleh menerbitkan surat atas nama unit {kode}; "
                           f"unitnya: {', '.join(sorted(principal.units or ()))}.")


def referenced_ids(payload: Any) -> Iterator[str]:
    """Every ``id`` a request names (the letters it answers or rests on), at any depth."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "id" and isinstance(value, str):
                yield value
            else:
                yield from referenced_ids(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from referenced_ids(value)


def check_references(session: Session, principal: Principal, payload: Any) -> None:
    """Each letter a request names must be one the caller may read (a new letter copies from it).

    :raises NotFound: a named letter outside the caller's scope.
    """
    for ref in set(referenced_ids(payload)):
        check_known(session, principal, ref)


def check_known(session: Session, principal: Principal, letter_id: str) -> None:
    """A letter or outside letter that exists must be in the caller's scope; an unknown id is left to the caller.

    :raises NotFound: it exists, outside the caller's scope.
    """
    if session.get(Surat, letter_id) is not None:
        letter_for(session, principal, letter_id)
    elif session.get(SuratLuar, letter_id) is not None:
        outside_for(session, principal, letter_id)


def visible_ids(session: Session, principal: Principal, letters: Iterable[Any]) -> set[str]:
    """Which of ``letters`` (chain members: :class:`~service.chain.known.Known`) the caller may see."""
    letters = list(letters)
    internal = [k.id for k in letters if not k.luar]
    seen = set(session.scalars(select(Surat.id).where(Surat.id.in_(internal), visible_letters(principal))))
    return seen | {k.id for k in letters if k.luar and principal.in_pemda(k.wilayah)}
