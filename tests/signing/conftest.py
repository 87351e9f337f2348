"""Session fixtures for the signing tests: a development PKI, a local TSA over
HTTP, a PDF/A-2b letter made by LibreOffice, and ready signers.

Everything expensive (keys, the LibreOffice run, the signed files at each
level) is made once per session.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from .signing_helpers import APPLICANT, LETTER_TEXT, SIGNATURE_BOX, SUPERIOR, Pki, appearance

from signing import PadesLevel, http_timestamper, load_dev_timestamper, sign_pdf, start_local_tsa
from signing.devpki import issue_certificate, official_name
from signing.signers import KeySigner

@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    return Pki(tmp_path_factory.mktemp("devpki"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory) -> Pki:
    """A second, unrelated CA: its signatures must not be trusted."""
    return Pki(tmp_path_factory.mktemp("other-pki"))


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
def letter_pdf(tmp_path_factory) -> bytes:
    """A one-page PDF/A-2b letter converted by LibreOffice."""
    work = tmp_path_factory.mktemp("letter")
    source = work / "surat.txt"
    source.write_text(LETTER_TEXT, encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{work}/profile",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}',
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(work)},
    )
    pdf = (work / "surat.pdf").read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    return pdf


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


@pytest.fixture(scope="session")
def nssdb(pki, tmp_path_factory) -> str:
    """An NSS database trusting the development root, for ``pdfsig``."""
    directory = tmp_path_factory.mktemp("nss")
    root_pem = directory / "root.pem"
    root_pem.write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "root", "-t", "CT,C,C", "-i", str(root_pem)],
        check=True,
        capture_output=True,
    )
    return db
