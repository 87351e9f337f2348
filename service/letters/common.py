"""The shapes every letter shares: a unit, an official, an addressee,
tembusan, a period, a reference to another letter, and the letter envelope.

Each appears once here; letter modules compose them.
"""

from __future__ import annotations

import calendar
import datetime as dt

from marshmallow import validate

from .fields import (
    NASKAH_DINAS, BaseSchema, Bilangan, Daftar, Msg, Objek, Tanggal, Teks, length, one_of, text,
)
from ..wilayah import REGION_CODES
from .nip import NIP

PERAN = (
    "pimpinan_unit", "ppk", "pyb", "pejabat_administrator", "pejabat_pengawas",
    "pejabat_fungsional", "pelaksana", "lainnya",
)
"""Roles an official plays in the chain. ``pimpinan_unit`` is the Kepala or
Pimpinan of a Perangkat Daerah, Unit Kerja or Unit Organisasi; ``ppk`` the
Pejabat Pembina Kepegawaian / Pejabat Penilai Kinerja as the regulation names
it; ``pyb`` the Pejabat yang Berwenang."""

PERAN_LABEL = {
    "pimpinan_unit": "pimpinan/kepala unit",
    "ppk": "PPK",
    "pyb": "Pejabat yang Berwenang",
    "pejabat_administrator": "pejabat administrator",
    "pejabat_pengawas": "pejabat pengawas",
    "pejabat_fungsional": "pejabat fungsional",
    "pelaksana": "pelaksana",
    "lainnya": "pejabat lain",
}

JALUR = ("lintas_pd", "lintas_uo", "lintas_instansi")
"""Routes across units: between Perangkat Daerah, between Unit Organisasi,
or between instansi (two governments)."""

SIFAT = ("Biasa", "Terbatas", "Rahasia", "Sangat Rahasia")
SATUAN_WAKTU = ("hari", "minggu", "bulan", "tahun")

KODE_UNIT = validate.Regexp(
    r"^[A-Z0-9][A-Z0-9.\-]{0,29}$",
    error=Msg("Kode unit: huruf kapital, angka, titik atau tanda hubung (maks. 30).", "kode_unit"),
)
GOLONGAN = validate.Regexp(
    r"^(I|II|III|IV)/[a-e]$",
    error=Msg("Golongan ruang ditulis seperti III/c atau IV/a.", "golongan"),
)


class UnitRefSchema(BaseSchema):
    """A unit as named in the text of a letter."""

    kode = Teks(required=True, validate=KODE_UNIT, metadata={"description": "Kode unit, mis. DINKES"})
    nama = text(200, metadata={"description": "Nama perangkat daerah/unit kerja/unit organisasi"})
    instansi = text(200, metadata={"description": "Instansi pemerintah, mis. Pemerintah Kabupaten Tanah Laut"})


class UnitSchema(UnitRefSchema):
    """The issuing unit: what the kop prints and what the numbering counts per."""

    alamat = text(300)
    telepon = Teks(validate=length(1, 60))
    email = Teks(validate=validate.Email(error=Msg("Alamat surel tidak valid.", "email")), metadata={"format": "email"})
    laman = Teks(validate=length(1, 120))
    kode_pos = Teks(validate=validate.Regexp(r"^\d{5}$", error=Msg("Kode pos 5 angka.", "kode_pos")))


class PejabatSchema(BaseSchema):
    """An official (ASN): who signs, who is addressed, who is assigned."""

    nama = text(150)
    nip = NIP(required=True)
    pangkat = text(60, metadata={"description": "mis. Penata Tingkat I"})
    golongan = Teks(required=True, validate=GOLONGAN)
    jabatan = text(200)
    peran = Teks(required=True, validate=one_of(PERAN))
    unit = Objek(UnitRefSchema, required=True)


JENIS_ATAS_NAMA = ("a.n.", "u.b.", "Plt.", "Plh.")
"""How a letter is signed on someone's behalf (the directory's delegation register records the same kinds)."""


