"""Response and query schemas of the HTTP API (documented in OpenAPI)."""

from __future__ import annotations

from apispec import BasePlugin
from marshmallow import ValidationError, fields, validate, validates_schema

from ..access.principal import RIGHTS
from ..wilayah import REGION_CODES
from ..letters.fields import BaseSchema, Bilangan, Msg, Objek, Tanggal, Teks, one_of, text


class FindingSchema(BaseSchema):
    pointer = fields.String(metadata={"description": "JSON pointer ke isian yang bermasalah"})
    code = fields.String()
    message = fields.String(metadata={"description": "Pesan dalam bahasa Indonesia"})
    pasal = fields.String(metadata={"description": "Pasal yang menjadi dasar aturan"})


class ProblemSchema(BaseSchema):
    """RFC 7807 problem document (``application/problem+json``)."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Nested(FindingSchema), metadata={"description": "Satu entri per isian"})


class UnitSingkatSchema(BaseSchema):
    kode = fields.String()
    nama = fields.String()


class TautanSchema(BaseSchema):
    self = fields.String()
    pdf = fields.String()
    verifikasi = fields.String(metadata={
        "description": "Alamat publik verifikasi surat (base_url), yang dituju kode QR tanda tangannya"})


class PencabutanOutSchema(BaseSchema):
    waktu = fields.String()
    alasan = fields.String()
    oleh = fields.String()
    nomor = fields.String(allow_none=True)
    tanggal = fields.String(allow_none=True)


class SuratOutSchema(BaseSchema):
    id = fields.String()
    jenis = fields.String()
    wilayah = fields.String()
    unit = fields.Nested(UnitSingkatSchema)
    nomor = fields.String(allow_none=True, metadata={"description": "Kosong selama konsep: nomor diberikan saat "
                                                                       "tanda tangan pertama"})
    hal = fields.String()
    tanggal = fields.Date(allow_none=True, metadata={"description": "Kosong selama konsep, kecuali permintaan "
                                                                   "menetapkannya"})
    status = fields.String(metadata={"description": (
        "konsep (menunggu paraf), dikembalikan, siap_ditandatangani, menunggu_mengetahui, belum_pasti, "
        "ditandatangani, dibatalkan, atau dicabut")})
    versi = fields.Integer(metadata={"description": "Versi konsep yang berlaku (bertambah setiap revisi)"})
    verifikator = fields.List(fields.Dict(), metadata={"description": "Pemberi paraf, berurutan: nip, nama, jabatan"})
    pencabutan = fields.Nested(PencabutanOutSchema, allow_none=True, metadata={
        "description": "Bila dicabut: kapan, mengapa, oleh siapa, dan surat yang mencabutnya"})
    dibuat = fields.DateTime()
    sha256 = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True),
                         metadata={"description": "pdf: berkas pratinjau; ditandatangani: berkas bertanda tangan"})
    tautan = fields.Nested(TautanSchema)


class SuratTerbitSchema(SuratOutSchema):
    peringatan = fields.List(fields.Nested(FindingSchema))


class ValidasiSchema(BaseSchema):
    valid = fields.Boolean()
    peringatan = fields.List(fields.Nested(FindingSchema))


MAX_PAGE = 100_000
PAGE = validate.Range(1, MAX_PAGE, error=Msg(f"Antara 1 dan {MAX_PAGE}.", "halaman"))
"""Page numbers a list accepts: bounded, so no number is too large for the database's OFFSET."""


class DaftarArgsSchema(BaseSchema):
    wilayah = Teks()
    unit = Teks(metadata={"description": "Kode unit pengirim"})
    jenis = Teks()
    dari = Tanggal(metadata={"description": "Tanggal surat paling awal"})
    sampai = Tanggal(metadata={"description": "Tanggal surat paling akhir"})
    q = Teks(validate=validate.Length(max=200), metadata={"description": "Cari pada hal"})
    halaman = Bilangan(load_default=1, validate=PAGE)
    per_halaman = Bilangan(
        load_default=20,
        validate=validate.Range(1, 100, error=Msg("Antara 1 dan 100.", "per_halaman")),
    )


