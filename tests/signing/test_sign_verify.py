"""Signing at every PAdES level, checked by our verifier, pyHanko and poppler."""

from __future__ import annotations

import json
import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from signing import PadesLevel, SigningError, is_development_certificate, sign_pdf

from .signing_helpers import APPLICANT, COUNTER_BOX, SIGNATURE_BOX, SUPERIOR, appearance



def pdfsig(pdf: bytes, nssdb: str, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdfsig", "-nssdir", nssdb, str(path)], capture_output=True, text=True, timeout=60
    )
    return out.stdout


@pytest.mark.parametrize("level", list(PadesLevel), ids=lambda lv: lv.value)
def test_level_verifies(level, signed_pdfs, pki, nssdb, tmp_path):
    pdf = signed_pdfs[level]
    report = pki.verify(pdf)
    assert report.indication == "TOTAL_PASSED", report.problems
    first = report.signatures[0]
    assert first.level == level.value
    assert (first.signer_name, first.signer_nip) == (SUPERIOR.nama, SUPERIOR.nip)
    assert first.trusted and first.intact and first.certification
    assert first.docmdp == "no_changes"
    assert len(first.chain) == 3
    assert (first.timestamp_time is not None) == (level is not PadesLevel.B_B)
    assert first.covers_whole_file == (level.rank < PadesLevel.B_LT.rank)
    json.dumps(report.to_dict())

    status = validate_pdf_signature(
        PdfFileReader(BytesIO(pdf)).embedded_signatures[0], pki.validation_context()
    )
    assert status.bottom_line

    text = pdfsig(pdf, nssdb, tmp_path)
    first_sig = text.split("Signature #2")[0]
    assert "Signature Validation: Signature is Valid." in first_sig
    assert "Certificate Validation: Certificate is Trusted." in first_sig
    if level.rank >= PadesLevel.B_LT.rank:
        assert "Not total document signed" in first_sig


def test_stamp_text_is_extractable(signed_pdfs):
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=signed_pdfs[PadesLevel.B_B], capture_output=True, check=True
    )
    text = " ".join(out.stdout.decode().split())
    assert "Ditandatangani secara elektronik oleh:" in text
    assert SUPERIOR.nama in text and f"NIP {SUPERIOR.nip}" in text
    assert "Otoritas Sertifikat suratkerja" in text


def test_countersignature_fills_prepared_field(pki, applicant_signer, signer, letter_pdf, timestamper):
    first = sign_pdf(
        letter_pdf,
        applicant_signer,
        field_name="TTD_Pemohon",
        box=SIGNATURE_BOX,
        appearance=appearance(APPLICANT),
        docmdp="form_filling",
        empty_fields=[("TTD_Mengetahui", COUNTER_BOX)],
    )
    both = sign_pdf(
        first,
        signer,
        field_name="TTD_Mengetahui",
        level=PadesLevel.B_T,
        timestamper=timestamper,
        appearance=appearance(SUPERIOR),
        certify=False,
        reason="Mengetahui",
    )
    report = pki.verify(both)
    assert report.indication == "TOTAL_PASSED", report.problems
    applicant, superior = report.signatures
    assert applicant.certification and applicant.docmdp == "form_filling"
    assert applicant.changed_fields == ["TTD_Mengetahui"]
    assert not superior.certification and superior.covers_whole_file
    assert superior.signer_nip == SUPERIOR.nip and superior.level == "B-T"


def test_no_changes_certification_refuses_a_second_signature(signed_pdfs, applicant_signer):
    with pytest.raises(SigningError):
        sign_pdf(signed_pdfs[PadesLevel.B_B], applicant_signer, field_name="Lagi", certify=False)


def test_levels_need_their_inputs(letter_pdf, signer):
    with pytest.raises(SigningError, match="timestamper"):
        sign_pdf(letter_pdf, signer, field_name="X", level=PadesLevel.B_T)


def test_development_certificates_are_marked(pki, signer):
    assert is_development_certificate(signer.signing_cert)
    assert is_development_certificate(pki.root)