class PejabatRujukanSchema(BaseSchema):
    """An official a signature block names beside its signer: by NIP, with the jabatan it prints."""

    nip = NIP(required=True)
    jabatan = text(200, metadata={"description": "Diisi dari direktori bila pejabat ada di sana"})


class AtasNamaSchema(PejabatRujukanSchema):
    """Signing on someone's behalf: the official whose authority (a.n., u.b.) or office (Plt., Plh.) the
    signer uses, checked against the delegation register on the letter's date."""

    jenis = Teks(required=True, validate=one_of(JENIS_ATAS_NAMA), metadata={"pasal": NASKAH_DINAS})
    melalui = Objek(PejabatRujukanSchema, metadata={
        "description": "Untuk u.b. saja: pejabat pemegang a.n. yang melimpahkannya satu tingkat ke bawah"})


class PenandatanganSchema(PejabatSchema):
    """Who signs the letter, on their own authority or on someone's behalf (``atas_nama``)."""

    atas_nama = Objek(AtasNamaSchema, metadata={
        "description": "Kosong = atas kewenangan sendiri; a.n./u.b./Plt./Plh. harus tercatat di register delegasi"})


class KepadaSchema(BaseSchema):
    """The addressee: printed after "Yth.", then "di" and the place."""

    jabatan = text(200)
    peran = Teks(required=True, validate=one_of(PERAN))
    unit = Objek(UnitRefSchema, required=True)
    tempat = text(100)


class TembusanSchema(BaseSchema):
    """One copy recipient. ``peran`` lets the rules see who it is."""

    jabatan = text(200)
    peran = Teks(validate=one_of(PERAN))
    instansi = Teks(validate=length(1, 200))
    kode_unit = Teks(validate=KODE_UNIT, metadata={
        "description": "Kode unit penerima tembusan: unit itu dapat membaca surat setelah ditandatangani"})


class JangkaWaktuSchema(BaseSchema):
    """A period: start date and a length in days, weeks, months or years."""

    mulai = Tanggal(required=True)
    jumlah = Bilangan(
        required=True,
        validate=validate.Range(1, 120, error=Msg("Jumlah antara 1 dan 120.", "jangka_waktu")),
    )
    satuan = Teks(required=True, validate=one_of(SATUAN_WAKTU))


REF_ID = validate.Regexp(r"^[0-9a-f]{32}$", error=Msg("Id surat: 32 karakter heksadesimal.", "id_tidak_valid"))


class RujukanSchema(BaseSchema):
    """A letter this one answers or rests on, as printed in its text.

    ``id`` names a letter of this service (issued here, or registered with
    ``POST /api/v1/surat-luar``); the service then fills nomor, tanggal and
    hal from its registry. Without ``id`` the letter came from outside and is
    registered as an outside reference when this letter is issued.
    """

    id = Teks(validate=REF_ID, metadata={"description": "Id surat di layanan ini (surat atau surat luar)"})
    nomor = text(120)
    tanggal = Tanggal(required=True)
    hal = text(300)


MAX_VERIFIKATOR = 10
"""The longest paraf route a draft (or a unit's default route in the directory) may have."""


class VerifikatorSchema(PejabatRujukanSchema):
    """An official who gives paraf on the draft before it is signed (nama and jabatan from the directory
    where it holds the NIP)."""

    nama = text(150)


class SuratSchema(BaseSchema):
    """The envelope every letter type shares."""

    wilayah = text(60, metadata={"description": "Kode wilayah dari GET /api/v1/wilayah", "enum": list(REGION_CODES)})
    tanggal = Tanggal(load_default=None, metadata={"description": "Tanggal surat; kosong = hari ini"})
    tempat = Teks(validate=length(1, 100), metadata={"description": "Kosong = ibu kota wilayah"})
    sifat = Teks(load_default="Biasa", validate=one_of(SIFAT))
    lampiran = Teks(load_default="-", validate=length(1, 100))
    hal = text(300, metadata={"pasal": NASKAH_DINAS})
    pengirim = Objek(UnitSchema, required=True)
    penandatangan = Objek(PenandatanganSchema, required=True)
    tembusan = Daftar(Objek(TembusanSchema), load_default=list, validate=length(0, 20))
    verifikator = Daftar(Objek(VerifikatorSchema), load_default=list, validate=length(0, MAX_VERIFIKATOR), metadata={
        "description": "Pemberi paraf konsep, berurutan; kosong = rute paraf bawaan unit di direktori"})


