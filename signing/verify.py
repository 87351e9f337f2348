"""Verify the signatures of a PDF strictly; never raise, return a report.

pyHanko does the cryptography, the chain building and the difference
analysis between revisions; this module turns its results into an ETSI
style verdict and is stricter than pyHanko's ``bottom_line``:

* bytes after the last ``%%EOF`` fail the file (pyHanko ignores them);
* after a signature, only these updates pass: filling a signature field
  that already existed, empty, in the signed revision (the countersignature
  of :func:`signing.sign.sign_pdf` with ``empty_fields``); a signature in a
  field of its own, created in the very revision that signs it (see
  :func:`_own_fields_signed_later`); and validation data (DSS) or document
  time stamps (B-LT/B-LTA). Everything else — other new fields (e.g. an
  empty field, or a visible stamp laid over the page without a
  signature), changed form values, annotations, page content — is
  ``MODIFIED_AFTER_SIGNING``;
* any failure to parse the file is a ``FORMAT_FAILURE`` report.

Bounded work: the caller limits the upload size; pyHanko's reader applies
its decode limits for untrusted input (stream sizes, decompression
ratios), and deep or cyclic object graphs end in ``RecursionError``, which
is a format failure like any other. No wall-clock limit is imposed here
(a thread cannot be killed); every file of the hostile corpus in the tests
finishes in well under a second.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import report as r
from .loop import run
from .report import SignatureReport, VerificationReport

logger = logging.getLogger(__name__)

_PADES_SUBFILTER = "/ETSI.CAdES.detached"
_DOCMDP_NAMES = {
    MDPPerm.NO_CHANGES: "no_changes",
    MDPPerm.FILL_FORMS: "form_filling",
    MDPPerm.ANNOTATE: "annotations",
}
_TRAILER_SLACK = b" \t\r\n\x00"


def as_certificate(cert) -> x509.Certificate:
    """An asn1crypto certificate from asn1crypto or :mod:`cryptography` certificates, DER or PEM."""
    if isinstance(cert, x509.Certificate):
        return cert
    if hasattr(cert, "public_bytes"):
        from cryptography.hazmat.primitives.serialization import Encoding

        cert = cert.public_bytes(Encoding.DER)
    if isinstance(cert, bytes) and cert.lstrip().startswith(b"-----"):
        from asn1crypto import pem

        _, _, cert = pem.unarmor(cert)
    return x509.Certificate.load(cert)


def _as_asn1_crl(crl) -> asn1_crl.CertificateList:
    return crl if isinstance(crl, asn1_crl.CertificateList) else asn1_crl.CertificateList.load(crl)


def verify_pdf(
    pdf_bytes: bytes,
    *,
    trust_roots: Iterable,
    other_certs: Iterable = (),
    crls: Iterable = (),
    allow_fetching: bool = False,
) -> VerificationReport:
    """Verify every signature and document time stamp in ``pdf_bytes``.

    :param trust_roots: certificates to trust (asn1crypto, cryptography,
        DER or PEM bytes). A chain that reaches none of them is
        ``INDETERMINATE``/``NO_CERTIFICATE_CHAIN_FOUND``.
    :param other_certs: intermediate certificates that may be missing from
        the signatures.
    :param crls: CRLs (DER, or asn1crypto) to check revocation with
        (validation data in the document's DSS is used as well).
    :param allow_fetching: fetch CRLs/OCSP over the network (off: the
        verifier should not make requests chosen by an uploaded file).

    A caller that verifies many files passes the same asn1crypto objects
    each time: asn1crypto keeps what it worked out about a certificate's
    names (RFC 4518 string preparation, a fifth of a verification) on the
    object, so trust anchors parsed once are prepared once.
    """
    report = VerificationReport(
        sha256=hashlib.sha256(pdf_bytes).hexdigest(), size=len(pdf_bytes)
    )
    try:
        context = {
            "trust_roots": [as_certificate(c) for c in trust_roots],
            "other_certs": [as_certificate(c) for c in other_certs],
            "crls": [_as_asn1_crl(c) for c in crls],
            "allow_fetching": allow_fetching,
        }
    except (ValueError, TypeError) as exc:
        report.fail(r.INDETERMINATE, r.CERTIFICATE_CHAIN_GENERAL_FAILURE,
                    "konfigurasi_kepercayaan", f"Konfigurasi sertifikat tepercaya rusak: {exc}")
        return report
    try:
        run(_verify(pdf_bytes, context, report))
    except Exception as exc:  # noqa: BLE001 — any parse failure is a verdict
        logger.info("unreadable PDF: %s: %s", type(exc).__name__, exc)
        report.fail(r.TOTAL_FAILED, r.FORMAT_FAILURE,
                    "berkas_tidak_terbaca", f"Berkas tidak dapat dibaca sebagai PDF bertanda tangan ({type(exc).__name__}).")
    return report


async def _verify(pdf_bytes: bytes, context: dict, report: VerificationReport):
    if not pdf_bytes.rstrip(_TRAILER_SLACK).endswith(b"%%EOF"):
        report.fail(r.TOTAL_FAILED, r.FORMAT_FAILURE,
                    "data_setelah_eof", "Ada data sesudah penanda %%EOF terakhir.")
    reader = PdfFileReader(BytesIO(pdf_bytes))
    if reader.encrypted:
        report.fail(r.TOTAL_FAILED, r.FORMAT_FAILURE, "berkas_terenkripsi", "Berkas dienkripsi.")
        return
    embedded = reader.embedded_signatures
    if not embedded:
        report.fail(r.TOTAL_FAILED, r.NO_SIGNATURE, "tanpa_tanda_tangan", "Berkas tidak memuat tanda tangan.")
        return
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        dss = None
    embedded = sorted(embedded, key=lambda s: s.signed_revision)
    for index, sig in enumerate(embedded):
        vc = dss.as_validation_context(context) if dss else ValidationContext(**context)
        sub = await _verify_one(sig, vc, embedded[index + 1:], reader, dss)
        report.signatures.append(sub)
        for problem in sub.problems:
            report.fail(sub.indication, sub.sub_indication, problem.kode, f"{sub.field_name}: {problem.pesan}")
    _assign_levels(report.signatures, dss)


async def _verify_one(
    sig: EmbeddedPdfSignature,
    vc: ValidationContext,
    later: list[EmbeddedPdfSignature],
    reader: PdfFileReader,
    dss,
) -> SignatureReport:
    out = SignatureReport(field_name=sig.field_name, revision=sig.signed_revision)
    is_timestamp = sig.sig_object_type == "/DocTimeStamp"
    if is_timestamp:
        out.kind = "document_timestamp"
        status = await async_validate_pdf_timestamp(sig, vc)
        out.timestamp_time = status.timestamp
        out.tsa_name = status.signing_cert.subject.human_friendly
    else:
        status = await async_validate_pdf_signature(sig, vc, vc)
        out.certification = sig.docmdp_level is not None and _is_certification(sig, reader)
        out.signing_time = status.signer_reported_dt
        tst = status.timestamp_validity
        if tst is not None:
            out.timestamp_time = tst.timestamp
            out.tsa_name = tst.signing_cert.subject.human_friendly
            if not (tst.intact and tst.valid):
                out.fail(r.TOTAL_FAILED, r.SIG_CRYPTO_FAILURE, "cap_waktu_rusak", "Cap waktu tanda tangan rusak.")
            elif not tst.trusted:
                out.fail(r.INDETERMINATE, r.NO_CERTIFICATE_CHAIN_FOUND,
                         "cap_waktu_tidak_tepercaya", "Cap waktu tanda tangan berasal dari otoritas cap waktu yang tidak tepercaya.")
        subfilter = sig.sig_object.get("/SubFilter")
        out.level = "B-B" if subfilter == _PADES_SUBFILTER else None
    _describe_signer(out, status)
    out.intact, out.crypto_valid = status.intact, status.valid
    out.coverage = status.coverage.name if status.coverage else None
    out.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    out.docmdp = _DOCMDP_NAMES.get(sig.docmdp_level) if out.certification else None
    if not status.intact:
        out.fail(r.TOTAL_FAILED, r.HASH_FAILURE, "isi_berubah", "Bagian yang ditandatangani telah diubah.")
    elif not status.valid:
        out.fail(r.TOTAL_FAILED, r.SIG_CRYPTO_FAILURE, "nilai_tanda_tangan_salah", "Nilai tanda tangan tidak cocok.")
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        out.fail(r.TOTAL_FAILED, r.FORMAT_FAILURE,
                 "cakupan_tidak_utuh", "/ByteRange tidak mencakup seluruh revisi yang ditandatangani.")
    _judge_modifications(out, status, sig, later, reader)
    _judge_trust(out, status)
    return out


def _is_certification(sig: EmbeddedPdfSignature, reader: PdfFileReader) -> bool:
    """Whether ``sig`` is *the* certification signature (``/Perms/DocMDP``)."""
    perms = reader.root.get("/Perms")
    if perms is None or "/DocMDP" not in perms:
        return False
    return perms.raw_get("/DocMDP").idnum == sig.sig_field.raw_get("/V").idnum


def _describe_signer(out: SignatureReport, status) -> None:
    cert = status.signing_cert
    subject = cert.subject.native
    out.signer_subject = cert.subject.human_friendly
    out.signer_name = subject.get("common_name")
    out.signer_nip = subject.get("serial_number")
    path = status.validation_path
    if path is not None:
        out.chain = [cert.subject.human_friendly] + [
            a.name.human_friendly for a in reversed(list(path.iter_authorities()))
            if a.name != cert.subject
        ]
    else:
        out.chain = [cert.subject.human_friendly]


def _judge_trust(out: SignatureReport, status) -> None:
    out.trusted = bool(status.trusted)
    if out.trusted:
        out.trust_anchor = status.validation_path.trust_anchor.authority.name.human_friendly
        return
    indic = status.trust_problem_indic
    if indic is None:
        out.fail(r.INDETERMINATE, r.CERTIFICATE_CHAIN_GENERAL_FAILURE,
                 "sertifikat_tidak_dapat_diperiksa", "Sertifikat tidak dapat divalidasi.")
        return
    indication = {"PASSED": r.TOTAL_PASSED, "INDETERMINATE": r.INDETERMINATE,
                  "FAILED": r.TOTAL_FAILED}[indic.status.name]
    out.fail(indication, indic.name, "sertifikat_tidak_tepercaya", f"Sertifikat tidak tepercaya ({indic.name}).")


def _judge_modifications(out, status, sig, later, reader) -> None:
    """Allow only the updates listed in the module docstring."""
    diff = status.diff_result
    if diff is None:
        return
    if not isinstance(diff, DiffResult):
        out.modification_level = ModificationLevel.OTHER.name
        out.fail(r.TOTAL_FAILED, r.MODIFIED_AFTER_SIGNING, "perubahan_terlarang", f"Perubahan yang tidak diizinkan: {diff}")
        return
    out.modification_level = diff.modification_level.name
    out.changed_fields = sorted(diff.changed_form_fields)
    if status.docmdp_ok is False:
        out.fail(r.TOTAL_FAILED, r.MODIFIED_AFTER_SIGNING,
                 "melanggar_docmdp", "Perubahan melanggar izin sertifikasi (DocMDP).")
    if diff.modification_level > ModificationLevel.FORM_FILLING:
        out.fail(r.TOTAL_FAILED, r.MODIFIED_AFTER_SIGNING,
                 "perubahan_setelah_ttd", f"Perubahan sesudah penandatanganan pada tingkat {diff.modification_level.name}.")
    allowed = _prepared_fields_filled_later(sig, later, reader)
    if not out.certification:
        allowed |= _own_fields_signed_later(later, reader)
    unexpected = diff.changed_form_fields - allowed
    if unexpected:
        out.fail(r.TOTAL_FAILED, r.MODIFIED_AFTER_SIGNING,
                 "isian_berubah", f"Isian berubah sesudah penandatanganan: {', '.join(sorted(unexpected))}.")


def _prepared_fields_filled_later(sig, later, reader) -> set[str]:
    """Names of fields empty at ``sig``'s revision and signed afterwards."""
    if not later:
        return set()
    then = reader.get_historical_resolver(sig.signed_revision)
    empty_then = {name for name, _, _ in enumerate_sig_fields(then, filled_status=False)}
    return {s.field_name for s in later if s.sig_object_type == "/Sig"} & empty_then


def _own_fields_signed_later(later, reader) -> set[str]:
    """Names of fields that a later signature created in the revision it signs (asked after approval signatures only).

    A remote service (BSrE's Esign) signs a letter in a signature field it
    adds itself, with the stamp where it was asked; a countersignature
    ("Mengetahui") through it therefore adds a field after the first
    signature. PDF rules allow this after an approval signature (pyHanko's
    difference analysis places it at ``FORM_FILLING``; after a
    certification it refuses a new *visible* field, stricter than Acrobat,
    which is why a letter some of whose signers sign through such a service
    carries no certification: :mod:`service.signatures.signature`). This
    module allows exactly that and nothing broader: the field must be absent
    in the revision before the signature, so a field added empty, or added
    in one update and signed in another, still counts as a change; and a
    certification keeps its prepared fields only. Who may add such a
    signature is not this module's question: every signature is listed with
    its signer, and the service's report tells whether the file is, byte
    for byte, a version of a letter it issued.
    """
    own = set()
    for s in later:
        if s.sig_object_type != "/Sig" or s.signed_revision == 0:
            continue
        before = reader.get_historical_resolver(s.signed_revision - 1)
        if s.field_name not in {name for name, _, _ in enumerate_sig_fields(before)}:
            own.add(s.field_name)
    return own


def _assign_levels(signatures: list[SignatureReport], dss) -> None:
    """Raise each PAdES signature's level by what follows it in the file.

    B-T: a valid signature time stamp or a later document time stamp;
    B-LT: plus validation data (certificates and CRLs/OCSP) in the DSS;
    B-LTA: plus a document time stamp after that validation data.
    """
    has_revinfo = bool(dss and dss.certs and (dss.crls or dss.ocsps))
    for i, sig in enumerate(signatures):
        if sig.level is None:
            continue
        doc_ts = [s for s in signatures[i + 1:] if s.kind == "document_timestamp" and s.passed]
        if not ((sig.timestamp_time and sig.passed) or doc_ts):
            continue
        sig.level = "B-T"
        if has_revinfo:
            sig.level = "B-LT"
            if doc_ts:
                sig.level = "B-LTA"
