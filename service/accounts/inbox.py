"""What waits for a staff member ("Surat saya"): letters whose next signature
is theirs (once every paraf is in), drafts whose next paraf is theirs, drafts
of their units sent back (with the note) or under way, letters signed, and
signed letters their units receive a copy of (tembusan).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, func, or_, select, true
from sqlalchemy.orm import Session

from ..access.audience import TEMBUSAN
from ..access.principal import Principal
from ..access.scope import visible_letters
from ..plumbing.models import AWAITING_COUNTERSIGN, DRAFT, READY, RETURNED, SIGNED, Paraf, Riwayat, Surat, SuratAkses
from ..signatures.signature import signers_of
from ..workflow.state import still_due

LIMIT = 50
"""Newest letters per section; the registry page finds the rest."""


@dataclass(frozen=True)
class Dikembalikan:
    """A draft sent back, and the history line that sent it (who, when, the note)."""

    surat: Surat
    pengembalian: Riwayat


@dataclass(frozen=True)
class SuratSaya:
    tanda_tangan: list[Surat]
    """Ready to sign (or waiting for a countersignature), the next signature mine."""
    paraf: list[Surat]
    """Drafts whose verifikator due is my official."""
    dikembalikan: list[Dikembalikan]
    """Drafts of my units sent back to be revised or cancelled."""
    konsep: list[Surat]
    """Drafts of my units under way: waiting for paraf, or ready to sign."""
    ditandatangani: list[Surat]
    tembusan: list[Surat]


def _in_units_clause(principal: Principal):
    """Issued by one of the account's units (any, for an account of every unit)."""
    return true() if principal.units is None else Surat.unit_kode.in_(principal.units)


def _signed_by(nip: str):
    """Letters whose history holds a signature of ``nip`` (the history names the signer as "… (NIP …)")."""
    return select(Riwayat.surat_id).where(Riwayat.aksi.like("ditandatangani%"), Riwayat.oleh.like(f"%(NIP {nip})"))


def _next_signer_is(session: Session, principal: Principal) -> list[Surat]:
    """Unsigned letters the account sees whose turn to sign is the account's official."""
    candidates = session.scalars(
        select(Surat).where(visible_letters(principal), Surat.status.in_((READY, AWAITING_COUNTERSIGN)),
                            cast(Surat.permintaan, String).contains(principal.nip))
        .order_by(Surat.dibuat.desc())).all()
    done = dict(session.execute(
        select(Riwayat.surat_id, func.count()).where(Riwayat.surat_id.in_([s.id for s in candidates]),
                                                     Riwayat.aksi.like("ditandatangani%"))
        .group_by(Riwayat.surat_id)).all())
    waiting = []
    for surat in candidates:
        order = signers_of(surat)
        turn = done.get(surat.id, 0)
        if turn < len(order) and order[turn]["nip"] == principal.nip:
            waiting.append(surat)
    return waiting[:LIMIT]


def _next_paraf_is(session: Session, principal: Principal) -> list[Surat]:
    """Drafts the account sees whose next paraf (on the current version) is the account's official's."""
    candidates = session.scalars(
        select(Surat).where(visible_letters(principal), Surat.status == DRAFT,
                            cast(Surat.permintaan, String).contains(principal.nip))
        .order_by(Surat.dibuat.desc())).all()
    given = dict(session.execute(
        select(Paraf.surat_id, func.count()).join(Surat, Surat.id == Paraf.surat_id)
        .where(Paraf.surat_id.in_([s.id for s in candidates]), Paraf.versi == Surat.versi)
        .group_by(Paraf.surat_id)).all())
    due = [(surat, still_due(surat, given.get(surat.id, 0))) for surat in candidates]
    return [surat for surat, people in due if people and people[0]["nip"] == principal.nip][:LIMIT]


def _returned(session: Session, drafts: list[Surat]) -> list[Dikembalikan]:
    """Each returned draft with the latest history line that sent it back."""
    lines = session.scalars(select(Riwayat).where(Riwayat.surat_id.in_([s.id for s in drafts]),
                                                  Riwayat.aksi == "dikembalikan").order_by(Riwayat.id))
    latest = {line.surat_id: line for line in lines}
    return [Dikembalikan(surat, latest[surat.id]) for surat in drafts if surat.id in latest]


def _copied_to(principal: Principal):
    """Letters whose tembusan names one of the account's units (any unit, for an account of every unit)."""
    query = select(SuratAkses.surat_id).where(SuratAkses.peran == TEMBUSAN)
    return query if principal.units is None else query.where(SuratAkses.unit_kode.in_(principal.units))


def surat_saya(session: Session, principal: Principal) -> SuratSaya:
    """The sections of "Surat saya" for a signed-in account, each within what it may see."""
    newest = (Surat.dibuat.desc(), Surat.id)

    def letters(*where) -> list[Surat]:
        return list(session.scalars(select(Surat).where(visible_letters(principal), *where)
                                    .order_by(*newest).limit(LIMIT)))

    mine = _in_units_clause(principal)
    if principal.nip:
        mine = or_(mine, Surat.id.in_(_signed_by(principal.nip)))
    return SuratSaya(
        tanda_tangan=_next_signer_is(session, principal) if principal.nip else [],
        paraf=_next_paraf_is(session, principal) if principal.nip else [],
        dikembalikan=_returned(session, letters(Surat.status == RETURNED, _in_units_clause(principal))),
        konsep=letters(Surat.status.in_((DRAFT, READY)), _in_units_clause(principal)),
        ditandatangani=letters(Surat.status == SIGNED, mine),
        tembusan=letters(Surat.status == SIGNED, Surat.id.in_(_copied_to(principal))),
    )
