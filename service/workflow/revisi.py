"""Direvisi: the konseptor replaces a draft's request with a corrected one: a new version, a new preview,
the paraf collected so far reset (each verifikator approves what they read). Earlier versions stay
readable (:class:`~service.plumbing.models.SuratVersi`).

A revision stays the same letter: the same type, pemda and issuing unit; what it refers to and who
receives it follow the new request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, update

from ..access import audit
from ..access.audience import audience
from ..chain import exclusive_links, record_links
from ..issuing.prepare import Prepared, prepare
from ..issuing.printing import as_json, draft_pdf, print_pdf
from ..issuing.record import issuer
from ..letters.checks import pointer
from ..plumbing.errors import Finding, InvalidRequest, WrongState
from ..plumbing.models import Riwayat, Surat, SuratAkses, SuratVersi, Tautan
from ..plumbing.services import Services
from .route import RULE, check_route, status_of_draft, with_route
from .state import OPEN, check_state


def revise(services: Services, surat: Surat, payload: Any, catatan: str | None, actor: audit.Actor) -> Surat:
    """Replace draft ``surat``'s request with ``payload`` as its next version (``catatan``: what changed).

    :raises WrongState: not an open draft, or changed meanwhile.
    :raises InvalidRequest: the request breaks a rule, or moves the letter to another unit or pemda.
    :raises ServiceUnavailable: the conversion failed; nothing changes.
    """
    check_state(surat, OPEN, "revisi")
    prepared = prepare(services, surat.jenis, with_route(services, payload), revising=surat.id)
    _check_same_letter(surat, prepared)
    check_route(prepared.valid)
    pdf = (draft_pdf(services, prepared.valid) if surat.nomor is None  # a draft numbered the old way keeps it
           else print_pdf(services, prepared.valid, surat.nomor, surat.tanggal))
    with services.store.keeping(pdf) as (sha256,):
        _record(services, surat, prepared, sha256, catatan, actor)
    with services.sessions() as session:
        return session.get(Surat, surat.id)


def _check_same_letter(surat: Surat, prepared: Prepared) -> None:
    data = prepared.valid.data
    if data["wilayah"] != surat.wilayah or data["pengirim"]["kode"] != surat.unit_kode:
        raise InvalidRequest([Finding(pointer("pengirim", "kode"), "revisi_unit_lain",
                                      "Revisi tetap surat yang sama: wilayah dan unit pengirimnya tidak berubah; "
                                      "untuk unit lain buat konsep baru.", RULE)])


def _record(services: Services, surat: Surat, prepared: Prepared, sha256: str, catatan: str | None,
            actor: audit.Actor) -> None:
    """The new version, its links and audience, the history line and audit entry, in one transaction.

    :raises WrongState: changed meanwhile. :raises InvalidRequest: another letter took a link meanwhile.
    """
    data, versi = prepared.valid.data, surat.versi + 1
    permintaan = as_json(data)
    oleh = issuer(prepared)
    with exclusive_links(services, surat.wilayah, prepared.links), audit.transaction(services) as session:
        moved = session.execute(
            update(Surat).where(Surat.id == surat.id, Surat.status == surat.status, Surat.versi == surat.versi)
            .values(versi=versi, permintaan=permintaan, hal=data["hal"], sifat=data["sifat"],
                    pdf_sha256=sha256,
                    status=status_of_draft(data["verifikator"]),
                    tanggal=surat.tanggal if surat.nomor else data["tanggal"],
                    diubah=dt.datetime.now(dt.timezone.utc))).rowcount
        if moved != 1:
            raise WrongState("Surat ini baru saja diubah oleh permintaan lain; muat ulang dan periksa lagi.")
        session.execute(delete(Tautan).where(Tautan.surat_id == surat.id))
        session.execute(delete(SuratAkses).where(SuratAkses.surat_id == surat.id))
        session.add_all(SuratAkses(surat_id=surat.id, unit_kode=unit, peran=peran)
                        for unit, peran in audience(permintaan))
        row = session.get(Surat, surat.id)
        record_links(session, row, prepared.links, oleh)
        session.add_all([
            SuratVersi(surat_id=surat.id, versi=versi, permintaan=permintaan, pdf_sha256=sha256, oleh=oleh,
                       catatan=catatan),
            Riwayat(surat_id=surat.id, aksi="direvisi", oleh=oleh, sha256=sha256,
                    catatan=f"versi {versi}" + (f": {catatan}" if catatan else "")),
        ])
        audit.add(session, actor, "surat.revisi", wilayah=surat.wilayah, objek=surat.id,
                  rincian={"versi": versi, "status": row.status})
