"""Sign-later: the official whose turn it is signs a draft ready to sign (taking its number, see
:mod:`.first_signature`), or a letter waiting for a countersignature.

The signed PDF is a new file; the unsigned preview and every signed version
stay in the store, and the registry points at the newest.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select, update

from ..plumbing.errors import Conflict, NotFound, ParafDue
from ..plumbing.models import AWAITING_COUNTERSIGN, DRAFT, READY, REVOKED, SIGNED, Riwayat, Surat
from ..workflow.route import RULE
from ..workflow.state import check_state, due, official_line
from ..plumbing.services import Services
from ..access import audit
from ..webhooks import outbox
from . import signature
from .first_signature import FirstSignature, to_sign

SIGNABLE = (READY, AWAITING_COUNTERSIGN, SIGNED, REVOKED)
"""States in which the official whose turn it is may sign (a letter signed by everyone is answered as such)."""

logger = logging.getLogger(__name__)


def whose_turn(services: Services, surat_id: str, nip: str) -> tuple[Surat, int, dict]:
    """The letter, how many have signed it, and the official whose turn it is, who must be ``nip``.

    :raises NotFound: no such letter. :raises Conflict: uncertain, or signed by everyone.
    :raises ParafDue: a verifikator has yet to give paraf. :raises WrongState: returned or cancelled.
    :raises Forbidden: someone else's turn.
    """
    with services.sessions() as session:
        surat = session.get(Surat, surat_id)
        if surat is None:
            raise NotFound(f"Surat {surat_id} tidak ditemukan.")
        done = session.scalar(select(func.count()).select_from(Riwayat).where(
            Riwayat.surat_id == surat_id, Riwayat.aksi.like("ditandatangani%")))
        waiting = due(session, surat) if surat.status == DRAFT else []
    signature.check_not_uncertain(surat)
    if waiting:
        names = ", ".join(official_line(p) for p in waiting)
        raise ParafDue(f"Konsep ini belum diparaf lengkap; masih menunggu paraf {names}. Dasar: {RULE}.",
                       [{"nip": p["nip"], "nama": p["nama"], "jabatan": p["jabatan"]} for p in waiting])
    check_state(surat, SIGNABLE, "penandatanganan")
    order = signature.signers_of(surat)
    if done >= len(order):
        raise Conflict("Surat ini sudah ditandatangani lengkap.")
    signature.check_signer(nip, order[done])
    return surat, done, order[done]


def sign_letter(services: Services, surat_id: str, nip: str, passphrase: str, level: str | None,
                actor: audit.Actor) -> Surat:
    """Sign letter ``surat_id`` as the official with ``nip``, whose turn it must be (``actor`` in the audit trail).

    :raises NotFound, Conflict, Forbidden, Unauthorized, TooManyAttempts, ServiceUnavailable:
        the letter stays as it was.
    """
    surat, done, official = whose_turn(services, surat_id, nip)
    signature.check_key(services, nip, surat.wilayah)
    signer = signature.unlock(services, nip, surat.wilayah, passphrase)
    read = (surat.status, surat.versi, surat.signed_sha256)
    with to_sign(services, surat, done) as (pdf, first):
        signed = signature.sign(services, surat, pdf, signer, done, level)
        with services.store.keeping(signed) as (sha256,):
            _record(services, surat, read, first, signature.history_entry(official, done + 1, sha256),
                    signature.status_after(surat, done + 1), actor)
    logger.info("signed %s (%s) by NIP %s", surat.nomor, surat.id, nip)
    with services.sessions() as session:
        return session.get(Surat, surat.id)


def _record(services: Services, surat: Surat, read: tuple, first: FirstSignature | None, entry: Riwayat,
            status: str, actor: audit.Actor) -> None:
    """Point the letter at its signed file (and, with the first signature, give it its number), unless
    another request changed it since it was ``read`` (status, version, signed file); the audit entry with it."""
    before, versi, signed_sha256 = read
    with audit.transaction(services) as session:
        moved = session.execute(
            update(Surat)
            .where(Surat.id == surat.id, Surat.status == before, Surat.versi == versi,
                   (Surat.signed_sha256 == signed_sha256) if signed_sha256 else Surat.signed_sha256.is_(None))
            .values(signed_sha256=entry.sha256, status=status, **(first.values(surat) if first else {}))
        ).rowcount
        if moved != 1:
            raise Conflict("Surat ini baru saja diubah atau ditandatangani oleh permintaan lain.")
        if first:
            first.record(session, surat)
        entry.surat_id = surat.id
        session.add(entry)
        audit.add(session, actor, "surat.tandatangan", wilayah=surat.wilayah, objek=surat.id,
                  rincian={"nomor": surat.nomor, "oleh": entry.oleh, "status": status})
        if status == SIGNED:
            outbox.emit(session, outbox.DITANDATANGANI, session.get(Surat, surat.id))
