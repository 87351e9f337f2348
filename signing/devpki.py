"""Development PKI: root CA, issuing CA, officials' PKCS#12 files, a TSA.

Letters must be signable on a developer's machine and in tests without a
real certification authority, so this module builds a small, clearly marked
PKI with :mod:`cryptography`. Every CA name carries
:data:`DEVELOPMENT_MARKER`; :func:`is_development_certificate` lets the
service refuse such certificates in production mode.

Choices (and why):

* **RSA 2048** for every key. Signing with it costs about 1 ms, and every
  PDF reader (poppler/NSS, Acrobat) accepts it; P-256 would sign faster but
  the difference disappears behind the rest of a PAdES signature, and RSA
  keeps the local TSA compatible with pyHanko's RSA-only test TSA code.
* **Subject of an official**: ``CN`` = nama, ``serialNumber`` = the 18-digit
  NIP (digits only), ``title`` = jabatan, ``O`` = the organisation (region
  government), ``C=ID``. :mod:`signing.verify` reads the NIP back from
  ``serialNumber``.
* **CRLs** for both CAs are written as DER files; the certificates point at
  ``<base_url>/pki/<ca>.crl`` so a web server over the directory can publish
  them. Tests give the CRLs to the validation context directly.
* **Passphrases** of the PKCS#12 files are random per official and stored in
  ``<nip>.passphrase`` (mode 0600) beside ``<nip>.p12``, unless the caller
  supplies one (tests, ``--passphrase-env``). They are never printed.

Layout of the directory::

    root-ca.pem  root-ca.key.pem  root-ca.crl
    issuing-ca.pem  issuing-ca.key.pem  issuing-ca.crl
    tsa.pem  tsa.key.pem
    officials/<nip>.pem  officials/<nip>.p12  officials/<nip>.passphrase

Existing files are kept: running the command again only adds officials that
are missing and renews CRLs that are about to expire.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

logger = logging.getLogger(__name__)

DEVELOPMENT_MARKER = "suratkerja DEVELOPMENT CA — NOT FOR PRODUCTION"
ROOT = "root-ca"
ISSUING = "issuing-ca"
TSA = "tsa"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_ORGANISATION = "Pemerintah Daerah (pengembangan suratkerja)"
_CRL_LIFETIME = dt.timedelta(days=30)
_CRL_RENEW_BEFORE = dt.timedelta(days=7)


@dataclass(frozen=True)
class Official:
    """A person who signs letters: the certificate subject is built from it."""

    nama: str
    nip: str
    jabatan: str

    def __post_init__(self):
        if len(self.nip) != 18 or not self.nip.isdigit():
            raise ValueError("NIP must be 18 digits")


@dataclass(frozen=True)
class Authority:
    """A certificate with its private key, as used to issue further certs."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def issue_certificate(
    issuer: Authority | None,
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    *,
    kind: str,
    base_url: str = DEFAULT_BASE_URL,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> x509.Certificate:
    """Issue one certificate; ``issuer=None`` makes a self-signed root.

    :param kind: ``"ca"``, ``"signer"`` or ``"tsa"``; sets the extensions.
    :param not_before/not_after: override the validity (tests use this to
        make an expired certificate).
    """
    now = _now()
    not_before = not_before or now - dt.timedelta(hours=1)
    if not_after is None:
        not_after = now + dt.timedelta(days=3650 if kind == "ca" else 730)
    signing_key = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                signing_key.public_key()
            ),
            critical=False,
        )
    )
    is_ca = kind == "ca"
    builder = builder.add_extension(
        x509.BasicConstraints(ca=is_ca, path_length=None), critical=True
    ).add_extension(
        x509.KeyUsage(
            digital_signature=not is_ca,
            content_commitment=kind == "signer",
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=is_ca,
            crl_sign=is_ca,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    if kind == "tsa":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
            critical=True,
        )
    if issuer is not None:
        issuer_is_root = issuer.cert.issuer == issuer.cert.subject
        crl_url = f"{base_url.rstrip('/')}/pki/{ROOT if issuer_is_root else ISSUING}.crl"
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256())


def make_crl(
    authority: Authority, revoked_serials: tuple[int, ...] = ()
) -> x509.CertificateRevocationList:
    """An empty (or listing ``revoked_serials``) CRL valid for 30 days."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + _CRL_LIFETIME)
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                authority.key.public_key()
            ),
            critical=False,
        )
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - dt.timedelta(minutes=1))
            .build()
        )
    return builder.sign(authority.key, hashes.SHA256())


def ca_name(label: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{label} — {DEVELOPMENT_MARKER}"),
        ]
    )


def official_name(official: Official, organisation: str) -> x509.Name:
    """Subject of an official's certificate (see the module docstring)."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.TITLE, official.jabatan),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, official.nip),
            x509.NameAttribute(NameOID.COMMON_NAME, official.nama),
        ]
    )


def pkcs12_bytes(
    name: str,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: bytes,
) -> bytes:
    """Serialise key, certificate and chain into an encrypted PKCS#12."""
    return pkcs12.serialize_key_and_certificates(
        name.encode(),
        key,
        cert,
        chain,
        serialization.BestAvailableEncryption(passphrase),
    )


