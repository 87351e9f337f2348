"""``/api/v1/direktori/<wilayah>``: import and export a pemda's directory of units and officials as CSV,
and list its units (with each unit's default paraf route).

For the pemda's administrators (the ``admin`` right for the whole pemda;
another pemda's directory answers 404). The CSV's columns are those of
:mod:`service.directory.csvfile`; an import replaces the pemda's directory
whole and is recorded in the audit trail, or with ``uji=true`` only
reports what it would do.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy.orm import Session, sessionmaker

from ..access import audit
from ..access.request import require_admin
from ..access.scope import check_pemda
from ..directory.directory import ImportReport, export_csv, import_csv, list_units
from ..letters.fields import BaseSchema, Logika
from ..wilayah import RegionProfile
from .body import upload_body, uploaded_file

blp = Blueprint("direktori", __name__, url_prefix="/api/v1/direktori",
                description="Direktori unit dan pegawai per pemda (CSV ekspor SIMPEG)")

_PROBLEM = {"content": {"application/problem+json": {"schema": "Problem"}}}
CSV = "text/csv"


class ImporArgsSchema(BaseSchema):
    uji = Logika(load_default=False, metadata={"description": "true: hanya periksa berkas, tidak ada yang diimpor"})


class LaporanImporSchema(BaseSchema):
    wilayah = fields.String()
    uji = fields.Boolean(metadata={"description": "Uji coba: tidak ada yang ditulis"})
    unit = fields.Integer(metadata={"description": "Jumlah unit dalam berkas"})
    pegawai = fields.Integer(metadata={"description": "Jumlah pegawai dalam berkas"})
    baru = fields.Integer(metadata={"description": "Pegawai yang belum ada di direktori"})
    berubah = fields.Integer(metadata={"description": "Pegawai yang datanya (atau data unitnya) berubah"})
    dihapus = fields.Integer(metadata={"description": "Pegawai direktori yang tidak ada lagi di berkas"})


class UnitDirektoriSchema(BaseSchema):
    kode = fields.String()
    nama = fields.String()
    induk = fields.String(allow_none=True, metadata={"description": "Kode unit induk"})
    alamat = fields.String(allow_none=True)
    kode_pos = fields.String(allow_none=True)
    telepon = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    laman = fields.String(allow_none=True)
    ada_pengawas = fields.Boolean(metadata={"description": "Masih ada Pejabat Pengawas di unit ini"})
    rute_paraf = fields.List(fields.String(), allow_none=True, metadata={
        "description": "Rute paraf bawaan unit: NIP verifikator berurutan, dipakai bila permintaan konsep tidak "
                       "menyebut verifikator (kolom UNIT_RUTE_PARAF)"})


def directory_registry(wilayah: str) -> tuple[sessionmaker[Session], Mapping[str, RegionProfile]]:
    """The registry's sessions and the region profiles, for an administrator of ``wilayah``.

    :raises NotAuthenticated, MissingRight: not an administrator (401, 403).
    :raises NotFound: another pemda's directory.
    """
    check_pemda(require_admin(), wilayah)
    services = current_app.extensions["suratkerja"]
    return services.sessions, services.profiles


def import_directory(wilayah: str, data: bytes, dry_run: bool) -> ImportReport:
    """Replace (or only check) ``wilayah``'s directory for its administrator; an import goes into the audit trail.

    :raises InvalidRequest: every bad row of ``data``; nothing is imported.
    """
    report = import_csv(*directory_registry(wilayah), wilayah, data, dry_run=dry_run)
    if not report.uji:
        audit.record("direktori.impor", wilayah=wilayah, **report.counts())
    return report


def directory_download(wilayah: str) -> Response:
    """``wilayah``'s directory as a CSV file to save, for its administrator."""
    text = export_csv(*directory_registry(wilayah), wilayah)
    return Response(text.encode("utf-8"), mimetype=CSV, headers={
        "Content-Disposition": f'attachment; filename="direktori_{wilayah}.csv"'})


@blp.route("/<string:wilayah>/impor")
class Impor(MethodView):
    @blp.arguments(ImporArgsSchema, location="query")
    @blp.doc(
        requestBody=upload_body(CSV),
        responses={
            "404": {"description": "Wilayah tidak dikenal", **_PROBLEM},
            "413": {"description": "Berkas melebihi batas ukuran", **_PROBLEM},
            "415": {"description": "Bukan text/csv atau multipart", **_PROBLEM},
            "422": {"description": "Setiap baris yang salah (pointer /baris/<baris>/<KOLOM>); tidak ada yang "
                                   "diimpor", **_PROBLEM},
        },
    )
    @blp.response(200, LaporanImporSchema)
    def post(self, args, wilayah):
        """Ganti direktori pemda dengan berkas CSV (satu baris per pegawai), atau periksa saja (uji=true)."""
        return import_directory(wilayah, uploaded_file(CSV, "berkas CSV"), args["uji"]).to_dict()


@blp.route("/<string:wilayah>/ekspor")
class Ekspor(MethodView):
    @blp.doc(responses={
        "200": {"description": "Direktori sebagai CSV, satu baris per pegawai",
                "content": {CSV: {"schema": {"type": "string"}}}},
        "404": {"description": "Wilayah tidak dikenal", **_PROBLEM},
    })
    def get(self, wilayah):
        """Direktori pemda sebagai CSV, dalam bentuk yang dibaca impor."""
        return directory_download(wilayah)


@blp.route("/<string:wilayah>/unit")
class UnitList(MethodView):
    @blp.doc(responses={"404": {"description": "Wilayah tidak dikenal", **_PROBLEM}})
    @blp.response(200, UnitDirektoriSchema(many=True))
    def get(self, wilayah):
        """Unit-unit pemda menurut kode, dengan kop dan rute paraf bawaannya."""
        return list_units(*directory_registry(wilayah), wilayah)
