"""Signing an issued letter: the named official's PAdES signature replaces the preview.

A letter is signed by its penandatangan; a pengajuan sukarela is then
countersigned ("Mengetahui") by each superior in order. The first signature
certifies the document: no changes allowed (DocMDP P=1), or, where
countersignatures follow, only the filling of their pre-created fields (P=2).
The unsigned preview and every signed version stay in the store; the
registry points at the newest.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

import signing
from signing import Appearance, PadesLevel

from ..plumbing.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, TooManyAttempts, Unauthorized
from ..letters.nip import format_nip
from ..plumbing.models import AWAITING_COUNTERSIGN, SIGNED, Riwayat, Surat
from ..issuing.pipeline import Prepared, Services, issue_prepared
from ..plumbing.timing import stage

logger = logging.getLogger(__name__)

MAIN_FIELD = "TTD"
STAMP_WIDTH, STAMP_HEIGHT = 215, 90


def countersign_field(index: int) -> str:
    return f"TTD_Mengetahui_{index}"


def signers_of(surat: Surat) -> list[dict]:
    """Who signs, in order: the penandatangan, then any "Mengetahui"."""
    request = surat.permintaan
    return [request["penandatangan"], *request.get("mengetahui", [])]


def _below(bookmark: str) -> signing.BelowDestination:
    """The stamp's box under the template's bookmark (invisible where the template has none)."""
    return signing.BelowDestination(bookmark, STAMP_WIDTH, STAMP_HEIGHT)


def _open_key(services: Services, nip: str):
    """What opening ``nip``'s key needs, checked at once: not locked out, a certificate on file."""
    setup = services.signing
    wait = setup.limiter.retry_after(nip)
    if wait:
        raise TooManyAttempts(wait)
    if not setup.has_key(nip):
        raise Conflict(f"Belum ada sertifikat elektronik untuk NIP {format_nip(nip)}.")
    return lambda passphrase: _unlock(setup, nip, passphrase)


def _unlock(setup, nip: str, passphrase: str):
    """The official's signer, counting a wrong passphrase against the limit."""
    try:
        signer = setup.unlock(nip, passphrase)
    except signing.WrongPassphrase:
        setup.limiter.failed(nip)
        raise Unauthorized("Passphrase tidak cocok dengan sertifikat elektronik penandatangan.") from None
    setup.limiter.reset(nip)
    if setup.production and signing.is_development_certificate(signer.signing_cert):
        raise ServiceUnavailable("Sertifikat pengembangan tidak boleh dipakai di produksi.")
    return signer


def check_signer(services: Services, nip: str, passphrase: str, official: dict):
    """Unlock ``official``'s key with ``passphrase``, if ``nip`` is that official's."""
    if nip != official["nip"]:
        raise Forbidden(f"Hanya {official['nama']} (NIP {format_nip(official['nip'])}) yang berhak menandatangani.")
    unlock = _open_key(services, nip)
    with stage("unlock"):
        return unlock(passphrase)


_KEY_DERIVATION = ThreadPoolExecutor(max_workers=4, thread_name_prefix="suratkerja-unlock")
"""Opens keys beside the request that waits for them: deriving the key from
a passphrase (PBKDF2, :mod:`hashlib`) releases the GIL."""


def issue_and_sign(services: Services, prepared: Prepared, passphrase: str, level: str | None = None) -> Surat:
    """Issue ``prepared`` and sign it as its penandatangan, in one request.

    The passphrase is tried while the letter is numbered, rendered and
    converted (its key derivation takes some 8 ms, a tenth of the letter),
    and answered before the letter is recorded: a wrong one is 401 with no
    letter kept and its number still free, as is a lock-out (429) or a
    missing certificate (409), which are answered before anything starts.

    :raises Unauthorized, TooManyAttempts, Conflict, ServiceUnavailable, InvalidRequest:
        nothing is recorded.
    """
    official = prepared.valid.data["penandatangan"]
    unlocking = _KEY_DERIVATION.submit(_open_key(services, official["nip"]), passphrase)

    def unlocked():
        with stage("unlock"):
            return unlocking.result()

    try:
        surat = issue_prepared(services, prepared, before_record=unlocked)
    except ServiceUnavailable:
        unlocking.result()  # a wrong passphrase is the answer before a failed conversion
        raise
    return sign_letter(services, surat.id, official["nip"], "", level, signer=unlocking.result())


