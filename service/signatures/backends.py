"""Which signer back end signs for an official: the official's own, the region's, or the service's.

A back end is named. The kinds' own names (``pkcs12``, ``pkcs11``,
``csc``, ``esign-v1``, ``esign-v2``) are back ends too; any other name is
a table ``[signer_backends.<name>]`` with a ``kind`` and that kind's
options, so two pemda can sign through two services of the same kind.
``signer_backend`` is the default, ``signer_backend_by_wilayah`` a
region's (by profile ``kode``) and ``signer_backend_by_nip`` an official's
own, which wins over the region's.

Every back end is built, and its options checked, at start-up; a kind is
one :data:`FACTORIES` entry. A factory gets the back end's options and
returns its :class:`Backend`: the officials' :class:`Keys` (a key unlocked
for one signature, here or at a CSC service) or the Esign service that
signs the whole letter, with the trust it brings: a remote service's
certificates chain to its own CAs, not to ``pki_dir``, and both the
signatures it makes (B-LT/B-LTA validation data) and their verification
need them. In production a back end's CAs must not be development CAs, and
a CSC service's URL must be HTTPS (the official's PIN travels to it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol

from asn1crypto import crl as asn1_crl, x509 as asn1_x509
from pyhanko.sign.signers import Signer

import signing
from signing.csc import CscKeystore, CscService

from ..plumbing.config import ConfigError, Settings
from .esign import EsignBackend, EsignConfig, build_esign

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
class Trust:
    """CA certificates and CRLs: the service's ``pki_dir``, or what a back end adds to it."""

    roots: list[asn1_x509.Certificate] = field(default_factory=list)
    others: list[asn1_x509.Certificate] = field(default_factory=list)
    """Intermediate CAs."""
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    """Parsed once: asn1crypto keeps the prepared names of a parsed certificate (see :func:`signing.verify_pdf`)."""

    @classmethod
    def read(cls, directory: Path) -> Trust:
        """``root-ca.pem``, ``issuing-ca.pem`` and their CRLs in ``directory``, those that exist."""
        def files(names):
            return [(directory / n).read_bytes() for n in names if (directory / n).is_file()]

        return cls(roots=[signing.as_certificate(der) for der in files((ROOT_CA,))],
                   others=[signing.as_certificate(der) for der in files(CA_FILES[1:])],
                   crls=[asn1_crl.CertificateList.load(der) for der in files(CRL_FILES)])

    def joined(self, others: list[Trust]) -> Trust:
        """This trust and ``others``', each certificate and CRL once."""
        def unique(items):
            return list({item.dump(): item for item in items}.values())

        every = [self, *others]
        return Trust(roots=unique(c for t in every for c in t.roots), others=unique(c for t in every for c in t.others),
                     crls=unique(c for t in every for c in t.crls))

    def development_ca(self) -> bool:
        return any(signing.is_development_certificate(cert) for cert in self.roots + self.others)


@dataclass
class Backend:
    keys: Keys | None
    """The officials' keys, each unlocked for one signature; None for the Esign service."""
    trust: Trust = field(default_factory=Trust)
    """What the back end's certificates chain to, beyond ``pki_dir``."""
    esign: EsignBackend | None = None
    """The Esign Client Service that signs whole letters instead of a key here (:mod:`.esign`)."""


