"""Surat pengajuan sukarela: a pejabat fungsional/pelaksana asks to join
another unit's work, with the consent ("Mengetahui") of their own superiors,
who countersign the same letter (MATRIX §5).

Region rules read from ``[aturan.pengajuan-sukarela]``:

``dalam_unit``
    article: inside one unit the application is oral, not a letter.
``kepada``
    ``{peran, pasal}``: to whom the application is addressed.
``mengetahui``
    ``{peran, pasal}``: the consent required; ``peran`` is a list of
    alternatives, each a list of roles of which one official must hold one
    (BGO needs both a PPK and the Pimpinan UO: ``[["ppk"], ["pimpinan_unit"]]``).
``tembusan``
    list of ``{peran, pasal}``: copies that must be sent.
"""

from __future__ import annotations

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, pointer, same_instansi
from .common import PERAN_LABEL, JangkaWaktuSchema, KepadaSchema, PejabatSchema, SuratSchema, UnitRefSchema
from .fields import Daftar, Objek, Teks, length, text

JENIS = "pengajuan-sukarela"
JUDUL = "Surat Pengajuan Sukarela"
TEMPLATE = "pengajuan_sukarela.docx"
RULE_KEYS = frozenset({"dalam_unit", "kepada", "mengetahui", "tembusan"})

PEMOHON = {"peran": ["pejabat_fungsional", "pelaksana"], "pasal": "nasional"}


class Schema(SuratSchema):
    penandatangan = Objek(PejabatSchema, required=True, metadata={
        "description": "Pemohon sendiri: pengajuan pribadi tidak ditandatangani atas nama orang lain"})
    kepada = Objek(KepadaSchema, required=True)
    unit_tujuan = Objek(UnitRefSchema, required=True, metadata={"description": "Unit pemilik kinerja"})
    kinerja = text(1000, metadata={"description": "Kinerja yang ingin diikuti"})
    kompetensi = Daftar(Teks(validate=length(1, 500)), required=True, validate=length(1, 20))
    alasan = text(2000)
    jangka_waktu = Objek(JangkaWaktuSchema, required=True)
    mengetahui = Daftar(Objek(PejabatSchema), required=True, validate=length(1, 3),
                        metadata={"description": "Atasan yang menyetujui dan menandatangani 'Mengetahui'"})


def check(data: dict, profile: RegionProfile) -> list[Finding]:
    c = Checker(profile, JENIS)
    rules = c.rules
    pemohon = data["penandatangan"]
    c.role(pemohon, "/penandatangan", PEMOHON, "Pemohon")
    if pemohon["unit"]["kode"] == data["unit_tujuan"]["kode"] and same_instansi(pemohon["unit"], data["unit_tujuan"]):
        c.add("/unit_tujuan", "dalam_unit",
              "Pengajuan sukarela di dalam unit sendiri disampaikan secara lisan, bukan dengan surat.",
              rules["dalam_unit"])
    c.role(data["kepada"], "/kepada", rules["kepada"], "Surat ditujukan kepada")
    consent = rules["mengetahui"]
    roles = [m["peran"] for m in data["mengetahui"]]
    for needed in consent["peran"]:
        held = next((r for r in roles if r in needed), None)
        if held is None:
            c.add("/mengetahui", "persetujuan_atasan",
                  f"Pengajuan wajib diketahui/disetujui {' atau '.join(PERAN_LABEL[p] for p in needed)} pemohon.",
                  consent["pasal"])
        else:
            roles.remove(held)
    for i, atasan in enumerate(data["mengetahui"]):
        if atasan["unit"]["kode"] != pemohon["unit"]["kode"]:
            c.add(pointer("mengetahui", i, "unit"), "atasan_unit_lain",
                  "Yang menyetujui adalah atasan di unit pemohon sendiri.", consent["pasal"])
    c.tembusan(data["tembusan"], rules["tembusan"])
    return c.findings
