"""A staff member's letters: "Surat saya", a letter's page (preview, history,
chain) and signing it in the browser.

The passphrase (with BSrE's Esign: the NIK and the passphrase or a TOTP)
typed into the signing form goes once to the signing orchestrator
(:func:`~service.signatures.sign_as.sign_as`, as the API's) and is neither
stored nor shown again; a penandatangan account signs only as the
official whose NIP it is linked to.
"""

from __future__ import annotations

import io
from typing import Mapping

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_login import login_required

from ..access import audit
from ..access.audience import SECRET
from ..access.principal import BACA, TANDATANGAN
from ..access.request import current_principal, require
from ..access.scope import letter_for, visible_ids
from ..accounts.inbox import surat_saya
from ..api.surat import download_name
from ..chain import chain_of
from ..letters import LETTER_TYPES
from ..plumbing.errors import InvalidRequest, SuratError
from ..plumbing.models import SIGNED, Surat
from ..signatures.sign_as import sign_as
from ..signatures.signature import signers_of
from . import blp
from .forms import TandatanganForm


def _services():
    return current_app.extensions["suratkerja"]


def _letter(surat_id: str, *rights: str) -> Surat:
    """The letter if the signed-in account (with ``rights``) may see it; 404 alike for one that does not
    exist and one out of reach."""
    principal = require(*rights)
    with _services().sessions() as session:
        return letter_for(session, principal, surat_id)


def _my_turn(surat: Surat, done: int) -> bool:
    principal, order = current_principal(), signers_of(surat)
    return (TANDATANGAN in principal.rights and surat.status != SIGNED and done < len(order)
            and order[done]["nip"] == principal.nip)


@blp.route("/saya")
@login_required
def saya():
    """What waits for the signed-in staff member, section by section."""
    with _services().sessions() as session:
        sections = surat_saya(session, current_principal())
    return render_template("saya.html", s=sections, jenis=LETTER_TYPES)


def _letter_page(surat: Surat, form: TandatanganForm, error: str | None = None, status: int = 200,
                 headers: Mapping[str, str] | None = None):
    with _services().sessions() as session:
        letters, links, history = chain_of(session, surat.id)
        seen = visible_ids(session, current_principal(), letters)
    chain = [(k, not k.luar) for k in letters if k.id in seen]
    done = sum(1 for r in history[surat.id] if r.aksi.startswith("ditandatangani"))
    return render_template("surat.html", surat=surat, riwayat=history[surat.id], chain=chain,
                           jenis=LETTER_TYPES, form=form if _my_turn(surat, done) else None,
                           esign=_services().signing.esign_for(surat.wilayah, current_principal().nip or "") is not None,
                           error=error), status, dict(headers or {})


@blp.route("/surat/<string:surat_id>")
@login_required
def surat(surat_id):
    """A letter's page: data, the PDF in the page, its history and its chain; the signing form when it is my turn."""
    return _letter_page(_letter(surat_id, BACA), TandatanganForm())


@blp.route("/surat/<string:surat_id>/pdf")
@login_required
def surat_pdf(surat_id):
    """The letter's current PDF, shown in the page (the API's download is for clients with a key)."""
    letter = _letter(surat_id, BACA)
    if letter.sifat in SECRET:
        audit.record("surat.unduh_rahasia", wilayah=letter.wilayah, objek=letter.id, nomor=letter.nomor,
                     sifat=letter.sifat)
    return send_file(io.BytesIO(_services().store.get(letter.current_sha256)), mimetype="application/pdf",
                     download_name=download_name(letter), etag=letter.current_sha256)


@blp.route("/surat/<string:surat_id>/tandatangan", methods=["POST"])
@login_required
def tandatangan(surat_id):
    """Sign as the account's own official; a refusal (wrong passphrase, lock-out, not my turn) shows on the page."""
    letter = _letter(surat_id, BACA)
    form = TandatanganForm()
    principal = current_principal()
    if TANDATANGAN not in principal.rights or not principal.nip:
        return _letter_page(letter, form, "Akun Anda tidak berperan sebagai penandatangan.", 403)
    if not form.validate_on_submit():
        return _letter_page(letter, form, "Isian penandatanganan tidak valid.", 422)
    try:
        sign_as(_services(), letter, principal.nip, form.credentials(), None, audit.request_actor())
    except InvalidRequest as e:
        return _letter_page(letter, form, " ".join(f.message for f in e.findings), e.status)
    except SuratError as e:
        return _letter_page(letter, form, e.detail, e.status, e.headers)
    flash("Surat telah ditandatangani.", "info")
    return redirect(url_for("web.surat", surat_id=letter.id))
