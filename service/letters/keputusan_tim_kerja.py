"""Keputusan pembentukan tim kerja: the decree naming a team's ketua and
anggota (MATRIX §4).

Region rules read from ``[aturan.keputusan-tim-kerja]``:

``penandatangan``
    ``{peran, pasal}``: who issues the decree.
``ketua_unit_pemilik``
    ``{tingkat, pasal}``: when members come from other units the ketua comes
    from the owner unit; ``tingkat`` is ``galat`` (required) or
    ``peringatan`` (preferred, "diutamakan").
``ketua_pengawas``
    article: where the unit still has a Pejabat Pengawas, the ketua is that
    Pengawas.
``pertimbangan_ketua``
    article requiring the grounds (kompetensi, keahlian, keterampilan) for
    choosing the ketua (absent: not required).
"""

from __future__ import annotations

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker
from .common import JangkaWaktuSchema, PejabatSchema, RujukanSchema, SuratSchema, UnitRefSchema
from .fields import Daftar, Logika, Objek, Teks, length, text

JENIS = "keputusan-tim-kerja"
JUDUL = "Keputusan Pembentukan Tim Kerja"
TEMPLATE = "keputusan_tim_kerja.docx"
RULE_KEYS = frozenset({"penandatangan", "ketua_unit_pemilik", "ketua_pengawas", "pertimbangan_ketua"})


class Schema(SuratSchema):
    nama_tim = text(200)
    unit_pemilik_kinerja = Objek(UnitRefSchema, required=True)
    menimbang = Daftar(Teks(validate=length(1, 1000)), load_default=list, validate=length(0, 10))
    mengingat = Daftar(Teks(validate=length(1, 1000)), load_default=list, validate=length(0, 20))
    ketua = Objek(PejabatSchema, required=True)
    anggota = Daftar(Objek(PejabatSchema), required=True, validate=length(1, 50))
    unit_masih_ada_pengawas = Logika(load_default=False)
    pertimbangan_ketua = Teks(validate=length(1, 1000))
    tugas_tim = Daftar(Teks(validate=length(1, 1000)), required=True, validate=length(1, 20))
    jangka_waktu = Objek(JangkaWaktuSchema)
    sumber_biaya = Teks(validate=length(1, 300))
    dasar = Daftar(Objek(RujukanSchema), load_default=list, validate=length(0, 20), metadata={
        "description": "Surat penugasan anggota tim; dengan id, anggota diisi dari surat itu"})


def check(data: dict, profile: RegionProfile) -> list[Finding]:
    c = Checker(profile, JENIS)
    rules = c.rules
    c.role(data["penandatangan"], "/penandatangan", rules["penandatangan"], "Penetap keputusan")
    ketua, owner = data["ketua"], data["unit_pemilik_kinerja"]["kode"]
    if any(a["unit"]["kode"] != owner for a in data["anggota"]) and ketua["unit"]["kode"] != owner:
        rule = rules["ketua_unit_pemilik"]
        c.add("/ketua/unit", "ketua_unit_pemilik",
              "Anggota tim berasal dari unit lain; ketua tim "
              f"{'diutamakan' if rule['tingkat'] == 'peringatan' else 'wajib'} berasal dari unit pemilik kinerja.",
              rule["pasal"], severity=rule["tingkat"])
    if data["unit_masih_ada_pengawas"] and ketua["peran"] != "pejabat_pengawas":
        c.add("/ketua/peran", "ketua_pengawas",
              "Unit masih memiliki Pejabat Pengawas: ketua tim adalah Pejabat Pengawas tersebut.",
              rules["ketua_pengawas"])
    if "pertimbangan_ketua" in rules and not data.get("pertimbangan_ketua"):
        c.add("/pertimbangan_ketua", "pertimbangan_ketua",
              "Sebutkan dasar penunjukan ketua (kompetensi, keahlian dan/atau keterampilan).",
              rules["pertimbangan_ketua"])
    for i, anggota in enumerate(data["anggota"]):
        if anggota["nip"] == ketua["nip"]:
            c.add(f"/anggota/{i}/nip", "ketua_juga_anggota", "Ketua tidak dicantumkan lagi sebagai anggota.",
                  "nasional")
    return c.findings
