"""The registry as a page (signed-in staff, their pemda and units) and the public verification pages."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import login_required

from ..access.principal import BACA
from ..access.request import require
from ..access.scope import visible_letters

from ..letters import LETTER_TYPES
from ..plumbing.errors import SuratError
from ..plumbing.models import Surat
from ..plumbing.registry import find_letters
from ..signatures.verification import UnreadablePdf, letter_summary, paraf_signed, verify_upload

from . import blp

PAGE_SIZE = 25


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@blp.route("/")
def index():
    return redirect(url_for("web.saya"))


@blp.route("/surat")
@login_required
def daftar():
    """The registry as a page, the letters the account may read: filter by unit, type, date and subject."""
    services = current_app.extensions["suratkerja"]
    args = request.args
    filters = {
        "wilayah": None,  # the account's own pemda: the scope says so
        "unit": args.get("unit") or None,
        "jenis": args.get("jenis") or None,
        "dari": _date(args.get("dari")),
        "sampai": _date(args.get("sampai")),
        "q": (args.get("q") or "")[:200] or None,
    }
    page = max(1, args.get("halaman", 1, type=int) or 1)
    scope = visible_letters(require(BACA))
    with services.sessions() as session:
        rows, total = find_letters(session, filters, scope=scope, page=page, size=PAGE_SIZE)
    return render_template(
        "daftar.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        filters=args, query=args.to_dict(), profiles=services.profiles, jenis=LETTER_TYPES,
    )


VERDICTS = {
    "TOTAL_PASSED": ("SAH", "Tanda tangan sah, dokumen utuh sejak ditandatangani."),
    "INDETERMINATE": ("TIDAK DAPAT DIPASTIKAN", "Tanda tangan tidak dapat dipastikan keabsahannya."),
    "TOTAL_FAILED": ("TIDAK SAH", "Tanda tangan tidak sah atau dokumen telah diubah."),
}


@blp.route("/verifikasi", methods=["GET", "POST"])
def verifikasi():
    """Upload a PDF and see, in plain words, whether it is a genuine letter."""
    report, error = None, None
    if request.method == "POST":
        services = current_app.extensions["suratkerja"]
        request.max_content_length = services.settings.max_upload_bytes
        upload = request.files.get("berkas")
        if upload is None or not upload.filename:
            error = "Pilih berkas PDF yang akan diperiksa."
        else:
            try:
                report = verify_upload(services, upload.read())
            except UnreadablePdf as e:
                error = e.detail
    return render_template("verifikasi.html", report=report, error=error, verdicts=VERDICTS, surat=None,
                           jenis=LETTER_TYPES)


@blp.route("/verifikasi/<string:surat_id>")
def verifikasi_surat(surat_id):
    """Where the QR code leads: the letter as the registry holds it, verified now."""
    services = current_app.extensions["suratkerja"]
    with services.sessions() as session:
        surat = session.get(Surat, surat_id)
        if surat is None:
            abort(404)
        summary = letter_summary(surat, paraf_signed(session, surat))
    try:
        report = verify_upload(services, services.store.get(surat.current_sha256))
    except SuratError:
        report = None
    return render_template("verifikasi.html", report=report, error=None, verdicts=VERDICTS,
                           surat=summary, jenis=LETTER_TYPES)
