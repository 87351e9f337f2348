"""A staff member's letters: "Surat saya", a letter's page and its files, and
signing it in the browser (the other steps of a draft: :mod:`.alur`).

The passphrase (with BSrE's Esign: the NIK and the passphrase or a TOTP)
typed into the signing form goes once to the signing orchestrator
(:func:`~service.signatures.sign_as.sign_as`, as the API's) and is neither
stored nor shown again; a penandatangan account signs only as the
official whose NIP it is linked to.
"""

from __future__ import annotations

import io

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_login import login_required

from ..access import audit
from ..access.principal import BACA, TANDATANGAN
from ..access.request import current_principal
from ..accounts.inbox import surat_saya
from ..api.surat import download_name, load_surat
from ..letters import LETTER_TYPES
from ..plumbing.errors import InvalidRequest, NotFound, SuratError
from ..plumbing.models import Surat, SuratVersi
from ..signatures.sign_as import sign_as
from . import blp
from .actions import TANDA_TANGAN
from .forms import TandatanganForm
from .letter import letter_page


def _services():
    return current_app.extensions["suratkerja"]


@blp.route("/saya")
@login_required
def saya():
    """What waits for the signed-in staff member, section by section."""
    with _services().sessions() as session:
        sections = surat_saya(session, current_principal())
    return render_template("saya.html", s=sections, jenis=LETTER_TYPES)


@blp.route("/surat/<string:surat_id>")
@login_required
def surat(surat_id):
    """A letter's page: data, the PDF in the page, the route of paraf, versions, history and chain; the forms
    of what the account may do with it (:mod:`.letter`)."""
    return letter_page(load_surat(surat_id, BACA))


@blp.route("/surat/<string:surat_id>/pdf")
@login_required
def surat_pdf(surat_id):
    """The letter's current PDF, shown in the page (the API's download is for clients with a key)."""
    letter = load_surat(surat_id, BACA)
    return _pdf(letter, letter.current_sha256, download_name(letter))


@blp.route("/surat/<string:surat_id>/versi/<int:versi>/pdf")
@login_required
def surat_versi_pdf(surat_id, versi):
    """The preview of one version of a draft (earlier versions stay readable)."""
    letter = load_surat(surat_id, BACA)
    with _services().sessions() as session:
        row = session.get(SuratVersi, (letter.id, versi))
    if row is None:
        raise NotFound(f"Surat {surat_id} tidak memiliki versi {versi}.")
    return _pdf(letter, row.pdf_sha256, f"{letter.jenis}_konsep-v{versi}.pdf")


def _pdf(letter: Surat, sha256: str, name: str):
    """One of the letter's files, shown in the page; reading a Rahasia letter's is audited."""
    audit.record_secret_download(letter)
    return send_file(io.BytesIO(_services().store.get(sha256)), mimetype="application/pdf", download_name=name,
                     etag=sha256)


@blp.route("/surat/<string:surat_id>/tandatangan", methods=["POST"])
@login_required
def tandatangan(surat_id):
    """Sign as the account's own official; a refusal (wrong passphrase, lock-out, not my turn) shows on the page."""
    letter = load_surat(surat_id, BACA)
    form = TandatanganForm()
    principal = current_principal()
    posted = {TANDA_TANGAN: form}
    if TANDATANGAN not in principal.rights or not principal.nip:
        return letter_page(letter, posted=posted, errors=["Akun Anda tidak berperan sebagai penandatangan."],
                           status=403)
    if not form.validate_on_submit():
        return letter_page(letter, posted=posted, errors=["Isian penandatanganan tidak valid."], status=422)
    try:
        sign_as(_services(), letter, principal.nip, form.credentials(), None, audit.request_actor())
    except InvalidRequest as e:
        return letter_page(letter, posted=posted, errors=[f.message for f in e.findings], status=e.status)
    except SuratError as e:
        return letter_page(letter, posted=posted, errors=[e.detail], status=e.status, headers=e.headers)
    flash("Surat telah ditandatangani.", "info")
    return redirect(url_for("web.surat", surat_id=letter.id))
