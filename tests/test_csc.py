"""Signing through a Cloud Signature Consortium service: certomancer-csc-dummy on loopback, at SCAL1 and SCAL2.

The CSC service has a PKI of its own (another root than the service's
``pki_dir``), as a certificate provider would, and knows every sample
official; it takes one PIN. The service under test reaches it over HTTP as
it would reach a real one.
"""

from __future__ import annotations

import logging
import socket
from io import BytesIO

import pytest
from asn1crypto import pem, x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from service import create_app
from service.devtools.csc_double import CREDENTIAL_ID, Consent, CscDouble

from .support import (PASSPHRASE, SIGNER_NIP, admin_client, make_pki, nss_database, pdfsig,
                      refused_create_and_sign_keeps_no_number, sample, sign, verify)

CSC_PIN = "246810"
"""The PIN of every official's credential at the CSC double."""
CLIENT_TOKEN = "token-klien-pemda-uji"
WILAYAH = "hulu-sungai-selatan"
LETTER_TYPES = ["permohonan-pelibatan", "jawaban", "penugasan", "keputusan-tim-kerja", "pengajuan-sukarela",
                "laporan-pelaksanaan-tugas"]


@pytest.fixture(scope="module")
def provider_pki(tmp_path_factory):
    """The CSC provider's own development PKI, with a credential for every sample official."""
    return make_pki(tmp_path_factory.mktemp("penyedia-csc"))


@pytest.fixture(scope="module")
def provider_nssdb(provider_pki, tmp_path_factory) -> str:
    return nss_database(tmp_path_factory.mktemp("nss-csc"), provider_pki / "root-ca.pem")


@pytest.fixture(scope="module", params=[1, 2], ids=["SCAL1", "SCAL2"])
def csc(provider_pki, request):
    with CscDouble(provider_pki, PASSPHRASE.encode(), Consent(CSC_PIN, token=CLIENT_TOKEN), scal=request.param) as double:
        yield double


def _backend(tmp_path, provider_pki, url: str, **options) -> dict:
    token = tmp_path / "csc.token"
    token.write_text(CLIENT_TOKEN + "\n", encoding="utf-8")
    return {"url": url, "credential_id": CREDENTIAL_ID, "token_file": str(token), "trust_dir": str(provider_pki),
            **options}


def _client(tmp_path, pki_dir, converter, **settings):
    return admin_client(create_app({"instance_dir": tmp_path, "pki_dir": pki_dir, **settings}, converter=converter))


@pytest.fixture
def csc_client(csc, tmp_path, pki_dir, provider_pki, converter):
    """A service whose every official signs through the CSC double."""
    return _client(tmp_path, pki_dir, converter, signer_backend="csc",
                   signer_backends={"csc": _backend(tmp_path, provider_pki, csc.url)})


def _nip(person: dict) -> str:
    return "".join(person["nip"].split())


def _issue(client, jenis: str, wilayah: str = WILAYAH) -> tuple[dict, list[str]]:
    body = sample(wilayah, jenis)
    response = client.post(f"/api/v1/surat/{jenis}", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json(), [_nip(p) for p in [body["penandatangan"], *body.get("mengetahui", [])]]


def _root(directory) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor((directory / "root-ca.pem").read_bytes())[2])


def _issuers(pdf: bytes) -> list[bytes]:
    """The key of the CA that issued each signature's certificate."""
    return [sig.signer_cert.authority_key_identifier for sig in PdfFileReader(BytesIO(pdf)).embedded_regular_signatures]


