"""Typed errors of the service and their one mapping to HTTP answers.

Every failure a client can cause is a :class:`SuratError` subclass carrying
its HTTP status; :func:`register_error_handlers` turns any of them into an RFC
7807 ``application/problem+json`` body. Views and the pipeline raise, they
never build error responses themselves.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from flask import Flask, jsonify
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Finding:
    """One problem with one field of a request, as the client sees it."""

    pointer: str
    """JSON pointer (RFC 6901) into the request body."""
    code: str
    """Stable machine code, e.g. ``nip_tanggal_lahir``."""
    message: str
    """What is wrong, in Indonesian."""
    pasal: str
    """The article the rule rests on, e.g. ``Perbup Hulu Sungai Selatan 45/2023 Pasal 14 ayat (4) huruf c``."""
    severity: str = "galat"
    """``galat`` blocks the letter; ``peringatan`` is reported with the 201."""

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["severity"]
        return data


class SuratError(Exception):
    """Root of every error the service answers with a problem document."""

    status = 500
    code = "kesalahan_internal"
    title = "Kesalahan internal"

    headers: dict[str, str] = {}

    def __init__(self, detail: str | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title

    def problem(self) -> dict:
        return {
            "type": f"urn:suratkerja:masalah:{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }


class InvalidRequest(SuratError):
    """The request breaks one or more rules; one finding per field."""

    status = 422
    code = "validasi"
    title = "Permintaan tidak memenuhi ketentuan"

    def __init__(self, findings: list[Finding], detail: str | None = None):
        super().__init__(detail or f"{len(findings)} isian tidak memenuhi ketentuan.")
        self.findings = findings

    def problem(self) -> dict:
        return {**super().problem(), "errors": [f.to_dict() for f in self.findings]}


class BadRequest(SuratError):
    """The body cannot be read at all (not JSON, wrong content type)."""

    status = 400
    code = "permintaan_rusak"
    title = "Permintaan tidak dapat dibaca"


class UnsupportedMediaType(BadRequest):
    status = 415
    code = "jenis_konten"
    title = "Jenis konten tidak didukung"


class NotFound(SuratError):
    status = 404
    code = "tidak_ditemukan"
    title = "Tidak ditemukan"


class Unauthorized(SuratError):
    """Wrong passphrase or PIN for the signer's key; the letter is unchanged."""

    status = 401
    code = "kredensial_salah"
    title = "Passphrase salah"


class WrongPassword(Unauthorized):
    """A sign-in that failed: unknown name, wrong password or deactivated account, told apart to no one."""

    code = "sandi_salah"
    title = "Nama pengguna atau kata sandi salah"


class Forbidden(SuratError):
    status = 403
    code = "bukan_penandatangan"
    title = "Tidak berhak menandatangani"


class TooManyAttempts(SuratError):
    status = 429
    code = "terlalu_banyak_percobaan"
    title = "Terlalu banyak percobaan"

    def __init__(self, retry_after: int):
        super().__init__(f"Terlalu banyak passphrase salah; coba lagi dalam {retry_after} detik.")
        self.headers = {"Retry-After": str(retry_after)}


class Conflict(SuratError):
    status = 409
    code = "konflik"
    title = "Konflik dengan keadaan surat"


class WrongState(Conflict):
    """A transition asked of a letter in a state that does not allow it (e.g. paraf on a signed letter)."""

    code = "status_tidak_sesuai"
    title = "Status surat tidak memungkinkan tindakan ini"


class ParafDue(Conflict):
    """Signing asked before every verifikator gave paraf on the current version: the answer names who is due."""

    code = "paraf_belum_lengkap"
    title = "Paraf belum lengkap"

    def __init__(self, detail: str, due: list[dict]):
        super().__init__(detail)
        self.due = due

    def problem(self) -> dict:
        return {**super().problem(), "paraf_belum": self.due}


class RevocationRefused(Conflict):
    """A letter not in force (a draft, or already dicabut) cannot be revoked."""

    code = "pencabutan_ditolak"
    title = "Surat tidak dapat dicabut"


class NotRevoker(Forbidden):
    """Someone other than the letter's penandatangan or the pemda's arsiparis tried to revoke it."""

    code = "bukan_pencabut"
    title = "Tidak berhak mencabut"


class IdempotencyKeyReused(SuratError):
    """An Idempotency-Key the client already used for another request (draft-ietf-httpapi-idempotency-key-header)."""

    status = 422
    code = "kunci_idempotensi_dipakai"
    title = "Kunci idempotensi sudah dipakai untuk permintaan lain"


class IdempotencyKeyInProgress(Conflict):
    """The first request with this Idempotency-Key still runs; retry shortly for its answer."""

    code = "kunci_idempotensi_berjalan"
    title = "Permintaan dengan kunci idempotensi ini masih diproses"
    headers = {"Retry-After": "1"}


class ServiceUnavailable(SuratError):
    """A back end (converter, signer) failed after its retry; nothing was issued."""

    status = 503
    code = "layanan_tidak_tersedia"
    title = "Layanan sementara tidak tersedia"


class NikNotRegistered(Conflict):
    code = "nik_belum_terdaftar"
    title = "NIK belum terdaftar di BSrE"


class CertificateNotIssued(Conflict):
    code = "sertifikat_belum_terbit"
    title = "Sertifikat elektronik belum terbit"


