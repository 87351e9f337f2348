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
  ``serialNumber`` is the official's NIP or NIK;
* the added revision holds nothing but that signature in its field: pyHanko's
  difference analysis between the sent file and the returned one finds only
  the new signature field, at ``FORM_FILLING`` at most (an unsigned letter is
  sent with an empty form, :func:`with_empty_form`, so that the analysis has
  a form to compare with; a file sent without one, before this check
  existed, is judged by the other rules only);
* the stamp is where it was asked: the new signature's widget lies on the
  page and box sent (within :data:`PLACEMENT_TOLERANCE`), or there is no
  visible stamp when none was asked.

The service signs in a field of its own; where the letter is already
signed (a "Mengetahui" countersignature), that new field is the one
structural addition :mod:`signing.verify` lets through after the earlier
signatures, so they still pass only if nothing else changed.

Anything else raises :class:`ReturnedFileRefused`, whose reason says which.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel

from ..errors import SigningError
from ..placement import Box
from ..report import SignatureReport
from ..verify import verify_pdf


class ReturnedFileRefused(SigningError):
    """The returned file is not the sent one with one signature of the official; :attr:`reason` says why."""

    def __init__(self, reason: str):
        super().__init__(f"returned file refused: {reason}")
        self.reason = reason


PLACEMENT_TOLERANCE = 8.0
"""Points a stamp may lie off the box asked: the service places a tag's box at the anchor
glyph's outline, which lies a font's descent (of the 8-point anchor) off its baseline."""


def _revisions(pdf: bytes) -> int:
    return PdfFileReader(BytesIO(pdf)).xrefs.total_revisions


def check_returned(sent: bytes, returned: bytes, *, official: Iterable[str], trust_roots: Iterable,
                   other_certs: Iterable = (), crls: Iterable = (), box: Box | None = None) -> SignatureReport:
    """The report of the new signature in ``returned``, if it may be accepted (see the module docstring).

    :param official: the identifiers (NIP, NIK) a certificate of the official may carry.
    :param box: where the stamp was asked to go, ``None`` for an invisible signature.
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
        raise ReturnedFileRefused(f"{report.sub_indication}: {'; '.join(p.pesan for p in report.problems)}")
    if new.signer_nip not in set(official):
        raise ReturnedFileRefused(f"the certificate names {new.signer_subject!r}, not the official")
    _check_only_the_new_field(sent, returned, new.field_name)
    _check_placement(returned, new.field_name, box)
    return new


def with_empty_form(pdf: bytes) -> bytes:
    """``pdf`` with an empty signature form (``/AcroForm``, no fields) if it has no form, so that the
    difference analysis of :func:`check_returned` can compare the service's signature with it."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    if "/AcroForm" in writer.root:
        return pdf
    writer.root[generic.pdf_name("/AcroForm")] = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Fields"): generic.ArrayObject(),
        generic.pdf_name("/SigFlags"): generic.NumberObject(3),  # signatures exist, append only
    }))
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _check_only_the_new_field(sent: bytes, returned: bytes, field_name: str) -> None:
    if "/AcroForm" not in PdfFileReader(BytesIO(sent)).root:
        return
    try:
        result = DEFAULT_DIFF_POLICY.review_file(PdfFileReader(BytesIO(returned)), _revisions(sent) - 1)
    except Exception as exc:  # noqa: BLE001 - a revision the analysis cannot read is not accepted
        raise ReturnedFileRefused(f"the added revision cannot be compared ({type(exc).__name__})") from None
    if not isinstance(result, DiffResult):
        raise ReturnedFileRefused(f"the added revision changes more than its signature: {result}")
    if result.modification_level > ModificationLevel.FORM_FILLING or result.changed_form_fields != {field_name}:
        raise ReturnedFileRefused(f"the added revision changes {sorted(result.changed_form_fields)} "
                                  f"at level {result.modification_level.name}")


def _check_placement(pdf: bytes, field_name: str, asked: Box | None) -> None:
    found = _stamp_of(PdfFileReader(BytesIO(pdf)), field_name)
    if asked is None and found is None:
        return
    if asked is None or found is None or found[0] != asked[0] or any(
            abs(a - b) > PLACEMENT_TOLERANCE for a, b in zip(found[1:], asked[1:])):
        raise ReturnedFileRefused(f"the stamp is at {found}, not at {asked} as asked")


def _stamp_of(reader: PdfFileReader, field_name: str) -> Box | None:
    """The page and box of field ``field_name``'s visible widget, or ``None`` (invisible)."""
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page, _ = reader.find_page_for_modification(index)
        for annot in page.get_object().get("/Annots", ()):
            widget = annot.get_object()
            field = widget.get("/Parent", widget)
            if field.get("/T") != field_name or "/Rect" not in widget:
                continue
            a, b, c, d = (float(v) for v in widget["/Rect"])
            x1, y1, x2, y2 = min(a, c), min(b, d), max(a, c), max(b, d)
            if x2 > x1 and y2 > y1:
                return index, x1, y1, x2, y2
    return None
