"""``/api/v1/kunci`` and ``/api/v1/audit``: a pemda administrator's API keys and audit trail.

A pemda administrator (right ``admin``) sees and manages the keys and audit
entries of their own pemda; a host administrator those of every pemda.
"""

from __future__ import annotations

import csv
import io
import json

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ..access import audit
from ..access.keys import NewKey, create_key, find_key, list_keys, revoke, rotate
from ..access.request import require_admin
from ..access.scope import check_pemda
from ..plumbing.models import JejakAudit, KunciApi
from .schemas import JejakArgsSchema, JejakSchema, KunciBaruSchema, KunciInSchema, KunciSchema
from .surat import as_utc, services

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Administrasi pemda: kunci API dan jejak audit")

_NOT_FOUND = {"404": {"description": "Tidak ditemukan", "content": {"application/problem+json": {"schema": "Problem"}}}}


def _key_out(key: KunciApi) -> dict:
    return {"prefiks": key.prefiks, "nama": key.nama, "wilayah": key.wilayah, "unit": key.unit, "hak": key.hak,
            "dibuat": as_utc(key.dibuat), "dicabut": key.dicabut and as_utc(key.dicabut),
            "terakhir_dipakai": key.terakhir_dipakai and as_utc(key.terakhir_dipakai)}


def _new_key_out(new: NewKey, aksi: str) -> dict:
    audit.record(aksi, wilayah=new.kunci.wilayah, objek=new.kunci.prefiks, hak=new.kunci.hak, unit=new.kunci.unit)
    return {**_key_out(new.kunci), "token": new.token}


@blp.route("/kunci")
class KunciList(MethodView):
    @blp.response(200, KunciSchema(many=True))
    def get(self):
        """Kunci API pemda (tanpa rahasianya), termasuk yang sudah dicabut."""
        principal = require_admin()
        with services().sessions() as session:
            return [_key_out(k) for k in list_keys(session, principal)]

    @blp.arguments(KunciInSchema)
    @blp.response(201, KunciBaruSchema)
    def post(self, args):
        """Buat kunci API; kunci lengkap (token) hanya ditampilkan di jawaban ini."""
        principal = require_admin()
        wilayah = args.get("wilayah", principal.wilayah)
        check_pemda(principal, wilayah)
        with services().sessions.begin() as session:
            new = create_key(session, services().profiles, wilayah=wilayah, nama=args["nama"], rights=args["hak"],
                             units=args.get("unit"))
        return _new_key_out(new, "kunci.buat")


@blp.route("/kunci/<string:prefiks>/cabut")
class KunciCabut(MethodView):
    @blp.response(200, KunciSchema)
    @blp.doc(responses=_NOT_FOUND)
    def post(self, prefiks):
        """Cabut kunci: permintaan berikutnya dengan kunci itu ditolak (401)."""
        principal = require_admin()
        with services().sessions.begin() as session:
            key = find_key(session, principal, prefiks)
            revoke(key)
        audit.record("kunci.cabut", wilayah=key.wilayah, objek=key.prefiks)
        return _key_out(key)


@blp.route("/kunci/<string:prefiks>/putar")
class KunciPutar(MethodView):
    @blp.response(201, KunciBaruSchema)
    @blp.doc(responses=_NOT_FOUND)
    def post(self, prefiks):
        """Ganti kunci dengan yang baru (pemda, unit dan hak sama); yang lama dicabut."""
        principal = require_admin()
        with services().sessions.begin() as session:
            new = rotate(session, services().profiles, find_key(session, principal, prefiks))
        return _new_key_out(new, "kunci.putar")


def _entries(principal):
    query = select(JejakAudit)
    if not principal.host_admin:
        query = query.where(JejakAudit.wilayah == principal.wilayah)
    return query


@blp.route("/audit")
class Jejak(MethodView):
    @blp.arguments(JejakArgsSchema, location="query")
    @blp.response(200, JejakSchema(many=True))
    def get(self, args):
        """Jejak audit pemda, terbaru dahulu: siapa, dari mana, kapan, berbuat apa."""
        return latest_entries(require_admin(), args["halaman"], args["per_halaman"])


def latest_entries(principal, page: int, size: int) -> list[dict]:
    """One page of the administrator's pemda's audit trail, newest first (the API's and the page's)."""
    with services().sessions() as session:
        rows = session.scalars(_entries(principal).order_by(JejakAudit.id.desc()).offset((page - 1) * size).limit(size))
        return [audit.as_row(e) for e in rows]


@blp.route("/audit/csv")
class JejakCsv(MethodView):
    @blp.response(200, description="Seluruh jejak audit pemda sebagai CSV (terlama dahulu)",
                  content_type="text/csv")
    def get(self):
        """Ekspor jejak audit pemda (CSV), untuk diperiksa atau diarsipkan di luar layanan."""
        return audit_csv(require_admin())


def audit_csv(principal) -> Response:
    """The administrator's pemda's whole audit trail as a CSV download, oldest first (the API's and the page's)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=audit.FIELDS)
    writer.writeheader()
    with services().sessions() as session:
        for entry in session.scalars(_entries(principal).order_by(JejakAudit.id).execution_options(yield_per=1000)):
            row = audit.as_row(entry)
            writer.writerow({**row, "rincian": json.dumps(row["rincian"], ensure_ascii=False, sort_keys=True)})
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=jejak-audit.csv"})
