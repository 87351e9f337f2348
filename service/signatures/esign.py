"""The Esign back end: its set-up from the settings, and the steps of a signature made by BSrE.

With ``signer_backend = "esign-v1"`` or ``"esign-v2"`` the officials' keys
are BSrE's: the service sends the whole letter, with the stamp's place (its
box under the template's bookmark ``ttd``, as coordinates or as an
invisible anchor character) and a QR code to the letter's verification
page, and the official's NIK and passphrase or TOTP (from the request:
never stored, logged or queued). What comes back is accepted only as the
sent file plus one signature naming that official, chaining to the
configured BSrE roots (:func:`signing.esign.check_returned`); where the
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

from ..plumbing.config import ConfigError, Settings
from ..plumbing.errors import Finding, InvalidRequest, RemoteSignatureRefused, TooManyAttempts, esign_error
from ..plumbing.models import Surat
from ..plumbing.services import Services
from ..plumbing.timing import stage
from . import signature

logger = logging.getLogger(__name__)

TAG = "#"
"""The anchor character of tag placement, as public clients of the service use it."""


@dataclass
class EsignBackend:
    client: esign.EsignClient
    trust_roots: list[asn1_x509.Certificate]
    """The BSrE root CAs a returned signature must chain to."""
    intermediates: list[asn1_x509.Certificate]
    placement: str
    """``coordinates`` or ``tag``."""


def _secret_file(path: Path, key: str) -> str:
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(f"{key}: cannot read {path} ({e.strerror})") from None
    if not value:
        raise ConfigError(f"{key}: {path} is empty")
    return value


def _certificates(path: Path) -> list[asn1_x509.Certificate]:
    try:
        data = Path(path).read_bytes()
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    except (OSError, ValueError) as e:
        raise ConfigError(f"esign_roots_file: cannot read certificates from {path} ({e})") from None


def build_esign(settings: Settings) -> EsignBackend | None:
    """The Esign back end ``signer_backend`` names, or None for a local one.

    :raises ConfigError: a credential or roots file that cannot be read, no root in it, or, with
        ``production = true``, a development root.
    """
    if not settings.signer_backend.startswith("esign-"):
        return None
    certificates = _certificates(settings.esign_roots_file)
    roots = [c for c in certificates if c.self_issued]
    if not roots:
        raise ConfigError(f"esign_roots_file: {settings.esign_roots_file} holds no root certificate")
    if settings.production and any(signing.is_development_certificate(c) for c in certificates):
        raise ConfigError("production = true but esign_roots_file holds a development CA (suratkerja devpki)")
    client = esign.EsignClient(
        settings.esign_url, settings.signer_backend.removeprefix("esign-"),
        _secret_file(settings.esign_username_file, "esign_username_file"),
        _secret_file(settings.esign_password_file, "esign_password_file"), settings.esign_timeout,
    )
    return EsignBackend(client, roots, [c for c in certificates if not c.self_issued], settings.esign_placement)


# -- the steps ------------------------------------------------------------------

CREDENTIALS_RULE = "Layanan Esign BSrE (NIK dan passphrase atau TOTP pemilik sertifikat)"


def remote_credentials(services: Services, request: dict) -> tuple[str, esign.Secret]:
    """The NIK and the passphrase or TOTP a signing request gives for BSrE.

    :raises InvalidRequest: no NIK, or a TOTP for version 1 (which takes passphrases only).
    """
    findings = []
    if not request.get("nik"):
        findings.append(Finding("/nik", "nik_wajib", "NIK penandatangan wajib diisi: sertifikatnya dikelola BSrE.",
                                CREDENTIALS_RULE))
    if request.get("totp") and services.signing.esign.client.version == "v1":
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


def placed(services: Services, pdf: bytes, stamp: signing.BelowDestination) -> tuple[bytes, esign.client.Placement]:
    """The file to send and the stamp's place in it: its box in ``pdf`` as coordinates, or at an anchor."""
    box = stamp.box(PdfFileReader(BytesIO(pdf)))
    if box is None:
        return pdf, None
    page, x1, y1, x2, y2 = box
    if services.signing.esign.placement == "tag":
        return esign.with_anchor(pdf, TAG, page, x1, y1), esign.Tag(TAG, x2 - x1, y2 - y1)
    return pdf, esign.Coordinates(page, x1, y1, x2 - x1, y2 - y1)


@lru_cache(maxsize=256)
def qr_png(url: str) -> bytes:
    """The QR code to ``url`` as PNG, drawn by the Esign service in the stamp's box."""
    out = BytesIO()
    qrcode.make(url, border=1).save(out)
    return out.getvalue()


def send(services: Services, surat: Surat, sent: bytes, placement, *, nip: str, nik: str,
         secret: esign.Secret) -> esign.Signed:
    """``sent`` (the letter ``surat``) signed by BSrE. A wrong passphrase or TOTP counts against ``nip``'s attempts.

    :raises esign.UnknownOutcome: sent, no answer: the caller marks the letter "belum pasti".
    :raises SuratError: a definite refusal (:func:`~service.plumbing.errors.esign_error`).
    """
    setup = services.signing
    try:
        with stage("sign"):
            signed = setup.esign.client.sign(
                sent, nik=nik, secret=secret, placement=placement, image=qr_png(signature.qr_url(services, surat)),
                reason=signature.reason(surat), location=surat.permintaan.get("tempat") or "")
    except esign.UnknownOutcome:
        raise
    except esign.EsignError as e:
        if isinstance(e, esign.WrongEsignPassphrase):
            setup.limiter.failed(nip)
        if isinstance(e, esign.ClientCredentialsRefused):
            logger.critical("ALERT: the Esign service at %s refused suratkerja's client credentials "
                            "(esign_username_file, esign_password_file): no letter can be signed", setup.esign.client.base_url)
        raise esign_error(e) from None
    setup.limiter.reset(nip)
    return signed


def accept(services: Services, sent: bytes, returned: bytes, *, official: set[str], level: str | None) -> bytes:
    """The returned file, checked strictly and raised to ``level`` (B-LT, B-LTA) where asked.

    A failure of the time stamp authority while raising it keeps the B-T file BSrE
    signed (logged): signing again would sign the letter twice.

    :raises RemoteSignatureRefused: not the sent file plus one signature by the official.
    """
    setup = services.signing
    try:
        report = esign.check_returned(sent, returned, official=official, trust_roots=setup.esign.trust_roots,
                                      other_certs=setup.esign.intermediates + setup.other_certs, crls=setup.crls)
    except esign.ReturnedFileRefused as e:
        logger.warning("refused the file the Esign service returned (SHA-256 %s): %s",
                       hashlib.sha256(returned).hexdigest(), e.reason)
        raise RemoteSignatureRefused(
            "Berkas yang dikembalikan layanan Esign bukan surat yang dikirim dengan satu tanda tangan "
            "pejabat penandatangan; berkas tidak disimpan dan surat tidak berubah.") from e
    pades = PadesLevel(level or services.settings.pades_level)
    context = ValidationContext(trust_roots=setup.esign.trust_roots, other_certs=setup.esign.intermediates + setup.other_certs,
                                crls=setup.crls, allow_fetching=setup.production)
    try:
        with stage("augment"):
            return esign.augment(returned, pades, timestamped=report.timestamp_time is not None,
                                 timestamper=setup.timestamper, validation_context=context)
    except signing.SigningError as e:
        logger.warning("kept the Esign file at %s: raising it to %s failed: %s", report.level, pades.value, e)
        return returned