def sign_letter(services: Services, surat_id: str, nip: str, passphrase: str,
                level: str | None = None, signer=None) -> Surat:
    """Sign letter ``surat_id`` as the official with ``nip``.

    :param signer: an already unlocked signer (create-and-sign); else the
        passphrase unlocks the official's PKCS#12.
    :raises NotFound, Conflict, Forbidden, Unauthorized, TooManyAttempts:
        the letter stays as it was.
    """
    with services.sessions() as session:
        surat = session.get(Surat, surat_id)
        if surat is None:
            raise NotFound(f"Surat {surat_id} tidak ditemukan.")
        done = session.scalar(select(func.count()).select_from(Riwayat).where(
            Riwayat.surat_id == surat_id, Riwayat.aksi.like("ditandatangani%")))
    order = signers_of(surat)
    if done >= len(order):
        raise Conflict("Surat ini sudah ditandatangani lengkap.")
    official = order[done]
    if signer is None:
        signer = check_signer(services, nip, passphrase, official)
    pades = PadesLevel(level or services.settings.pades_level)
    setup = services.signing
    pdf = services.store.get(surat.current_sha256)
    appearance = Appearance(
        jabatan=official["jabatan"], nama=official["nama"], nip=format_nip(official["nip"]),
        qr_url=f"{services.settings.base_url}/verifikasi/{surat.id}", footer=services.settings.footer,
    )
    options = dict(
        level=pades, timestamper=setup.timestamper, appearance=appearance,
        validation_context=setup.validation_context() if pades.rank >= PadesLevel.B_LT.rank else None,
        location=surat.permintaan.get("tempat"), reason=f"Penandatanganan {surat.jenis} {surat.nomor}",
    )
    try:
        with stage("sign"):
            signed = _sign(pdf, signer, done, len(order), options)
    except signing.SigningError as e:
        raise ServiceUnavailable("Penandatanganan gagal; surat tidak berubah.") from e
    with stage("store"):
        _record_signature(services, surat, official, done, len(order), signed)
    logger.info("signed %s (%s) by NIP %s at %s", surat.nomor, surat.id, official["nip"], pades.value)
    with services.sessions() as session:
        return session.get(Surat, surat.id)


def _sign(pdf: bytes, signer, done: int, total: int, options: dict) -> bytes:
    """The first signature certifies (and prepares the countersignature fields); later ones fill them."""
    if done:
        return signing.sign_pdf(pdf, signer, field_name=countersign_field(done), certify=False, **options)
    empty = [(countersign_field(i + 1), _below("ttdmengetahui") if i == 0 else None)
             for i in range(total - 1)]
    return signing.sign_pdf(
        pdf, signer, field_name=MAIN_FIELD, box=_below("ttd"), certify=True,
        docmdp="form_filling" if empty else "no_changes", empty_fields=empty, **options)


def _record_signature(services: Services, surat: Surat, official: dict, done: int, total: int,
                      signed: bytes) -> None:
    """Store the signed file and point the letter at it, unless another request signed first."""
    sha256, created = services.store.put(signed)
    try:
        with services.sessions.begin() as session:
            moved = session.execute(
                update(Surat)
                .where(Surat.id == surat.id, Surat.pdf_sha256 == surat.pdf_sha256,
                       (Surat.signed_sha256 == surat.signed_sha256) if surat.signed_sha256
                       else Surat.signed_sha256.is_(None))
                .values(signed_sha256=sha256, status=SIGNED if done + 1 == total else AWAITING_COUNTERSIGN)
            ).rowcount
            if moved != 1:
                raise Conflict("Surat ini baru saja ditandatangani oleh permintaan lain.")
            session.add(Riwayat(
                surat_id=surat.id, aksi="ditandatangani" if done == 0 else "ditandatangani_mengetahui",
                oleh=f"{official['nama']} (NIP {official['nip']})", sha256=sha256,
            ))
    except BaseException:
        if created:
            services.store.discard(sha256)
        raise
