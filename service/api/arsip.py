"""``/api/v1/surat/<id>/arsip.pdf``: a signed letter's archive copy with its paraf (:mod:`service.archive`).

Whoever may read the letter (right ``baca``, within scope; outside it 404) may download it; it exists only
where the region's profile sets ``[paraf] cetak_arsip = true``, and once the letter is signed.
"""

from __future__ import annotations

import io

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access import audit
from ..access.principal import BACA
from ..archive.archive_copy import archive_copy
from .surat import download_name, load_surat, services

blp = Blueprint("arsip", __name__, url_prefix="/api/v1/surat", description="Salinan arsip surat dengan paraf")


@blp.route("/<surat_id:surat_id>/arsip.pdf")
class SuratArsip(MethodView):
    @blp.doc(responses={"200": {
        "description": "Surat bernomor (tanpa tanda tangan elektronik) dengan tabel paraf di kaki halaman "
                       "terakhirnya; berkas surat bernomor tetap utuh sebagai revisi pertamanya",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }})
    @blp.alt_response(404, description="Tidak ditemukan, wilayahnya tidak mencetak paraf pada salinan arsip "
                                       "([paraf] cetak_arsip), atau surat belum ditandatangani",
                      content_type="application/problem+json", schema="Problem")
    @blp.alt_response(503, description="Tata letak surat tidak dapat dibaca",
                      content_type="application/problem+json", schema="Problem")
    def get(self, surat_id):
        """Unduh salinan arsip surat yang sudah ditandatangani: surat bernomor dengan tabel paraf verifikatornya.

        Surat yang ditandatangani tidak diubah; salinan ini bukan surat bertanda tangan elektronik.
        """
        surat = load_surat(surat_id, BACA)
        pdf = archive_copy(services(), surat)
        audit.record_secret_download(surat, salinan="arsip")
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=download_name(surat).removesuffix(".pdf") + "_arsip.pdf")
