"""``/api/v1/verifikasi``: is an uploaded PDF a genuine, unaltered letter of this service?"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..signatures.verification import verify_upload
from .body import upload_body, uploaded_file

blp = Blueprint("verifikasi", __name__, url_prefix="/api/v1/verifikasi", description="Verifikasi PDF")

_PROBLEM = {"content": {"application/problem+json": {"schema": "Problem"}}}


@blp.route("")
class Verifikasi(MethodView):
    @blp.doc(
        requestBody=upload_body("application/pdf"),
        responses={
            "413": {"description": "Berkas melebihi batas ukuran", **_PROBLEM},
            "415": {"description": "Bukan PDF/multipart", **_PROBLEM},
            "422": {"description": "Bukan PDF, terenkripsi, atau rusak", **_PROBLEM},
        },
    )
    @blp.response(200, description=(
        "Laporan: indication (TOTAL_PASSED, INDETERMINATE, TOTAL_FAILED), sub_indication, per tanda "
        "tangan (penandatangan, NIP, rantai sertifikat, waktu, tingkat PAdES, keutuhan, perubahan), "
        "dan apakah berkas identik dengan surat yang diterbitkan layanan ini (terbitan: nomor, tanggal, hal, "
        "status, pencabutan, paraf pada versi yang ditandatangani: nama, jabatan, waktu; ditandatangani_sebagai: "
        "jabatan penanda tangan, dengan a.n./u.b./Plt./Plh. bila atas nama orang lain); keberlakuan "
        "(berlaku, dicabut, konsep untuk berkas yang tidak dibuat oleh tanda tangan, versi_lama); "
        "problems: [{kode, pesan}], kode tetap untuk program, pesan dalam bahasa Indonesia."))
    def post(self):
        """Periksa tanda tangan dan keaslian sebuah PDF."""
        return verify_upload(current_app.extensions["suratkerja"], uploaded_file("application/pdf", "PDF"))
