"""A staff member's letters: "Surat saya", a letter's page (preview, history,
chain) and signing it in the browser.

The passphrase typed into the signing form goes once to the signing
orchestrator (:func:`~service.signatures.sign_letter.sign_letter`) and is
neither stored nor shown again; a penandatangan account signs only as the
official whose NIP it is linked to.
"""

from __future__ import annotations

import io
from typing import Any, Mapping

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from ..access.audience import TEMBUSAN, audience
from ..accounts.inbox import surat_saya
from ..accounts.models import Akun
from ..api.surat import download_name
from ..chain import chain_of
from ..letters import LETTER_TYPES
from ..plumbing.errors import NotFound, SuratError
from ..plumbing.models import SIGNED, Surat
from ..signatures.sign_letter import sign_letter
from ..signatures.signature import signers_of
from . import blp
from .forms import TandatanganForm


def _services():
    return current_app.extensions["suratkerja"]


def visible(akun: Akun, wilayah: str, letter: Mapping[str, Any], status: str) -> bool:
    """Whether the account may see a letter: its pemda, and one of its units (or any, without units)
    issues it, is addressed or, once signed, copied; or the letter names the account's official among its signers."""
    if wilayah != akun.wilayah:
        return False
    units = {unit for unit, peran in audience(letter) if peran != TEMBUSAN or status == SIGNED}
    if not akun.unit or units & set(akun.unit):
        return True
    return bool(akun.nip) and any(o.get("nip") == akun.nip for o in [letter.get("penandatangan") or {},
                                                                      *letter.get("mengetahui", [])])


def _letter(surat_id: str) -> Surat:
    """The letter if the signed-in account may see it; 404 alike for one that does not exist and one out of reach."""
    with _services().sessions() as session:
        surat = session.get(Surat, surat_id)
    if surat is None or not visible(current_user.akun, surat.wilayah, surat.permintaan, surat.status):
        raise NotFound(f"Surat {surat_id} tidak ditemukan.")
    return surat


def _my_turn(surat: Surat, done: int) -> bool:
    order = signers_of(surat)
    return (current_user.has("penandatangan") and surat.status != SIGNED and done < len(order)
            and order[done]["nip"] == current_user.akun.nip)


@blp.route("/saya")
@login_required
def saya():
    """What waits for the signed-in staff member, section by section."""
    with _services().sessions() as session:
        sections = surat_saya(session, current_user.akun)
    return render_template("saya.html", s=sections, jenis=LETTER_TYPES)


def _letter_page(surat: Surat, form: TandatanganForm, error: str | None = None, status: int = 200,
                 headers: Mapping[str, str] | None = None):
    with _services().sessions() as session:
        letters, links, history = chain_of(session, surat.id)
    chain = [(k, not k.luar and visible(current_user.akun, k.wilayah, k.data, k.status)) for k in letters
             if k.luar or visible(current_user.akun, k.wilayah, k.data, k.status)]
    done = sum(1 for r in history[surat.id] if r.aksi.startswith("ditandatangani"))
    return render_template("surat.html", surat=surat, riwayat=history[surat.id], chain=chain,
                           jenis=LETTER_TYPES, form=form if _my_turn(surat, done) else None,
                           error=error), status, dict(headers or {})


@blp.route("/surat/<string:surat_id>")
@login_required
def surat(surat_id):
    """A letter's page: data, the PDF in the page, its history and its chain; the signing form when it is my turn."""
    return _letter_page(_letter(surat_id), TandatanganForm())


@blp.route("/surat/<string:surat_id>/pdf")
@login_required
def surat_pdf(surat_id):
    """The letter's current PDF, shown in the page (the API's download is for clients with a key)."""
    letter = _letter(surat_id)
    return send_file(io.BytesIO(_services().store.get(letter.current_sha256)), mimetype="application/pdf",
                     download_name=download_name(letter), etag=letter.current_sha256)


@blp.route("/surat/<string:surat_id>/tandatangan", methods=["POST"])
@login_required
def tandatangan(surat_id):
    """Sign as the account's own official; a refusal (wrong passphrase, lock-out, not my turn) shows on the page."""
    letter = _letter(surat_id)
    form = TandatanganForm()
    if not current_user.has("penandatangan"):
        return _letter_page(letter, form, "Akun Anda tidak berperan sebagai penandatangan.", 403)
    if not form.validate_on_submit():
        return _letter_page(letter, form, "Isi passphrase sertifikat elektronik Anda.", 422)
    try:
        sign_letter(_services(), letter.id, current_user.akun.nip, form.passphrase.data)
    except SuratError as e:
        return _letter_page(letter, form, e.detail, e.status, e.headers)
    flash("Surat telah ditandatangani.", "info")
    return redirect(url_for("web.surat", surat_id=letter.id))
