"""Signing issued letters, and verifying PDFs, through the HTTP API."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from service import create_app

from .corpus import CORPUS, hostile_files
from .staff import post_form
from .support import (JENIS, PASSPHRASE, SIGNER_NIP, admin_client, all_samples, issue, pdfsig,
                      refused_create_and_sign_keeps_no_number, sample, sign, signed_pdf, signers, verify)


@pytest.mark.parametrize("tingkat", ["B-B", "B-T", "B-LT", "B-LTA"])
def test_signed_letter_is_valid_for_pdfsig_and_our_verifier(client, nssdb, tmp_path, tingkat):
    created = issue(client)
    response = sign(client, created["id"], tingkat=tingkat)
    assert response.status_code == 200, response.get_json()
    signed = response.get_json()
    assert signed["status"] == "ditandatangani" and signed["sha256"]["ditandatangani"]
    pdf = client.get(created["tautan"]["pdf"]).data
    out = pdfsig(pdf, nssdb, tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Ir. H. Muhammad Noor" in out
    report = verify(client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert report["signatures"][0]["signer_nip"] == SIGNER_NIP
    assert report["signatures"][0]["level"] == tingkat
    assert report["identik_dengan_terbitan"] and report["terbitan"]["nomor"] == signed["nomor"]
    riwayat = client.get(created["tautan"]["self"]).get_json()["riwayat"]
    assert [r["aksi"] for r in riwayat] == ["diterbitkan", "dinomori", "ditandatangani"]


def test_wrong_passphrase_is_401_keeps_the_draft_and_never_echoes_it(client, caplog):
    created = issue(client)
    secret = "rahasia-yang-salah-42"
    with caplog.at_level(logging.DEBUG):
        response = sign(client, created["id"], passphrase=secret)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert secret not in response.get_data(as_text=True) and secret not in caplog.text
    meta = client.get(created["tautan"]["self"]).get_json()
    assert meta["status"] == "siap_ditandatangani" and meta["sha256"]["ditandatangani"] is None


def test_only_the_named_official_may_sign(client):
    created = issue(client)
    response = sign(client, created["id"], nip="196804111993031009")
    assert response.status_code == 403
    assert client.get(created["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_wrong_passphrases_are_rate_limited_per_signer(client):
    created = issue(client)
    codes = [sign(client, created["id"], passphrase=f"salah-{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    blocked = sign(client, created["id"])  # even the right one waits now
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_a_signed_letter_cannot_be_signed_again(client):
    created = issue(client)
    assert sign(client, created["id"]).status_code == 200
    assert sign(client, created["id"]).status_code == 409


def test_create_and_sign_with_a_wrong_passphrase_keeps_no_letter_and_no_number(client):
    refused_create_and_sign_keeps_no_number(client, "salah", PASSPHRASE)


def test_create_and_sign_when_locked_out_converts_nothing(client, converter):
    url = f"/api/v1/surat/{JENIS}/terbit-tandatangan"
    body = sample("hulu-sungai-selatan", JENIS)
    for _ in range(5):
        assert client.post(url, json={"surat": body, "passphrase": "salah"}).status_code == 401
    converted = converter.calls
    locked = client.post(url, json={"surat": body, "passphrase": PASSPHRASE})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert converter.calls == converted
    assert client.get("/api/v1/surat").get_json()["total"] == 0


def test_create_and_sign_answers_a_wrong_passphrase_before_a_failed_conversion(client, converter):
    converter.fail_next()
    url = f"/api/v1/surat/{JENIS}/terbit-tandatangan"
    body = sample("hulu-sungai-selatan", JENIS)
    assert client.post(url, json={"surat": body, "passphrase": "salah"}).status_code == 401
    created = client.post(url, json={"surat": body, "passphrase": PASSPHRASE})
    assert created.status_code == 201 and "/1/" in created.get_json()["nomor"]


def test_tampered_files_are_not_passed(client):
    created = issue(client)
    sign(client, created["id"])
    pdf = client.get(created["tautan"]["pdf"]).data
    flipped = bytearray(pdf)
    flipped[len(pdf) // 3] ^= 0x01
    for tampered in (bytes(flipped), pdf + b"\n%% tambahan\n"):
        response = verify(client, tampered)
        body = response.get_json()
        report = body.get("laporan", body)
        assert report["indication"] != "TOTAL_PASSED" and not report["identik_dengan_terbitan"]
    preview = client.get(f"/api/v1/surat/{created['id']}").get_json()["sha256"]["pdf"]
    # the unsigned preview is kept, and matched as an older version of the letter
    unsigned_report = verify(client, Path(client.application.extensions["suratkerja"].store.path(preview)).read_bytes()).get_json()
    assert unsigned_report["identik_dengan_terbitan"] and not unsigned_report["versi_terbaru"]
    assert unsigned_report["terbitan"]["nomor"] == client.get(created["tautan"]["self"]).get_json()["nomor"]
    assert unsigned_report["indication"] != "TOTAL_PASSED"


def signed_elsewhere(tmp_path, converter, pki_dir) -> bytes:
    """A letter issued and signed by another instance of the service, on its own registry and ``pki_dir``."""
    other = create_app({"instance_dir": tmp_path / "layanan-lain", "pki_dir": pki_dir}, converter=converter)
    client = admin_client(other)
    created = issue(client)
    assert sign(client, created["id"]).status_code == 200
    return client.get(created["tautan"]["pdf"]).data


def test_a_letter_signed_under_another_ca_is_not_trusted(client, tmp_path, converter, foreign_pki_dir):
    report = verify(client, signed_elsewhere(tmp_path, converter, foreign_pki_dir)).get_json()
    assert report["indication"] == "INDETERMINATE", report
    assert report["sub_indication"] == "NO_CERTIFICATE_CHAIN_FOUND", report
    [signature] = report["signatures"]
    assert signature["intact"] and not signature["trusted"]  # unchanged, but nobody we trust vouches for it
    assert {"kode": "sertifikat_tidak_tepercaya", "pesan": "TTD: Sertifikat tidak tepercaya (NO_CERTIFICATE_CHAIN_FOUND)."} \
        in report["problems"]
    assert report["identik_dengan_terbitan"] is False and report["terbitan"] is None


def test_a_letter_of_another_service_under_our_ca_is_valid_but_not_ours(client, tmp_path, converter, pki_dir):
    report = verify(client, signed_elsewhere(tmp_path, converter, pki_dir)).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert report["signatures"][0]["signer_nip"] == SIGNER_NIP
    assert report["identik_dengan_terbitan"] is False and report["terbitan"] is None


@pytest.mark.parametrize("body, content_type, status", [
    (b"bukan pdf sama sekali", "application/pdf", 422),
    (b"%PDF-1.7\n1 0 obj\n<<", "application/pdf", 422),
    (b"x" * (50 * 1024 * 1024), "application/pdf", 413),
    (b"{}", "application/json", 415),
], ids=["not-pdf", "truncated", "50MB", "json"])
def test_unusable_uploads_get_4xx(idle_client, body, content_type, status):
    response = idle_client.post("/api/v1/verifikasi", data=body, content_type=content_type)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_encrypted_pdf_gets_422(idle_client):
    pdf = (CORPUS / "pyhanko-testdata" / "minimal-aes256.pdf").read_bytes()
    assert verify(idle_client, pdf).status_code == 422


def test_every_hostile_corpus_file_gets_4xx_or_a_failing_report(idle_client):
    files = hostile_files()
    assert len(files) > 100
    for path in files:
        response = verify(idle_client, path.read_bytes())
        assert response.status_code in (200, 413, 422), (path.name, response.status_code)
        if response.status_code == 200:
            assert response.get_json()["indication"] != "TOTAL_PASSED", path.name


def test_verification_page_and_qr_landing(client):
    created = sign(client, issue(client)["id"]).get_json()
    page = client.get(f"/verifikasi/{created['id']}").get_data(as_text=True)
    assert created["nomor"] in page and "SAH" in page
    pdf = client.get(created["tautan"]["pdf"]).data
    import io
    upload = post_form(client, "/verifikasi", {"berkas": (io.BytesIO(pdf), "surat.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "identik" in upload and re.search(r"\bSAH\b", upload)
    assert client.get("/verifikasi/tidak-ada").status_code == 404


def test_voluntary_application_is_signed_then_countersigned_in_order(client, nssdb, tmp_path):
    body = sample("bungo", "pengajuan-sukarela")
    created = client.post("/api/v1/surat/pengajuan-sukarela", json=body).get_json()
    applicant, ppk, kepala = body["penandatangan"], *body["mengetahui"]
    nip = lambda person: "".join(person["nip"].split())  # noqa: E731
    assert sign(client, created["id"], nip=nip(ppk)).status_code == 403  # the applicant signs first
    assert sign(client, created["id"], nip=nip(applicant)).get_json()["status"] == "menunggu_mengetahui"
    assert sign(client, created["id"], nip=nip(kepala)).status_code == 403  # then the PPK, then the kepala
    assert sign(client, created["id"], nip=nip(ppk)).get_json()["status"] == "menunggu_mengetahui"
    assert sign(client, created["id"], nip=nip(kepala)).get_json()["status"] == "ditandatangani"
    pdf = client.get(created["tautan"]["pdf"]).data
    report = verify(client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert [s["signer_nip"] for s in report["signatures"]] == [nip(applicant), nip(ppk), nip(kepala)]
    assert pdfsig(pdf, nssdb, tmp_path).count("Signature is Valid.") == 3
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    fields = {str(f.get_object()["/T"]): f.get_object()["/Rect"]
              for f in PdfFileReader(BytesIO(pdf)).root["/AcroForm"]["/Fields"]}
    assert any(float(v) for v in fields["TTD_Mengetahui_1"])  # drawn at the "Mengetahui" block


def _pyhanko_validates(pdf: bytes, pki_dir) -> list[bool]:
    """pyHanko's own validator, independently of ``signing.verify_pdf``."""
    from io import BytesIO

    from asn1crypto import pem, x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, _, der = pem.unarmor((pki_dir / "root-ca.pem").read_bytes())
    reader = PdfFileReader(BytesIO(pdf))
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False)
    return [validate_pdf_signature(sig, context).bottom_line for sig in reader.embedded_regular_signatures]


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_every_sample_signed_by_all_its_signers_is_valid_everywhere(printed_samples, nssdb, tmp_path, pki_dir,
                                                                    wilayah, jenis):
    """On real LibreOffice: the stamps go under each template's printed signature area."""
    body = sample(wilayah, jenis)
    _, pdf = printed_samples.signed(wilayah, jenis)
    client = printed_samples.client
    count = len(signers(body))
    out = pdfsig(pdf, nssdb, tmp_path)
    assert out.count("Signature is Valid.") == count, out
    assert out.count("Certificate is Trusted.") == count, out
    assert _pyhanko_validates(pdf, pki_dir) == [True] * count
    assert verify(client, pdf).get_json()["indication"] == "TOTAL_PASSED"


