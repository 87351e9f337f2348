"""Surat jawaban: the requested unit approves (naming whom it releases) or
refuses (giving its reasons) a permohonan pelibatan (MATRIX §2).

Region rules read from ``[aturan.jawaban]``:

``penandatangan``
    ``{peran, pasal}``: who answers.
``alasan_penolakan``
    article requiring written reasons for a refusal.
``daftar_pegawai``
    route → article requiring an approval to list the people released
    (key ``semua`` for every route).
``rekomendasi_ppk``
    article requiring the PPK's recommendation before answering (absent:
    not required).
``lintas_instansi``
    ``{usulan, jawaban}``: across instansi the answer takes two letters (TL
    Ps 15 e, BGO Ps 6(4) e): the PPK dituju sends it with the list of people
    to the Pejabat yang Berwenang of its own instansi (``usulan``), who then
    answers the Pejabat yang Berwenang of the requesting instansi
    (``jawaban``). Absent: the region has no route across instansi.
"""

from __future__ import annotations

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, same_instansi
from .common import JALUR, JangkaWaktuSchema, KepadaSchema, PejabatSchema, RujukanSchema, SuratSchema
from .fields import BaseSchema, Daftar, Objek, Tanggal, Teks, length, one_of, text

JENIS = "jawaban"
JUDUL = "Surat Jawaban Permohonan Pelibatan"
TEMPLATE = "jawaban.docx"
RULE_KEYS = frozenset({"penandatangan", "alasan_penolakan", "daftar_pegawai", "rekomendasi_ppk", "lintas_instansi"})


class RekomendasiSchema(BaseSchema):
    jabatan = text(200)
    nama = Teks(validate=length(1, 150))
    tanggal = Tanggal()


class Schema(SuratSchema):
    keputusan = Teks(required=True, validate=one_of(("persetujuan", "penolakan")))
    jalur = Teks(required=True, validate=one_of(JALUR))
    kepada = Objek(KepadaSchema, required=True)
    rujukan = Objek(RujukanSchema, required=True, metadata={"description": "Surat permohonan yang dijawab"})
    pegawai = Daftar(Objek(PejabatSchema), load_default=list, validate=length(0, 50))
    alasan = Daftar(Teks(validate=length(1, 1000)), load_default=list, validate=length(0, 20))
    jangka_waktu = Objek(JangkaWaktuSchema)
    rekomendasi_ppk = Objek(RekomendasiSchema)
    catatan = Teks(validate=length(1, 2000))


def tahap(data: dict) -> str:
    """Which step of answering this letter is: ``usulan`` (the PPK dituju to
    the Pejabat yang Berwenang of its own instansi, across instansi) or
    ``jawaban`` (the answer itself). A request gets one letter of each step."""
    if data["jalur"] == "lintas_instansi" and data["penandatangan"]["peran"] != "pyb":
        return "usulan"
    return "jawaban"


def _route_across_instansi(c: Checker, data: dict) -> None:
    """Across instansi the answer passes through the Pejabat yang Berwenang of each side."""
    steps = c.rules["lintas_instansi"]
    kepada, signer = data["kepada"], data["penandatangan"]
    if signer["peran"] not in ("ppk", "pyb"):
        c.add("/penandatangan/peran", "peran_tidak_sesuai",
              "Jawaban lintas instansi ditandatangani PPK dituju (kepada Pejabat yang Berwenang) "
              "atau Pejabat yang Berwenang (kepada Pejabat yang Berwenang instansi pemohon).", steps["usulan"])
        return
    usulan = tahap(data) == "usulan"
    ref = steps["usulan" if usulan else "jawaban"]
    if kepada["peran"] != "pyb":
        c.add("/kepada/peran", "kepada_melalui_pyb",
              "Jawaban lintas instansi disampaikan kepada Pejabat yang Berwenang.", ref)
    elif same_instansi(kepada["unit"], signer["unit"]) != usulan:
        c.add("/kepada/unit", "kepada_melalui_pyb",
              "PPK dituju menyampaikan jawaban kepada Pejabat yang Berwenang instansinya sendiri."
              if usulan else
              "Pejabat yang Berwenang menyampaikan jawaban kepada Pejabat yang Berwenang instansi pemohon.",
              ref)


def check(data: dict, profile: RegionProfile) -> list[Finding]:
    c = Checker(profile, JENIS)
    rules = c.rules
    if data["jalur"] == "lintas_instansi" and "lintas_instansi" in rules:
        _route_across_instansi(c, data)
    else:
        c.role(data["penandatangan"], "/penandatangan", rules["penandatangan"], "Penjawab permohonan")
    if data["keputusan"] == "penolakan":
        if not data["alasan"]:
            c.add("/alasan", "alasan_penolakan", "Penolakan wajib disertai alasan tertulis.",
                  rules["alasan_penolakan"])
    else:
        lists = rules["daftar_pegawai"]
        if not data["pegawai"]:
            c.add("/pegawai", "daftar_pegawai",
                  "Persetujuan wajib menyebut pejabat fungsional/pelaksana yang dilepas.",
                  lists.get(data["jalur"], lists["semua"]))
        if "rekomendasi_ppk" in rules and "rekomendasi_ppk" not in data:
            c.add("/rekomendasi_ppk", "rekomendasi_ppk",
                  "Jawaban diberikan setelah mendapat rekomendasi pejabat penilai kinerja; sebutkan rekomendasinya.",
                  rules["rekomendasi_ppk"])
    return c.findings
