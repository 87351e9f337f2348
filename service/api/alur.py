"""``/api/v1/surat/<id>/…``: a draft's workflow — paraf, kembalikan, revisi, batalkan — and its versions.

Who may call each: paraf by the verifikator whose turn it is (a key with right ``paraf`` acting for that
NIP); kembalikan by that verifikator or the letter's penandatangan (right ``paraf`` or ``tandatangan``);
revisi and batalkan by the issuing unit's konseptor or arsiparis (right ``terbit`` for the issuing
unit); the versions by whoever may read the letter. Outside the caller's scope: 404.
"""

from __future__ import annotations

import io

from flask import send_file, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access import audit
from ..access.principal import BACA, PARAF, TANDATANGAN, TERBIT, Principal
from ..access.request import current_principal
from ..letters.nip import normalise_nip
from ..plumbing.errors import Forbidden, MissingRight, NotFound
from ..plumbing.models import Surat, SuratVersi
from ..workflow.batal import cancel
from ..workflow.kembalikan import return_draft
from ..workflow.paraf import give_paraf
from ..workflow.revisi import revise
from ..workflow.state import Version, check_version, versions
from .schemas import DaftarVersiSchema, ParafSchema, PembatalanSchema, PengembalianSchema, RevisiSchema, SuratOutSchema
from .surat import _PROBLEM, as_utc, load_surat, may_issue, services, surat_out

blp = Blueprint("alur", __name__, url_prefix="/api/v1/surat", description="Alur konsep: paraf, kembalikan, revisi, batalkan")

_STATE = {"409": {"description": "Status atau versi surat tidak memungkinkan tindakan ini", **_PROBLEM},
          "404": {"description": "Tidak ditemukan", **_PROBLEM}}


def issuing_unit(principal: Principal, surat: Surat) -> None:
    """Revising and cancelling are the issuing unit's: a reader of an addressed unit may not.

    :raises Forbidden: the caller does not act for the letter's issuing unit.
    """
    if not principal.covers(surat.unit_kode):
        raise Forbidden(f"Hanya unit penerbit ({surat.unit_nama}) yang dapat mengubah atau membatalkan konsep ini.")


@blp.route("/<surat_id:surat_id>/paraf")
class SuratParaf(MethodView):
    @blp.arguments(ParafSchema)
    @blp.doc(responses={**_STATE, "403": {"description": "Bukan giliran verifikator ini", **_PROBLEM}})
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Beri paraf pada versi konsep yang berlaku, sebagai verifikator yang mendapat giliran.

        Paraf terakhir membuat surat siap ditandatangani. Paraf atas versi yang bukan versi berlaku ditolak (409).
        """
        surat = load_surat(surat_id, PARAF)
        return surat_out(give_paraf(services(), surat, normalise_nip(args["nip"]), args["versi"],
                                    audit.request_actor()))


@blp.route("/<surat_id:surat_id>/kembalikan")
class SuratKembalikan(MethodView):
    @blp.arguments(PengembalianSchema)
    @blp.doc(responses={**_STATE, "403": {"description": "Bukan verifikator yang mendapat giliran atau "
                                                        "penandatangan", **_PROBLEM}})
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Kembalikan konsep kepada konseptornya dengan catatan (verifikator yang mendapat giliran, atau penandatangan)."""
        principal = current_principal()
        surat = load_surat(surat_id, BACA)
        if not {PARAF, TANDATANGAN} & principal.rights:
            raise MissingRight("Pengembalian konsep perlu hak paraf atau tandatangan.")
        check_version(surat, args.get("versi"))
        return surat_out(return_draft(services(), surat, normalise_nip(args["nip"]), args["catatan"].strip(),
                                      audit.request_actor()))


@blp.route("/<surat_id:surat_id>/revisi")
class SuratRevisi(MethodView):
    @blp.arguments(RevisiSchema)
    @blp.doc(responses={**_STATE, "403": {"description": "Bukan unit penerbit", **_PROBLEM},
                        "422": {"description": "Melanggar aturan; satu entri per isian, dengan pasalnya", **_PROBLEM}})
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Revisi konsep: isi surat lengkap yang diperbaiki menjadi versi baru; paraf yang sudah ada diulang.

        Versi lama tetap dapat dibaca (GET …/versi). Surat tetap jenis, wilayah, dan unit penerbit yang sama.
        """
        surat = load_surat(surat_id, TERBIT)
        issuing_unit(current_principal(), surat)
        may_issue(current_principal(), args["surat"])
        check_version(surat, args.get("versi"))
        return surat_out(revise(services(), surat, args["surat"], args.get("catatan"), audit.request_actor()))


@blp.route("/<surat_id:surat_id>/batalkan")
class SuratBatalkan(MethodView):
    @blp.arguments(PembatalanSchema)
    @blp.doc(responses={**_STATE, "403": {"description": "Bukan unit penerbit", **_PROBLEM}})
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Batalkan konsep yang belum ditandatangani, dengan alasan. Konsep tidak pernah bernomor, jadi tidak ada nomor yang hilang."""
        principal = current_principal()
        surat = load_surat(surat_id, TERBIT)
        issuing_unit(principal, surat)
        check_version(surat, args.get("versi"))
        return surat_out(cancel(services(), surat, args["alasan"].strip(), principal.actor, audit.request_actor()))


def versions_out(surat: Surat, found: list[Version]) -> list[dict]:
    return [{
        "versi": v.row.versi, "dibuat": as_utc(v.row.dibuat), "oleh": v.row.oleh, "catatan": v.row.catatan,
        "sha256": v.row.pdf_sha256, "berlaku": v.row.versi == surat.versi,
        "paraf": [{"urutan": p.urutan, "nip": p.nip, "nama": p.nama, "jabatan": p.jabatan, "waktu": as_utc(p.waktu),
                   "sha256": p.sha256} for p in v.paraf],
        "pdf": url_for("alur.SuratVersiPdf", surat_id=surat.id, versi=v.row.versi),
    } for v in found]


@blp.route("/<surat_id:surat_id>/versi")
class SuratVersiList(MethodView):
    @blp.alt_response(404, description="Tidak ditemukan", content_type="application/problem+json", schema="Problem")
    @blp.response(200, DaftarVersiSchema)
    def get(self, surat_id):
        """Versi-versi konsep surat, dengan paraf pada masing-masing; yang lama tetap dapat dibaca."""
        surat = load_surat(surat_id, BACA)
        with services().sessions() as session:
            return {"items": versions_out(surat, versions(session, surat_id))}


@blp.route("/<surat_id:surat_id>/versi/<int:versi>/pdf")
class SuratVersiPdf(MethodView):
    @blp.doc(responses={"200": {"description": "Pratinjau PDF/A versi ini (tanpa nomor)",
                                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(404, description="Tidak ditemukan", content_type="application/problem+json", schema="Problem")
    def get(self, surat_id, versi):
        """Unduh pratinjau satu versi konsep."""
        surat = load_surat(surat_id, BACA)
        with services().sessions() as session:
            row = session.get(SuratVersi, (surat_id, versi))
        if row is None:
            raise NotFound(f"Surat {surat_id} tidak memiliki versi {versi}.")
        audit.record_secret_download(surat, versi=versi)
        return send_file(io.BytesIO(services().store.get(row.pdf_sha256)), mimetype="application/pdf",
                         as_attachment=True, download_name=f"{surat.jenis}_konsep-v{versi}.pdf", etag=row.pdf_sha256)
