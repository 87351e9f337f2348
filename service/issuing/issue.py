"""The two ways a letter is issued: as a draft (konsep) for paraf and signing later, or created and signed in
one call (by a system that reviewed it itself).

Each is one orchestrator over the steps of :mod:`.prepare`, :mod:`.printing`,
:mod:`.record` and :mod:`service.signatures.signature`, and ends in one
transaction: whatever fails before it (a rule, the conversion, a wrong
passphrase, the timestamp authority, the signer) records nothing, keeps no
file and leaves the number free for the next letter. A draft takes no
number: it is numbered with its first signature (:mod:`service.signatures.sign_letter`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from signing import esign as remote

from ..access import audit
from ..plumbing.errors import Finding, ServiceUnavailable, SigningUncertain
from ..plumbing.models import UNCERTAIN, Riwayat, Surat, SuratVersi
from ..workflow.route import check_no_route, check_route, status_of_draft, with_route
from ..plumbing.services import Services
from ..signatures import esign, signature
from ..signatures.sign_remote import official_ids
from .prepare import Prepared, prepare
from .printing import Printed, drafted, printed
from .record import issuer, record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Issued:
    surat: Surat
    warnings: list[Finding]
    """Findings that do not block the letter, answered with it."""


def issue(services: Services, jenis: str, payload: Any, actor: audit.Actor) -> Issued:
    """Record a draft (konsep): no number yet, its PDF/A preview kept, waiting for its verifikators' paraf
    (from the request, else the unit's default route), or ready to sign when none is asked; ``actor`` in
    the audit trail.

    :raises NotFound, InvalidRequest: the request; :raises ServiceUnavailable: the conversion.
    """
    prepared = prepare(services, jenis, with_route(services, payload))
    check_route(prepared.valid)
    letter = drafted(services, prepared)
    surat = letter.surat
    surat.status = status_of_draft(surat.verifikator)
    with services.store.keeping(letter.pdf) as (sha256,):
        surat.pdf_sha256 = sha256
        record(services, prepared, letter, [
            Riwayat(aksi="diterbitkan", sha256=sha256, oleh=issuer(prepared), catatan="konsep versi 1"),
            SuratVersi(versi=1, permintaan=surat.permintaan, pdf_sha256=sha256, oleh=issuer(prepared)),
        ], actor, "surat.terbit")
    logger.info("drafted %s (%s)", jenis, surat.id)
    return Issued(surat, prepared.valid.warnings)


def issue_and_sign(services: Services, jenis: str, payload: Any, passphrase: str, level: str | None,
                   actor: audit.Actor) -> Issued:
    """Issue a letter and sign it as its penandatangan, recorded only once signed (``actor`` in the audit trail).

    The key is opened beside the numbering, rendering and conversion (its
    key derivation releases the GIL); a lock-out (429) or a missing key
    (409) is answered before anything starts, and a wrong passphrase (401)
    before a failed conversion would be.

    :raises NotFound, InvalidRequest, Unauthorized, TooManyAttempts, Conflict, ServiceUnavailable:
        nothing is recorded, no file kept, the number stays free.
    """
    prepared = prepare(services, jenis, payload)
    check_no_route(prepared.valid)
    unlocking = signature.unlock_beside(services, prepared.valid.data["penandatangan"]["nip"],
                                        prepared.valid.profile.kode, passphrase)
    try:
        with printed(services, prepared) as letter:
            surat = letter.surat
            _record_signed(services, prepared, letter,
                           signature.sign(services, surat, letter.pdf, unlocking.result(), 0, level), actor)
    except ServiceUnavailable:
        unlocking.result()  # a wrong passphrase is the answer before a failed conversion
        raise
    logger.info("issued and signed %s %s (%s)", jenis, surat.nomor, surat.id)
    return Issued(surat, prepared.valid.warnings)


def issue_and_sign_remotely(services: Services, backend: esign.EsignBackend, jenis: str, payload: Any, nik: str,
                            secret: remote.Secret, level: str | None, actor: audit.Actor) -> Issued:
    """Issue a letter and have BSrE sign it as its penandatangan (the Esign back end; ``actor`` in the audit trail).

    Recorded once signed, as :func:`issue_and_sign`; a definite refusal records nothing and
    leaves the number free. Without an answer the letter may carry its number at BSrE, so it
    is recorded, number and all, as ``belum_pasti`` for reconciliation.

    :raises NotFound, InvalidRequest, Unauthorized, TooManyAttempts, Conflict, ServiceUnavailable,
        RemoteSignatureRefused: nothing is recorded, no file kept, the number stays free.
    :raises SigningUncertain: the letter is recorded ``belum_pasti``.
    """
    prepared = prepare(services, jenis, payload)
    check_no_route(prepared.valid)
    data = prepared.valid.data
    official = data["penandatangan"]
    esign.check_not_locked_out(services, official["nip"])
    with printed(services, prepared) as letter:
        surat = letter.surat
        sent = esign.outgoing(services, backend, surat, letter.pdf, 0)
        try:
            returned = esign.send(services, backend, surat, sent, nip=official["nip"], nik=nik, secret=secret)
        except remote.UnknownOutcome as e:
            _record_uncertain(services, prepared, letter, sent.pdf, {"id_dokumen": e.id_dokumen, "tingkat": level,
                                                                     "nik": nik}, actor)
            raise SigningUncertain(surat.id, surat.nomor) from None
        _record_signed(services, prepared, letter,
                       esign.accept(services, backend, sent.pdf, returned.pdf, official=official_ids(official, nik),
                                    box=sent.box, level=level),
                       actor)
    logger.info("issued and signed through Esign %s %s (%s)", jenis, surat.nomor, surat.id)
    return Issued(surat, prepared.valid.warnings)


def _record_signed(services: Services, prepared: Prepared, letter: Printed, signed: bytes,
                   actor: audit.Actor) -> None:
    """Store the preview and the signed file and record the letter with both, signed by its penandatangan."""
    surat = letter.surat
    with services.store.keeping(letter.pdf, signed) as (preview, final):
        surat.pdf_sha256, surat.signed_sha256 = preview, final
        surat.status = signature.status_after(surat, 1)
        record(services, prepared, letter, [
            Riwayat(aksi="diterbitkan", sha256=preview, oleh=issuer(prepared)),
            signature.history_entry(signature.signers_of(surat)[0], 1, final),
        ], actor, "surat.terbit_tandatangan")


def _record_uncertain(services: Services, prepared: Prepared, letter: Printed, sent: bytes, tertunda: dict,
                      actor: audit.Actor) -> None:
    """Record the letter unsigned and ``belum_pasti``: it may carry its number at BSrE."""
    surat = letter.surat
    with services.store.keeping(letter.pdf, sent) as (preview, sent_sha256):
        surat.pdf_sha256, surat.status = preview, UNCERTAIN
        surat.esign_tertunda = {"sha256": sent_sha256, **tertunda}
        record(services, prepared, letter, [
            Riwayat(aksi="diterbitkan", sha256=preview, oleh=issuer(prepared)),
            Riwayat(aksi="penandatanganan_belum_pasti", sha256=sent_sha256,
                    oleh=signature.signer_line(prepared.valid.data["penandatangan"])),
        ], actor, "surat.terbit_belum_pasti")
    logger.warning("Esign gave no answer for %s (%s): recorded belum pasti", surat.nomor, surat.id)
