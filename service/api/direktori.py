"""``/api/v1/direktori/<wilayah>``: import and export a pemda's directory of units and officials as CSV,
list its units (with each unit's default paraf route), and keep its delegation register.

For the pemda's administrators (the ``admin`` right for the whole pemda;
another pemda's directory answers 404). The CSV's columns are those of
:mod:`service.directory.csvfile`; an import replaces the pemda's units and
pegawai whole (never the delegation register) and is recorded in the audit
trail, or with ``uji=true`` only reports what it would do.

The delegation register (:mod:`service.directory.delegation`): an
administrator records and ends delegations (both in the audit trail); any
key of the pemda with ``baca`` lists them (an e-office system learns who may
sign a.n., u.b., Plt. or Plh. before it sends a letter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy.orm import Session, sessionmaker

from ..access import audit
from ..access.principal import BACA
from ..access.request import require, require_admin
from ..access.scope import check_pemda
from ..directory.delegation import DelegasiBaruSchema, add_delegation, end_delegation, list_delegations
from ..directory.directory import ImportReport, export_csv, import_csv, list_units
from ..issuing.printing import today
from ..letters.fields import BaseSchema, Logika, Msg, Tanggal, Teks
from ..letters.nip import NIP_PATTERN, normalise_nip
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


def record_delegation(wilayah: str, data: dict) -> dict:
    """Record a delegation in ``wilayah``'s register for its administrator, in the audit trail.

    :raises InvalidRequest: an impossible entry.
    """
    entry = add_delegation(*directory_registry(wilayah), wilayah, data, per=today())
    audit.record("delegasi.catat", wilayah=wilayah, objek=entry["id"], jenis=entry["jenis"])
    return entry


def end_delegation_early(wilayah: str, delegasi_id: str, sampai: dt.date | None) -> dict:
    """End a delegation of ``wilayah``'s register for its administrator (``sampai``: its new last day, default
    today), in the audit trail.

    :raises NotFound: no such delegation. :raises Conflict: it ends by then already.
    """
    entry = end_delegation(*directory_registry(wilayah), wilayah, delegasi_id, per=today(), sampai=sampai)
    audit.record("delegasi.akhiri", wilayah=wilayah, objek=delegasi_id, sampai=entry["berlaku_sampai"].isoformat())
    return entry


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


class DelegasiSchema(BaseSchema):
    id = fields.String()
    wilayah = fields.String()
    jenis = fields.String()
    nip_pemberi = fields.String()
    nama_pemberi = fields.String(allow_none=True, metadata={"description": "Dari direktori, bila ada"})
    nip_penerima = fields.String()
    nama_penerima = fields.String(allow_none=True)
    nip_antara = fields.String(allow_none=True)
    nama_antara = fields.String(allow_none=True)
    berlaku_dari = fields.Date()
    berlaku_sampai = fields.Date()
    dasar_nomor = fields.String(allow_none=True)
    dasar_tanggal = fields.Date(allow_none=True)
    dicatat = fields.DateTime()
    diakhiri = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "Hari ini: berlaku, belum_berlaku atau berakhir"})


class DaftarDelegasiArgsSchema(BaseSchema):
    nip = Teks(validate=validate.Regexp(NIP_PATTERN, error=Msg("NIP: 18 angka.", "nip_format")), metadata={
        "pattern": NIP_PATTERN, "description": "Hanya delegasi yang diberikan, diterima atau diteruskan pejabat ini"})
    """A filter: any NIP-shaped value, an impossible one simply lists nothing."""


class AkhiriDelegasiSchema(BaseSchema):
    sampai = Tanggal(metadata={"description": "Hari terakhir delegasi (termasuk); kosong = hari ini"})


@blp.route("/<string:wilayah>/delegasi")
class Delegasi(MethodView):
    @blp.arguments(DaftarDelegasiArgsSchema, location="query")
    @blp.doc(responses={"404": {"description": "Wilayah tidak dikenal", **_PROBLEM}})
    @blp.response(200, DelegasiSchema(many=True))
    def get(self, args, wilayah):
        """Register delegasi pemda (a.n., u.b., Plt., Plh.), yang terbaru dulu."""
        check_pemda(require(BACA), wilayah)
        services = current_app.extensions["suratkerja"]
        nip = normalise_nip(args["nip"]) if args.get("nip") else None
        return list_delegations(services.sessions, services.profiles, wilayah, per=today(), nip=nip)

    @blp.arguments(DelegasiBaruSchema)
    @blp.doc(responses={
        "404": {"description": "Wilayah tidak dikenal", **_PROBLEM},
        "422": {"description": "Delegasi yang tidak mungkin (u.b. tanpa pemegang a.n., Plt./Plh. tanpa surat "
                               "perintah, tanggal terbalik…), dengan pasalnya", **_PROBLEM},
    })
    @blp.response(201, DelegasiSchema)
    def post(self, data, wilayah):
        """Catat delegasi penandatanganan di register pemda (administrator)."""
        return record_delegation(wilayah, data)


@blp.route("/<string:wilayah>/delegasi/<string:delegasi_id>/akhiri")
class AkhiriDelegasi(MethodView):
    @blp.arguments(AkhiriDelegasiSchema)
    @blp.doc(responses={
        "404": {"description": "Wilayah atau delegasi tidak dikenal", **_PROBLEM},
        "409": {"description": "Delegasi sudah berakhir pada hari itu atau sebelumnya", **_PROBLEM},
    })
    @blp.response(200, DelegasiSchema)
    def post(self, data, wilayah, delegasi_id):
        """Akhiri delegasi lebih awal: surat bertanggal sesudah hari terakhirnya ditolak (administrator)."""
        return end_delegation_early(wilayah, delegasi_id, data.get("sampai"))
