"""The steps of a signature, shared by create-and-sign and sign-later.

A letter is signed by its penandatangan; a pengajuan sukarela is then
countersigned ("Mengetahui") by each superior in order. The first signature
certifies the document: no changes allowed (DocMDP P=1), or, where
countersignatures follow, only the filling of their pre-created fields (P=2).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import signing
from signing import Appearance, PadesLevel

from ..letters.nip import format_nip
from ..plumbing.errors import Conflict, Forbidden, ServiceUnavailable, TooManyAttempts, Unauthorized
from ..plumbing.models import AWAITING_COUNTERSIGN, SIGNED, UNCERTAIN, Riwayat, Surat
from ..plumbing.services import Services
from ..plumbing.timing import stage

MAIN_FIELD = "TTD"
STAMP_WIDTH, STAMP_HEIGHT = 215, 90


def countersign_field(index: int) -> str:
    return f"TTD_Mengetahui_{index}"


def countersign_bookmark(index: int) -> str:
    """The template's bookmark over the ``index``-th "Mengetahui" signer's stamp area (1-based)."""
    return f"ttdmengetahui{index}"


def signers_of(surat: Surat) -> list[dict]:
    """Who signs, in order: the penandatangan, then any "Mengetahui"."""
    request = surat.permintaan
    return [request["penandatangan"], *request.get("mengetahui", [])]


def status_after(surat: Surat, done: int) -> str:
    """The letter's status once ``done`` signatures are on it."""
    return SIGNED if done == len(signers_of(surat)) else AWAITING_COUNTERSIGN


def signer_line(official: dict) -> str:
    """Who signed (or tried), as the history says."""
    return f"{official['nama']} (NIP {official['nip']})"


def history_entry(official: dict, done: int, sha256: str) -> Riwayat:
    """The history line of the ``done``-th signature (1 = the penandatangan's)."""
    return Riwayat(aksi="ditandatangani" if done == 1 else "ditandatangani_mengetahui",
                   oleh=signer_line(official), sha256=sha256)


def check_signer(nip: str, official: dict) -> None:
    """Only the official whose turn it is may sign."""
    if nip != official["nip"]:
        raise Forbidden(f"Hanya {official['nama']} (NIP {format_nip(official['nip'])}) yang berhak menandatangani.")


def check_not_uncertain(surat: Surat) -> None:
    """A letter whose remote signature is unknown is settled first, never signed again meanwhile."""
    if surat.status == UNCERTAIN:
        raise Conflict("Penandatanganan surat ini belum pasti (layanan Esign tidak menjawab). "
                       "Lakukan rekonsiliasi dulu; jangan menandatangani ulang.")


def check_single_signer(order: list[dict]) -> None:
    """The Esign service adds a signature field of its own, which a countersignature after it would
    have to add again: letters with "Mengetahui" are not signed through it (yet)."""
    if len(order) > 1:
        raise Conflict("Surat dengan tanda tangan \"Mengetahui\" belum dapat ditandatangani melalui "
                       "layanan Esign BSrE; gunakan sertifikat yang dikelola layanan ini.")


def qr_url(services: Services, surat: Surat) -> str:
    """The letter's verification page, printed as the stamp's QR code."""
    return services.settings.verification_url(surat.id)


def reason(surat: Surat) -> str:
    return f"Penandatanganan {surat.jenis} {surat.nomor}"


def check_key(services: Services, nip: str) -> None:
    """What opening ``nip``'s key needs, answered at once: not locked out, a key on file."""
    setup = services.signing
    wait = setup.limiter.retry_after(nip)
    if wait:
        raise TooManyAttempts(wait)
    if not setup.has_key(nip):
        raise Conflict(f"Belum ada sertifikat elektronik untuk NIP {format_nip(nip)}.")


def unlock(services: Services, nip: str, passphrase: str):
    """The official's signer; a wrong passphrase counts against the limit.

    :raises Unauthorized: wrong passphrase (never echoed).
    :raises ServiceUnavailable: the key cannot be used (a token out of reach),
        or a development certificate in production.
    """
    setup = services.signing
    try:
        with stage("unlock"):
            signer = setup.unlock(nip, passphrase)
    except signing.WrongPassphrase:
        setup.limiter.failed(nip)
        raise Unauthorized("Passphrase tidak cocok dengan sertifikat elektronik penandatangan.") from None
    except signing.SigningError as e:
        raise ServiceUnavailable("Kunci penanda tangan tidak dapat dibuka; surat tidak berubah.") from e
    setup.limiter.reset(nip)
    if setup.production and signing.is_development_certificate(signer.signing_cert):
        raise ServiceUnavailable("Sertifikat pengembangan tidak boleh dipakai di produksi.")
    return signer


_KEY_DERIVATION = ThreadPoolExecutor(max_workers=4, thread_name_prefix="suratkerja-unlock")
"""Opens keys beside the request that waits for them: deriving the key from
a passphrase (PBKDF2, :mod:`hashlib`) releases the GIL."""


def unlock_beside(services: Services, nip: str, passphrase: str) -> Future:
    """:func:`unlock` started in the background; lock-out and a missing key are answered at once."""
    check_key(services, nip)
    return _KEY_DERIVATION.submit(unlock, services, nip, passphrase)


def below(bookmark: str) -> signing.BelowDestination:
    """The stamp's box under the template's bookmark (invisible where the template has none)."""
    return signing.BelowDestination(bookmark, STAMP_WIDTH, STAMP_HEIGHT)


def sign(services: Services, surat: Surat, pdf: bytes, signer, done: int, level: str | None) -> bytes:
    """``pdf`` of ``surat`` with the next signature (after ``done``) by ``signer``, in memory.

    :raises ServiceUnavailable: signing failed (e.g. the timestamp authority
        did not answer); nothing is changed.
    """
    order = signers_of(surat)
    official, total = order[done], len(order)
    pades = PadesLevel(level or services.settings.pades_level)
    setup = services.signing
    appearance = Appearance(
        jabatan=official["jabatan"], nama=official["nama"], nip=format_nip(official["nip"]),
        qr_url=qr_url(services, surat), footer=services.settings.footer,
    )
    options = dict(
        level=pades, timestamper=setup.timestamper, appearance=appearance,
        validation_context=setup.validation_context() if pades.rank >= PadesLevel.B_LT.rank else None,
        location=surat.permintaan.get("tempat"), reason=reason(surat),
    )
    try:
        with stage("sign"):
            if done:
                return signing.sign_pdf(pdf, signer, field_name=countersign_field(done), certify=False, **options)
            empty = [(countersign_field(i), below(countersign_bookmark(i))) for i in range(1, total)]
            return signing.sign_pdf(
                pdf, signer, field_name=MAIN_FIELD, box=below("ttd"), certify=True,
                docmdp="form_filling" if empty else "no_changes", empty_fields=empty, **options)
    except signing.SigningError as e:
        raise ServiceUnavailable("Penandatanganan gagal; surat tidak berubah.") from e
