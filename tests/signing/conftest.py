"""Session fixtures for the signing tests: the session's development PKI
(tests/conftest.py), a local TSA over HTTP, a one-page letter, and ready
signers.

Everything expensive (keys, the signed files at each level) is made once per
session. The letter comes from the fake converter: signing does not care who
laid the page out, and LibreOffice's output is tested in tests/test_convert.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support import text_pdf

from .signing_helpers import APPLICANT, LETTER_TEXT, SIGNATURE_BOX, SUPERIOR, Pki, appearance

from signing import PadesLevel, http_timestamper, load_dev_timestamper, sign_pdf, start_local_tsa
from signing.devpki import issue_certificate, official_name
from signing.signers import KeySigner

@pytest.fixture(scope="session")
def pki(pki_dir) -> Pki:
    return Pki(pki_dir)


@pytest.fixture(scope="session")
def other_pki(foreign_pki_dir) -> Pki:
    """A second, unrelated CA: its signatures must not be trusted."""
    return Pki(foreign_pki_dir)


@pytest.fixture(scope="session")
def signer(pki):
    return pki.signer(SUPERIOR)


@pytest.fixture(scope="session")
def applicant_signer(pki):
    return pki.signer(APPLICANT)


@pytest.fixture(scope="session")
def expired_signer(pki) -> KeySigner:
    """A signer whose certificate expired yesterday."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.timezone.utc)
    cert = issue_certificate(
        pki.dev.issuing,
        official_name(APPLICANT, "Pemerintah Daerah (uji)"),
        key,
        kind="signer",
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=1),
    )
    return KeySigner(key, pki.dev.asn1(cert), [pki.dev.asn1(pki.dev.issuing.cert)])


@pytest.fixture(scope="session")
def tsa(pki):
    server = start_local_tsa(load_dev_timestamper(pki.dev.directory))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def timestamper(tsa):
    return http_timestamper(tsa.url, timeout=10)


@pytest.fixture(scope="session")
def letter_pdf() -> bytes:
    """A one-page letter with LETTER_TEXT."""
    return text_pdf([(line, []) for line in LETTER_TEXT.splitlines()])


@pytest.fixture(scope="session")
def signed_pdfs(pki, signer, timestamper, letter_pdf) -> dict[PadesLevel, bytes]:
    """The letter certified by SUPERIOR at every PAdES level."""
    return {
        level: sign_pdf(
            letter_pdf,
            signer,
            field_name="TTD_Kepala",
            level=level,
            timestamper=timestamper,
            validation_context=pki.validation_context(),
            box=SIGNATURE_BOX,
            appearance=appearance(SUPERIOR),
            reason="Persetujuan",
            location="Kandangan",
        )
        for level in PadesLevel
    }
