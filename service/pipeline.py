"""Issuing a letter: validate → number → render → convert → store → record.

One short orchestrator over single-purpose steps. Everything before the
final transaction is undone by simply not committing: a failed conversion
leaves no letter, no file and no used number behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .convert import ConversionFailed
from .errors import ServiceUnavailable
from .models import Riwayat, Surat
from .numbering import SequenceKey, Sequencer
from .regions import RegionProfile
from .render import render_letter
from .storage import FileStore
from .timing import stage
from .validation import ValidLetter, validate_letter

logger = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")


@dataclass
class Services:
    """What the app holds for the pipeline; built once by :func:`service.create_app`."""

    settings: Settings
    profiles: Mapping[str, RegionProfile]
    sessions: sessionmaker[Session]
    store: FileStore
    sequencer: Sequencer
    converter: Any
    """A started :class:`service.convert.ConverterPool` (or anything with ``convert(bytes) -> bytes``)."""
    signing: Any = None
    """A :class:`service.signing_setup.SigningSetup`."""


def today() -> dt.date:
    return dt.datetime.now(WIB).date()


def format_nomor(profile: RegionProfile, jenis: str, urut: int, kode_unit: str, tahun: int) -> str:
    return profile.penomoran.format.format(
        klasifikasi=profile.penomoran.klasifikasi[jenis], urut=urut, kode_unit=kode_unit, tahun=tahun,
    )


def _stored_request(data: Any) -> Any:
    """The validated request as JSON-able data (dates → ISO strings)."""
    if isinstance(data, Mapping):
        return {k: _stored_request(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_stored_request(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def issue(services: Services, jenis: str, payload: Any) -> tuple[Surat, ValidLetter]:
    """Validate, number, render, convert, store and record one letter.

    :raises InvalidRequest: the request breaks a rule (nothing is numbered).
    :raises ServiceUnavailable: conversion failed after its retry; the number
        stays free for the next letter.
    """
    with stage("validate"):
        valid = validate_letter(jenis, payload, services.profiles)
    data, profile = valid.data, valid.profile
    tanggal = data["tanggal"] or today()
    key = SequenceKey(profile.kode, data["pengirim"]["kode"], tanggal.year)

    with services.sequencer.hold(key):
        with stage("number"), services.sessions() as session:
            urut = Sequencer.next_number(session, key)
        nomor = format_nomor(profile, jenis, urut, key.unit_kode, key.tahun)
        with stage("render"):
            docx = render_letter(valid, nomor=nomor, tanggal=tanggal, template_dir=services.settings.template_dir)
        try:
            with stage("convert"):
                pdf = services.converter.convert(docx)
        except ConversionFailed as e:
            raise ServiceUnavailable(
                "Konversi ke PDF gagal; surat tidak diterbitkan dan nomornya tetap tersedia."
            ) from e
        surat = Surat(
            jenis=jenis, wilayah=profile.kode, unit_kode=key.unit_kode,
            unit_nama=data["pengirim"]["nama"], tahun=key.tahun, urut=urut, nomor=nomor,
            hal=data["hal"], tanggal=tanggal, status="konsep",
            permintaan=_stored_request({**data, "tanggal": tanggal}),
        )
        with stage("store"):
            _record(services, key, surat, pdf, oleh=f"{data['pengirim']['nama']} ({profile.nama})")
    logger.info("issued %s %s (%s)", jenis, nomor, surat.id)
    return surat, valid



def _record(services: Services, key: SequenceKey, surat: Surat, pdf: bytes, oleh: str) -> None:
    """Store the PDF, then record the letter and move its counter in one transaction.

    If the transaction fails, the file this call added is removed again.
    """
    surat.pdf_sha256, created = services.store.put(pdf)
    try:
        with services.sessions.begin() as session:
            Sequencer.consume(session, key, surat.urut)
            session.add(surat)
            session.flush()
            session.add(Riwayat(surat_id=surat.id, aksi="diterbitkan", sha256=surat.pdf_sha256, oleh=oleh))
    except BaseException:
        if created:
            services.store.discard(surat.pdf_sha256)
        raise
