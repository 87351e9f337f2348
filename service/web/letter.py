"""A letter's page: where it stands (its status in words, its version, the route of paraf: who gave it
and when, who is due), its versions, history and chain, and a form for each step the signed-in
account may take (:mod:`.actions`), or the refusal of one it just posted."""

from __future__ import annotations

import json
from typing import Mapping

from flask import current_app, render_template
from flask_wtf import FlaskForm

from ..access.request import current_principal
from ..access.scope import visible_ids
from ..chain import chain_of
from ..letters import LETTER_TYPES
from ..plumbing.errors import Finding
from ..plumbing.models import (AWAITING_COUNTERSIGN, CANCELLED, DRAFT, READY, RETURNED, REVOKED, SIGNED,
                               UNCERTAIN, Surat)
from ..signatures.verification import SIGNATURE_STEP
from ..workflow.state import due, versions
from . import blp
from .actions import BATALKAN, BERI_PARAF, CABUT, KEMBALIKAN, REVISI, TANDA_TANGAN, allowed
from .forms import BatalkanForm, CabutForm, KembalikanForm, ParafForm, RevisiForm, TandatanganForm

STATUS_KATA = {
    DRAFT: "Konsep, menunggu paraf", RETURNED: "Dikembalikan untuk diperbaiki", READY: "Siap ditandatangani",
    AWAITING_COUNTERSIGN: "Menunggu tanda tangan Mengetahui", UNCERTAIN: "Penandatanganan belum pasti",
    SIGNED: "Ditandatangani", CANCELLED: "Dibatalkan", REVOKED: "Dicabut",
}
"""Each status as the pages say it."""

FORMS: dict[str, type[FlaskForm]] = {
    BERI_PARAF: ParafForm, KEMBALIKAN: KembalikanForm, REVISI: RevisiForm, BATALKAN: BatalkanForm,
    CABUT: CabutForm, TANDA_TANGAN: TandatanganForm,
}


@blp.app_template_filter("status_kata")
def status_kata(status: str | None) -> str:
    return STATUS_KATA.get(status, status or "")


def _blank(step: str, surat: Surat) -> FlaskForm:
    """The form of ``step`` as the page first shows it: the version shown, a revision's request as it stands."""
    data = {"versi": surat.versi}
    if step == REVISI:
        data["permintaan"] = json.dumps(surat.permintaan, ensure_ascii=False, indent=2)
    return FORMS[step](formdata=None, data=data)


def letter_page(surat: Surat, *, posted: Mapping[str, FlaskForm] | None = None, errors: list[str] | None = None,
                findings: list[Finding] | None = None, status: int = 200, headers: Mapping[str, str] | None = None):
    """The page of ``surat``; ``posted``: a form just posted (shown as it was filled in), refused with
    ``errors`` (a line each) or the service's ``findings`` (one per field, with its article), answered
    with ``status`` (the API's for the same refusal)."""
    principal = current_principal()
    with current_app.extensions["suratkerja"].sessions() as session:
        letters, _, history = chain_of(session, surat.id)
        seen = visible_ids(session, principal, letters)
        waiting = due(session, surat) if surat.status == DRAFT else []
        found = versions(session, surat.id)
    riwayat = history[surat.id]
    signed = sum(1 for r in riwayat if r.aksi.startswith(SIGNATURE_STEP))
    steps = allowed(principal, surat, waiting, signed)
    forms = {step: (posted or {}).get(step) or _blank(step, surat) for step in steps}
    returned = next((r for r in reversed(riwayat) if r.aksi == "dikembalikan"), None)
    esign = current_app.extensions["suratkerja"].signing.esign_for(surat.wilayah, principal.nip or "") is not None
    page = render_template(
        "surat.html", surat=surat, riwayat=riwayat, chain=[(k, not k.luar) for k in letters if k.id in seen],
        jenis=LETTER_TYPES, forms=forms, esign=esign, errors=errors or [], findings=findings or [],
        given=next((v.paraf for v in found if v.row.versi == surat.versi), []), waiting=waiting,
        versions=[v.row for v in found], paraf_of={v.row.versi: v.paraf for v in found},
        returned=returned if surat.status == RETURNED else None, opened=next(iter(posted or {}), None),
        signer=surat.permintaan["penandatangan"], my_nip=principal.nip)
    return page, status, dict(headers or {})
