"""Surat penugasan: the letter that assigns the released people to the work
(MATRIX §3).

Region rules read from ``[aturan.penugasan]``:

``penandatangan``
    ``{peran, pasal}``: who signs the assignment.
``dasar``
    ``{jenis, pasal}``: the letter an assignment rests on (``permohonan``
    in HSS, ``persetujuan`` elsewhere).
``tembusan``
    route → list of ``{peran, pasal, keterangan}``: copies that must be sent.
"""

from __future__ import annotations

from ..errors import Finding
from ..regions import RegionProfile
from .checks import Checker
from .common import JALUR, JangkaWaktuSchema, PejabatSchema, SuratSchema, UnitRefSchema
from .fields import BaseSchema, Daftar, Objek, Tanggal, Teks, length, one_of, text

JENIS = "penugasan"
JUDUL = "Surat Penugasan"
TEMPLATE = "penugasan.docx"
RULE_KEYS = frozenset({"penandatangan", "dasar", "tembusan"})

JENIS_DASAR = ("permohonan", "persetujuan", "pengajuan_sukarela", "lainnya")


class DasarSchema(BaseSchema):
    jenis = Teks(required=True, validate=one_of(JENIS_DASAR))
    nomor = text(120)
    tanggal = Tanggal(required=True)
    hal = text(300)


class Schema(SuratSchema):
    bentuk = Teks(required=True, validate=one_of(("individu", "tim")))
    jalur = Teks(validate=one_of((*JALUR, "dalam_unit")))
    dasar = Daftar(Objek(DasarSchema), required=True, validate=length(1, 10))
    pegawai = Daftar(Objek(PejabatSchema), required=True, validate=length(1, 50))
    tugas = text(2000, metadata={"description": "Tugas/ekspektasi kinerja yang diberikan"})
    unit_pemilik_kinerja = Objek(UnitRefSchema, required=True)
    jangka_waktu = Objek(JangkaWaktuSchema, required=True)


def check(data: dict, profile: RegionProfile) -> list[Finding]:
    c = Checker(profile, JENIS)
    rules = c.rules
    c.role(data["penandatangan"], "/penandatangan", rules["penandatangan"], "Penanda tangan surat penugasan")
    if data["bentuk"] == "individu" and len(data["pegawai"]) != 1:
        c.add("/pegawai", "penugasan_individu", "Penugasan individu menugaskan tepat satu orang.", "nasional")
    kinds = {d["jenis"] for d in data["dasar"]}
    needed = rules["dasar"]
    if data.get("jalur") != "dalam_unit" and "pengajuan_sukarela" not in kinds and needed["jenis"] not in kinds:
        c.add("/dasar", "dasar_penugasan",
              f"Penugasan lintas unit harus berdasar surat {needed['jenis']} (isi dasar dengan jenis "
              f"\"{needed['jenis']}\").", needed["pasal"])
    c.tembusan(data["tembusan"], rules["tembusan"].get(data.get("jalur"), ()))
    return c.findings
