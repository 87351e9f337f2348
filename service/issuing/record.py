"""Recording a new letter (a draft, or one created and signed): its row, number, history and links in one
transaction."""

from __future__ import annotations

from ..access import audit
from ..access.audience import audience
from ..chain import exclusive_links, record_links
from ..plumbing.models import SIGNED, Riwayat, SuratAkses, SuratVersi
from ..plumbing.services import Services
from ..plumbing.timing import stage
from ..webhooks import outbox
from .numbering import Sequencer
from .prepare import Prepared
from .printing import Printed


def issuer(prepared: Prepared) -> str:
    """Who issued the letter, as its history says: the signer, the jabatan, the unit."""
    data = prepared.valid.data
    signer = data["penandatangan"]
    return f"{signer['nama']} ({signer['jabatan']}, {data['pengirim']['nama']})"


def record(services: Services, prepared: Prepared, letter: Printed, rows: list[Riwayat | SuratVersi],
           actor: audit.Actor, aksi: str) -> None:
    """Move the unit's counter, add the letter, its ``rows`` (history lines, a draft's first version), the
    units it concerns, its links and the audit entry of ``actor`` doing ``aksi``, in one transaction.

    Call with the letter's files already stored (:meth:`FileStore.keeping`)
    and, when numbered, its sequence held (:func:`printed`). A link another letter took
    meanwhile (the unique ``kunci``, e.g. a second answer to one request)
    fails the transaction; the client gets the rule it broke.

    :raises InvalidRequest: another letter took a link this one may share with none.
    """
    surat = letter.surat
    with exclusive_links(services, surat.wilayah, prepared.links):
        with stage("store"), audit.transaction(services) as session:
            if letter.key is not None:
                Sequencer.consume(session, letter.key, surat.urut)
            session.add(surat)
            session.flush()
            for row in rows:
                row.surat_id = surat.id
            session.add_all(rows)
            session.add_all(SuratAkses(surat_id=surat.id, unit_kode=unit, peran=peran)
                            for unit, peran in audience(surat.permintaan))
            record_links(session, surat, prepared.links, issuer(prepared))
            audit.add(session, actor, aksi, wilayah=surat.wilayah, objek=surat.id,
                      rincian={"jenis": surat.jenis, "nomor": surat.nomor, "unit": surat.unit_kode,
                               "status": surat.status})
            outbox.emit(session, outbox.DIBUAT, surat)
            if surat.status == SIGNED:
                outbox.emit(session, outbox.DITANDATANGANI, surat)
