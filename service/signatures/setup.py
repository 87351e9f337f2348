"""What signing and verification need, built and checked once at start-up.

Each official's key is unlocked by the passphrase the official types at
signing time (never stored), from the back end chosen for the official
(:mod:`.backends`: the official's own, the region's, or ``signer_backend``):

* ``pkcs12``: the official's own PKCS#12 file ``pki/officials/<nip>.p12``,
  the passphrase being the file's;
* ``pkcs11``: the key on the configured token whose certificate carries the
  NIP, the passphrase being the token's user PIN. The PIN comes only from
  the official's request: a PIN held by the service would let it sign for
  any official without that official's secret, and the passphrase would
  then check nothing;
* ``csc``: the official's credential at a Cloud Signature Consortium
  service, the passphrase being the credential's PIN (or an OTP);
* ``esign-v1``, ``esign-v2``: no key here; BSrE signs the whole letter
  through its Esign Client Service (:mod:`.esign`), whose roots are
  trusted beside ``pki_dir``'s.

B-T and above use the configured timestamp authority, or, without
``tsa_url``, a local one run over HTTP from the development PKI. With
``production = true`` the service does not start on the development PKI
or without ``tsa_url``, and a development certificate met at signing time
is refused.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl, x509 as asn1_x509
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator import ValidationContext

import signing

from ..plumbing.config import ConfigError, Settings
from .attempts import AttemptLimiter, attempt_limiter
from .backends import ROOT_CA, SignerBackends, Trust, build_backends
from .esign import EsignBackend

logger = logging.getLogger(__name__)


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
    backends: SignerBackends
    """The back ends, and which one an official signs with."""

    def esign_for(self, wilayah: str, nip: str) -> EsignBackend | None:
        """The Esign Client Service that signs for the official instead of a key here, if any."""
        return self.backends.esign_for(wilayah, nip)

    def has_key(self, nip: str, wilayah: str) -> bool:
        """Whether the official's back end holds a key of ``nip`` (asks for no passphrase).

        :raises signing.SigningError: a remote back end cannot be asked.
        """
        return self.backends.keys_for(wilayah, nip).has_key(nip)

    def unlock(self, nip: str, wilayah: str, passphrase: str) -> Signer:
        """``nip``'s signer, unlocked by the official's passphrase (PKCS#12) or PIN (PKCS#11, CSC).

        :raises signing.WrongPassphrase: the passphrase or PIN is wrong.
        :raises signing.SigningError: the key cannot be used.
        """
        return self.backends.keys_for(wilayah, nip).unlock(nip, passphrase)

    def validation_context(self) -> ValidationContext:
        """For B-LT/B-LTA: the chain and CRLs stored in the document's DSS."""
        return ValidationContext(
            trust_roots=self.trust_roots, other_certs=self.other_certs, crls=self.crls, allow_fetching=False,
        )


_LOCAL_TSA: dict[Path, str] = {}


def _local_tsa_url(pki: Path) -> str:
    """One local HTTP timestamp authority per development PKI and process."""
    if pki not in _LOCAL_TSA:
        tsa = signing.start_local_tsa(signing.load_dev_timestamper(pki))
        atexit.register(tsa.stop)
        _LOCAL_TSA[pki] = tsa.url
        logger.info("development timestamp authority at %s", tsa.url)
    return _LOCAL_TSA[pki]


def _check_production(settings: Settings, roots: list[asn1_x509.Certificate],
                      cas: list[asn1_x509.Certificate]) -> None:
    """Refuse to run production on development trust.

    :raises ConfigError: no trust root, a development CA, or no ``tsa_url``
        (the development timestamp authority would start).
    """
    if not settings.tsa_url:
        raise ConfigError("production = true needs tsa_url: without it the development timestamp authority starts")
    if not roots:
        raise ConfigError(f"production = true needs a trust root: {settings.pki / ROOT_CA} is missing")
    if any(signing.is_development_certificate(cert) for cert in roots + cas):
        raise ConfigError(
            f"production = true but the PKI in {settings.pki} is the development PKI (suratkerja devpki): "
            "set pki_dir to the production trust root and CAs"
        )


def build_signing(settings: Settings, regions: Collection[str]) -> SigningSetup:
    """Everything signing needs, checked before the service starts.

    :param regions: the region profiles' codes (a region's back end must name one of them).

    :raises ConfigError: see :func:`_check_production` and :func:`.backends.build_backends`.
    """
    pki = settings.pki
    own = Trust.read(pki)
    if settings.production:
        _check_production(settings, own.roots, own.others)
    backends = build_backends(settings, own, regions)
    trust = own.joined([backend.trust for backend in backends.backends.values()])  # what they sign is verified here
    timestamper = None
    if settings.tsa_url:
        timestamper = signing.http_timestamper(settings.tsa_url)
    elif (pki / "tsa.pem").is_file():
        timestamper = signing.http_timestamper(_local_tsa_url(pki))
    limiter = attempt_limiter(settings)
    return SigningSetup(
        pki=pki,
        trust_roots=trust.roots,
        other_certs=trust.others,
        crls=trust.crls,
        timestamper=timestamper,
        limiter=limiter,
        production=settings.production,
        backends=backends,
    )