class DaftarSuratSchema(BaseSchema):
    items = fields.List(fields.Nested(SuratOutSchema))
    total = fields.Integer()
    halaman = fields.Integer()
    per_halaman = fields.Integer()


class InstrumenSchema(BaseSchema):
    jenis = fields.String()
    nomor = fields.String()
    tahun = fields.Integer()
    judul = fields.String()
    sebutan = fields.String()


class WilayahSchema(BaseSchema):
    kode = fields.String()
    nama = fields.String()
    pemerintah = fields.String()
    ibu_kota = fields.String()
    instrumen = fields.Nested(InstrumenSchema)
    format_nomor = fields.String()
    kertas = fields.String(metadata={"description": "A4 atau F4 ([cetak] kertas)"})
    jenis_surat = fields.List(fields.String())
    direktori_wajib = fields.Boolean(metadata={
        "description": "true: surat hanya boleh menyebut unit dan pegawai yang ada di direktori pemda"})
    paraf_cetak_arsip = fields.Boolean(metadata={
        "description": "true: surat yang ditandatangani punya salinan arsip (…/arsip.pdf) dengan tabel paraf "
                       "([paraf] cetak_arsip)"})




ESIGN_RULE = "Layanan Esign BSrE (NIK dan passphrase atau TOTP pemilik sertifikat)"


class KredensialSchema(BaseSchema):
    """The penandatangan's secret (never stored or logged) and, for BSrE's Esign service, their NIK."""

    passphrase = Teks(load_only=True, metadata={"description": (
        "Passphrase sertifikat elektronik; bila kunci penandatangan ada di layanan tanda tangan jarak jauh "
        "(Cloud Signature Consortium), PIN atau OTP kredensialnya")})
    totp = Teks(load_only=True, metadata={
        "description": "Kode TOTP dari aplikasi BSrE, pengganti passphrase (hanya layanan Esign versi 2)"})
    nik = Teks(validate=validate.Regexp(r"^\d{16}$", error=Msg("NIK terdiri atas 16 angka.", "nik_tidak_valid",
                                                               ESIGN_RULE)),
               metadata={"description": "NIK penandatangan; wajib bila sertifikat dikelola BSrE (Esign)"})
    tingkat = Teks(validate=one_of(("B-B", "B-T", "B-LT", "B-LTA")),
                   metadata={"description": "Tingkat PAdES; kosong = bawaan layanan"})

    @validates_schema
    def _one_secret(self, data, **kwargs):
        if bool(data.get("passphrase")) == bool(data.get("totp")):
            raise ValidationError(Msg("Isi passphrase atau totp, salah satu saja.", "passphrase_atau_totp",
                                      ESIGN_RULE), "passphrase")


def _only(present: str, absent: str) -> dict:
    return {"required": [present], "properties": {present: {"minLength": 1}, absent: {"maxLength": 0}}}


class OneSecret(BasePlugin):
    """Says in OpenAPI what :meth:`KredensialSchema._one_secret` checks: a passphrase or a TOTP, one of them."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        if issubclass(schema_class, KredensialSchema):
            return {"oneOf": [_only("passphrase", "totp"), _only("totp", "passphrase")]}
        return None


class TandatanganSchema(KredensialSchema):
    """Who signs, with the secret of their certificate."""

    nip = Teks(required=True, metadata={"description": "NIP penandatangan (18 angka)"})


class TerbitTandatanganSchema(KredensialSchema):
    """Create-and-sign in one call: the letter, and the penandatangan's secret."""

    surat = fields.Dict(required=True, metadata={"description": "Isi surat, sesuai skema jenisnya"})