class ClientCredentialsRefused(ServiceUnavailable):
    """The Esign service refused this service's own client credentials: an administrator must act."""

    code = "kredensial_aplikasi_ditolak"


class RemoteSignatureRefused(SuratError):
    """The signing service returned a file that is not the letter sent plus the official's one signature."""

    status = 502
    code = "tanda_tangan_ditolak"
    title = "Berkas bertanda tangan ditolak"


class SigningUncertain(SuratError):
    """Sent to the Esign service and no answer came: the letter is recorded as "penandatanganan belum pasti".

    The problem names the letter, so the client can settle it (``…/rekonsiliasi``) instead of sending again.
    """

    status = 504
    code = "penandatanganan_belum_pasti"
    title = "Penandatanganan belum pasti"

    def __init__(self, surat_id: str, nomor: str):
        super().__init__(
            "Layanan Esign BSrE tidak menjawab setelah surat dikirim; surat mungkin sudah ditandatangani. "
            "Jangan menandatangani ulang: lakukan rekonsiliasi surat ini.")
        self.surat_id, self.nomor = surat_id, nomor

    def problem(self) -> dict:
        return {**super().problem(), "surat": {"id": self.surat_id, "nomor": self.nomor, "status": "belum_pasti"}}


class NotAuthenticated(SuratError):
    """No credential, or a key that is unknown, malformed or revoked."""

    status = 401
    code = "tidak_terautentikasi"
    title = "Perlu kredensial yang sah"
    headers = {"WWW-Authenticate": 'Bearer realm="suratkerja"'}


class MissingRight(SuratError):
    """The caller is known but lacks the right the operation needs."""

    status = 403
    code = "hak_tidak_cukup"
    title = "Tidak berhak"


def esign_error(error: Exception) -> SuratError:
    """The answer to a definite refusal of the Esign service (:mod:`signing.esign.client`), in plain Indonesian."""
    from signing import esign

    if isinstance(error, esign.UserNotRegistered):
        return NikNotRegistered(
            "NIK penandatangan belum terdaftar sebagai pemilik sertifikat elektronik BSrE. Daftarkan diri "
            "melalui admin TTE (Registration Authority) instansi, lalu tandatangani lagi.")
    if isinstance(error, esign.NoCertificate):
        return CertificateNotIssued(
            "NIK penandatangan terdaftar di BSrE tetapi belum memiliki sertifikat elektronik yang berlaku. "
            "Ajukan penerbitan atau pembaruan sertifikat melalui admin TTE instansi, lalu tandatangani lagi.")
    if isinstance(error, esign.WrongEsignPassphrase):
        return Unauthorized("Passphrase atau kode TOTP tidak cocok dengan sertifikat elektronik BSrE penandatangan.")
    if isinstance(error, esign.ClientCredentialsRefused):
        return ClientCredentialsRefused(
            "Layanan Esign menolak kredensial aplikasi suratkerja; surat tidak berubah. Hubungi administrator.")
    return ServiceUnavailable("Layanan Esign BSrE tidak dapat dipakai saat ini; surat tidak berubah.")


def problem_response(problem: dict, status: int):
    response = jsonify(problem)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error, ours or Werkzeug's, as problem+json; never leak a traceback."""

    @app.errorhandler(SuratError)
    def _surat_error(error: SuratError):
        if error.status >= 500:
            logger.error("%s: %s", error.code, error.detail, exc_info=error.__cause__ or error)
        response = problem_response(error.problem(), error.status)
        response.headers.update(error.headers)
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        problem = {"type": "urn:suratkerja:masalah:csrf", "title": "Formulir tidak sah", "status": 400,
                   "detail": "Formulir kedaluwarsa atau tidak dikirim dari halaman layanan ini; "
                             "muat ulang halaman lalu kirim lagi."}
        return problem_response(problem, 400)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.response is not None:  # an answer already made for this error (a lock-out page)
            return error.response
        code, title, detail = _INDONESIAN_HTTP.get(error.code, ("http", "Permintaan tidak dapat dilayani", None))
        problem = {
            "type": f"urn:suratkerja:masalah:{code}",
            "title": title,
            "status": error.code,
            "detail": detail or title,
        }
        response = problem_response(problem, error.code or 500)
        for header, value in error.get_headers():
            if header.lower() not in ("content-type", "content-length"):
                response.headers[header] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        logger.exception("unhandled error")
        return problem_response(SuratError().problem(), 500)


_INDONESIAN_HTTP = {
    400: (BadRequest.code, BadRequest.title, "Permintaan tidak dapat dibaca."),
    404: (NotFound.code, NotFound.title, "Alamat tidak ditemukan."),
    405: ("metode_tidak_diizinkan", "Metode tidak diizinkan",
          "Metode tidak diizinkan untuk alamat ini; header Allow menyebut yang diizinkan."),
    413: ("terlalu_besar", "Permintaan terlalu besar", "Ukuran permintaan melebihi batas."),
    415: (UnsupportedMediaType.code, UnsupportedMediaType.title, "Jenis konten tidak didukung."),
    429: (TooManyAttempts.code, TooManyAttempts.title, "Terlalu banyak permintaan; coba lagi nanti."),
}
"""Werkzeug's own errors (routing, body size, rate limits) as (code, title, detail), in the service's words."""