@pytest.mark.softhsm
@pytest.mark.parametrize("jenis", ["permohonan-pelibatan", "jawaban", "penugasan", "keputusan-tim-kerja",
                                   "pengajuan-sukarela"])
def test_a_pkcs11_token_signs_every_letter_type(client, token, pki_dir, jenis):
    import signing
    from asn1crypto import pem, x509 as asn1_x509

    from .softhsm import KEY_LABEL, TOKEN_LABEL, TOKEN_PIN

    created = client.post(f"/api/v1/surat/{jenis}", json=sample("hulu-sungai-selatan", jenis)).get_json()
    preview = client.get(created["tautan"]["pdf"]).data
    _, _, issuing = pem.unarmor((pki_dir / "issuing-ca.pem").read_bytes())
    with signing.load_pkcs11_signer(token, token_label=TOKEN_LABEL, key_label=KEY_LABEL, pin=TOKEN_PIN,
                                    chain=[asn1_x509.Certificate.load(issuing)]) as hsm:
        signed = signing.sign_pdf(preview, hsm.signer, field_name="TTD", level=signing.PadesLevel.B_T,
                                  timestamper=client.application.extensions["suratkerja"].signing.timestamper)
    report = verify(client, signed).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert report["signatures"][0]["signer_nip"] == SIGNER_NIP and report["signatures"][0]["level"] == "B-T"


@pytest.mark.softhsm
def test_a_wrong_token_pin_is_refused_without_echo(token):
    import signing

    from .softhsm import KEY_LABEL, TOKEN_LABEL

    with pytest.raises(signing.WrongPassphrase) as caught:
        signing.load_pkcs11_signer(token, token_label=TOKEN_LABEL, key_label=KEY_LABEL, pin="0000")
    assert "0000" not in str(caught.value) and "0000" not in repr(caught.value)


def test_a_letter_re_saved_by_another_program_is_valid_but_not_the_issued_file(client):
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    created = issue(client)
    sign(client, created["id"])
    pdf = client.get(created["tautan"]["pdf"]).data
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    writer.root["/Lang"] = writer.root.get("/Lang", "id-ID")  # a viewer saving an unchanged letter
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    resaved = out.getvalue()
    assert resaved != pdf
    report = verify(client, resaved).get_json()
    assert report["signatures"][0]["intact"] is True
    assert report["identik_dengan_terbitan"] is False and report["terbitan"] is None
