"""A pemda administrator's directory of units and officials, as a page (the same steps as
``/api/v1/direktori``): see it, check a SIMPEG CSV (Periksa: every bad row, nothing imported), import it
(Impor), download it. The administrator's own pemda only; a unit it does not hold is not found."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..access.request import require_admin
from ..api.direktori import directory_download, import_directory
from ..directory.csvfile import place
from ..directory.directory import list_pegawai, list_units
from ..letters.common import PERAN_LABEL
from ..plumbing.errors import InvalidRequest, NotFound
from . import blp
from .forms import DirektoriForm


def _directory_page(wilayah: str, form: DirektoriForm, **result):
    """The page: the directory (of one unit with ``?unit=``), the upload form, and what the upload gave."""
    services = current_app.extensions["suratkerja"]
    units = list_units(services.sessions, services.profiles, wilayah)
    unit = request.args.get("unit") or None
    if unit is not None and unit not in {u["kode"] for u in units}:
        raise NotFound(f"Unit {unit} tidak ditemukan di direktori.")
    pegawai = list_pegawai(services.sessions, services.profiles, wilayah)
    names = {p["nip"]: p["nama_lengkap"] for p in pegawai}
    shown = [p for p in pegawai if unit in (None, p["unit_kode"])]
    return render_template("direktori.html", form=form, units=units, unit=unit, pegawai=shown, names=names,
                           peran=PERAN_LABEL, **result)


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
