"""The Esign back end: its set-up from the settings, and the steps of a signature made by BSrE.

Where an official's back end (:mod:`.backends`: the service's, the
region's or the official's own) is of kind ``esign-v1`` or ``esign-v2``,
the official's key is BSrE's: the service sends the whole letter, with the stamp's place (its
box under the template's bookmark of that signer, ``ttd`` or ``ttdmengetahui1``…, as
coordinates or as an invisible anchor character) and a QR code to the letter's verification
page, and the official's NIK and passphrase or TOTP (from the request:
never stored, logged or queued). What comes back is accepted only as the
sent file plus one signature naming that official, chaining to the
configured BSrE roots, its stamp where it was asked
(:func:`signing.esign.check_returned`); where the
level asked is B-LT or B-LTA the service then adds the validation data and
a document time stamp itself.

The official's NIK comes with each request (``nik``), beside the NIP the
letter names: the e-office system calling the API knows its officials, and
a wrong NIK cannot sign for someone else, since the returned certificate
must carry the penandatangan's NIP (or that NIK).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import qrcode
from asn1crypto import pem, x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import ValidationContext

import signing
from signing import PadesLevel, esign
from signing.placement import Box

from ..plumbing.config import ConfigError, Settings
from ..plumbing.errors import Finding, InvalidRequest, RemoteSignatureRefused, TooManyAttempts, esign_error
from ..plumbing.models import Surat
from ..plumbing.services import Services
from ..plumbing.timing import stage
from . import signature

logger = logging.getLogger(__name__)

@dataclass
class EsignBackend:
    client: esign.EsignClient
    trust_roots: list[asn1_x509.Certificate]
    """The BSrE root CAs a returned signature must chain to."""
    intermediates: list[asn1_x509.Certificate]
    placement: str
    """``coordinates`` or ``tag``."""


@dataclass(frozen=True)
class EsignConfig:
    """Where an Esign Client Service is and what the client needs for it: the ``esign_`` settings,
    or the options of a ``[signer_backends.<name>]`` table of kind ``esign-v1``/``esign-v2``."""

    version: str
    """``v1`` or ``v2``."""
    url: str
    username_file: Path
    password_file: Path
    roots_file: Path
    timeout: float = 60.0
    placement: str = "coordinates"
    prefix: str = "esign_"
    """How the settings name these options, for messages: ``esign_`` or ``signer_backends.<name>.``."""

    @classmethod
    def of_settings(cls, settings: Settings) -> EsignConfig:
        return cls(settings.signer_backend.removeprefix("esign-"), settings.esign_url, settings.esign_username_file,
                   settings.esign_password_file, settings.esign_roots_file, settings.esign_timeout,
                   settings.esign_placement)


def _secret_file(path: Path, key: str) -> str:
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(f"{key}: cannot read {path} ({e.strerror})") from None
    if not value:
        raise ConfigError(f"{key}: {path} is empty")
    return value


def _certificates(path: Path, key: str) -> list[asn1_x509.Certificate]:
    try:
        data = Path(path).read_bytes()
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    except (OSError, ValueError) as e:
        raise ConfigError(f"{key}: cannot read certificates from {path} ({e})") from None


def build_esign(config: EsignConfig, production: bool) -> EsignBackend:
    """The Esign back end ``config`` describes, checked now.

    :raises ConfigError: a credential or roots file that cannot be read, no root in it, or, with
        ``production = true``, a development root.
    """
    roots_key = f"{config.prefix}roots_file"
    certificates = _certificates(config.roots_file, roots_key)
    roots = [c for c in certificates if c.self_issued]
    if not roots:
        raise ConfigError(f"{roots_key}: {config.roots_file} holds no root certificate")
    if production and any(signing.is_development_certificate(c) for c in certificates):
        raise ConfigError(f"production = true but {roots_key} holds a development CA (suratkerja devpki)")
    client = esign.EsignClient(
        config.url, config.version,
        _secret_file(config.username_file, f"{config.prefix}username_file"),
        _secret_file(config.password_file, f"{config.prefix}password_file"), config.timeout,
    )
    return EsignBackend(client, roots, [c for c in certificates if not c.self_issued], config.placement)


# -- the steps ------------------------------------------------------------------

CREDENTIALS_RULE = "Layanan Esign BSrE (NIK dan passphrase atau TOTP pemilik sertifikat)"


def remote_credentials(backend: EsignBackend, request: dict) -> tuple[str, esign.Secret]:
    """The NIK and the passphrase or TOTP a signing request gives for BSrE.

    :raises InvalidRequest: no NIK, or a TOTP for version 1 (which takes passphrases only).
    """
    findings = []
    if not request.get("nik"):
        findings.append(Finding("/nik", "nik_wajib", "NIK penandatangan wajib diisi: sertifikatnya dikelola BSrE.",
                                CREDENTIALS_RULE))
    if request.get("totp") and backend.client.version == "v1":
        findings.append(Finding("/totp", "totp_tidak_didukung",
                                "Kode TOTP hanya dapat dipakai dengan layanan Esign versi 2; isi passphrase.",
                                CREDENTIALS_RULE))
    if findings:
        raise InvalidRequest(findings)
    kind = "totp" if request.get("totp") else "passphrase"
    return request["nik"], esign.Secret(kind, request[kind])


def local_passphrase(request: dict) -> str:
    """The passphrase (or PIN) of a key held here; a TOTP opens only BSrE's.

    :raises InvalidRequest: no passphrase.
    """
    if not request.get("passphrase"):
        raise InvalidRequest([Finding("/passphrase", "passphrase_wajib",
                                      "Passphrase sertifikat elektronik wajib diisi; TOTP hanya untuk sertifikat BSrE.",
                                      CREDENTIALS_RULE)])
    return request["passphrase"]



def check_not_locked_out(services: Services, nip: str) -> None:
    wait = services.signing.limiter.retry_after(nip)
    if wait:
        raise TooManyAttempts(wait)


@dataclass(frozen=True)
class Outgoing:
    """What is sent for a signature: the file, the stamp's place, and the box it must land in."""

    pdf: bytes
    placement: esign.client.Placement
    box: Box | None


