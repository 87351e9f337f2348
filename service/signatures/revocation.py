"""Pencabutan: a signed letter withdrawn by its penandatangan or the pemda's arsiparis.

The letter keeps its number and its signed file (its signatures stay as they
are: revocation is a fact of the register, not of the PDF); the register,
the chain and verification say it is no longer in force, since when and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update

from ..access import audit
from ..access.principal import ADMIN, TANDATANGAN, Principal
from ..letters.nip import format_nip
from ..plumbing.errors import MissingRight, NotRevoker, RevocationRefused
from ..plumbing.models import REVOKED, SIGNED, Riwayat, Surat
from ..plumbing.services import Services
from ..webhooks import outbox
from .signature import signer_line

RULE = ("Permendagri 1/2023 tentang Tata Naskah Dinas di Lingkungan Pemerintah Daerah, ketentuan "
        "pencabutan naskah dinas (dikutip dari sumber sekunder): naskah dinas yang telah ditandatangani "
        "dicabut oleh pejabat yang menandatanganinya atau atasannya, dengan alasan, nomornya tetap tercatat")
"""The rule a refused revocation names (no primary text of the article was at hand: cited second-hand)."""

ARSIPARIS = "arsiparis"
"""The staff role (:data:`~service.access.principal.ROLES`) that keeps a unit's register and may revoke its letters."""


@dataclass(frozen=True)
class Pencabutan:
    """What a revocation request says: why, and the letter that revokes, where one exists."""

    alasan: str
    nomor: str | None = None
    tanggal: dt.date | None = None


def check_revoker(principal: Principal, surat: Surat, nip: str | None) -> str:
    """Who revokes, as the history says: the arsiparis (right ``admin``) or the letter's own penandatangan.

    :raises NotRevoker: a signer's key acting for someone else's NIP.
    :raises MissingRight: neither right.
    """
    if nip and TANDATANGAN in principal.rights:
        return signer_revoker(surat, nip)
    if ADMIN in principal.rights:
        return f"arsiparis ({principal.actor})"
    raise MissingRight("Pencabutan perlu hak tandatangan (atas nama penandatangannya, isian nip) atau hak admin "
                       "(arsiparis).")


def account_revoker(principal: Principal, surat: Surat) -> str:
    """Who revokes from the pages: an arsiparis account of the letter's issuing unit, or the penandatangan's
    own account (a staff account's roles, where a key has rights: the pages have no ``admin`` arsiparis).

    :raises NotRevoker: the penandatangan of another letter. :raises MissingRight: neither role.
    """
    if ARSIPARIS in principal.roles and principal.covers(surat.unit_kode):
        return f"arsiparis ({principal.actor})"
    if principal.nip and TANDATANGAN in principal.rights:
        return signer_revoker(surat, principal.nip)
    raise MissingRight(f"Pencabutan dilakukan oleh penandatangan surat ini atau arsiparis unit penerbitnya. "
                       f"Dasar: {RULE}.")


def signer_revoker(surat: Surat, nip: str) -> str:
    """The letter's penandatangan, who must be the official with ``nip``, as the history names them.

    :raises NotRevoker: someone else.
    """
    signer = surat.permintaan["penandatangan"]
    if nip != signer["nip"]:
        raise NotRevoker(f"Hanya penandatangannya, {signer['nama']} (NIP {format_nip(signer['nip'])}), "
                         f"atau arsiparis pemda yang dapat mencabut surat ini. Dasar: {RULE}.")
    return signer_line(signer)


def revoke(services: Services, surat: Surat, request: Pencabutan, revoker: str, actor: audit.Actor) -> Surat:
    """Mark ``surat`` dicabut, with its history line, audit entry and webhook event, in one transaction.

    :raises RevocationRefused: not signed, or already revoked (also when another request revoked it first).
    """
    check_revocable(surat)
    record = {
        "waktu": dt.datetime.now(dt.timezone.utc).isoformat(), "alasan": request.alasan, "oleh": revoker,
        "nomor": request.nomor, "tanggal": request.tanggal.isoformat() if request.tanggal else None,
    }
    with audit.transaction(services) as session:
        moved = session.execute(
            update(Surat).where(Surat.id == surat.id, Surat.status == SIGNED).values(status=REVOKED, pencabutan=record)
        ).rowcount
        if moved != 1:
            raise RevocationRefused(f"Surat {surat.nomor} baru saja dicabut oleh permintaan lain. Dasar: {RULE}.")
        session.add(Riwayat(surat_id=surat.id, aksi="dicabut", oleh=revoker, catatan=revocation_note(record)))
        audit.add(session, actor, "surat.cabut", wilayah=surat.wilayah, objek=surat.id,
                  rincian={"nomor": surat.nomor, "oleh": revoker, "alasan": request.alasan})
        outbox.emit(session, outbox.DICABUT, session.get(Surat, surat.id))
    with services.sessions() as session:
        return session.get(Surat, surat.id)


def check_revocable(surat: Surat) -> None:
    """Only a letter in force can be revoked, and only once.

    :raises RevocationRefused: naming the rule.
    """
    if surat.status == REVOKED:
        raise RevocationRefused(f"Surat {surat.nomor} sudah dicabut pada {surat.pencabutan['waktu']}; "
                       f"pencabutan tidak diulang. Dasar: {RULE}.")
    if surat.status != SIGNED:
        raise RevocationRefused(f"Surat {surat.nomor} berstatus {surat.status}: hanya surat yang sudah ditandatangani "
                       f"lengkap yang dapat dicabut. Dasar: {RULE}.")


def revocation_note(record: dict) -> str:
    """The reason, with the revoking letter where there is one (history and pages)."""
    if record.get("nomor"):
        return f"{record['alasan']} (dicabut dengan surat nomor {record['nomor']} tanggal {record['tanggal']})"
    return record["alasan"]
