"""``/api/v1/surat``: issue, validate, list, read and download letters."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from flask import current_app, send_file, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access import audit
from ..access.principal import BACA, TANDATANGAN, TERBIT
from ..access.request import current_principal, require
from ..access.scope import check_issuer, check_references, letter_for, visible_letters
from ..plumbing.errors import NotFound
from ..letters import LETTER_TYPES
from ..plumbing.models import Riwayat, Surat, as_utc
from ..issuing.issue import Issued, issue, issue_and_sign, issue_and_sign_remotely
from ..issuing.prepare import prepare
from ..plumbing.services import Services
from ..letters.nip import normalise_nip
from ..plumbing.timing import stage
from ..signatures.esign import EsignBackend, local_passphrase, remote_credentials
from ..signatures.reconcile import reconcile
from ..signatures.revocation import Pencabutan, check_revoker, revoke
from ..signatures.sign_as import sign_as
from ..plumbing.registry import find_letters
from ..issuing.validation import letter_type
from .body import json_body, upload_body, uploaded_file
from .schemas import (
    DaftarArgsSchema, DaftarSuratSchema, PencabutanSchema, SuratOutSchema, SuratRinciSchema, SuratTerbitSchema,
    RekonsiliasiSchema, TandatanganSchema, TerbitTandatanganSchema, ValidasiSchema,
)

blp = Blueprint("surat", __name__, url_prefix="/api/v1/surat", description="Surat: terbitkan, cari, unduh")

_PROBLEM = {"content": {"application/problem+json": {"schema": "Problem"}}}
_SIGN_ERRORS = {
    "401": {"description": "Passphrase salah; surat tetap konsep", **_PROBLEM},
    "403": {"description": "Bukan pejabat yang berhak menandatangani", **_PROBLEM},
    "409": {"description": "Surat sudah ditandatangani, atau sertifikat belum ada", **_PROBLEM},
    "429": {"description": "Terlalu banyak passphrase salah (header Retry-After)", **_PROBLEM},
    "502": {"description": "Esign: berkas yang dikembalikan bukan surat yang dikirim dengan satu tanda tangan "
                           "penandatangan; tidak disimpan", **_PROBLEM},
    "504": {"description": "Esign tidak menjawab: surat berstatus belum_pasti (lihat isian surat), "
                           "selesaikan dengan rekonsiliasi", **_PROBLEM},
}
_ERRORS = {
    "400": {"description": "Badan permintaan tidak dapat dibaca", **_PROBLEM},
    "413": {"description": "Badan permintaan melebihi batas ukuran", **_PROBLEM},
    "415": {"description": "Bukan application/json", **_PROBLEM},
    "422": {"description": "Melanggar aturan; satu entri per isian, dengan pasalnya", **_PROBLEM},
}


def services() -> Services:
    return current_app.extensions["suratkerja"]


def surat_out(surat: Surat) -> dict:
    return {
        "id": surat.id, "jenis": surat.jenis, "wilayah": surat.wilayah,
        "unit": {"kode": surat.unit_kode, "nama": surat.unit_nama},
        "nomor": surat.nomor, "hal": surat.hal, "tanggal": surat.tanggal,
        "status": surat.status, "versi": surat.versi, "verifikator": surat.verifikator,
        "pencabutan": surat.pencabutan, "dibuat": as_utc(surat.dibuat),
        "sha256": {"pdf": surat.pdf_sha256, "ditandatangani": surat.signed_sha256},
        "tautan": {
            "self": url_for("surat.SuratItem", surat_id=surat.id),
            "pdf": url_for("surat.SuratPdf", surat_id=surat.id),
            "verifikasi": services().settings.verification_url(surat.id),
        },
    }


def riwayat_out(entry: Riwayat) -> dict:
    """One line of a letter's history, as the letter and the chain show it."""
    return {"waktu": as_utc(entry.waktu), "aksi": entry.aksi, "oleh": entry.oleh, "sha256": entry.sha256,
            "catatan": entry.catatan}


