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

The team has one name, ``nama_tim``: the decree's title ("tentang
Pembentukan <nama_tim>", its ``hal``), its KESATU and its lampiran print
that one field, and a report on the team's work takes it from the decree.

A decree is filled from the assignments of its members (:func:`prefill`);
across letters (:func:`check_chain`) each member comes from the unit their
assignment says and the owner unit is the assignments' own
(``ketua_unit_pemilik``).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Iterable

from marshmallow import post_load

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, ReferenceField, pointer
from .common import JangkaWaktuSchema, PejabatSchema, RujukanSchema, SuratSchema, UnitRefSchema, folded
from .fields import NASKAH_DINAS, Daftar, Logika, Objek, Teks, length, text
from .nip import normalise_nip

if TYPE_CHECKING:
    from ..chain import ChainCheck, Filling, Known, Link

JENIS = "keputusan-tim-kerja"
JUDUL = "Keputusan Pembentukan Tim Kerja"
TEMPLATE = "keputusan_tim_kerja.docx"
RULE_KEYS = frozenset({"penandatangan", "ketua_unit_pemilik", "ketua_pengawas", "pertimbangan_ketua"})
RUJUKAN = ReferenceField("dasar", many=True)


def hal_of(nama_tim: str) -> str:
    """The decree's subject, composed from the team's name."""
    return f"Pembentukan {nama_tim}"


class Schema(SuratSchema):
    hal = Teks(validate=length(1, 300), metadata={
        "pasal": NASKAH_DINAS, "description": "Kosong = \"Pembentukan <nama_tim>\"; bila diisi, menyebut nama_tim"})
    nama_tim = text(200, metadata={"description": "Nama tim, sama di judul, diktum dan lampiran keputusan"})
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

    @post_load
    def _title(self, data: dict, **kwargs) -> dict:
        data.setdefault("hal", hal_of(data["nama_tim"]))
        return data


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
    team = data["nama_tim"]
    if folded(team) not in folded(data["hal"]):
        c.add("/hal", "hal_tanpa_nama_tim",
              f"Judul keputusan menyebut tim dengan namanya, \"{team}\" (mis. \"{hal_of(team)}\"); "
              "kosongkan hal agar disusun dari nama_tim.", NASKAH_DINAS)
    for i, anggota in enumerate(data["anggota"]):
        if anggota["nip"] == ketua["nip"]:
            c.add(f"/anggota/{i}/nip", "ketua_juga_anggota", "Ketua tidak dicantumkan lagi sebagai anggota.",
                  "nasional")
    return c.findings


def team_people(assignments: Iterable[Known]) -> list[dict]:
    """Everyone the assignments name, once, in order."""
    people: dict[str, dict] = {}
    for a in assignments:
        for person in a.data.get("pegawai") or ():
            people.setdefault(person["nip"], person)
    return list(people.values())


def prefill(fill: Filling, payload: dict, named: list[tuple[dict, Known]]) -> None:
    """The team is everyone the assignments name; a ketua sent by NIP alone is completed from them."""
    assignments = [k for _, k in named if k.jenis == "penugasan"]
    if not assignments:
        return
    people = team_people(assignments)
    ketua = payload.get("ketua")
    chosen = ketua.get("nip") if isinstance(ketua, dict) else None
    person = next((p for p in people if p["nip"] == normalise_nip(str(chosen))), None) if chosen else None
    if person is not None:
        payload["ketua"] = {**copy.deepcopy(person), **{k: v for k, v in ketua.items() if k != "nip"}}
    first = assignments[0].data
    fill.complete(payload, {
        "wilayah": assignments[0].wilayah,
        "unit_pemilik_kinerja": first.get("unit_pemilik_kinerja"),
        "jangka_waktu": first.get("jangka_waktu"),
        "anggota": [p for p in people if person is None or p["nip"] != person["nip"]],
    })


def check_chain(c: ChainCheck) -> list[Link]:
    """Members come from the units their assignments say, for the assignments' owner unit."""
    data = c.data
    ref = c.section(JENIS)["ketua_unit_pemilik"]["pasal"]
    assignments = []
    for i, entry in enumerate(data["dasar"]):
        known = c.named(entry)
        if known is not None and known.jenis != "penugasan":
            c.add(pointer("dasar", i, "id"), "dasar_bukan_penugasan",
                  f"Surat {known.citation()} bukan surat penugasan.", "nasional")
        elif known is not None:
            assignments.append(known)
    origin = {p["nip"]: p.get("unit") for p in team_people(assignments)}  # an outside letter may not say
    members = [("/ketua", data["ketua"])] + [(pointer("anggota", i), a) for i, a in enumerate(data["anggota"])]
    for where, person in members:
        unit = origin.get(person["nip"])
        if unit is not None and unit["kode"] != person["unit"]["kode"]:
            c.add(f"{where}/unit/kode", "asal_pegawai_tidak_sesuai",
                  f"Menurut surat penugasannya, {person['nama']} berasal dari {unit['nama']} ({unit['kode']}).", ref)
    owner = data["unit_pemilik_kinerja"]["kode"]
    if any((a.data.get("unit_pemilik_kinerja") or {}).get("kode", owner) != owner for a in assignments):
        c.add("/unit_pemilik_kinerja/kode", "unit_pemilik_tidak_sesuai",
              "Unit pemilik kinerja tidak sama dengan surat penugasan anggota tim.", ref)
    return [c.link("dasar", entry, "penugasan") for entry in data["dasar"]]