def typed_create_and_sign(name: str, letter_schema) -> type[TerbitTandatanganSchema]:
    """The create-and-sign body as documented for one letter type: ``surat`` is that type's letter.

    The view reads ``surat`` as a plain object and hands it to the issuing pipeline, which checks it
    against the letter's own rules (and its region's articles) and points its 422 entries into it.
    """
    return type(f"TerbitTandatangan{name}Schema", (TerbitTandatanganSchema,), {
        "surat": Objek(letter_schema, required=True, metadata={"description": "Isi surat"})})


class RekonsiliasiSchema(BaseSchema):
    """How to settle a letter whose signature through the Esign service is not certain."""

    hasil = Teks(load_default="periksa", validate=one_of(("periksa", "tidak_ditandatangani")), metadata={
        "description": "periksa: ambil berkas dari layanan Esign menurut id dokumennya dan periksa; "
                       "tidak_ditandatangani: nyatakan surat tidak ditandatangani (kembali menjadi konsep)"})


def written(max: int, error: Msg, description: str) -> Teks:
    """A reason or a note a person must write: required, not blank, at most ``max`` characters (one message
    for each way it can be missing)."""
    return Teks(required=True, validate=[validate.Length(max=max, error=error),
                                         validate.Regexp(r"[\s\S]*\S", error=error)],
                error_messages={"required": error}, metadata={"description": description})


REVOCATION_REASON = Msg("Alasan pencabutan wajib diisi.", "alasan_wajib",
                        "Permendagri 1/2023 tentang Tata Naskah Dinas, pencabutan naskah dinas (sumber sekunder)")


class SuratPencabutSchema(BaseSchema):
    """The letter that revokes, where one exists (a keputusan pencabutan)."""

    nomor = text(120, metadata={"description": "Nomor surat yang mencabut"})
    tanggal = Tanggal(required=True, metadata={"description": "Tanggal surat yang mencabut"})


class PencabutanSchema(BaseSchema):
    """Why a signed letter is withdrawn, and by whom."""

    alasan = written(1000, REVOCATION_REASON, "Alasan pencabutan (wajib)")
    nip = Teks(metadata={"description": "NIP penandatangan surat, bila kunci bertindak atas namanya (hak "
                                        "tandatangan); kosong bila arsiparis (hak admin) yang mencabut"})
    surat_pencabut = fields.Nested(SuratPencabutSchema, metadata={
        "description": "Surat yang mencabutnya, bila ada"})


class ParafSchema(BaseSchema):
    """A verifikator's paraf on the version they read."""

    nip = Teks(required=True, metadata={"description": "NIP verifikator yang memberi paraf (18 angka)"})
    versi = Bilangan(required=True, validate=validate.Range(1, 10_000), metadata={
        "description": "Versi konsep yang diperiksa; ditolak bila bukan versi yang berlaku"})


CATATAN = Msg("Catatan wajib diisi (paling banyak 2000 karakter).", "catatan_wajib")


class PengembalianSchema(BaseSchema):
    """A draft sent back, by the verifikator whose turn it is or the penandatangan, with what to correct."""

    nip = Teks(required=True, metadata={"description": "NIP verifikator (atau penandatangan) yang mengembalikan"})
    catatan = written(2000, CATATAN, "Apa yang perlu diperbaiki")
    versi = Bilangan(validate=validate.Range(1, 10_000), metadata={
        "description": "Versi konsep yang dibaca pemanggil; ditolak (409) bila sudah ada versi yang lebih baru"})


class RevisiSchema(BaseSchema):
    """The corrected request of a draft, as a new version."""

    surat = fields.Dict(required=True, metadata={"description": "Isi surat lengkap, sesuai skema jenisnya"})
    catatan = Teks(validate=validate.Length(max=2000), metadata={"description": "Apa yang diubah"})
    versi = Bilangan(validate=validate.Range(1, 10_000), metadata={
        "description": "Versi konsep yang dibaca pemanggil; ditolak (409) bila sudah ada versi yang lebih baru"})


ALASAN = Msg("Alasan pembatalan wajib diisi (paling banyak 1000 karakter).", "alasan_wajib")


