"""The steps of a signature, shared by create-and-sign and sign-later.

A letter is signed by its penandatangan; a pengajuan sukarela is then
countersigned ("Mengetahui") by each superior in order, each stamp under
the template's bookmark of that signer (``ttd``, ``ttdmengetahui1``…).
Where every signer's key is held here, the first signature certifies the
document: no changes allowed (DocMDP P=1), or, where countersignatures
follow, only the filling of their pre-created fields (P=2).

Where a later signer signs through BSrE's Esign service, the service adds
a signature field of its own, and a certification would forbid that
(pyHanko, stricter than Acrobat, refuses a new visible field after any
certification); BSrE's own signature is never a certification either. So
such a letter is signed with approval signatures only, each countersignature
in a field created where its stamp goes. What may change after a signature
is then held by :mod:`signing.verify` instead of DocMDP: a signature in a
field of its own, validation data and time stamps, nothing else; the letter
is no less protected. Anchors for the service's tag placement are written
before the first signature, as text added after it would be a change.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

import signing
from signing import Appearance, PadesLevel
from signing.esign import with_anchors

from ..letters.common import blok_jabatan
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


TAGS = ("#", "$", "^", "~")
"""The anchor character of each signer's stamp in the Esign service's tag placement (the
penandatangan's, then up to three "Mengetahui"): the service places a stamp at the first
occurrence of its character, so no anchor may be another's."""


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


def qr_url(services: Services, surat: Surat) -> str:
    """The letter's verification page, printed as the stamp's QR code."""
    return services.settings.verification_url(surat.id)


def reason(surat: Surat) -> str:
    return f"Penandatanganan {surat.jenis} {surat.nomor}"


def check_key(services: Services, nip: str, wilayah: str) -> None:
    """What opening ``nip``'s key needs, answered at once: not locked out, a key at the official's back end.

    :raises ServiceUnavailable: a remote back end cannot be asked.
    """
    setup = services.signing
    wait = setup.limiter.retry_after(nip)
    if wait:
        raise TooManyAttempts(wait)
    try:
        held = setup.has_key(nip, wilayah)
    except signing.SigningError as e:
        raise ServiceUnavailable("Layanan tanda tangan elektronik tidak dapat dihubungi; surat tidak berubah.") from e
    if not held:
        raise Conflict(f"Belum ada sertifikat elektronik untuk NIP {format_nip(nip)}.")


def _wrong_passphrase(services: Services, nip: str) -> Unauthorized:
    """A wrong passphrase, PIN or OTP, counted against ``nip``'s attempts."""
    services.signing.limiter.failed(nip)
    return Unauthorized("Passphrase tidak cocok dengan sertifikat elektronik penandatangan.")


def unlock(services: Services, nip: str, wilayah: str, passphrase: str):
    """The official's signer; a wrong passphrase counts against the limit.

    :raises Unauthorized: wrong passphrase (never echoed).
    :raises ServiceUnavailable: the key cannot be used (a token or a remote
        service out of reach), or a development certificate in production.
    """
    setup = services.signing
    try:
        with stage("unlock"):
            signer = setup.unlock(nip, wilayah, passphrase)
    except signing.WrongPassphrase:
        raise _wrong_passphrase(services, nip) from None
    except signing.SigningError as e:
        raise ServiceUnavailable("Kunci penanda tangan tidak dapat dibuka; surat tidak berubah.") from e
    if setup.production and signing.is_development_certificate(signer.signing_cert):
        raise ServiceUnavailable("Sertifikat pengembangan tidak boleh dipakai di produksi.")
    return signer


_KEY_DERIVATION = ThreadPoolExecutor(max_workers=4, thread_name_prefix="suratkerja-unlock")
"""Opens keys beside the request that waits for them: deriving the key from
a passphrase (PBKDF2, :mod:`hashlib`) releases the GIL."""


def unlock_beside(services: Services, nip: str, wilayah: str, passphrase: str) -> Future:
    """:func:`unlock` started in the background; lock-out and a missing key are answered at once."""
    check_key(services, nip, wilayah)
    return _KEY_DERIVATION.submit(unlock, services, nip, wilayah, passphrase)


def below(bookmark: str) -> signing.BelowDestination:
    """The stamp's box under the template's bookmark (invisible where the template has none)."""
    return signing.BelowDestination(bookmark, STAMP_WIDTH, STAMP_HEIGHT)


def stamp_of(index: int) -> signing.BelowDestination:
    """The stamp's box of the ``index``-th signer (0 = the penandatangan)."""
    return below("ttd" if index == 0 else countersign_bookmark(index))


def _through_esign(services: Services, surat: Surat, official: dict):
    return services.signing.esign_for(surat.wilayah, official["nip"])


def anchored(services: Services, surat: Surat, pdf: bytes) -> bytes:
    """The unsigned ``pdf`` with the anchor of each signer whose Esign back end places stamps by tag."""
    reader = PdfFileReader(BytesIO(pdf))
    anchors = []
    for index, official in enumerate(signers_of(surat)):
        backend = _through_esign(services, surat, official)
        box = stamp_of(index).box(reader) if backend is not None and backend.placement == "tag" else None
        if box is not None:
            anchors.append((TAGS[index], *box[:3]))
    return with_anchors(pdf, anchors)


def sign(services: Services, surat: Surat, pdf: bytes, signer, done: int, level: str | None) -> bytes:
    """``pdf`` of ``surat`` with the next signature (after ``done``) by ``signer``, in memory.

    :raises Unauthorized: a remote service that authorises while signing
        (CSC at SCAL2) refused the official's PIN; counted against the limit.
    :raises ServiceUnavailable: signing failed (e.g. the timestamp authority
        did not answer); nothing is changed.
    """
    order = signers_of(surat)
    official, total = order[done], len(order)
    pades = PadesLevel(level or services.settings.pades_level)
    setup = services.signing
    appearance = Appearance(
        jabatan="\n".join(blok_jabatan(official)), nama=official["nama"], nip=format_nip(official["nip"]),
        qr_url=qr_url(services, surat),
    )  # the electronic-signature notice is printed at the foot of every page (the template's footer)
    options = dict(
        level=pades, timestamper=setup.timestamper, appearance=appearance,
        validation_context=setup.validation_context() if pades.rank >= PadesLevel.B_LT.rank else None,
        location=surat.permintaan.get("tempat"), reason=reason(surat),
    )
    try:
        with stage("sign"):
            if done:  # the field prepared by a certification, else one of its own under its bookmark
                signed = signing.sign_pdf(pdf, signer, field_name=countersign_field(done), box=stamp_of(done),
                                          certify=False, **options)
            elif any(_through_esign(services, surat, o) for o in order[1:]):
                signed = signing.sign_pdf(anchored(services, surat, pdf), signer, field_name=MAIN_FIELD,
                                          box=stamp_of(0), certify=False, **options)
            else:
                empty = [(countersign_field(i), below(countersign_bookmark(i))) for i in range(1, total)]
                signed = signing.sign_pdf(
                    pdf, signer, field_name=MAIN_FIELD, box=below("ttd"), certify=True,
                    docmdp="form_filling" if empty else "no_changes", empty_fields=empty, **options)
    except signing.WrongPassphrase:
        raise _wrong_passphrase(services, official["nip"]) from None
    except signing.SigningError as e:
        raise ServiceUnavailable("Penandatanganan gagal; surat tidak berubah.") from e
    setup.limiter.reset(official["nip"])  # only now: a remote service may check the PIN while signing
    return signed
