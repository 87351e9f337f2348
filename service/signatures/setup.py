"""What signing and verification need, built and checked once at start-up.

Each official's key is unlocked by the passphrase the official types at
signing time (never stored), from the back end ``signer_backend`` names:

* ``pkcs12``: the official's own PKCS#12 file ``pki/officials/<nip>.p12``,
  the passphrase being the file's;
* ``pkcs11``: the key on the configured token whose certificate carries the
  NIP, the passphrase being the token's user PIN. The PIN comes only from
  the official's request: a PIN held by the service would let it sign for
  any official without that official's secret, and the passphrase would
  then check nothing;
* ``esign-v1``, ``esign-v2``: no key here; BSrE signs through its Esign
  Client Service (:mod:`.esign`), whose roots are trusted beside ``pki_dir``'s.

B-T and above use the configured timestamp authority, or, without
``tsa_url``, a local one run over HTTP from the development PKI. With
``production = true`` the service does not start on the development PKI
or without ``tsa_url``, and a development certificate met at signing time
is refused.
"""

from __future__ import annotations

import atexit
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from asn1crypto import crl as asn1_crl, x509 as asn1_x509
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator import ValidationContext

import signing

from ..plumbing.config import ConfigError, Settings
from .attempts import AttemptLimiter, attempt_limiter
from .esign import EsignBackend, build_esign

logger = logging.getLogger(__name__)

ROOT_CA = "root-ca.pem"
CA_FILES = ("root-ca.pem", "issuing-ca.pem")
CRL_FILES = ("root-ca.crl", "issuing-ca.crl")


class Keys(Protocol):
    """A signer back end: the officials' keys, each found by NIP."""

    def has_key(self, nip: str) -> bool: ...

    def unlock(self, nip: str, passphrase: str) -> Signer: ...


_KEYRING = signing.Pkcs12Keyring()
"""One per process: an app made again in the same process (the tests make
hundreds) opens an official's key file in full only once, as a service that
runs for months does."""


@dataclass
class Pkcs12Files:
    """The officials' PKCS#12 files ``<nip>.p12`` in one directory."""

    directory: Path
    keyring: signing.Pkcs12Keyring = field(default_factory=lambda: _KEYRING)
    """Unlocks the files (fast from the second letter of an official on)."""

    def _path(self, nip: str) -> str:
        return os.path.join(self.directory, f"{nip}.p12")  # str: see FileStore.path

    def has_key(self, nip: str) -> bool:
        return os.path.isfile(self._path(nip))

    def unlock(self, nip: str, passphrase: str) -> Signer:
        return self.keyring.unlock(self._path(nip), passphrase)


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
    keys: Keys | None
    """The officials' keys held here; None with the Esign back end."""
    esign: EsignBackend | None = None
    """The Esign Client Service that signs instead, when ``signer_backend`` is ``esign-*``."""

    def has_key(self, nip: str) -> bool:
        """Whether the back end holds a key of ``nip`` (asks for no passphrase)."""
        return self.keys.has_key(nip)

    def unlock(self, nip: str, passphrase: str) -> Signer:
        """``nip``'s signer, unlocked by the official's passphrase (PKCS#12) or PIN (PKCS#11).

        :raises signing.WrongPassphrase: the passphrase or PIN is wrong.
        :raises signing.SigningError: the key cannot be used.
        """
        return self.keys.unlock(nip, passphrase)

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


def _keys(settings: Settings, chain: list[asn1_x509.Certificate]) -> Keys | None:
    """The back end ``signer_backend`` names, checked now; None where the keys are not held here.

    :raises ConfigError: the PKCS#11 module or token cannot be opened.
    """
    if settings.signer_backend.startswith("esign-"):
        return None
    if settings.signer_backend == "pkcs12":
        return Pkcs12Files(settings.pki / "officials")
    try:
        return signing.Pkcs11Keystore(
            settings.pkcs11_module, token_label=settings.pkcs11_token_label or None,
            slot=settings.pkcs11_slot, chain=chain,
        )
    except signing.SigningError as e:
        raise ConfigError(f'signer_backend = "pkcs11": {e}') from None


def build_signing(settings: Settings) -> SigningSetup:
    """Everything signing needs, checked before the service starts.

    :raises ConfigError: see :func:`_check_production` and :func:`_keys`.
    """
    pki = settings.pki
    trust_roots = _certificates(pki, (ROOT_CA,))
    other_certs = _certificates(pki, CA_FILES[1:])
    if settings.production:
        _check_production(settings, trust_roots, other_certs)
    keys = _keys(settings, other_certs)
    esign = build_esign(settings)
    if esign is not None:  # letters BSrE signed are verified here too
        trust_roots += [c for c in esign.trust_roots if c.dump() not in {r.dump() for r in trust_roots}]
        other_certs += [c for c in esign.intermediates if c.dump() not in {o.dump() for o in other_certs}]
    timestamper = None
    if settings.tsa_url:
        timestamper = signing.http_timestamper(settings.tsa_url)
    elif (pki / "tsa.pem").is_file():
        timestamper = signing.http_timestamper(_local_tsa_url(pki))
    limiter = attempt_limiter(settings)
    return SigningSetup(
        pki=pki,
        trust_roots=trust_roots,
        other_certs=other_certs,
        crls=_crls(pki, CRL_FILES),
        timestamper=timestamper,
        limiter=limiter,
        production=settings.production,
        keys=keys,
        esign=esign,
    )