class PembatalanSchema(BaseSchema):
    """Why a draft is abandoned."""

    alasan = written(1000, ALASAN, "Alasan pembatalan (wajib)")
    versi = Bilangan(validate=validate.Range(1, 10_000), metadata={
        "description": "Versi konsep yang dibaca pemanggil; ditolak (409) bila sudah ada versi yang lebih baru"})


class ParafOutSchema(BaseSchema):
    urutan = fields.Integer()
    nip = fields.String()
    nama = fields.String()
    jabatan = fields.String()
    waktu = fields.DateTime()
    sha256 = fields.String(metadata={"description": "Pratinjau versi yang disetujui"})


class VersiSchema(BaseSchema):
    versi = fields.Integer()
    dibuat = fields.DateTime()
    oleh = fields.String()
    catatan = fields.String(allow_none=True)
    sha256 = fields.String(metadata={"description": "Pratinjau versi ini"})
    berlaku = fields.Boolean(metadata={"description": "Versi yang berlaku"})
    paraf = fields.List(fields.Nested(ParafOutSchema))
    pdf = fields.String(metadata={"description": "Alamat unduhan pratinjau versi ini"})


class DaftarVersiSchema(BaseSchema):
    items = fields.List(fields.Nested(VersiSchema))


class RiwayatSchema(BaseSchema):
    waktu = fields.DateTime()
    aksi = fields.String()
    oleh = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
    catatan = fields.String(allow_none=True, metadata={"description": "Catatan langkah ini (alasan pencabutan)"})


class SuratRinciSchema(SuratOutSchema):
    riwayat = fields.List(fields.Nested(RiwayatSchema))


class RantaiSuratSchema(BaseSchema):
    id = fields.String()
    jenis = fields.String()
    keputusan = fields.String(allow_none=True, metadata={"description": "Untuk jawaban: persetujuan atau penolakan"})
    wilayah = fields.String()
    nomor = fields.String()
    tanggal = fields.Date()
    hal = fields.String()
    status = fields.String(metadata={"description": "konsep, ditandatangani, dicabut, atau surat_luar"})
    luar = fields.Boolean(metadata={"description": "Surat dari luar layanan, terdaftar sebagai rujukan"})
    tautan = fields.Nested(TautanSchema, allow_none=True)
    riwayat = fields.List(fields.Nested(RiwayatSchema))


class RantaiTautanSchema(BaseSchema):
    dari = fields.String(metadata={"description": "Id surat yang merujuk"})
    ke = fields.String(metadata={"description": "Id surat yang dirujuk"})
    hubungan = fields.String(metadata={"description": "menjawab, meneruskan, atau dasar"})


class RantaiArgsSchema(BaseSchema):
    per = Tanggal(metadata={"description": "Tanggal penilaian keterlambatan laporan; kosong = hari ini (WIB)"})


class PelaporSchema(BaseSchema):
    nama = fields.String(allow_none=True)
    nip = fields.String()


class PenerimaLaporanSchema(BaseSchema):
    nama = fields.String(metadata={"description": "Ketua tim, bagi laporan anggota"})
    nip = fields.String(metadata={"description": "NIP ketua tim, bagi laporan anggota"})
    peran = fields.List(fields.String(), metadata={"description": "Peran pejabat yang ditunjuk wilayah"})
    unit = fields.Dict(allow_none=True, metadata={
        "description": "Unit pejabat itu (pemilik kinerja atau unit asal pelapor) bila peraturan menyebutnya"})


class LaporanDibuatSchema(BaseSchema):
    id = fields.String()
    nomor = fields.String()
    tanggal = fields.Date()
    status = fields.String()
    periode = fields.Dict(metadata={"description": "Periode yang dilaporkan: mulai, selesai"})


