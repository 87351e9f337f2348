"""What waits for a staff member ("Surat saya"): drafts of their units, letters
whose next signature is theirs, letters signed, signed letters their units
receive a copy of (tembusan).

Paraf (initials before signing) arrives with the workflow issue; until then
nothing waits for a verifikator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, func, or_, select, true
from sqlalchemy.orm import Session

from ..access.audience import TEMBUSAN
from ..access.principal import Principal
from ..access.scope import visible_letters
from ..plumbing.models import AWAITING_COUNTERSIGN, DRAFT, READY, RETURNED, SIGNED, Riwayat, Surat, SuratAkses
from ..signatures.signature import signers_of

LIMIT = 50
"""Newest letters per section; the registry page finds the rest."""


@dataclass(frozen=True)
class SuratSaya:
    konsep: list[Surat]
    tanda_tangan: list[Surat]
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
        konsep=letters(Surat.status.in_((DRAFT, RETURNED, READY)), _in_units_clause(principal)),
        tanda_tangan=_next_signer_is(session, principal) if principal.nip else [],
        ditandatangani=letters(Surat.status == SIGNED, mine),
        tembusan=letters(Surat.status == SIGNED, Surat.id.in_(_copied_to(principal))),
    )
