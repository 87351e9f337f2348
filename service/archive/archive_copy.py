"""A signed letter's archive copy (salinan arsip): the numbered, unsigned letter with a table of the paraf
given on the version that was signed, for a region whose profile sets ``[paraf] cetak_arsip = true``.

The copy is made when asked for, from what the registry keeps: the numbered letter (``Surat.pdf_sha256``
once signed) and the paraf rows. The signed letter itself is never touched, so it differs from the version
the verifikators approved only in nomor and tanggal.
"""

from __future__ import annotations

import datetime as dt

from ..issuing.printing import WIB
from ..plumbing.errors import NotFound
from ..plumbing.models import Surat, as_utc
from ..plumbing.services import Services
from ..signatures.verification import paraf_signed
from .paraf_table import ParafLine, with_paraf_table

TITLE = "Paraf konsep (salinan arsip; tidak mengubah surat yang ditandatangani)"


def _waktu(moment: dt.datetime) -> str:
    """``06-12-2026 14:03 WIB``."""
    return as_utc(moment).astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")


def archive_copy(services: Services, surat: Surat) -> bytes:
    """The archive copy of ``surat`` (a letter the caller may read).

    :raises NotFound: the region prints no paraf on an archive copy, or the letter is not signed yet.
    :raises ServiceUnavailable: the letter's layout cannot be read (see :mod:`.paraf_table`).
    """
    if not services.profiles[surat.wilayah].paraf.cetak_arsip:
        raise NotFound("Wilayah surat ini tidak mencetak paraf pada salinan arsip ([paraf] cetak_arsip).")
    if surat.signed_sha256 is None:
        raise NotFound("Salinan arsip ada setelah surat ditandatangani.")
    with services.sessions() as session:
        rows = [ParafLine(p.nama, p.jabatan, _waktu(p.waktu)) for p in paraf_signed(session, surat)]
    return with_paraf_table(services.store.get(surat.pdf_sha256), TITLE, rows)