def folded(text: str) -> str:
    """``text`` as compared, not printed: whitespace folded, case ignored."""
    return " ".join(text.split()).casefold()


def nama_jabatan(jabatan: str, *bagian: str | None) -> str:
    """An official as printed: the jabatan, then their unit and instansi, each said once.

    Clients write the jabatan as they know it, often already naming the
    unit or the government ("Sekretaris Daerah selaku Pejabat yang Berwenang
    pada Pemerintah Provinsi Jambi"), and send the instansi beside it; a part
    already said in what comes before it is left out, also when said without
    its "Pemerintah" ("Sekretaris Daerah Kabupaten Bungo" names the
    "Pemerintah Kabupaten Bungo"). The one place a tembusan line is composed.
    """
    line = jabatan
    for part in bagian:
        said = folded(line)
        if part and not any(folded(form) in said for form in (part, part.removeprefix("Pemerintah "))):
            line = f"{line} {part}"
    return line


def blok_jabatan(penandatangan: dict) -> list[str]:
    """The lines of a signature block above the signature, as naskah dinas prints them (the last one
    followed by a comma in the letter).

    On someone's behalf the prefix goes before the jabatan whose authority is used: ``a.n. Kepala Dinas
    X`` then the signer's own jabatan; for u.b. the chain, ``a.n. Kepala Dinas X``, ``Sekretaris``,
    ``u.b.``, the signer's jabatan; a Plt. or Plh. signs as the office held, ``Plt. Kepala Dinas X``.
    """
    atas_nama = penandatangan.get("atas_nama")
    if not atas_nama:
        return [penandatangan["jabatan"]]
    jenis, pemberi = atas_nama["jenis"], atas_nama["jabatan"]
    if jenis in ("Plt.", "Plh."):
        return [f"{jenis} {pemberi}"]
    if jenis == "u.b." and atas_nama.get("melalui"):
        return [f"a.n. {pemberi}", atas_nama["melalui"]["jabatan"], "u.b.", penandatangan["jabatan"]]
    return [f"a.n. {pemberi}", penandatangan["jabatan"]]


def blok_satu_baris(penandatangan: dict) -> str:
    """The signature block's lines on one line, for a stamp-less place (the verification report):
    ``a.n. Kepala Dinas X, Sekretaris``; ``a.n. Kepala Dinas X, Sekretaris, u.b. Kepala Bagian Umum``."""
    return ", ".join(blok_jabatan(penandatangan)).replace("u.b., ", "u.b. ")


def jabatan_dinas(penandatangan: dict) -> str:
    """The office a letter speaks for: the signer's, or the one whose authority or office they sign with
    (a decree signed a.n. is still the Kepala Dinas's decree: its title names him)."""
    atas_nama = penandatangan.get("atas_nama")
    return atas_nama["jabatan"] if atas_nama else penandatangan["jabatan"]


def akhir_jangka_waktu(jangka: dict) -> dt.date:
    """Last day of a period (inclusive): 1 Dec + 3 bulan → 28 Feb."""
    mulai, jumlah, satuan = jangka["mulai"], jangka["jumlah"], jangka["satuan"]
    if satuan in ("hari", "minggu"):
        return mulai + dt.timedelta(days=jumlah * (7 if satuan == "minggu" else 1) - 1)
    months = jumlah * (12 if satuan == "tahun" else 1)
    year, month = divmod(mulai.month - 1 + months, 12)
    year, month = mulai.year + year, month + 1
    day = min(mulai.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) - dt.timedelta(days=1)
