"""A letter's workflow from its page: paraf, kembalikan, revisi, batalkan a draft; cabut a signed letter.

Each form calls the orchestrator the API's operation calls (:mod:`service.workflow`,
:func:`service.signatures.revocation.revoke`) as the signed-in account, who needs the role the
operation needs (the API's right; for revoking, the penandatangan's own account or the issuing
unit's arsiparis). A refusal shows on the letter's page with the API's status: 403 for the wrong
role or person, 409 for the wrong state or a page read before a revision, 422 one line per field
with its article. A success goes back to the letter's page, which says what was done.
"""

from __future__ import annotations

import json
from typing import Callable

from flask import current_app, flash, redirect, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from ..access import audit
from ..access.principal import BACA, PARAF, TANDATANGAN, TERBIT, Principal
from ..access.request import current_principal
from ..api.alur import issuing_unit
from ..api.surat import load_surat, may_issue
from ..plumbing.errors import Finding, InvalidRequest, MissingRight, SuratError
from ..plumbing.models import Surat
from ..signatures.revocation import Pencabutan, account_revoker, revoke
from ..workflow.batal import cancel
from ..workflow.kembalikan import return_draft
from ..workflow.paraf import give_paraf
from ..workflow import state
from ..workflow.revisi import revise
from . import blp
from .actions import BATALKAN, BERI_PARAF, CABUT, KEMBALIKAN, REVISI
from .forms import BatalkanForm, CabutForm, KembalikanForm, ParafForm, RevisiForm
from .letter import letter_page

JSON_RULE = "RFC 8259 (format JSON), isi surat seperti pada API"


Action = Callable[[Surat, Principal], object]
"""Something done to the letter as the signed-in account: a step, or its gate (whether the account's role
may take the step at all, checked before its form is read; :raises MissingRight, Forbidden: not)."""


def holding(*rights: str) -> Action:
    """The gate of a step the API allows a caller with one of ``rights``."""
    def gate(surat: Surat, principal: Principal) -> None:
        if not set(rights) & principal.rights:
            raise MissingRight("Peran akun Anda tidak mencakup tindakan ini.")
    return gate


def issuer_of(surat: Surat, principal: Principal) -> None:
    """Revising and cancelling: a konseptor or arsiparis of the issuing unit (as the API's right ``terbit``)."""
    holding(TERBIT)(surat, principal)
    issuing_unit(principal, surat)


def _step(surat_id: str, step: str, form: FlaskForm, gate: Action, act: Action, done: str):
    """Take ``step`` on the letter with ``act``, for an account ``gate`` lets through: back to the
    letter's page saying ``done``, or the page again with the refusal."""
    letter = load_surat(surat_id, BACA)
    principal = current_principal()
    posted = {step: form}
    try:
        gate(letter, principal)
        if not form.validate_on_submit():
            return letter_page(letter, posted=posted, errors=form.messages(), status=422)
        act(letter, principal)
    except InvalidRequest as e:
        return letter_page(letter, posted=posted, findings=e.findings, status=e.status)
    except SuratError as e:
        return letter_page(letter, posted=posted, errors=[e.detail], status=e.status, headers=e.headers)
    flash(done, "info")
    return redirect(url_for("web.surat", surat_id=letter.id))


def _services():
    return current_app.extensions["suratkerja"]


@blp.route("/surat/<string:surat_id>/paraf", methods=["POST"])
@login_required
def paraf(surat_id):
    """Paraf on the version the page showed, by the verifikator whose turn it is."""
    form = ParafForm()
    return _step(surat_id, BERI_PARAF, form, holding(PARAF), lambda surat, principal: give_paraf(
        _services(), surat, principal.nip or "", form.versi.data, audit.request_actor()), "Paraf telah diberikan.")


@blp.route("/surat/<string:surat_id>/kembalikan", methods=["POST"])
@login_required
def kembalikan(surat_id):
    """Send the draft back with a note: the verifikator whose turn it is, or the penandatangan."""
    form = KembalikanForm()

    def act(surat: Surat, principal: Principal):
        state.check_version(surat, form.versi.data)
        return_draft(_services(), surat, principal.nip or "", form.catatan.data.strip(), audit.request_actor())

    return _step(surat_id, KEMBALIKAN, form, holding(PARAF, TANDATANGAN), act,
                 "Konsep telah dikembalikan kepada konseptornya.")


@blp.route("/surat/<string:surat_id>/revisi", methods=["POST"])
@login_required
def revisi(surat_id):
    """A new version from the corrected request (JSON, as the API takes it): the issuing unit's konseptor or
    arsiparis. The paraf so far are reset."""
    form = RevisiForm()

    def act(surat: Surat, principal: Principal):
        state.check_version(surat, form.versi.data)
        payload = _request_json(form.permintaan.data)
        may_issue(principal, payload)
        revise(_services(), surat, payload, form.catatan.data or None, audit.request_actor())

    return _step(surat_id, REVISI, form, issuer_of, act, "Revisi telah disimpan sebagai versi baru.")


def _request_json(text: str) -> dict:
    """The request typed into the revision form.

    :raises InvalidRequest: not JSON, or not an object.
    """
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidRequest([Finding("", "json_rusak", f"Isi surat bukan JSON yang sah (baris {e.lineno}, kolom "
                                                         f"{e.colno}): {e.msg}.", JSON_RULE)]) from e
    if not isinstance(payload, dict):
        raise InvalidRequest([Finding("", "bukan_objek", "Isi surat harus berupa objek JSON ({…}).", JSON_RULE)])
    return payload


@blp.route("/surat/<string:surat_id>/batalkan", methods=["POST"])
@login_required
def batalkan(surat_id):
    """Cancel the draft, with a reason: the issuing unit's konseptor or arsiparis."""
    form = BatalkanForm()

    def act(surat: Surat, principal: Principal):
        state.check_version(surat, form.versi.data)
        cancel(_services(), surat, form.alasan.data.strip(), principal.actor, audit.request_actor())

    return _step(surat_id, BATALKAN, form, issuer_of, act, "Konsep telah dibatalkan.")


@blp.route("/surat/<string:surat_id>/cabut", methods=["POST"])
@login_required
def cabut(surat_id):
    """Revoke a signed letter, with a reason and the revoking letter where there is one: the penandatangan's
    own account or the issuing unit's arsiparis."""
    form = CabutForm()

    def act(surat: Surat, principal: Principal):
        request = Pencabutan(form.alasan.data.strip(), form.nomor.data or None, form.tanggal.data)
        revoke(_services(), surat, request, account_revoker(principal, surat), audit.request_actor())

    return _step(surat_id, CABUT, form, lambda surat, principal: account_revoker(principal, surat), act,
                 "Surat telah dicabut.")
