"""Reconciliation: settle a letter whose remote signature is "belum pasti" to signed or not signed.

The Esign service gave no answer once the letter was sent; it may have
signed it. Nothing is sent again. The letter is settled by

* the service's document id (v1 names it in a header, which may arrive
  before the answer breaks off): the signed file is fetched from
  ``/api/sign/download/{id_dokumen}`` and checked;
* a signed file someone fetched another way (e.g. from the BSrE portal),
  uploaded: checked the same way, against the very bytes that were sent;
* the verdict "tidak ditandatangani": back to ``siap_ditandatangani`` (keeping the number the sent file
  carried), to be signed again.

A file is accepted only as the sent letter plus one signature of the
official whose turn it was (the penandatangan, or a "Mengetahui"), its stamp
on that official's block; the letter is settled once, so it never ends signed twice.
"""

from __future__ import annotations

import logging

from signing import esign as remote

from ..plumbing.errors import Conflict, NotFound, ServiceUnavailable, esign_error
from ..plumbing.models import UNCERTAIN, Riwayat, Surat
from ..plumbing.services import Services
from . import esign, pending, signature
from .sign_remote import official_ids

logger = logging.getLogger(__name__)


def _fetched(backend: esign.EsignBackend, surat: Surat) -> bytes:
    """The signed file from the Esign service by the id it gave.

    :raises Conflict: no id, or the service holds no such document (yet).
    :raises ServiceUnavailable: the service did not answer.
    """
    id_dokumen = surat.esign_tertunda.get("id_dokumen")
    if not id_dokumen:
        raise Conflict("Layanan Esign tidak memberi id dokumen untuk surat ini: unggah berkas bertanda "
                       "tangannya bila ada, atau nyatakan surat tidak ditandatangani.")
    try:
        pdf = backend.client.download(id_dokumen)
    except remote.UnknownOutcome:
        raise ServiceUnavailable("Layanan Esign tidak menjawab; coba rekonsiliasi lagi nanti.") from None
    except remote.EsignError as e:
        raise esign_error(e) from None
    if pdf is None:
        raise Conflict(f"Layanan Esign belum memiliki dokumen {id_dokumen}: coba lagi nanti, atau nyatakan "
                       "surat tidak ditandatangani.")
    return pdf


def reconcile(services: Services, surat_id: str, *, pdf: bytes | None = None, unsigned: bool = False) -> Surat:
    """Settle letter ``surat_id``: ``unsigned``, or signed by ``pdf`` (else fetched by its document id).

    :raises NotFound: no such letter. :raises Conflict: not ``belum_pasti``, or nothing to settle it by yet.
    :raises RemoteSignatureRefused: the file is not the sent letter plus the official's signature.
    """
    with services.sessions() as session:
        surat = session.get(Surat, surat_id)
    if surat is None:
        raise NotFound(f"Surat {surat_id} tidak ditemukan.")
    if surat.status != UNCERTAIN:
        raise Conflict("Penandatanganan surat ini tidak sedang menunggu kepastian.")
    tertunda = surat.esign_tertunda
    done = tertunda.get("urutan", 0)
    official = signature.signers_of(surat)[done]
    backend = services.signing.esign_for(surat.wilayah, official["nip"])
    if backend is None:
        raise Conflict("Penandatangan surat ini tidak memakai Esign BSrE (signer_backend); "
                       "rekonsiliasi tidak dapat diperiksa.")
    if unsigned:
        pending.release(services, surat, Riwayat(aksi="rekonsiliasi_tidak_ditandatangani",
                                                 oleh=signature.signer_line(official)))
        logger.info("reconciled %s (%s): not signed", surat.nomor, surat.id)
    else:
        returned = pdf if pdf is not None else _fetched(backend, surat)
        sent = services.store.get(tertunda["sha256"])
        final = esign.accept(services, backend, sent, returned, official=official_ids(official, tertunda["nik"]),
                             box=esign.asked_box(sent, done), level=tertunda["tingkat"])
        with services.store.keeping(final) as (sha256,):
            pending.settle_signed(services, surat, official, sha256, done)
        logger.info("reconciled %s (%s): signed", surat.nomor, surat.id)
    with services.sessions() as session:
        return session.get(Surat, surat.id)
