"""Sign-later through the Esign service: the official whose turn it is signs an issued letter with BSrE's key.

The penandatangan first, then each "Mengetahui" in order, each stamp on that
signer's own block; the returned file must be the sent one plus that
signature, in a field the service adds (see :mod:`.signature` on why such a
letter carries approval signatures only).

The letter is claimed before it is sent (:mod:`.pending`), sent once with
the official's NIK and passphrase or TOTP, and the file that comes back is
checked strictly and stored. A definite refusal returns the letter to
``siap_ditandatangani``; no answer leaves it ``belum_pasti`` for reconciliation.
"""

from __future__ import annotations

import logging

from signing import esign as remote

from ..plumbing.errors import RemoteSignatureRefused, SigningUncertain, SuratError
from ..plumbing.models import Riwayat, Surat
from ..plumbing.services import Services
from . import esign, pending, signature
from .first_signature import FirstSignature, to_sign
from .sign_letter import whose_turn

logger = logging.getLogger(__name__)


def official_ids(official: dict, nik: str) -> set[str]:
    """What a certificate of the official may carry as subject serialNumber: the NIP, or the NIK."""
    return {official["nip"], nik}


def sign_remotely(services: Services, backend: esign.EsignBackend, surat_id: str, nip: str, nik: str,
                  secret: remote.Secret, level: str | None = None) -> Surat:
    """Sign letter ``surat_id`` as the official whose turn it is (``nip``, whose NIK at BSrE is ``nik``) through ``backend``.

    :raises NotFound, Conflict, Forbidden, Unauthorized, TooManyAttempts, ServiceUnavailable,
        RemoteSignatureRefused: the letter stays a draft.
    :raises SigningUncertain: no answer; the letter is ``belum_pasti`` (with its number, if this was the
        first signature: the service may have signed the numbered file).
    """
    surat, done, official = whose_turn(services, surat_id, nip)
    esign.check_not_locked_out(services, nip)
    uncertain = None
    with to_sign(services, surat, done) as (pdf, first):  # a first signature holds its number meanwhile
        sent = esign.outgoing(services, backend, surat, pdf, done)
        with services.store.keeping(sent.pdf) as (sent_sha256,):
            pending.claim(services, surat, sent_sha256, nik, level, done)
        try:
            returned = esign.send(services, backend, surat, sent, nip=nip, nik=nik, secret=secret)
        except remote.UnknownOutcome as e:
            pending.note_uncertain(services, surat, official, e.id_dokumen, first)
            uncertain = SigningUncertain(surat.id, surat.nomor)  # raised once the number is kept
        except SuratError:
            pending.release(services, surat)
            raise
        else:
            _settle(services, backend, surat, sent, returned, official, nik, level, done, first)
    if uncertain is not None:
        logger.warning("Esign gave no answer for %s (%s): marked belum pasti", surat.nomor, surat.id)
        raise uncertain
    logger.info("signed %s (%s) through Esign by NIP %s", surat.nomor, surat.id, nip)
    with services.sessions() as session:
        return session.get(Surat, surat.id)


def _settle(services: Services, backend: esign.EsignBackend, surat: Surat, sent, returned, official: dict, nik: str,
            level: str | None, done: int, first: FirstSignature | None) -> None:
    """Check the returned file strictly and record it; a file refused returns the letter to what it was.

    :raises RemoteSignatureRefused: not the sent letter plus the official's signature.
    """
    try:
        final = esign.accept(services, backend, sent.pdf, returned.pdf, official=official_ids(official, nik),
                             box=sent.box, level=level)
    except RemoteSignatureRefused:
        pending.release(services, surat, Riwayat(aksi="tanda_tangan_esign_ditolak", oleh=signature.signer_line(official)))
        raise
    with services.store.keeping(final) as (sha256,):
        pending.settle_signed(services, surat, official, sha256, done, first)
