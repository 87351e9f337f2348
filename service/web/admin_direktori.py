"""A pemda administrator's directory of units and officials, as a page (the same steps as
``/api/v1/direktori``): see it, check a SIMPEG CSV (Periksa: every bad row, nothing imported), import it
(Impor), download it; and its delegation register: see it, record a delegation, end one today. The
administrator's own pemda only; a unit or a delegation it does not hold is not found."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..access.request import require_admin
from ..api.direktori import directory_download, end_delegation_early, import_directory, record_delegation
from ..directory.csvfile import place
from ..directory.delegation import DelegasiBaruSchema, list_delegations
from ..directory.directory import list_pegawai, list_units
from ..issuing.printing import today
from ..issuing.validation import load
from ..letters.common import PERAN_LABEL
from ..plumbing.errors import Conflict, InvalidRequest, NotFound
from . import blp
from .forms import DelegasiForm, DirektoriForm, Form


def _directory_page(wilayah: str, form: DirektoriForm, delegasi_form: DelegasiForm | None = None, **result):
    """The page: the directory (of one unit with ``?unit=``), the upload form, and what the upload gave;
    the delegation register with its form, and what a new entry gave."""
    services = current_app.extensions["suratkerja"]
    units = list_units(services.sessions, services.profiles, wilayah)
    unit = request.args.get("unit") or None
    if unit is not None and unit not in {u["kode"] for u in units}:
        raise NotFound(f"Unit {unit} tidak ditemukan di direktori.")
    pegawai = list_pegawai(services.sessions, services.profiles, wilayah)
    names = {p["nip"]: p["nama_lengkap"] for p in pegawai}
    shown = [p for p in pegawai if unit in (None, p["unit_kode"])]
    delegasi = list_delegations(services.sessions, services.profiles, wilayah, per=today())
    return render_template("direktori.html", form=form, units=units, unit=unit, pegawai=shown, names=names,
                           peran=PERAN_LABEL, delegasi=delegasi, delegasi_form=delegasi_form or DelegasiForm(),
                           akhiri_form=Form(), **result)


@blp.route("/admin/direktori", methods=["GET", "POST"])
@login_required
def admin_direktori():
    """The directory; a posted file is checked, or imported when the Impor button sent it."""
    wilayah = require_admin().wilayah
    form = DirektoriForm()
    if not form.validate_on_submit():
        return _directory_page(wilayah, form, errors=form.messages()), 422 if form.is_submitted() else 200
    try:
        report = import_directory(wilayah, form.berkas.data.read(), dry_run=not form.importing())
    except InvalidRequest as e:
        return _directory_page(wilayah, form, findings=[(*place(f), f.message) for f in e.findings]), 422
    if report.uji:
        return _directory_page(wilayah, form, report=report)
    flash(f"Direktori diimpor: {report.unit} unit, {report.pegawai} pegawai; {report.baru} baru, "
          f"{report.berubah} berubah, {report.dihapus} dihapus.", "info")
    return redirect(url_for("web.admin_direktori"))


@blp.route("/admin/direktori.csv")
@login_required
def admin_direktori_csv():
    """The directory as the CSV the import reads."""
    return directory_download(require_admin().wilayah)


def _label(form: DelegasiForm, pointer: str) -> str:
    """The form's label of the field a finding points to (``/nip_antara``)."""
    name = pointer.lstrip("/")
    return form[name].label.text if name in form else name


@blp.route("/admin/direktori/delegasi", methods=["POST"])
@login_required
def admin_delegasi():
    """Record a delegation; what the register refuses is shown field by field."""
    wilayah = require_admin().wilayah
    form = DelegasiForm()
    if not form.validate_on_submit():
        return _directory_page(wilayah, DirektoriForm(), form, delegasi_errors=form.messages()), 422
    try:
        entry = record_delegation(wilayah, load(DelegasiBaruSchema(), form.entry()))
    except InvalidRequest as e:
        return _directory_page(wilayah, DirektoriForm(), form, delegasi_errors=[
            f"{_label(form, f.pointer)}: {f.message} ({f.pasal})" for f in e.findings]), 422
    flash(f"Delegasi {entry['jenis']} dicatat, berlaku {entry['berlaku_dari']} sampai {entry['berlaku_sampai']}.",
          "info")
    return redirect(url_for("web.admin_direktori", _anchor="delegasi"))


@blp.route("/admin/direktori/delegasi/<string:delegasi_id>/akhiri", methods=["POST"])
@login_required
def admin_akhiri_delegasi(delegasi_id):
    """End a delegation today: letters dated later are refused it."""
    wilayah = require_admin().wilayah
    if not Form().validate_on_submit():
        return _directory_page(wilayah, DirektoriForm(), delegasi_errors=["Formulir kedaluwarsa; coba lagi."]), 422
    try:
        entry = end_delegation_early(wilayah, delegasi_id, None)
    except Conflict as e:
        flash(e.detail, "error")
        return redirect(url_for("web.admin_direktori", _anchor="delegasi"))
    flash(f"Delegasi {entry['jenis']} diakhiri; hari terakhirnya {entry['berlaku_sampai']}.", "info")
    return redirect(url_for("web.admin_direktori", _anchor="delegasi"))