def asked_box(sent: bytes, done: int) -> Box | None:
    """The box of the stamp of the signer after ``done`` signatures in the file ``sent`` (``None``: invisible)."""
    return signature.stamp_of(done).box(PdfFileReader(BytesIO(sent)))


def outgoing(services: Services, backend: EsignBackend, surat: Surat, pdf: bytes, done: int) -> Outgoing:
    """The letter ``pdf`` of ``surat`` to send for its signature after ``done``, with its stamp as coordinates,
    or at the signer's anchor (written, for every signer placed by tag, before the first signature); an unsigned
    letter goes with an empty form, against which the returned signature's update is compared."""
    sent = esign.with_empty_form(signature.anchored(services, surat, pdf)) if done == 0 else pdf
    box = asked_box(sent, done)
    if box is None:
        return Outgoing(sent, None, None)
    page, x1, y1, x2, y2 = box
    if backend.placement == "tag":
        return Outgoing(sent, esign.Tag(signature.TAGS[done], x2 - x1, y2 - y1), box)
    return Outgoing(sent, esign.Coordinates(page, x1, y1, x2 - x1, y2 - y1), box)


@lru_cache(maxsize=256)
def qr_png(url: str) -> bytes:
    """The QR code to ``url`` as PNG, drawn by the Esign service in the stamp's box."""
    out = BytesIO()
    qrcode.make(url, border=1).save(out)
    return out.getvalue()


def send(services: Services, backend: EsignBackend, surat: Surat, sent: Outgoing, *, nip: str, nik: str,
         secret: esign.Secret) -> esign.Signed:
    """``sent`` (of the letter ``surat``) signed by BSrE. A wrong passphrase or TOTP counts against ``nip``'s attempts.

    :raises esign.UnknownOutcome: sent, no answer: the caller marks the letter "belum pasti".
    :raises SuratError: a definite refusal (:func:`~service.plumbing.errors.esign_error`).
    """
    setup = services.signing
    try:
        with stage("sign"):
            signed = backend.client.sign(
                sent.pdf, nik=nik, secret=secret, placement=sent.placement, image=qr_png(signature.qr_url(services, surat)),
                reason=signature.reason(surat), location=surat.permintaan.get("tempat") or "")
    except esign.UnknownOutcome:
        raise
    except esign.EsignError as e:
        if isinstance(e, esign.WrongEsignPassphrase):
            setup.limiter.failed(nip)
        if isinstance(e, esign.ClientCredentialsRefused):
            logger.critical("ALERT: the Esign service at %s refused suratkerja's client credentials "
                            "(its username and password files): no letter can be signed through it", backend.client.base_url)
        raise esign_error(e) from None
    setup.limiter.reset(nip)
    return signed


def accept(services: Services, backend: EsignBackend, sent: bytes, returned: bytes, *, official: set[str],
           box: Box | None, level: str | None) -> bytes:
    """The returned file, checked strictly and raised to ``level`` (B-LT, B-LTA) where asked.

    A failure of the time stamp authority while raising it keeps the B-T file BSrE
    signed (logged): signing again would sign the letter twice.

    :raises RemoteSignatureRefused: not the sent file plus one signature by the official, its stamp in ``box``.
    """
    setup = services.signing
    try:
        report = esign.check_returned(sent, returned, official=official, trust_roots=backend.trust_roots,
                                      other_certs=backend.intermediates + setup.other_certs, crls=setup.crls, box=box)
    except esign.ReturnedFileRefused as e:
        logger.warning("refused the file the Esign service returned (SHA-256 %s): %s",
                       hashlib.sha256(returned).hexdigest(), e.reason)
        raise RemoteSignatureRefused(
            "Berkas yang dikembalikan layanan Esign bukan surat yang dikirim dengan satu tanda tangan "
            "pejabat penandatangan; berkas tidak disimpan dan surat tidak berubah.") from e
    pades = PadesLevel(level or services.settings.pades_level)
    context = ValidationContext(trust_roots=backend.trust_roots, other_certs=backend.intermediates + setup.other_certs,
                                crls=setup.crls, allow_fetching=setup.production)
    try:
        with stage("augment"):
            return esign.augment(returned, pades, timestamped=report.timestamp_time is not None,
                                 timestamper=setup.timestamper, validation_context=context)
    except signing.SigningError as e:
        logger.warning("kept the Esign file at %s: raising it to %s failed: %s", report.level, pades.value, e)
        return returned
