"""What waits for a staff member ("Surat saya"): drafts of their units, letters
whose next signature is theirs, letters signed, signed letters their units
receive a copy of (tembusan).

Paraf (initials before signing) arrives with the workflow issue; until then
nothing waits for a verifikator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from ..access.audience import TEMBUSAN
from ..plumbing.models import AWAITING_COUNTERSIGN, DRAFT, SIGNED, Riwayat, Surat, SuratAkses
from ..signatures.signature import signers_of
from .models import Akun

LIMIT = 50
"""Newest letters per section; the registry page finds the rest."""


@dataclass(frozen=True)
class SuratSaya:
    konsep: list[Surat]
    tanda_tangan: list[Surat]
    ditandatangani: list[Surat]
    tembusan: list[Surat]


def _in_units(akun: Akun, query):
    return query.where(Surat.unit_kode.in_(akun.unit)) if akun.unit else query


def _signed_by(nip: str):
    """Letters whose history holds a signature of ``nip`` (the history names the signer as "… (NIP …)")."""
    return select(Riwayat.surat_id).where(Riwayat.aksi.like("ditandatangani%"), Riwayat.oleh.like(f"%(NIP {nip})"))


def _next_signer_is(session: Session, akun: Akun) -> list[Surat]:
    """Unsigned letters of the pemda whose turn to sign is the account's official."""
    candidates = session.scalars(
        select(Surat).where(Surat.wilayah == akun.wilayah, Surat.status.in_((DRAFT, AWAITING_COUNTERSIGN)),
                            cast(Surat.permintaan, String).contains(akun.nip))
        .order_by(Surat.dibuat.desc())).all()
    done = dict(session.execute(
        select(Riwayat.surat_id, func.count()).where(Riwayat.surat_id.in_([s.id for s in candidates]),
                                                     Riwayat.aksi.like("ditandatangani%"))
        .group_by(Riwayat.surat_id)).all())
    waiting = []
    for surat in candidates:
        order = signers_of(surat)
        turn = done.get(surat.id, 0)
        if turn < len(order) and order[turn]["nip"] == akun.nip:
            waiting.append(surat)
    return waiting[:LIMIT]


def _copied_to(akun: Akun):
    """Letters whose tembusan names one of the account's units (any unit, for an account of every unit)."""
    query = select(SuratAkses.surat_id).where(SuratAkses.peran == TEMBUSAN)
    return query.where(SuratAkses.unit_kode.in_(akun.unit)) if akun.unit else query


def surat_saya(session: Session, akun: Akun) -> SuratSaya:
    newest = (Surat.dibuat.desc(), Surat.id)
    drafts = session.scalars(_in_units(akun, select(Surat).where(
        Surat.wilayah == akun.wilayah, Surat.status == DRAFT)).order_by(*newest).limit(LIMIT)).all()
    mine = Surat.unit_kode.in_(akun.unit) if akun.unit else Surat.wilayah == akun.wilayah
    if akun.nip:
        mine = mine | Surat.id.in_(_signed_by(akun.nip))
    signed = session.scalars(select(Surat).where(Surat.wilayah == akun.wilayah, Surat.status == SIGNED, mine)
                             .order_by(*newest).limit(LIMIT)).all()
    copies = session.scalars(select(Surat).where(Surat.wilayah == akun.wilayah, Surat.status == SIGNED,
                                                 Surat.id.in_(_copied_to(akun))).order_by(*newest).limit(LIMIT)).all()
    return SuratSaya(list(drafts), _next_signer_is(session, akun) if akun.nip else [], list(signed), list(copies))
