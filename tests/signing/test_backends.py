"""Signer back ends: PKCS#12 passphrase handling, the local TSA.

The PKCS#11 (SoftHSM2) back end signs every letter type in tests/test_tandatangan.py.
"""

from __future__ import annotations

import logging

import pytest
from signing import SigningError, WrongPassphrase, load_pkcs12_signer

from .signing_helpers import APPLICANT, PASSPHRASE

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
