"""What signing and verification need, built once at start-up.

The service signs with each official's own PKCS#12 file under
``pki/officials/<nip>.p12``, unlocked by the passphrase the official types
at signing time (never stored). B-T and above use the configured timestamp
authority, or, on the embedded defaults, a local one run over HTTP from the
development PKI. In production mode certificates of the development PKI are
refused.
"""

from __future__ import annotations

import atexit
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import crl as asn1_crl, x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext

import signing

from ..plumbing.config import Settings
from .attempts import AttemptLimiter, attempt_limiter

logger = logging.getLogger(__name__)

ROOT_CA = "root-ca.pem"
CA_FILES = ("root-ca.pem", "issuing-ca.pem")
CRL_FILES = ("root-ca.crl", "issuing-ca.crl")


@dataclass
class SigningSetup:
    pki: Path
    trust_roots: list[asn1_x509.Certificate]
    other_certs: list[asn1_x509.Certificate]
    crls: list[asn1_crl.CertificateList]
    """Parsed once: asn1crypto keeps the prepared names of a parsed certificate (see :func:`signing.verify_pdf`)."""
    timestamper: object | None
    limiter: AttemptLimiter
    production: bool
    keyring: signing.Pkcs12Keyring = field(default_factory=signing.Pkcs12Keyring)
    """Unlocks the officials' PKCS#12 files (fast from the second letter of an official on)."""

    def p12_path(self, nip: str) -> str:
        return os.path.join(self.pki, "officials", f"{nip}.p12")  # str: see FileStore.path

    def has_key(self, nip: str) -> bool:
        """Whether the official ``nip`` has a key to sign with."""
        return os.path.isfile(self.p12_path(nip))

    def unlock(self, nip: str, passphrase: str):
        """The official's signer. :raises signing.WrongPassphrase: wrong passphrase."""
        return self.keyring.unlock(self.p12_path(nip), passphrase)

    def validation_context(self) -> ValidationContext:
        """For B-LT/B-LTA: the chain and CRLs stored in the document's DSS."""
        return ValidationContext(
            trust_roots=self.trust_roots, other_certs=self.other_certs, crls=self.crls, allow_fetching=False,
        )


def _certificates(pki: Path, names) -> list[asn1_x509.Certificate]:
    return [signing.as_certificate((pki / n).read_bytes()) for n in names if (pki / n).is_file()]


def _crls(pki: Path, names) -> list[asn1_crl.CertificateList]:
    return [asn1_crl.CertificateList.load((pki / n).read_bytes()) for n in names if (pki / n).is_file()]


_LOCAL_TSA: dict[Path, str] = {}


def _local_tsa_url(pki: Path) -> str:
    """One local HTTP timestamp authority per development PKI and process."""
    if pki not in _LOCAL_TSA:
        tsa = signing.start_local_tsa(signing.load_dev_timestamper(pki))
        atexit.register(tsa.stop)
        _LOCAL_TSA[pki] = tsa.url
        logger.info("development timestamp authority at %s", tsa.url)
    return _LOCAL_TSA[pki]


def build_signing(settings: Settings) -> SigningSetup:
    pki = settings.pki
    timestamper = None
    if settings.tsa_url:
        timestamper = signing.http_timestamper(settings.tsa_url)
    elif (pki / "tsa.pem").is_file():
        timestamper = signing.http_timestamper(_local_tsa_url(pki))
    limiter = attempt_limiter(settings)
    return SigningSetup(
        pki=pki,
        trust_roots=_certificates(pki, (ROOT_CA,)),
        other_certs=_certificates(pki, CA_FILES[1:]),
        crls=_crls(pki, CRL_FILES),
        timestamper=timestamper,
        limiter=limiter,
        production=settings.production,
    )
