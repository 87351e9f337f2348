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
``sukarela``
    ``{peran, unit, pasal, persetujuan}``: who signs the assignment that ends
    a voluntary application: an official holding ``peran`` in the
    applicant's own unit (``unit = "asal"``) or in the unit that owns the
    work (``"tujuan"``); ``persetujuan`` is the article making the
    assignment wait for the approval of the application.
"""

from __future__ import annotations

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker
from .common import JALUR, JangkaWaktuSchema, PejabatSchema, RujukanSchema, SuratSchema, UnitRefSchema
from .fields import Daftar, Objek, Teks, length, one_of, text

JENIS = "penugasan"
JUDUL = "Surat Penugasan"
TEMPLATE = "penugasan.docx"
RULE_KEYS = frozenset({"penandatangan", "dasar", "tembusan", "sukarela"})

JENIS_DASAR = ("permohonan", "persetujuan", "pengajuan_sukarela", "lainnya")


class DasarSchema(RujukanSchema):
    """A basis letter; with ``id`` its jenis, nomor, tanggal and hal come from the registry."""

    jenis = Teks(required=True, validate=one_of(JENIS_DASAR))


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
    kinds = {d["jenis"] for d in data["dasar"]}
    signer_rule = rules["sukarela"] if "pengajuan_sukarela" in kinds else rules["penandatangan"]
    c.role(data["penandatangan"], "/penandatangan", signer_rule, "Penanda tangan surat penugasan")
    if data["bentuk"] == "individu" and len(data["pegawai"]) != 1:
        c.add("/pegawai", "penugasan_individu", "Penugasan individu menugaskan tepat satu orang.", "nasional")
    needed = rules["dasar"]
    if data.get("jalur") != "dalam_unit" and "pengajuan_sukarela" not in kinds and needed["jenis"] not in kinds:
        c.add("/dasar", "dasar_penugasan",
              f"Penugasan lintas unit harus berdasar surat {needed['jenis']} (isi dasar dengan jenis "
              f"\"{needed['jenis']}\").", needed["pasal"])
    c.tembusan(data["tembusan"], rules["tembusan"].get(data.get("jalur"), ()))
    return c.findings