class DevPki:
    """A development PKI stored in ``directory``; call :meth:`ensure` first.

    :param base_url: where ``<directory>/*.crl`` will be published, as
        ``<base_url>/pki/<ca>.crl`` (written into the certificates).
    :param organisation: ``O`` of every certificate (region government).
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        *,
        base_url: str = DEFAULT_BASE_URL,
        organisation: str = DEFAULT_ORGANISATION,
    ):
        self.directory = Path(directory)
        self.base_url = base_url
        self.organisation = organisation

    # -- loading / creating -------------------------------------------------

    def _load_or_create(
        self, label: str, subject: x509.Name, issuer: Authority | None, kind: str
    ) -> Authority:
        cert_path = self.directory / f"{label}.pem"
        key_path = self.directory / f"{label}.key.pem"
        if cert_path.exists() and key_path.exists():
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            return Authority(cert, key)
        key = _new_key()
        cert = issue_certificate(
            issuer, subject, key, kind=kind, base_url=self.base_url
        )
        _write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        cert_path.write_bytes(_pem(cert))
        logger.info("created %s certificate in %s", label, self.directory)
        return Authority(cert, key)

    def ensure(self) -> DevPki:
        """Create what is missing (CAs, TSA, CRLs) and renew stale CRLs."""
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "officials").mkdir(exist_ok=True)
        self.root = self._load_or_create(
            ROOT, ca_name("Root CA", self.organisation), None, "ca"
        )
        self.issuing = self._load_or_create(
            ISSUING, ca_name("Issuing CA", self.organisation), self.root, "ca"
        )
        tsa_subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organisation),
                x509.NameAttribute(
                    NameOID.COMMON_NAME, "suratkerja DEVELOPMENT TSA"
                ),
            ]
        )
        self.tsa = self._load_or_create(TSA, tsa_subject, self.issuing, "tsa")
        for label, authority in ((ROOT, self.root), (ISSUING, self.issuing)):
            path = self.directory / f"{label}.crl"
            if path.exists():
                crl = x509.load_der_x509_crl(path.read_bytes())
                if crl.next_update_utc - _now() > _CRL_RENEW_BEFORE:
                    continue
            path.write_bytes(
                make_crl(authority).public_bytes(serialization.Encoding.DER)
            )
        return self

    def add_official(
        self, official: Official, passphrase: bytes | None = None
    ) -> Path:
        """Issue a certificate and PKCS#12 for ``official`` unless present.

        :param passphrase: for the PKCS#12 (tests, ``--passphrase-env``);
            ``None`` generates a random one into ``<nip>.passphrase``.
        :return: the path of the ``.p12`` file.
        """
        base = self.directory / "officials" / official.nip
        p12_path = base.with_suffix(".p12")
        if p12_path.exists():
            return p12_path
        key = _new_key()
        cert = issue_certificate(
            self.issuing,
            official_name(official, self.organisation),
            key,
            kind="signer",
            base_url=self.base_url,
        )
        if passphrase is None:
            passphrase = secrets.token_urlsafe(24).encode()
            _write_private(base.with_suffix(".passphrase"), passphrase)
        _write_private(
            p12_path,
            pkcs12_bytes(
                official.nama, key, cert, [self.issuing.cert, self.root.cert],
                passphrase,
            ),
        )
        base.with_suffix(".pem").write_bytes(_pem(cert))
        logger.info("issued a development certificate for NIP %s", official.nip)
        return p12_path

    def add_officials(self, officials, passphrase: bytes | None = None) -> list[Path]:
        """:meth:`add_official` for each of ``officials``, a few at a time.

        OpenSSL generates RSA keys without holding Python's global lock: on
        two cores the 21 sample officials take 0.85 s instead of 1.3 s.
        """
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            return list(pool.map(lambda official: self.add_official(official, passphrase), officials))

    # -- accessors in pyHanko's (asn1crypto) terms -------------------------

    def asn1(self, cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(
            cert.public_bytes(serialization.Encoding.DER)
        )

    @property
    def crl_paths(self) -> list[Path]:
        return [self.directory / f"{ROOT}.crl", self.directory / f"{ISSUING}.crl"]


def is_development_certificate(cert) -> bool:
    """Whether ``cert`` is, or was issued by, a suratkerja development CA.

    Accepts a :mod:`cryptography` or :mod:`asn1crypto` certificate. The
    check looks for :data:`DEVELOPMENT_MARKER` in the subject or issuer
    common name, which every CA of this module carries.
    """
    if isinstance(cert, x509.Certificate):
        names = (cert.subject, cert.issuer)
        values = [
            attr.value
            for name in names
            for attr in name.get_attributes_for_oid(NameOID.COMMON_NAME)
        ]
    else:
        values = [
            name.native.get("common_name", "")
            for name in (cert.subject, cert.issuer)
        ]
    return any(DEVELOPMENT_MARKER in str(value) for value in values)


def load_officials(path: str | os.PathLike) -> list[Official]:
    """Read ``[{"nama": …, "nip": …, "jabatan": …}, …]`` from a JSON file."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Official(nama=e["nama"], nip=str(e["nip"]), jabatan=e["jabatan"])
        for e in entries
    ]


def main(argv: list[str] | None = None) -> int:
    """``suratkerja-devpki DIR --officials officials.json [--base-url URL]``."""
    parser = argparse.ArgumentParser(
        prog="suratkerja-devpki",
        description="Create or extend the suratkerja development PKI "
        "(NOT FOR PRODUCTION).",
    )
    parser.add_argument("directory")
    parser.add_argument(
        "--officials",
        help='JSON file: [{"nama": ..., "nip": ..., "jabatan": ...}, ...]',
    )
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL)
    parser.add_argument("--organisation", default=DEFAULT_ORGANISATION)
    parser.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="take the PKCS#12 passphrase from this environment variable "
        "instead of generating one per official",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    passphrase = None
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if not value:
            parser.error(f"environment variable {args.passphrase_env} is empty")
        passphrase = value.encode()
    pki = DevPki(
        args.directory, base_url=args.base_url, organisation=args.organisation
    ).ensure()
    officials = load_officials(args.officials) if args.officials else []
    for official in officials:
        pki.add_official(official, passphrase)
    print(f"development PKI in {pki.directory} ({len(officials)} officials)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
