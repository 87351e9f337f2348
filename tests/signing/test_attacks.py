"""Tampered and badly signed files: none may be TOTAL_PASSED."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import fields
from .signing_helpers import APPLICANT, COUNTER_BOX, SIGNATURE_BOX, SUPERIOR, appearance

from signing import PadesLevel, sign_pdf, verify_pdf
from signing.devpki import issue_certificate, make_crl, official_name
from signing.signers import KeySigner



def update(pdf: bytes, change) -> bytes:
    """Apply ``change(writer)`` as an incremental update."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_content(writer):
    stream = generic.StreamObject(stream_data=b"BT /F1 36 Tf 100 500 Td (PALSU) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))


def append_page(writer):
    contents = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 50 50 200 200 re f"))
    writer.insert_page(PageObject(contents=contents, media_box=[0, 0, 595, 842]))


def add_annotation(writer):
    page_ref, _ = writer.find_page_for_modification(0)
    annot = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"),
        pdf_name("/Subtype"): pdf_name("/FreeText"),
        pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (100, 600, 400, 650))),
        pdf_name("/Contents"): pdf_string("Surat ini dibatalkan"),
        pdf_name("/DA"): pdf_string("/Helv 14 Tf 0 g"),
    })
    writer.register_annotation(page_ref, writer.add_object(annot))


def add_visible_field(writer):
    fields.append_signature_field(
        writer, fields.SigFieldSpec("Palsu", on_page=0, box=(60, 400, 540, 700), empty_field_appearance=True)
    )


def byte_surgery(pdf: bytes, pattern: bytes, replace) -> bytes:
    match = re.search(pattern, pdf)
    assert match
    new = replace(match)
    assert len(new) == len(match.group(0))
    return pdf[: match.start()] + new + pdf[match.end():]


def flip_signed_byte(pdf: bytes) -> bytes:
    at = pdf.index(b"stream\n") + 20  # inside the first content stream
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]


def zero_contents(pdf: bytes) -> bytes:
    return byte_surgery(pdf, rb"/Contents <([0-9a-fA-F]+)>", lambda m: b"/Contents <" + b"0" * len(m.group(1)) + b">")


def shrink_byte_range(pdf: bytes) -> bytes:
    def fix(m):
        a, b, c, d = (int(x) for x in m.group(1).split())
        body = f"0 {b} {c} {d - 100}".encode()
        return b"/ByteRange [" + body.ljust(len(m.group(1))) + b"]"

    return byte_surgery(pdf, rb"/ByteRange \[([0-9 ]+)\]", fix)


ATTACKS = {
    "flipped byte in signed range": (flip_signed_byte, {"HASH_FAILURE", "FORMAT_FAILURE"}),
    "page content changed": (lambda p: update(p, add_content), {"MODIFIED_AFTER_SIGNING"}),
    "page appended": (lambda p: update(p, append_page), {"MODIFIED_AFTER_SIGNING"}),
    "bytes after %%EOF": (lambda p: p + b"\n%% hidden payload\n", {"FORMAT_FAILURE"}),
    "annotation added": (lambda p: update(p, add_annotation), {"MODIFIED_AFTER_SIGNING"}),
    "visible signature field added": (lambda p: update(p, add_visible_field), {"MODIFIED_AFTER_SIGNING"}),
    "zeroed /Contents": (zero_contents, {"FORMAT_FAILURE", "SIG_CRYPTO_FAILURE"}),
    "/ByteRange short of the file": (shrink_byte_range, {"FORMAT_FAILURE", "HASH_FAILURE"}),
}


@pytest.mark.parametrize("name", list(ATTACKS))
@pytest.mark.parametrize("level", [PadesLevel.B_B, PadesLevel.B_LTA], ids=lambda lv: lv.value)
def test_attack_is_caught(name, level, signed_pdfs, pki):
    tamper, expected = ATTACKS[name]
    report = pki.verify(tamper(signed_pdfs[level]))
    assert report.indication == "TOTAL_FAILED", report.problems
    assert report.sub_indication in expected, report.problems


@pytest.fixture(scope="module")
def form_certified(pki, applicant_signer, letter_pdf):
    """Letter with a filled text field, certified P=2 with a prepared field."""

    def add_text_field(writer):
        page_ref, _ = writer.find_page_for_modification(0)
        field = generic.DictionaryObject({
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string("nomor"),
            pdf_name("/V"): pdf_string("800.1.11/7/DISKOMINFO/2026"),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (60, 700, 300, 720))),
            pdf_name("/P"): page_ref,
            pdf_name("/F"): generic.NumberObject(4),
        })
        ref = writer.add_object(field)
        writer.register_annotation(page_ref, ref)
        writer.root[pdf_name("/AcroForm")] = generic.DictionaryObject({
            pdf_name("/Fields"): generic.ArrayObject([ref]),
        })
        writer.update_root()

    with_form = update(letter_pdf, add_text_field)
    return sign_pdf(with_form, applicant_signer, field_name="TTD_Pemohon", box=SIGNATURE_BOX,
                    appearance=appearance(APPLICANT), docmdp="form_filling",
                    empty_fields=[("TTD_Mengetahui", COUNTER_BOX)])


