"""Numbering and printing a prepared letter, before anything is recorded.

:func:`printed` holds the lock of the issuing unit's sequence for as long as
its block runs: the letter takes the next number, is rendered with it and
converted to PDF/A, and the block records it (or fails, and the number stays
free for the next letter). The letter's id is chosen here, before rendering,
so a signature made before recording can already point its QR code at the
letter's verification page.
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
from .render import render_letter

WIB = ZoneInfo("Asia/Jakarta")


def today() -> dt.date:
    """The date in Indonesia's western time zone, where the regions' offices keep their registers."""
    return dt.datetime.now(WIB).date()


@dataclass(frozen=True)
class Printed:
    """A numbered letter as PDF/A, not yet recorded (its unit's sequence still held)."""

    surat: Surat
    """The letter's row, with id and number, not yet added to a session."""
    key: SequenceKey
    pdf: bytes


def _as_json(data: Any) -> Any:
    """The validated request as JSON-able data (dates → ISO strings), as the registry keeps it."""
    if isinstance(data, Mapping):
        return {k: _as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_json(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def _convert(services: Services, docx: bytes) -> bytes:
    try:
        with stage("convert"):
            return services.converter.convert(docx)
    except ConversionFailed as e:
        raise ServiceUnavailable(
            "Konversi ke PDF gagal; surat tidak diterbitkan dan nomornya tetap tersedia."
        ) from e


@contextmanager
def printed(services: Services, prepared: Prepared) -> Iterator[Printed]:
    """The letter numbered and converted, while its sequence is held for the block that records it.

    :raises ServiceUnavailable: conversion failed after its retry; nothing is kept.
    """
    valid = prepared.valid
    data, profile, jenis = valid.data, valid.profile, valid.letter_type.jenis
    tanggal = data["tanggal"] or today()
    key = SequenceKey(profile.kode, data["pengirim"]["kode"], tanggal.year)
    with services.sequencer.hold(key):
        with stage("number"), services.sessions() as session:
            urut = Sequencer.next_number(session, key)
        nomor = format_nomor(profile, jenis, urut, key.unit_kode, key.tahun)
        with stage("render"):
            docx = render_letter(valid, nomor=nomor, tanggal=tanggal, template_dir=services.settings.template_dir)
        pdf = _convert(services, docx)
        surat = Surat(
            id=uuid.uuid4().hex, jenis=jenis, wilayah=profile.kode, unit_kode=key.unit_kode,
            unit_nama=data["pengirim"]["nama"], tahun=key.tahun, urut=urut, nomor=nomor,
            hal=data["hal"], tanggal=tanggal, status=DRAFT, sifat=data["sifat"],
            permintaan=_as_json({**data, "tanggal": tanggal}),
        )
        yield Printed(surat, key, pdf)
