"""The Esign client against the double: what it tells apart, and what it never reveals."""

from __future__ import annotations

import logging
import socket

import pytest

from service.plumbing.config import ConfigError, load_settings
from service.signatures.esign import build_esign
from signing import esign

from ..support import PASSPHRASE, text_pdf
from .conftest import CLIENT_PASSWORD, CLIENT_USER, SIGNER_NIK


def _client(url, version="v2", timeout=10.0, password=CLIENT_PASSWORD):
    return esign.EsignClient(url, version, CLIENT_USER, password, timeout)


LETTER = text_pdf([("Surat uji", ["ttd"])])


def test_a_document_the_service_cannot_read_is_a_definite_failure_not_an_unknown_outcome(esign_double, double):
    with pytest.raises(esign.EsignUnavailable, match="HTTP 500"):
        _client(esign_double.url, "v1").sign(b"%PDF-1.7 rusak", nik=SIGNER_NIK,
                                             secret=esign.Secret("passphrase", PASSPHRASE))
    assert double.documents == {}


def test_a_service_that_cannot_be_reached_was_sent_nothing():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(esign.EsignUnavailable) as caught:
        _client(f"http://127.0.0.1:{port}").sign(LETTER, nik=SIGNER_NIK, secret=esign.Secret("totp", "1"))
    assert not isinstance(caught.value, esign.UnknownOutcome)


def test_no_passphrase_totp_or_whole_nik_reaches_a_log_or_a_repr(esign_double, double, caplog):
    secret = esign.Secret("passphrase", PASSPHRASE)
    with caplog.at_level(logging.DEBUG):
        for version in ("v1", "v2"):
            _client(esign_double.url, version).sign(LETTER, nik=SIGNER_NIK, secret=secret,
                                                    placement=esign.Coordinates(0, 320, 600, 215, 90))
            wrong = esign.Secret("totp" if version == "v2" else "passphrase", "salah-999")
            with pytest.raises(esign.WrongEsignPassphrase) as caught:
                _client(esign_double.url, version).sign(LETTER, nik=SIGNER_NIK, secret=wrong)
            assert "salah-999" not in str(caught.value)
    logged = caplog.text
    assert PASSPHRASE not in logged and "salah-999" not in logged
    assert SIGNER_NIK not in logged and CLIENT_PASSWORD not in logged
    assert SIGNER_NIK[-4:] in logged  # masked, so a log can still be read
    assert PASSPHRASE not in repr(secret) and CLIENT_PASSWORD not in repr(_client(esign_double.url))


def test_a_file_signed_from_another_document_is_refused(esign_double, double, pki_dir):
    other = text_pdf([("Surat lain", ["ttd"])])
    signed = _client(esign_double.url).sign(other, nik=SIGNER_NIK, secret=esign.Secret("passphrase", PASSPHRASE))
    with pytest.raises(esign.ReturnedFileRefused, match="bytes sent"):
        esign.check_returned(LETTER, signed.pdf, official={"x"}, trust_roots=[(pki_dir / "root-ca.pem").read_bytes()])


def _esign_settings(tmp_path, pki_dir, esign_files, **extra):
    return load_settings({
        "instance_dir": tmp_path, "signer_backend": "esign-v1", "esign_url": "http://127.0.0.1:1",
        "esign_username_file": esign_files / "user", "esign_password_file": esign_files / "password",
        "esign_roots_file": pki_dir / "root-ca.pem", **extra})


def test_the_esign_back_end_needs_its_url_credentials_and_roots(tmp_path):
    with pytest.raises(ConfigError, match="esign_url, esign_username_file, esign_password_file, esign_roots_file"):
        load_settings({"instance_dir": tmp_path, "signer_backend": "esign-v2"})


def test_production_refuses_development_esign_roots_and_unreadable_credentials(tmp_path, pki_dir, esign_files):
    with pytest.raises(ConfigError, match="esign_roots_file holds a development CA"):
        build_esign(_esign_settings(tmp_path, pki_dir, esign_files, production=True))
    with pytest.raises(ConfigError, match="esign_password_file: cannot read"):
        build_esign(_esign_settings(tmp_path, pki_dir, esign_files, esign_password_file=tmp_path / "tidak-ada"))
    with pytest.raises(ConfigError, match="no root certificate"):
        build_esign(_esign_settings(tmp_path, pki_dir, esign_files, esign_roots_file=pki_dir / "issuing-ca.pem"))


def test_the_double_verifies_and_reports_users_as_its_public_shapes_say(esign_double, double):
    import base64

    import requests

    signed = _client(esign_double.url).sign(LETTER, nik=SIGNER_NIK, secret=esign.Secret("passphrase", PASSPHRASE))
    auth = (CLIENT_USER, CLIENT_PASSWORD)
    v1 = requests.post(f"{esign_double.url}/api/sign/verify", auth=auth,
                       files={"signed_file": ("surat.pdf", signed.pdf, "application/pdf")}, timeout=10).json()
    v2 = requests.post(f"{esign_double.url}/api/v2/verify/pdf", auth=auth,
                       json={"file": base64.b64encode(signed.pdf).decode()}, timeout=10).json()
    assert v1 == v2 and v1["conclusion"] == "TOTAL_PASSED" and v1["jumlah_signature"] == 1
    assert requests.get(f"{esign_double.url}/api/user/status/{SIGNER_NIK}", auth=auth, timeout=10).json()[
        "message"] == "ISSUE"
    unknown = requests.post(f"{esign_double.url}/api/v2/user/check/status", auth=auth, json={"nik": "1"}, timeout=10)
    assert unknown.status_code == 400 and unknown.json()["status_code"] == 2011
    assert requests.post(f"{esign_double.url}/api/v2/sign/get/totp", auth=auth, json={"nik": SIGNER_NIK},
                         timeout=10).status_code == 200
    assert requests.get(f"{esign_double.url}/api/user/status/{SIGNER_NIK}", timeout=10).status_code == 401


def test_a_slow_answer_within_the_timeout_is_a_signature(esign_double, double):
    double.mode, double.delay = "slow", 0.3
    signed = _client(esign_double.url, "v1", timeout=5).sign(LETTER, nik=SIGNER_NIK,
                                                            secret=esign.Secret("passphrase", PASSPHRASE))
    assert signed.pdf.startswith(LETTER) and signed.id_dokumen in double.documents