def test_form_certified_base_passes(form_certified, pki):
    assert pki.verify(form_certified).indication == "TOTAL_PASSED"


def test_form_value_changed_after_signing(form_certified, pki):
    def change_value(writer):
        field = writer.root["/AcroForm"]["/Fields"][0]
        field.get_object()[pdf_name("/V")] = pdf_string("800.1.11/9/DISKOMINFO/2026")
        writer.update_container(field.get_object())

    report = pki.verify(update(form_certified, change_value))
    assert report.indication == "TOTAL_FAILED"
    assert report.sub_indication == "MODIFIED_AFTER_SIGNING"
    assert report.signatures[0].changed_fields == ["nomor"]


def test_sneaky_signature_in_new_field(form_certified, pki, signer):
    """A trusted official signs a new visible field laid over the letter."""
    sneaky = sign_pdf(form_certified, signer, field_name="Palsu", box=(0, 60, 400, 540, 700),
                      appearance=appearance(SUPERIOR), certify=False)
    report = pki.verify(sneaky)
    assert report.indication == "TOTAL_FAILED"
    assert report.signatures[0].indication == "TOTAL_FAILED"
    assert report.sub_indication == "MODIFIED_AFTER_SIGNING"


def test_untrusted_ca(other_pki, pki, letter_pdf):
    pdf = sign_pdf(letter_pdf, other_pki.signer(APPLICANT), field_name="TTD")
    report = pki.verify(pdf)
    assert (report.indication, report.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert not report.signatures[0].trusted


def test_expired_certificate(expired_signer, pki, letter_pdf):
    report = pki.verify(sign_pdf(letter_pdf, expired_signer, field_name="TTD"))
    assert report.indication == "INDETERMINATE"
    assert report.sub_indication in {"OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"}


def test_revoked_certificate(pki, letter_pdf):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue_certificate(pki.dev.issuing, official_name(APPLICANT, "Pemerintah Daerah (uji)"), key, kind="signer")
    crl = make_crl(pki.dev.issuing, (cert.serial_number,)).public_bytes(serialization.Encoding.DER)
    signer = KeySigner(key, pki.dev.asn1(cert), [pki.dev.asn1(pki.dev.issuing.cert)])
    pdf = sign_pdf(letter_pdf, signer, field_name="TTD")
    report = verify_pdf(pdf, trust_roots=[pki.root], crls=[pki.crls[0], crl])
    assert report.indication != "TOTAL_PASSED"
    # no proof the signature existed before the revocation: ETSI says INDETERMINATE
    assert (report.indication, report.sub_indication) == ("INDETERMINATE", "REVOKED_NO_POE")


@pytest.fixture(scope="module")
def approved(pki, applicant_signer, letter_pdf):
    """The letter with an approval (not certification) signature, as BSrE's Esign service signs."""
    return sign_pdf(letter_pdf, applicant_signer, field_name="esign-pemohon", box=SIGNATURE_BOX,
                    appearance=appearance(APPLICANT), certify=False)


def _countersigned(pdf: bytes, signer) -> bytes:
    """``pdf`` countersigned in a visible field of its own, created by that signature (as Esign adds one)."""
    return sign_pdf(pdf, signer, field_name="esign-mengetahui", box=COUNTER_BOX, appearance=appearance(SUPERIOR),
                    certify=False)


def test_a_countersignature_in_a_field_of_its_own_passes_after_an_approval_signature(approved, signer, pki):
    report = pki.verify(_countersigned(approved, signer))
    assert report.indication == "TOTAL_PASSED", report.problems
    assert [s.field_name for s in report.signatures] == ["esign-pemohon", "esign-mengetahui"]


@pytest.mark.parametrize("name", ["page content changed", "annotation added", "visible signature field added"])
def test_a_change_beside_a_countersignature_of_its_own_field_is_still_caught(approved, signer, pki, name):
    tamper, expected = ATTACKS[name]
    report = pki.verify(_countersigned(tamper(approved), signer))
    assert report.indication == "TOTAL_FAILED" and report.sub_indication in expected, report.problems


def test_a_field_added_empty_and_signed_in_a_later_update_is_a_change(approved, signer, pki):
    prepared_later = update(approved, lambda w: fields.append_signature_field(
        w, fields.SigFieldSpec("esign-mengetahui", on_page=0, box=COUNTER_BOX[1:])))
    report = pki.verify(_countersigned(prepared_later, signer))
    assert report.indication == "TOTAL_FAILED" and report.sub_indication == "MODIFIED_AFTER_SIGNING"
    assert report.signatures[0].changed_fields == ["esign-mengetahui"]