class LaporanWajibSchema(BaseSchema):
    """One report an assignment or decree of the chain asks for."""

    dasar = fields.String(metadata={"description": "Id surat penugasan atau keputusan tim kerja yang dilaporkan"})
    pelapor = fields.Nested(PelaporSchema)
    kedudukan = fields.String(metadata={"description": "individu, ketua, atau anggota"})
    kepada = fields.Nested(PenerimaLaporanSchema)
    pasal = fields.String()
    jatuh_tempo = fields.Date(allow_none=True, metadata={"description": "Akhir jangka waktu penugasan"})
    status = fields.String(metadata={
        "description": "selesai (laporan bertanda tangan sampai akhir jangka waktu), belum, atau terlambat"})
    terlambat = fields.Boolean()
    dibuat = fields.List(fields.Nested(LaporanDibuatSchema), metadata={"description": "Laporan yang sudah dibuat"})


class RantaiSchema(BaseSchema):
    surat = fields.List(fields.Nested(RantaiSuratSchema), metadata={"description": "Terlama dahulu"})
    tautan = fields.List(fields.Nested(RantaiTautanSchema))
    per = fields.Date(metadata={"description": "Tanggal penilaian keterlambatan laporan"})
    laporan = fields.List(fields.Nested(LaporanWajibSchema), metadata={
        "description": "Laporan pelaksanaan tugas yang wajib dibuat atas penugasan dan keputusan tim kerja bertanda "
                       "tangan dalam rantai, yang sudah dibuat dan yang terlambat"})


class SuratLuarSchema(BaseSchema):
    id = fields.String()
    wilayah = fields.String()
    jenis = fields.String()
    nomor = fields.String()
    tanggal = fields.Date()
    hal = fields.String()
    isi = fields.Dict(metadata={"description": "Yang diketahui dari surat itu: pengirim, keputusan, pegawai, jangka_waktu"})
    dibuat = fields.DateTime()


class KunciSchema(BaseSchema):
    """An API key as its administrators see it: never its secret, never its hash."""

    prefiks = fields.String(metadata={"description": "Bagian kunci yang boleh terlihat, mis. sk_1a2b3c4d"})
    nama = fields.String()
    wilayah = fields.String(allow_none=True, metadata={"description": "Pemda kunci; kosong = administrator hosting"})
    unit = fields.List(fields.String(), allow_none=True, metadata={"description": "Kode unit; kosong = semua unit"})
    hak = fields.List(fields.String())
    dibuat = fields.DateTime()
    dicabut = fields.DateTime(allow_none=True)
    terakhir_dipakai = fields.DateTime(allow_none=True)


class KunciBaruSchema(KunciSchema):
    token = fields.String(metadata={"description": "Kunci lengkap: ditampilkan sekali ini saja, simpan baik-baik"})


class KunciInSchema(BaseSchema):
    nama = text(200, metadata={"description": "Untuk apa kunci ini, mis. nama sistem e-office"})
    wilayah = Teks(metadata={"description": "Tanpa isian ini = pemda administrator", "enum": list(REGION_CODES)})
    unit = fields.List(Teks(validate=validate.Length(1, 30)), validate=validate.Length(max=100),
                       metadata={"description": "Kode unit yang boleh diwakili kunci; kosong = semua unit"})
    hak = fields.List(Teks(validate=one_of(RIGHTS)),
                      required=True, validate=validate.Length(min=1))


class JejakArgsSchema(BaseSchema):
    halaman = Bilangan(load_default=1, validate=PAGE)
    per_halaman = Bilangan(
        load_default=100,
        validate=validate.Range(1, 1000, error=Msg("Antara 1 dan 1000.", "per_halaman")),
    )


class JejakSchema(BaseSchema):
    id = fields.Integer()
    waktu = fields.String(metadata={"description": "UTC, ISO 8601"})
    wilayah = fields.String(allow_none=True)
    pelaku = fields.String(metadata={"description": "kunci:<prefiks>, akun:<nama pengguna>, atau konsol"})
    alamat_ip = fields.String(allow_none=True)
    aksi = fields.String()
    objek = fields.String(allow_none=True)
    rincian = fields.Dict()
    hash_sebelum = fields.String()
    hash = fields.String()