@pytest.mark.parametrize("jenis", LETTER_TYPES)
def test_every_letter_type_signed_through_csc_is_valid_for_pdfsig_pyhanko_and_our_report(
        csc_client, provider_pki, provider_nssdb, tmp_path, pki_dir, jenis):
    created, signers = _issue(csc_client, jenis)
    for nip in signers:
        response = sign(csc_client, created["id"], nip=nip, passphrase=CSC_PIN)
        assert response.status_code == 200, response.get_json()
    pdf = csc_client.get(created["tautan"]["pdf"]).data
    out = pdfsig(pdf, provider_nssdb, tmp_path)
    assert out.count("Signature is Valid.") == len(signers) and out.count("Certificate is Trusted.") == len(signers), out
    context = ValidationContext(trust_roots=[_root(provider_pki), _root(pki_dir)], allow_fetching=False)  # + the TSA's
    assert [validate_pdf_signature(s, context).bottom_line
            for s in PdfFileReader(BytesIO(pdf)).embedded_regular_signatures] == [True] * len(signers)
    report = verify(csc_client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED", report
    assert [(s["signer_nip"], s["level"]) for s in report["signatures"]] == [(nip, "B-T") for nip in signers]
    assert report["identik_dengan_terbitan"]


def test_a_letter_signed_through_csc_comes_out_b_lta_when_asked(csc_client, provider_nssdb, tmp_path):
    created, _ = _issue(csc_client, "permohonan-pelibatan")
    assert sign(csc_client, created["id"], passphrase=CSC_PIN, tingkat="B-LTA").status_code == 200
    pdf = csc_client.get(created["tautan"]["pdf"]).data
    report = verify(csc_client, pdf).get_json()
    assert report["indication"] == "TOTAL_PASSED" and report["signatures"][0]["level"] == "B-LTA", report
    assert "Signature is Valid." in pdfsig(pdf, provider_nssdb, tmp_path)


def test_a_wrong_pin_is_401_counted_against_the_limit_and_shown_nowhere(csc_client, caplog):
    created, _ = _issue(csc_client, "permohonan-pelibatan")
    wrong = [f"13579{i}" for i in range(5)]
    with caplog.at_level(logging.DEBUG):
        answers = [sign(csc_client, created["id"], passphrase=pin) for pin in wrong]
        locked = sign(csc_client, created["id"], passphrase=CSC_PIN)
    assert [a.status_code for a in answers] == [401] * 5
    assert all(a.mimetype == "application/problem+json" for a in answers)
    assert locked.status_code == 429  # even the right PIN waits now
    shown = caplog.text + "".join(a.get_data(as_text=True) for a in [*answers, locked])
    assert not any(pin in shown for pin in [*wrong, CSC_PIN])
    assert csc_client.get(created["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_the_right_pin_is_shown_nowhere_either(csc_client, caplog):
    created, _ = _issue(csc_client, "permohonan-pelibatan")
    with caplog.at_level(logging.DEBUG):
        response = sign(csc_client, created["id"], passphrase=CSC_PIN)
    assert response.status_code == 200
    assert CSC_PIN not in caplog.text and CSC_PIN not in response.get_data(as_text=True)


def test_create_and_sign_with_a_wrong_pin_keeps_no_letter_and_no_number(csc_client):
    """At SCAL2 the PIN is only asked for once the letter is numbered, printed and being signed."""
    refused_create_and_sign_keeps_no_number(csc_client, "000000", CSC_PIN)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_csc_service_answers_503_and_changes_nothing(tmp_path, pki_dir, provider_pki, converter):
    client = _client(tmp_path, pki_dir, converter, signer_backend="csc",
                     signer_backends={"csc": _backend(tmp_path, provider_pki, f"http://127.0.0.1:{_closed_port()}",
                                                      timeout=5)})
    created, _ = _issue(client, "permohonan-pelibatan")
    response = sign(client, created["id"], passphrase=CSC_PIN)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert client.get(created["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_a_csc_service_that_does_not_answer_in_time_answers_503(csc, tmp_path, pki_dir, provider_pki, converter):
    client = _client(tmp_path, pki_dir, converter, signer_backend="csc",
                     signer_backends={"csc": _backend(tmp_path, provider_pki, csc.url, timeout=1)})
    created, _ = _issue(client, "permohonan-pelibatan")
    csc.delay = 1.5
    try:
        response = sign(client, created["id"], passphrase=CSC_PIN)
    finally:
        csc.delay = 0.0
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert client.get(created["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_a_refused_client_token_answers_503_with_an_alert_in_the_log(csc, tmp_path, pki_dir, provider_pki,
                                                                    converter, caplog):
    backend = _backend(tmp_path, provider_pki, csc.url)
    (tmp_path / "csc.token").write_text("token-kedaluwarsa", encoding="utf-8")
    client = _client(tmp_path, pki_dir, converter, signer_backend="csc", signer_backends={"csc": backend})
    created, _ = _issue(client, "permohonan-pelibatan")
    with caplog.at_level(logging.ERROR):
        response = sign(client, created["id"], passphrase=CSC_PIN)
    assert response.status_code == 503
    assert "refused this client's credentials" in caplog.text and "token-kedaluwarsa" not in caplog.text


def test_an_official_without_a_credential_at_the_service_is_told_so(csc, tmp_path, pki_dir, provider_pki, converter):
    client = _client(tmp_path, pki_dir, converter, signer_backend="csc", signer_backends={
        "csc": _backend(tmp_path, provider_pki, csc.url, credential_id=CREDENTIAL_ID.replace("{nip}", "lain-{nip}"))})
    created, _ = _issue(client, "permohonan-pelibatan")
    response = sign(client, created["id"], passphrase=CSC_PIN)
    assert response.status_code == 409 and "Belum ada sertifikat elektronik" in response.get_json()["detail"]


# --- which back end an official signs with ---------------------------------

def test_a_region_signs_through_its_own_back_end_and_the_others_keep_the_default(
        csc, tmp_path, pki_dir, provider_pki, converter):
    client = _client(tmp_path, pki_dir, converter, signer_backends={"bsre-csc": {
        "kind": "csc", **_backend(tmp_path, provider_pki, csc.url)}}, signer_backend_by_wilayah={"bungo": "bsre-csc"})
    remote, (remote_nip, *_) = _issue(client, "permohonan-pelibatan", wilayah="bungo")
    local, _ = _issue(client, "permohonan-pelibatan")
    assert sign(client, remote["id"], nip=remote_nip, passphrase=PASSPHRASE).status_code == 401  # not the .p12's
    assert sign(client, remote["id"], nip=remote_nip, passphrase=CSC_PIN).status_code == 200
    assert sign(client, local["id"], passphrase=PASSPHRASE).status_code == 200
    provider_ca = _issuers(client.get(remote["tautan"]["pdf"]).data)
    own_ca = _issuers(client.get(local["tautan"]["pdf"]).data)
    assert provider_ca != own_ca
    assert provider_ca == [_issuing_ca(provider_pki)] and own_ca == [_issuing_ca(pki_dir)]
    for letter in (remote, local):
        assert verify(client, client.get(letter["tautan"]["pdf"]).data).get_json()["indication"] == "TOTAL_PASSED"


def _issuing_ca(directory) -> bytes:
    return asn1_x509.Certificate.load(pem.unarmor((directory / "issuing-ca.pem").read_bytes())[2]).key_identifier


def test_an_official_s_own_back_end_wins_over_the_region_s(csc, tmp_path, pki_dir, provider_pki, converter):
    client = _client(tmp_path, pki_dir, converter, signer_backend="csc",
                     signer_backends={"csc": _backend(tmp_path, provider_pki, csc.url)},
                     signer_backend_by_wilayah={WILAYAH: "csc"}, signer_backend_by_nip={SIGNER_NIP: "pkcs12"})
    created, _ = _issue(client, "permohonan-pelibatan")
    assert sign(client, created["id"], passphrase=CSC_PIN).status_code == 401
    assert sign(client, created["id"], passphrase=PASSPHRASE).status_code == 200
    assert _issuers(client.get(created["tautan"]["pdf"]).data) == [_issuing_ca(pki_dir)]


def test_a_service_that_asks_for_an_otp_gets_the_otp_the_official_types(provider_pki, tmp_path, pki_dir, converter):
    otp = "918273"
    with CscDouble(provider_pki, PASSPHRASE.encode(), Consent(otp, field="OTP", token=CLIENT_TOKEN)) as double:
        client = _client(tmp_path, pki_dir, converter, signer_backend="csc",
                         signer_backends={"csc": _backend(tmp_path, provider_pki, double.url, secret="OTP")})
        created, _ = _issue(client, "permohonan-pelibatan")
        assert sign(client, created["id"], passphrase="000000").status_code == 401
        assert sign(client, created["id"], passphrase=otp).status_code == 200
    assert verify(client, client.get(created["tautan"]["pdf"]).data).get_json()["indication"] == "TOTAL_PASSED"