def issued_out(issued: Issued) -> dict:
    return {**surat_out(issued.surat), "peringatan": [w.to_dict() for w in issued.warnings]}


def issuer_request(*rights: str):
    """The body of a request to issue, from a caller with ``rights`` who may issue it.

    :raises NotAuthenticated, MissingRight, NotFound: see :func:`require`, :func:`check_issuer`,
        :func:`check_references`.
    """
    principal = require(*rights)
    payload = json_body()
    may_issue(principal, payload)
    return payload


def may_issue(principal, payload) -> None:
    """The caller may issue ``payload``: its pemda, a unit it acts for, letters it may read.

    :raises NotFound, MissingRight: see :func:`check_issuer`, :func:`check_references`.
    """
    with stage("authz"), services().sessions() as session:
        check_issuer(principal, payload)
        check_references(session, principal, payload)


def _issue_view(jenis: str, schema_name: str) -> type[MethodView]:
    """The POST views of one letter type (issue, and validate only)."""
    body = {"requestBody": {"required": True, "content": {"application/json": {"schema": schema_name}}}}

    class Issue(MethodView):
        @blp.doc(**body, responses=_ERRORS)
        @blp.response(201, SuratTerbitSchema)
        def post(self):
            payload = issuer_request(TERBIT)
            return issued_out(issue(services(), jenis, payload, audit.request_actor()))

    class Validate(MethodView):
        @blp.doc(**body, responses=_ERRORS)
        @blp.response(200, ValidasiSchema)
        def post(self):
            payload = issuer_request(TERBIT)
            valid = prepare(services(), jenis, payload).valid
            return {"valid": True, "peringatan": [w.to_dict() for w in valid.warnings]}

    class IssueAndSign(MethodView):
        @blp.arguments(TerbitTandatanganSchema)
        @blp.doc(requestBody={"required": True, "content": {"application/json": {
            "schema": create_and_sign_name(jenis)}}}, responses={**_ERRORS, **_SIGN_ERRORS})
        @blp.response(201, SuratTerbitSchema)
        def post(self, args):
            may_issue(require(TERBIT, TANDATANGAN), args["surat"])
            esign = _esign_of_request(args["surat"])
            if esign is not None:
                nik, secret = remote_credentials(esign, args)
                return issued_out(issue_and_sign_remotely(services(), esign, jenis, args["surat"], nik, secret,
                                                          args.get("tingkat"), audit.request_actor()))
            return issued_out(issue_and_sign(services(), jenis, args["surat"], local_passphrase(args),
                                             args.get("tingkat"), audit.request_actor()))

    IssueAndSign.post.__doc__ = (
        f"Terbitkan dan tandatangani {LETTER_TYPES[jenis].judul.lower()} dalam satu panggilan. "
        "Surat dicatat hanya setelah ditandatangani: bila apa pun gagal (passphrase, sertifikat, "
        "konversi, otoritas cap waktu, penandatanganan), tidak ada surat yang tercatat, tidak ada berkas "
        "yang disimpan, dan nomornya tetap tersedia."
    )
    blp.add_url_rule(f"/{jenis}/terbit-tandatangan", f"issue_sign_{jenis}", view_func=IssueAndSign)
    Issue.post.__doc__ = (f"Buat konsep {LETTER_TYPES[jenis].judul.lower()}: pratinjau PDF/A tanpa nomor, menunggu "
                          "paraf verifikator (bila ada); nomor diberikan saat tanda tangan pertama.")
    Validate.post.__doc__ = f"Periksa {LETTER_TYPES[jenis].judul.lower()} tanpa menerbitkan."
    blp.add_url_rule(f"/{jenis}", f"issue_{jenis}", view_func=Issue)
    blp.add_url_rule(f"/{jenis}/validasi", f"validate_{jenis}", view_func=Validate)
    return Issue


