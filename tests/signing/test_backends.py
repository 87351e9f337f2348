"""Signer back ends: PKCS#12 passphrase handling, the local TSA.

The PKCS#11 (SoftHSM2) back end signs every letter type in tests/test_tandatangan.py,
and signs through the service when configured (tests/test_startup.py).
"""

from __future__ import annotations

import logging
import shutil

import pytest
from cryptography.hazmat.primitives import serialization
from signing import Pkcs12Keyring, SigningError, WrongPassphrase, load_pkcs12_signer

from .signing_helpers import APPLICANT, PASSPHRASE, SUPERIOR


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


def test_local_tsa_rejects_junk(tsa):
    import requests

    reply = requests.post(tsa.url, data=b"\x30\x03junk", headers={"Content-Type": "application/timestamp-query"},
                          timeout=10)
    assert reply.status_code == 400


def _subject(signer) -> str:
    return signer.signing_cert.subject.human_friendly


def test_keyring_unlocks_again_only_with_the_passphrase(pki, caplog):
    caplog.set_level(logging.DEBUG)
    keyring = Pkcs12Keyring()
    first = keyring.unlock(pki.p12(APPLICANT), PASSPHRASE)
    again = keyring.unlock(pki.p12(APPLICANT), PASSPHRASE)
    assert _subject(again) == _subject(first) and APPLICANT.nip in _subject(again)
    assert again.signing_cert.dump() == first.signing_cert.dump()
    assert len(list(again.cert_registry)) == len(list(first.cert_registry)) == 2
    with pytest.raises(WrongPassphrase):  # the kept copy does not open with another passphrase
        keyring.unlock(pki.p12(APPLICANT), "salah-Sandi-93817")
    for text in (repr(keyring), caplog.text):
        assert PASSPHRASE not in text


def test_keyring_keeps_neither_the_passphrase_nor_the_plain_key(pki):
    keyring = Pkcs12Keyring()
    signer = keyring.unlock(pki.p12(SUPERIOR), PASSPHRASE)
    keyring.unlock(pki.p12(SUPERIOR), PASSPHRASE)
    plain = signer._private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    kept = b"".join(value if isinstance(value, bytes) else b""
                    for sealed in keyring._sealed.values() for value in vars(sealed).values())
    assert kept and plain not in kept and plain[-64:] not in kept and PASSPHRASE.encode() not in kept


def test_keyring_reads_a_replaced_file_again(pki, tmp_path):
    """An official whose certificate was renewed signs with the new key at once."""
    path = tmp_path / "pejabat.p12"
    keyring = Pkcs12Keyring()
    shutil.copy(pki.p12(APPLICANT), path)
    assert APPLICANT.nip in _subject(keyring.unlock(path, PASSPHRASE))
    shutil.copy(pki.p12(SUPERIOR), path)
    assert SUPERIOR.nip in _subject(keyring.unlock(path, PASSPHRASE))


def test_keyring_signature_verifies(pki, letter_pdf):
    """A signer opened from the kept copy makes a valid signature."""
    from signing import PadesLevel, sign_pdf

    keyring = Pkcs12Keyring()
    keyring.unlock(pki.p12(APPLICANT), PASSPHRASE)
    signer = keyring.unlock(pki.p12(APPLICANT), PASSPHRASE)
    signed = sign_pdf(letter_pdf, signer, field_name="TTD", level=PadesLevel.B_B,
                      validation_context=pki.validation_context(), box=(0, 300, 60, 560, 160))
    report = pki.verify(signed)
    assert report.indication == "TOTAL_PASSED", report
