"""Issuing a letter: fill from the letters it names → validate (its own rules,
then those across letters) → number → render → convert → store → record.

One short orchestrator over single-purpose steps. Everything before the
final transaction is undone by simply not committing: a failed conversion
leaves no letter, no file and no used number behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..plumbing.config import Settings
from ..chain import Link, check_links, prefill, record_links, taken
from .convert import ConversionFailed
from ..plumbing.errors import InvalidRequest, ServiceUnavailable
from ..plumbing.models import DRAFT, Riwayat, Surat
from .numbering import SequenceKey, Sequencer
from ..wilayah import RegionProfile
from .render import render_letter
from ..plumbing.storage import FileStore
from ..plumbing.timing import stage
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
    """A started :class:`service.issuing.convert.ConverterPool` (or anything with ``convert(bytes) -> bytes``)."""
    signing: Any = None
    """A :class:`service.signatures.setup.SigningSetup`."""


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


@dataclass(frozen=True)
class Prepared:
    """A request filled from the letters it names, valid, with its links checked."""

    valid: ValidLetter
    links: list[Link]


def prepare(services: Services, jenis: str, payload: Any) -> Prepared:
    """Fill the request from the letters it names, validate it, check the rules across letters.

    :raises NotFound: unknown ``jenis``.
    :raises InvalidRequest: a rule of the letter or of the chain is broken.
    """
    with stage("validate"), services.sessions() as session:
        payload = prefill(session, jenis, payload, services.profiles)
        valid = validate_letter(jenis, payload, services.profiles)
        return Prepared(valid, check_links(session, valid))


def issue(services: Services, jenis: str, payload: Any) -> tuple[Surat, ValidLetter]:
    """Prepare, then issue (:func:`issue_prepared`) one letter."""
    prepared = prepare(services, jenis, payload)
    return issue_prepared(services, prepared), prepared.valid


def issue_prepared(services: Services, prepared: Prepared, before_record: Callable[[], object] | None = None) -> Surat:
    """Number, render, convert, store and record one prepared letter.

    :param before_record: called once the PDF is made, before anything is
        stored; what it raises leaves no letter and no used number.

    :raises InvalidRequest: another letter took what this one may only share
        with none (a second answer to one request, raced); nothing is kept.
    :raises ServiceUnavailable: conversion failed after its retry; the number
        stays free for the next letter.
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
            hal=data["hal"], tanggal=tanggal, status=DRAFT,
            permintaan=_stored_request({**data, "tanggal": tanggal}),
        )
        if before_record is not None:
            before_record()
        signer = data["penandatangan"]
        with stage("store"):
            _record(services, key, surat, pdf, prepared.links,
                    oleh=f"{signer['nama']} ({signer['jabatan']}, {data['pengirim']['nama']})")
    logger.info("issued %s %s (%s)", jenis, nomor, surat.id)
    return surat


def _record(services: Services, key: SequenceKey, surat: Surat, pdf: bytes, links: list[Link], oleh: str) -> None:
    """Store the PDF, then record the letter, its links and its number in one transaction.

    If the transaction fails, the file this call added is removed again. A
    link another letter took meanwhile (the unique ``kunci``) fails the
    transaction; the client gets the rule it broke.
    """
    surat.pdf_sha256, created = services.store.put(pdf)
    try:
        with services.sessions.begin() as session:
            Sequencer.consume(session, key, surat.urut)
            session.add(surat)
            session.flush()
            session.add(Riwayat(surat_id=surat.id, aksi="diterbitkan", sha256=surat.pdf_sha256, oleh=oleh))
            record_links(session, surat, links, oleh)
    except BaseException as e:
        if created:
            services.store.discard(surat.pdf_sha256)
        if isinstance(e, IntegrityError):
            with services.sessions() as session:
                conflicts = taken(session, surat.wilayah, links)
            if conflicts:
                raise InvalidRequest(conflicts) from e
        raise
