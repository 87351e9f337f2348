"""The chain of letters over HTTP: the chain around a letter, a draft of the
next letter filled from an earlier one, and letters registered from outside."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access import audit
from ..access.principal import BACA, TERBIT
from ..access.request import require
from ..access.scope import check_known, check_pemda, outside_for, visible_ids
from ..chain import Due, Known, chain_of, draft, reports_due
from ..chain.due import LATE
from ..chain.outside import register_outside
from ..plumbing.errors import NotFound
from ..letters import LETTER_TYPES
from ..plumbing.models import SuratLuar
from .body import json_body
from ..issuing.printing import today
from .schemas import RantaiArgsSchema, RantaiSchema, SuratLuarSchema
from .surat import as_utc, riwayat_out, services

blp = Blueprint("rantai", __name__, url_prefix="/api/v1", description="Rantai surat dan surat dari luar")

_NOT_FOUND = {"description": "Tidak ditemukan", "content": {"application/problem+json": {"schema": "Problem"}}}


def _letter_out(known: Known, history) -> dict:
    links = None if known.luar else {
        "self": url_for("surat.SuratItem", surat_id=known.id),
        "pdf": url_for("surat.SuratPdf", surat_id=known.id),
        "verifikasi": services().settings.verification_url(known.id),
    }
    return {
        "id": known.id, "jenis": known.jenis, "keputusan": known.keputusan, "wilayah": known.wilayah,
        "nomor": known.nomor, "tanggal": known.tanggal, "hal": known.hal, "status": known.status,
        "luar": known.luar, "tautan": links,
        "riwayat": [riwayat_out(r) for r in history.get(known.id, ())],
    }


def _due_out(due: Due, shown: set[str]) -> dict:
    """A report due, with the reports made for it that the caller may read."""
    return {
        "dasar": due.dasar.id, "pelapor": due.pelapor, "kedudukan": due.kedudukan, "kepada": due.kepada,
        "pasal": due.pasal, "jatuh_tempo": due.jatuh_tempo, "status": due.status,
        "terlambat": due.status == LATE,
        "dibuat": [{"id": r.id, "nomor": r.nomor, "tanggal": r.tanggal, "status": r.status,
                    "periode": r.data.get("periode")} for r in due.dibuat if r.id in shown],
    }


@blp.route("/surat/<string:surat_id>/rantai")
class Rantai(MethodView):
    @blp.arguments(RantaiArgsSchema, location="query")
    @blp.response(200, RantaiSchema)
    @blp.doc(responses={"404": _NOT_FOUND})
    def get(self, args, surat_id):
        """Seluruh rantai surat: permohonan, jawaban, penugasan, keputusan, laporan, dengan status dan riwayat
        tiap surat, serta laporan pelaksanaan tugas yang wajib dibuat dan yang terlambat.

        Hanya surat yang boleh dibaca pemanggil yang ditampilkan, dengan tautan di antaranya."""
        principal = require(BACA)
        per = args.get("per") or today()
        with services().sessions() as session:
            check_known(session, principal, surat_id)
            letters, links, history = chain_of(session, surat_id)
            shown = visible_ids(session, principal, letters)
        rests_on: dict[str, set[str]] = {}
        for t in links:
            if t.hubungan == "dasar":
                rests_on.setdefault(t.surat_id, set()).add(t.rujukan_id)
        return {
            "surat": [_letter_out(k, history) for k in letters if k.id in shown],
            "tautan": [{"dari": t.surat_id, "ke": t.rujukan_id, "hubungan": t.hubungan} for t in links
                       if t.surat_id in shown and t.rujukan_id in shown],
            "per": per,
            "laporan": [_due_out(d, shown) for d in reports_due(letters, rests_on, services().profiles, per)
                        if d.dasar.id in shown],
        }


@blp.route("/surat/<string:surat_id>/konsep/<string:jenis>")
class Konsep(MethodView):
    @blp.response(200, description="Isi surat baru, terisi dari surat ini; lengkapi lalu kirim ke POST /surat/<jenis>")
    @blp.doc(responses={"404": _NOT_FOUND})
    def get(self, surat_id, jenis):
        """Konsep surat berikutnya dalam rantai (jawaban, penerusan, penugasan, keputusan) dari surat ini."""
        if jenis not in LETTER_TYPES:
            raise NotFound(f"Jenis surat '{jenis}' tidak dikenal; yang tersedia: {', '.join(LETTER_TYPES)}.")
        principal = require(BACA)
        with services().sessions() as session:
            check_known(session, principal, surat_id)
            return draft(session, surat_id, jenis, services().profiles)


def _luar_out(luar: SuratLuar) -> dict:
    return {"id": luar.id, "wilayah": luar.wilayah, "jenis": luar.jenis, "nomor": luar.nomor,
            "tanggal": luar.tanggal, "hal": luar.hal, "isi": luar.isi, "dibuat": as_utc(luar.dibuat)}


@blp.route("/surat-luar")
class SuratLuarList(MethodView):
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": "SuratLuarIn"}}},
             responses={"409": {"description": "Sudah terdaftar (nomor dan tanggal sama)",
                                "content": {"application/problem+json": {"schema": "Problem"}}}})
    @blp.response(201, SuratLuarSchema)
    def post(self):
        """Daftarkan surat dari luar layanan (mis. permohonan atau persetujuan instansi lain) agar dapat dirujuk dengan id."""
        principal = require(TERBIT)
        body = json_body()
        check_pemda(principal, body.get("wilayah") if isinstance(body, dict) else None)
        with services().sessions.begin() as session:
            luar = register_outside(session, services().profiles, body)
        audit.record("surat_luar.daftar", wilayah=luar.wilayah, objek=luar.id, nomor=luar.nomor)
        return _luar_out(luar)


@blp.route("/surat-luar/<string:luar_id>")
class SuratLuarItem(MethodView):
    @blp.response(200, SuratLuarSchema)
    @blp.doc(responses={"404": _NOT_FOUND})
    def get(self, luar_id):
        """Satu surat dari luar yang terdaftar."""
        principal = require(BACA)
        with services().sessions() as session:
            return _luar_out(outside_for(session, principal, luar_id))
