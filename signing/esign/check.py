"""Strict acceptance of the file the Esign service sends back.

The service returns a whole PDF, not a signature: it could return another
document, a changed one, one signed twice, or signed by someone else, and
a letter must never be stored on the strength of "the service said OK".
The returned file is accepted only if

* it begins with exactly the bytes sent (an incremental update keeps them);
* it holds exactly one revision more than the sent file, and that revision
  is one signature that covers the whole returned file;
* the verification of :mod:`signing.verify` passes in full against the
  configured BSrE trust roots (integrity, chain, revocation data given,
  nothing changed after any signature);
* the signing certificate names that official: its subject
  ``serialNumber`` is the official's NIP or NIK.

Anything else raises :class:`ReturnedFileRefused`, whose reason says which.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

from ..errors import SigningError
from ..report import SignatureReport
from ..verify import verify_pdf


class ReturnedFileRefused(SigningError):
    """The returned file is not the sent one with one signature of the official; :attr:`reason` says why."""

    def __init__(self, reason: str):
        super().__init__(f"returned file refused: {reason}")
        self.reason = reason


def _revisions(pdf: bytes) -> int:
    return PdfFileReader(BytesIO(pdf)).xrefs.total_revisions


def check_returned(sent: bytes, returned: bytes, *, official: Iterable[str], trust_roots: Iterable,
                   other_certs: Iterable = (), crls: Iterable = ()) -> SignatureReport:
    """The report of the new signature in ``returned``, if it may be accepted (see the module docstring).

    :param official: the identifiers (NIP, NIK) a certificate of the official may carry.
    :raises ReturnedFileRefused: anything else.
    """
    if not returned.startswith(sent):
        raise ReturnedFileRefused("the file does not begin with the bytes sent")
    try:
        added = _revisions(returned) - _revisions(sent)
    except Exception as exc:  # noqa: BLE001 - any parse failure of the returned file is a refusal
        raise ReturnedFileRefused(f"the file cannot be read ({type(exc).__name__})") from None
    if added != 1:
        raise ReturnedFileRefused(f"{added} revisions were added, not one")
    report = verify_pdf(returned, trust_roots=trust_roots, other_certs=other_certs, crls=crls)
    new = report.signatures[-1] if report.signatures else None
    if new is None or new.kind != "signature" or new.revision != _revisions(sent):
        raise ReturnedFileRefused("the added revision is not a signature")
    if not new.covers_whole_file:
        raise ReturnedFileRefused("the new signature does not cover the whole file")
    if not report.passed:
        raise ReturnedFileRefused(f"{report.sub_indication}: {'; '.join(report.problems)}")
    if new.signer_nip not in set(official):
        raise ReturnedFileRefused(f"the certificate names {new.signer_subject!r}, not the official")
    return new
