"""Numbering and printing a prepared letter, before anything is recorded.

A draft is printed without a number (:func:`drafted`: placeholders where
nomor and tanggal go). :func:`numbered` holds the lock of the issuing
unit's sequence for as long as its block runs: the letter takes the next
number, is rendered with it and converted to PDF/A, and the block records it
with its first signature (or fails, and the number stays free for the next
letter). A letter's id is chosen before it is first rendered, so a signature
made before recording can already point its QR code at the letter's
verification page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Mapping
from zoneinfo import ZoneInfo

from ..plumbing.errors import ServiceUnavailable
from ..plumbing.models import DRAFT, Surat
from ..plumbing.services import Services
from ..plumbing.timing import stage
from .convert import ConversionFailed
from .numbering import SequenceKey, Sequencer, format_nomor
from .prepare import Prepared
from .validation import ValidLetter
from .render import render_letter

WIB = ZoneInfo("Asia/Jakarta")


def today() -> dt.date:
    """The date in Indonesia's western time zone, where the regions' offices keep their registers."""
    return dt.datetime.now(WIB).date()


NOMOR_KONSEP = "[nomor diberikan saat ditandatangani]"
TANGGAL_KONSEP = "[tanggal ditetapkan saat ditandatangani]"
"""What a draft's preview prints where the nomor and the tanggal go: both are fixed with the first signature."""


@dataclass(frozen=True)
class Printed:
    """A letter as PDF/A, not yet recorded; numbered while its unit's sequence is held (``key``), else a draft."""

    surat: Surat
    """The letter's row, with its id (and number, when numbered), not yet added to a session."""
    key: SequenceKey | None
    pdf: bytes


@dataclass(frozen=True)
class Numbered:
    """The next number of a unit's sequence, the letter's date, and the letter printed with both."""

    key: SequenceKey
    urut: int
    nomor: str
    tanggal: dt.date
    pdf: bytes

    def apply(self, surat: Surat) -> None:
        """Give ``surat`` this number and date (the request as kept says the date too)."""
        surat.tahun, surat.urut, surat.nomor, surat.tanggal = self.key.tahun, self.urut, self.nomor, self.tanggal
        surat.permintaan = {**surat.permintaan, "tanggal": self.tanggal.isoformat()}


def as_json(data: Any) -> Any:
    """The validated request as JSON-able data (dates → ISO strings), as the registry keeps it."""
    if isinstance(data, Mapping):
        return {k: as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_json(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def _convert(services: Services, docx: bytes) -> bytes:
    try:
        with stage("convert"):
            return services.converter.convert(docx)
    except ConversionFailed as e:
        raise ServiceUnavailable(
            "Konversi ke PDF gagal; surat tidak berubah dan nomornya tetap tersedia."
        ) from e


def print_pdf(services: Services, valid: ValidLetter, nomor: str, tanggal: dt.date | str) -> bytes:
    """``valid`` rendered with ``nomor`` and ``tanggal`` and converted to PDF/A.

    :raises ServiceUnavailable: conversion failed after its retry.
    """
    with stage("render"):
        docx = render_letter(valid, nomor=nomor, tanggal=tanggal, template_dir=services.settings.template_dir,
                             footer=services.settings.footer)
    return _convert(services, docx)


def draft_pdf(services: Services, valid: ValidLetter) -> bytes:
    """A draft's preview: placeholders for the nomor, and for the tanggal unless the request fixes one."""
    return print_pdf(services, valid, NOMOR_KONSEP, valid.data["tanggal"] or TANGGAL_KONSEP)


def letter_date(valid: ValidLetter) -> dt.date:
    """The date a letter takes with its number: the one its request fixes, else the day it is signed."""
    return valid.data["tanggal"] or today()


@contextmanager
def numbered(services: Services, valid: ValidLetter) -> Iterator[Numbered]:
    """``valid`` dated (:func:`letter_date`), numbered in its unit's sequence for that year and printed, the
    sequence held for the block, which records the number (:meth:`Sequencer.consume`) or fails and leaves it
    free.

    :raises ServiceUnavailable: conversion failed after its retry; nothing is kept.
    """
    tanggal = letter_date(valid)
    key = SequenceKey(valid.profile.kode, valid.data["pengirim"]["kode"], tanggal.year)
    with services.sequencer.hold(key):
        with stage("number"), services.sessions() as session:
            urut = Sequencer.next_number(session, key)
        nomor = format_nomor(valid.profile, valid.letter_type.jenis, urut, key.unit_kode, key.tahun)
        yield Numbered(key, urut, nomor, tanggal, print_pdf(services, valid, nomor, tanggal))


def new_letter(valid: ValidLetter) -> Surat:
    """The row of a letter not yet numbered, with its id (chosen before rendering: the QR code names it)."""
    data = valid.data
    return Surat(
        id=uuid.uuid4().hex, jenis=valid.letter_type.jenis, wilayah=valid.profile.kode,
        unit_kode=data["pengirim"]["kode"], unit_nama=data["pengirim"]["nama"], hal=data["hal"],
        tanggal=data["tanggal"], status=DRAFT, sifat=data["sifat"], versi=1,
        permintaan=as_json(data),
    )


def drafted(services: Services, prepared: Prepared) -> Printed:
    """A draft, unnumbered, with its preview.

    :raises ServiceUnavailable: conversion failed after its retry.
    """
    surat = new_letter(prepared.valid)
    return Printed(surat, None, draft_pdf(services, prepared.valid))


@contextmanager
def printed(services: Services, prepared: Prepared) -> Iterator[Printed]:
    """The letter numbered and converted, while its sequence is held for the block that records it.

    :raises ServiceUnavailable: conversion failed after its retry; nothing is kept.
    """
    with numbered(services, prepared.valid) as number:
        surat = new_letter(prepared.valid)
        number.apply(surat)
        yield Printed(surat, number.key, number.pdf)