def _esign_of_request(payload) -> EsignBackend | None:
    """The Esign service that signs for the penandatangan a create-and-sign request names, if any.

    Read from the request before it is validated: an invalid one fails validation either way.
    """
    payload = payload if isinstance(payload, dict) else {}
    signer = payload.get("penandatangan")
    nip = normalise_nip(str(signer.get("nip", ""))) if isinstance(signer, dict) else ""
    return services().signing.esign_for(str(payload.get("wilayah", "")), nip)


def unknown_jenis(jenis: str):
    """POST to a letter type the service does not have: 404 naming the ones it has."""
    letter_type(jenis)  # raises NotFound for an unknown type
    raise NotFound()


def schema_name(jenis: str) -> str:
    return "".join(part.capitalize() for part in jenis.split("-"))


def create_and_sign_name(jenis: str) -> str:
    """The OpenAPI component of this letter type's create-and-sign body."""
    return f"TerbitTandatangan{schema_name(jenis)}"


for _jenis in LETTER_TYPES:
    _issue_view(_jenis, schema_name(_jenis))


@blp.route("")
class SuratList(MethodView):
    @blp.arguments(DaftarArgsSchema, location="query")
    @blp.response(200, DaftarSuratSchema)
    def get(self, args):
        """Daftar surat, terbaru dahulu; saring per wilayah, unit, jenis, tanggal, dan teks hal."""
        scope = visible_letters(require(BACA))
        page, size = args["halaman"], args["per_halaman"]
        with services().sessions() as session:
            rows, total = find_letters(session, args, scope=scope, page=page, size=size)
            return {"items": [surat_out(s) for s in rows], "total": total, "halaman": page, "per_halaman": size}


def load_surat(surat_id: str, *rights: str) -> Surat:
    """The letter, for a caller with ``rights`` who may read it.

    :raises NotAuthenticated, MissingRight: see :func:`require`.
    :raises NotFound: no such letter, or outside the caller's scope.
    """
    principal = require(*rights)
    with stage("authz"), services().sessions() as session:
        return letter_for(session, principal, surat_id)


@blp.route("/<surat_id:surat_id>")
class SuratItem(MethodView):
    @blp.response(200, SuratRinciSchema)
    @blp.alt_response(404, description="Tidak ditemukan", content_type="application/problem+json", schema="Problem")
    def get(self, surat_id):
        """Data satu surat, dengan riwayatnya (siapa berbuat apa, kapan)."""
        surat = load_surat(surat_id, BACA)
        with services().sessions() as session:
            riwayat = session.scalars(
                select(Riwayat).where(Riwayat.surat_id == surat_id).order_by(Riwayat.id)).all()
        return {**surat_out(surat), "riwayat": [riwayat_out(r) for r in riwayat]}


@blp.route("/<string:surat_id>/tandatangan")
class SuratTandatangan(MethodView):
    @blp.arguments(TandatanganSchema)
    @blp.doc(responses={**_SIGN_ERRORS, "404": {"description": "Tidak ditemukan", **_PROBLEM}})
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Tandatangani surat (PAdES); PDF bertanda tangan menggantikan pratinjau untuk diunduh."""
        surat = load_surat(surat_id, TANDATANGAN)
        return surat_out(sign_as(services(), surat, args["nip"], args, args.get("tingkat"), audit.request_actor()))


@blp.route("/<string:surat_id>/cabut")
class SuratCabut(MethodView):
    @blp.arguments(PencabutanSchema)
    @blp.doc(responses={
        "403": {"description": "Bukan penandatangan surat ini (nip) dan bukan arsiparis (hak admin)", **_PROBLEM},
        "404": {"description": "Tidak ditemukan", **_PROBLEM},
        "409": {"description": "Surat belum ditandatangani lengkap, atau sudah dicabut", **_PROBLEM},
        "422": {"description": "Alasan kosong, atau surat pencabut tanpa nomor/tanggal", **_PROBLEM},
    })
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Cabut surat yang sudah ditandatangani: oleh penandatangannya atau arsiparis pemda, dengan alasan.

        Nomornya tetap; daftar, rantai, dan verifikasi menyebutnya DICABUT sejak saat itu. Tanda tangan di
        berkasnya tidak diubah: verifikasi tetap melaporkan apakah tanda tangan itu utuh.
        """
        surat = load_surat(surat_id, BACA)
        revoker = check_revoker(current_principal(), surat, args.get("nip") and normalise_nip(args["nip"]))
        pencabut = args.get("surat_pencabut") or {}
        request = Pencabutan(args["alasan"].strip(), pencabut.get("nomor"), pencabut.get("tanggal"))
        return surat_out(revoke(services(), surat, request, revoker, audit.request_actor()))