class Options:
    """A back end's options from its table, each read once with its type; what is left over is refused."""

    def __init__(self, name: str, table: Mapping[str, Any]):
        self.name = name
        self._left = {k: v for k, v in table.items() if k != "kind"}

    def get(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        """:raises ConfigError: missing though ``required``, or not of ``kind`` (a string is taken for a path)."""
        if key not in self._left:
            if required:
                raise ConfigError(f"signer_backends.{self.name} needs {key}")
            return default
        value = self._left.pop(key)
        if kind is Path and isinstance(value, str):
            return Path(value)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise ConfigError(f"signer_backends.{self.name}.{key} must be {kind.__name__}, not {type(value).__name__}")
        return value

    def done(self) -> None:
        """:raises ConfigError: an option no one read (misspelt, or of another kind)."""
        if self._left:
            raise ConfigError(f"signer_backends.{self.name}: unknown options {sorted(self._left)}")


@dataclass(frozen=True)
class BackendSpec:
    """What a factory builds a back end from."""

    settings: Settings
    name: str
    kind: str
    options: Options
    pki: Trust
    """The service's own ``pki_dir``: a local key's chain."""


def pkcs12_files(spec: BackendSpec) -> Backend:
    """``directory`` (default ``pki_dir/officials``) of ``<nip>.p12`` files."""
    return Backend(Pkcs12Files(spec.options.get("directory", Path, spec.settings.pki / "officials")))


def pkcs11_token(spec: BackendSpec) -> Backend:
    """The token of the ``pkcs11_*`` settings.

    :raises ConfigError: no module configured, or the module or token cannot be opened.
    """
    settings = spec.settings
    if settings.pkcs11_module is None:
        raise ConfigError(f'signer back end "{spec.name}" needs pkcs11_module')
    try:
        return Backend(signing.Pkcs11Keystore(
            settings.pkcs11_module, token_label=settings.pkcs11_token_label or None,
            slot=settings.pkcs11_slot, chain=spec.pki.others,
        ))
    except signing.SigningError as e:
        raise ConfigError(f'signer_backend = "{spec.name}": {e}') from None


def csc_service(spec: BackendSpec) -> Backend:
    """A Cloud Signature Consortium service (:mod:`signing.csc`).

    Options: ``url`` (before ``/csc/v1``), ``credential_id`` (``{nip}`` for
    the NIP; default ``"{nip}"``), ``token_file`` (a file holding this
    client's OAuth bearer token), ``secret`` (``"PIN"`` or ``"OTP"``: what
    the official types), ``timeout`` (seconds, default 30), ``trust_dir``
    (the service's ``root-ca.pem``, ``issuing-ca.pem`` and CRLs).

    :raises ConfigError: no URL, an unreadable token file, or in production a URL that is not HTTPS.
    """
    options = spec.options
    url = options.get("url", str, required=True)
    token_file = options.get("token_file", Path)
    secret = options.get("secret", str, "PIN")
    if secret not in ("PIN", "OTP"):
        raise ConfigError(f'signer_backends.{spec.name}.secret must be "PIN" or "OTP"')
    trust_dir = options.get("trust_dir", Path)
    try:
        token = token_file.read_text(encoding="utf-8").strip() if token_file else None
    except OSError as e:
        raise ConfigError(f"signer_backends.{spec.name}.token_file cannot be read: {e.strerror}") from None
    if spec.settings.production and not url.startswith("https://"):
        raise ConfigError(f"production = true but signer_backends.{spec.name}.url is not HTTPS")
    service = CscService(url, token=token, secret=secret, timeout=options.get("timeout", float, 30.0))
    keystore = CscKeystore(service, options.get("credential_id", str, "{nip}"))
    return Backend(keystore, Trust.read(trust_dir) if trust_dir else Trust())


def esign_service(spec: BackendSpec) -> Backend:
    """BSrE's Esign Client Service (:mod:`.esign`), version 1 or 2 by the kind.

    Options (each defaulting to the ``esign_`` setting of the same name):
    ``url``, ``username_file``, ``password_file`` (the client application's
    Basic-auth credentials), ``roots_file`` (the BSrE roots and
    intermediates), ``timeout``, ``placement`` (``coordinates`` or ``tag``).

    :raises ConfigError: an option missing here and in the settings, or see :func:`.esign.build_esign`.
    """
    settings, options = spec.settings, spec.options
    prefix = f"signer_backends.{spec.name}." if spec.name in settings.signer_backends else "esign_"
    values = {key: options.get(key, kind, getattr(settings, f"esign_{key}"))
              for key, kind in (("url", str), ("username_file", Path), ("password_file", Path),
                                ("roots_file", Path), ("timeout", float), ("placement", str))}
    missing = [f"{prefix}{key}" for key in ("url", "username_file", "password_file", "roots_file") if not values[key]]
    if missing:
        raise ConfigError(f'signer back end "{spec.name}" needs {", ".join(missing)}')
    if values["placement"] not in ("coordinates", "tag") or values["timeout"] <= 0:
        raise ConfigError(f'signer back end "{spec.name}": placement is "coordinates" or "tag", timeout positive')
    backend = build_esign(EsignConfig(spec.kind.removeprefix("esign-"), prefix=prefix, **values),
                          settings.production)
    return Backend(None, Trust(roots=backend.trust_roots, others=backend.intermediates), esign=backend)


FACTORIES: dict[str, Callable[[BackendSpec], Backend]] = {
    "pkcs12": pkcs12_files,
    "pkcs11": pkcs11_token,
    "csc": csc_service,
    "esign-v1": esign_service,
    "esign-v2": esign_service,
}
"""One entry per kind of ``signer_backend``."""


@dataclass
class SignerBackends:
    """Every configured back end, and which one an official signs with."""

    default: str
    backends: dict[str, Backend]
    by_wilayah: Mapping[str, str]
    by_nip: Mapping[str, str]

    def name_for(self, wilayah: str, nip: str) -> str:
        """The official's own back end, else the region's, else the service's default."""
        return self.by_nip.get(nip) or self.by_wilayah.get(wilayah) or self.default

    def keys_for(self, wilayah: str, nip: str) -> Keys:
        """The keys of the official's back end (not the Esign service's: see :meth:`esign_for`)."""
        keys = self.backends[self.name_for(wilayah, nip)].keys
        if keys is None:
            raise signing.SigningError("this official signs through the Esign service, not with a key here")
        return keys

    def esign_for(self, wilayah: str, nip: str) -> EsignBackend | None:
        """The Esign service that signs for the official, if their back end is one."""
        return self.backends[self.name_for(wilayah, nip)].esign


def build_backends(settings: Settings, pki: Trust, regions: Collection[str]) -> SignerBackends:
    """Every back end the settings name, built and checked now.

    :param regions: the codes of the region profiles: a misspelt region would
        otherwise sign, unnoticed, through the default back end.
    :raises ConfigError: an unknown region, a back end's options, or in
        production a back end on development CAs.
    """
    unknown = sorted(set(settings.signer_backend_by_wilayah) - set(regions))
    if unknown:
        raise ConfigError(f"signer_backend_by_wilayah: no region profile {', '.join(map(repr, unknown))}")
    names = {settings.signer_backend, *settings.signer_backends, *settings.signer_backend_by_wilayah.values(),
             *settings.signer_backend_by_nip.values()}
    backends = {}
    for name in sorted(names):
        table = settings.signer_backends.get(name, {})
        options, kind = Options(name, table), table.get("kind", name)
        backends[name] = FACTORIES[kind](BackendSpec(settings, name, kind, options, pki))
        options.done()
        if settings.production and backends[name].trust.development_ca():
            raise ConfigError(f"production = true but signer back end {name!r} trusts a development CA "
                              "(suratkerja devpki): give it the provider's production CAs")
    return SignerBackends(settings.signer_backend, backends, settings.signer_backend_by_wilayah,
                          settings.signer_backend_by_nip)
