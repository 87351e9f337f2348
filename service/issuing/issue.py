"""The two ways a letter is issued: as a draft to sign later, or created and signed in one call.

Each is one orchestrator over the steps of :mod:`.prepare`, :mod:`.printing`,
:mod:`.record` and :mod:`service.signatures.signature`, and ends in one
transaction: whatever fails before it (a rule, the conversion, a wrong
passphrase, the timestamp authority, the signer) records nothing, keeps no
file and leaves the number free for the next letter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ..access import audit
from ..plumbing.errors import Finding, ServiceUnavailable
from ..plumbing.models import Riwayat, Surat
from ..plumbing.services import Services
from ..signatures import signature
from .prepare import prepare
from .printing import printed
from .record import issuer, record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Issued:
    surat: Surat
    warnings: list[Finding]
    """Findings that do not block the letter, answered with it."""


def issue(services: Services, jenis: str, payload: Any, actor: audit.Actor) -> Issued:
    """Issue a letter as a draft (konsep): numbered, its PDF/A preview kept, unsigned; ``actor`` in the audit trail.

    :raises NotFound, InvalidRequest: the request; :raises ServiceUnavailable: the conversion.
    """
    prepared = prepare(services, jenis, payload)
    with printed(services, prepared) as letter, services.store.keeping(letter.pdf) as (sha256,):
        letter.surat.pdf_sha256 = sha256
        record(services, prepared, letter, [Riwayat(aksi="diterbitkan", sha256=sha256, oleh=issuer(prepared))],
               actor, "surat.terbit")
    logger.info("issued %s %s (%s)", jenis, letter.surat.nomor, letter.surat.id)
    return Issued(letter.surat, prepared.valid.warnings)


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
    unlocking = signature.unlock_beside(services, prepared.valid.data["penandatangan"]["nip"], passphrase)
    try:
        with printed(services, prepared) as letter:
            surat = letter.surat
            signed = signature.sign(services, surat, letter.pdf, unlocking.result(), 0, level)
            with services.store.keeping(letter.pdf, signed) as (preview, final):
                surat.pdf_sha256, surat.signed_sha256 = preview, final
                surat.status = signature.status_after(surat, 1)
                record(services, prepared, letter, [
                    Riwayat(aksi="diterbitkan", sha256=preview, oleh=issuer(prepared)),
                    signature.history_entry(signature.signers_of(surat)[0], 1, final),
                ], actor, "surat.terbit_tandatangan")
    except ServiceUnavailable:
        unlocking.result()  # a wrong passphrase is the answer before a failed conversion
        raise
    logger.info("issued and signed %s %s (%s)", jenis, surat.nomor, surat.id)
    return Issued(surat, prepared.valid.warnings)