_RECONCILE_ERRORS = {
    "404": {"description": "Tidak ditemukan", **_PROBLEM},
    "409": {"description": "Surat tidak berstatus belum_pasti, atau layanan Esign belum memiliki dokumennya",
            **_PROBLEM},
    "502": _SIGN_ERRORS["502"],
}


def reconciled_out(surat: Surat) -> dict:
    """The 200 answer of a settled letter, once the audit trail records how it was settled."""
    audit.record("surat.rekonsiliasi", wilayah=surat.wilayah, objek=surat.id, nomor=surat.nomor, status=surat.status)
    return surat_out(surat)


@blp.route("/<string:surat_id>/rekonsiliasi")
class SuratRekonsiliasi(MethodView):
    @blp.arguments(RekonsiliasiSchema)
    @blp.doc(responses=_RECONCILE_ERRORS)
    @blp.response(200, SuratOutSchema)
    def post(self, args, surat_id):
        """Selesaikan penandatanganan yang belum pasti: periksa ke layanan Esign, atau nyatakan tidak ditandatangani.

        Tidak ada permintaan tanda tangan yang dikirim ulang; surat selesai sekali saja.
        """
        load_surat(surat_id, TANDATANGAN)
        return reconciled_out(reconcile(services(), surat_id, unsigned=args["hasil"] == "tidak_ditandatangani"))


@blp.route("/<string:surat_id>/rekonsiliasi/berkas")
class SuratRekonsiliasiBerkas(MethodView):
    @blp.doc(requestBody=upload_body("application/pdf"), responses=_RECONCILE_ERRORS)
    @blp.response(200, SuratOutSchema)
    def post(self, surat_id):
        """Selesaikan penandatanganan yang belum pasti dengan berkas bertanda tangan yang diperoleh dari BSrE.

        Diterima hanya bila berkas itu persis surat yang dikirim ditambah satu tanda tangan penandatangannya.
        """
        load_surat(surat_id, TANDATANGAN)
        return reconciled_out(reconcile(services(), surat_id, pdf=uploaded_file("application/pdf", "PDF")))


def download_name(surat: Surat) -> str:
    """``penugasan_800.1.11-7-BAPPEDA-2026.pdf``; a draft, which has no number yet, by its version."""
    if surat.nomor is None:
        return f"{surat.jenis}_konsep-v{surat.versi}.pdf"
    return f"{surat.jenis}_{re.sub(r'[^A-Za-z0-9.-]+', '-', surat.nomor)}.pdf"


@blp.route("/<string:surat_id>/pdf")
class SuratPdf(MethodView):
    @blp.doc(responses={"200": {
        "description": "Berkas PDF/A surat (yang ditandatangani bila sudah)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }})
    @blp.alt_response(404, description="Tidak ditemukan", content_type="application/problem+json", schema="Problem")
    def get(self, surat_id):
        """Unduh PDF surat."""
        surat = load_surat(surat_id, BACA)
        audit.record_secret_download(surat)
        pdf = io.BytesIO(services().store.get(surat.current_sha256))  # letters are small
        return send_file(pdf, mimetype="application/pdf", as_attachment=True,
                         download_name=download_name(surat), etag=surat.current_sha256)
