"""Signer back ends: PKCS#12 passphrase handling and a PKCS#11 token."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from .signing_helpers import APPLICANT, PASSPHRASE, SIGNATURE_BOX, appearance

from signing import PadesLevel, SigningError, WrongPassphrase, load_pkcs11_signer, load_pkcs12_signer, sign_pdf

SOFTHSM_MODULE = next(
    (p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
     if Path(p).exists()),
    None,
)
TOKEN_PIN = "4719"


def test_wrong_passphrase_leaks_nothing(pki, caplog):
    wrong = "salah-Sandi-93817"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(WrongPassphrase) as info:
        load_pkcs12_signer(pki.p12(APPLICANT), wrong)
    exc = info.value
    assert isinstance(exc, SigningError)
    assert exc.__cause__ is None and exc.__suppress_context__
    for text in (str(exc), repr(exc), caplog.text):
        assert wrong not in text and PASSPHRASE not in text


def test_signer_repr_holds_no_secret(pki):
    signer = load_pkcs12_signer(pki.p12(APPLICANT), PASSPHRASE.encode())
    assert PASSPHRASE not in repr(signer) and PASSPHRASE not in repr(vars(signer))


@pytest.fixture(scope="module")
def softhsm_token(pki, tmp_path_factory):
    """A SoftHSM2 token holding APPLICANT's key and certificate."""
    if SOFTHSM_MODULE is None:
        pytest.skip("SoftHSM2 module not installed")
    work = tmp_path_factory.mktemp("softhsm")
    (work / "tokens").mkdir()
    conf = work / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {work / 'tokens'}\nobjectstore.backend = file\n")
    old_conf = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    key, cert, _ = pkcs12.load_key_and_certificates(pki.p12(APPLICANT).read_bytes(), PASSPHRASE.encode())
    key_pem = work / "key.pem"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    asn1_cert = x509.Certificate.load(cert_der)
    run = lambda *args: subprocess.run(args, check=True, capture_output=True, timeout=60)  # noqa: E731
    run("softhsm2-util", "--init-token", "--free", "--label", "suratkerja",
        "--so-pin", "123456", "--pin", TOKEN_PIN)
    run("softhsm2-util", "--import", str(key_pem), "--token", "suratkerja", "--label", "pemohon",
        "--id", "01", "--pin", TOKEN_PIN)
    key_pem.unlink()
    # the certificate goes in with python-pkcs11 (softhsm2-util imports keys only)
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label="suratkerja")
    with token.open(rw=True, user_pin=TOKEN_PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.LABEL: "pemohon",
            Attribute.ID: b"\x01",
            Attribute.TOKEN: True,
            Attribute.VALUE: cert_der,
            Attribute.SUBJECT: asn1_cert.subject.dump(),
            Attribute.ISSUER: asn1_cert.issuer.dump(),
            Attribute.SERIAL_NUMBER: asn1_cert["tbs_certificate"]["serial_number"].dump(),
        })
    yield SOFTHSM_MODULE
    if old_conf is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old_conf
    shutil.rmtree(work, ignore_errors=True)


@pytest.mark.softhsm
def test_pkcs11_signs_and_verifies(softhsm_token, pki, letter_pdf, timestamper):
    with load_pkcs11_signer(
        softhsm_token, token_label="suratkerja", key_label="pemohon", pin=TOKEN_PIN,
        chain=[pki.dev.asn1(pki.dev.issuing.cert)],
    ) as token:
        assert TOKEN_PIN not in repr(token)
        pdf = sign_pdf(letter_pdf, token.signer, field_name="TTD", level=PadesLevel.B_T,
                       timestamper=timestamper, box=SIGNATURE_BOX, appearance=appearance(APPLICANT))
    report = pki.verify(pdf)
    assert report.indication == "TOTAL_PASSED", report.problems
    assert report.signatures[0].signer_nip == APPLICANT.nip
    assert report.signatures[0].level == "B-T"


@pytest.mark.softhsm
def test_pkcs11_wrong_pin(softhsm_token):
    with pytest.raises(WrongPassphrase) as info:
        load_pkcs11_signer(softhsm_token, token_label="suratkerja", key_label="pemohon", pin="0000")
    assert "0000" not in str(info.value)


def test_local_tsa_rejects_junk(tsa):
    import requests

    reply = requests.post(tsa.url, data=b"\x30\x03junk", headers={"Content-Type": "application/timestamp-query"},
                          timeout=10)
    assert reply.status_code == 400
