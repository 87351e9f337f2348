"""Laporan pelaksanaan tugas: the report by which a pejabat fungsional or
pelaksana accounts for an assignment, closing the chain (MATRIX §7).

Who reports to whom depends on how the work was given: an individual
reports directly to the official the region names; in a team each anggota
reports to the ketua, and the ketua reports for the team.

Region rules read from ``[aturan.laporan-pelaksanaan-tugas]``:

``individu``, ``ketua``
    ``{peran, unit, pasal}``: the role of the official the report of an
    individual (of a ketua) is addressed to, and, where the text says whose
    official that is, ``unit``: ``pemilik`` (the unit that owns the work) or
    ``asal`` (the reporter's own unit, "atasan langsung"); absent: not said.
``anggota``
    ``{pasal}``: a team member reports to the ketua of the team.
``kontribusi_anggota``
    article making the ketua report the results of each member.

A report is filled from the assignment or decree it names (:func:`prefill`);
across letters (:func:`check_chain`) it rests on a penugasan or keputusan
tim kerja, its reporter is one that letter names in the position the report
claims, an anggota's report goes to that decree's ketua, and the period
reported lies inside the period of the work.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Mapping

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, ReferenceField, pointer
from .common import KepadaSchema, RujukanSchema, SuratSchema, UnitRefSchema, akhir_jangka_waktu, folded
from .fields import NASKAH_DINAS, BaseSchema, Daftar, Objek, Tanggal, Teks, length, one_of, text
from .nip import NIP, normalise_nip

if TYPE_CHECKING:
    from ..chain import ChainCheck, Filling, Known, Link

JENIS = "laporan-pelaksanaan-tugas"
JUDUL = "Laporan Pelaksanaan Tugas"
TEMPLATE = "laporan_pelaksanaan_tugas.docx"
RULE_KEYS = frozenset({"individu", "anggota", "ketua", "kontribusi_anggota"})
RUJUKAN = ReferenceField("dasar", many=True)

DASAR_JENIS = {"penugasan": "penugasan", "keputusan_tim_kerja": "keputusan-tim-kerja"}
"""The ``jenis`` of a basis → the letter type it is."""
KEDUDUKAN = ("ketua", "anggota")
PELAPOR = {"individu": ("pejabat_fungsional", "pelaksana"), "anggota": ("pejabat_fungsional", "pelaksana"),
           "ketua": ("pejabat_fungsional", "pelaksana", "pejabat_pengawas")}
"""Who reports: the texts say "Pejabat Fungsional atau pelaksana"; a ketua may be the unit's
Pejabat Pengawas where the decree rules make them ketua (MATRIX §4)."""


class DasarLaporanSchema(RujukanSchema):
    """The assignment or decree reported on; with ``id`` its nomor, tanggal and hal come from the registry."""

    jenis = Teks(required=True, validate=one_of(tuple(DASAR_JENIS)))


class KepadaLaporanSchema(KepadaSchema):
    """The addressee; a team member's report names the ketua by NIP."""

    nama = Teks(validate=length(1, 150))
    nip = NIP(metadata={"description": "NIP ketua tim, bagi laporan anggota tim"})


class PeriodeSchema(BaseSchema):
    mulai = Tanggal(required=True)
    selesai = Tanggal(required=True)


class HasilSchema(BaseSchema):
    """One line of what was done, against the performance expected of it."""

    kegiatan = text(1000)
    target = text(1000, metadata={"description": "Target/ekspektasi kinerja"})
    realisasi = text(1000)


class KontribusiSchema(BaseSchema):
    nama = text(150)
    nip = NIP(required=True)
    kontribusi = text(1000)


class Schema(SuratSchema):
    dasar = Daftar(Objek(DasarLaporanSchema), required=True, validate=length(1, 5))
    bentuk = Teks(required=True, validate=one_of(("individu", "tim")))
    kedudukan = Teks(validate=one_of(KEDUDUKAN), metadata={"description": "Kedudukan pelapor dalam tim"})
    nama_tim = Teks(validate=length(1, 200))
    kepada = Objek(KepadaLaporanSchema, required=True)
    unit_pemilik_kinerja = Objek(UnitRefSchema, required=True)
    tugas = text(2000, metadata={"description": "Tugas/ekspektasi kinerja yang dilaporkan"})
    periode = Objek(PeriodeSchema, required=True, metadata={"description": "Periode yang dilaporkan"})
    hasil = Daftar(Objek(HasilSchema), required=True, validate=length(1, 30))
    kontribusi = Daftar(Objek(KontribusiSchema), load_default=list, validate=length(0, 50),
                        metadata={"description": "Kontribusi tiap anggota, bagi laporan ketua tim"})
    kendala = Daftar(Teks(validate=length(1, 1000)), load_default=list, validate=length(0, 20))
    tindak_lanjut = Daftar(Teks(validate=length(1, 1000)), load_default=list, validate=length(0, 20))


def position(data: Mapping) -> str:
    """Whose rule applies: ``individu``, or the reporter's ``kedudukan`` in the team."""
    return data.get("kedudukan") or "individu"


def check(data: dict, profile: RegionProfile) -> list[Finding]:
    c = Checker(profile, JENIS)
    who = position(data)
    rule = c.rules[who]
    if (data["bentuk"] == "tim") != ("kedudukan" in data):
        c.add("/kedudukan", "kedudukan_tim", "Laporan tim menyebut kedudukan pelapor (ketua atau anggota); "
              "laporan individu tidak.", "nasional")
    if data["periode"]["selesai"] < data["periode"]["mulai"]:
        c.add("/periode/selesai", "periode_terbalik", "Akhir periode tidak boleh sebelum awalnya.", "nasional")
    c.role(data["penandatangan"], "/penandatangan", {"peran": PELAPOR[who], "pasal": rule["pasal"]}, "Pelapor")
    if who == "anggota":
        if "nip" not in data["kepada"]:
            c.add("/kepada/nip", "kepada_ketua_tim", "Laporan anggota tim disampaikan kepada ketua tim: isi NIP "
                  "ketua pada kepada.", rule["pasal"])
        return c.findings
    c.role(data["kepada"], "/kepada", rule, "Laporan ditujukan kepada")
    unit = {"pemilik": data["unit_pemilik_kinerja"], "asal": data["penandatangan"]["unit"]}.get(rule.get("unit"))
    if unit is not None and data["kepada"]["unit"]["kode"] != unit["kode"]:
        c.add("/kepada/unit/kode", "kepada_unit_tidak_sesuai",
              f"Laporan ditujukan kepada pejabat {unit['nama']} ({unit['kode']}).", rule["pasal"])
    if who == "ketua" and not data["kontribusi"]:
        c.add("/kontribusi", "kontribusi_anggota", "Laporan ketua tim memuat hasil kinerja tiap anggota tim.",
              c.rules["kontribusi_anggota"])
    return c.findings


def whole_period(jangka: Mapping) -> dict:
    """A stored period (``mulai`` as ISO text, a length) as the report's ``periode``."""
    mulai = dt.date.fromisoformat(str(jangka["mulai"]))
    return {"mulai": mulai.isoformat(), "selesai": akhir_jangka_waktu({**jangka, "mulai": mulai}).isoformat()}


def _team(decree: Known) -> list[dict]:
    return [decree.data["ketua"], *decree.data["anggota"]]


def _ketua_as_addressee(decree: Known, tempat: str) -> dict:
    """The ketua as a member's report addresses them (an outside decree names them by name and NIP only)."""
    ketua = decree.data["ketua"]
    addressee = {"jabatan": f"Ketua {decree.data.get('nama_tim') or 'Tim Kerja'}", "peran": ketua.get("peran"),
                 "unit": ketua.get("unit"), "nama": ketua["nama"], "nip": ketua["nip"], "tempat": tempat}
    return {k: v for k, v in addressee.items() if v is not None}


def prefill(fill: Filling, payload: dict, named: list[tuple[dict, Known]]) -> None:
    """From the decree: the team, the ketua as addressee of a member; from an assignment: an
    individual's work; from either: the owner unit, the task, the period and the reporter named by NIP."""
    kinds = {letter: jenis for jenis, letter in DASAR_JENIS.items()}
    for entry, known in named:
        if known.jenis in kinds:
            entry.setdefault("jenis", kinds[known.jenis])
    work = next((k for _, k in named if k.jenis in kinds), None)
    if work is None:
        return
    decree = work if work.jenis == "keputusan-tim-kerja" and "ketua" in work.data else None
    people = _team(decree) if decree else list(work.data.get("pegawai") or ())
    sent = payload.get("penandatangan")
    nip = normalise_nip(str(sent["nip"])) if isinstance(sent, dict) and sent.get("nip") else None
    reporter = next((p for p in people if p["nip"] == nip), None)
    if reporter is not None:
        fill.complete(sent, {**reporter, "nip": nip})
        sent["nip"] = nip
    jangka = work.data.get("jangka_waktu")
    values = {"wilayah": work.wilayah, "unit_pemilik_kinerja": work.data.get("unit_pemilik_kinerja"),
              "periode": whole_period(jangka) if jangka else None}
    if decree is None:
        values.update(tugas=work.data.get("tugas"), bentuk="individu" if len(people) == 1 else None)
    else:
        kedudukan = {decree.data["ketua"]["nip"]: "ketua"}.get(nip, "anggota" if reporter else None)
        values.update(bentuk="tim", kedudukan=kedudukan, nama_tim=decree.data.get("nama_tim"),
                      tugas="; ".join(decree.data.get("tugas_tim") or ()) or None)
        if kedudukan == "anggota":
            values["kepada"] = _ketua_as_addressee(decree, fill.profiles[decree.wilayah].ibu_kota)
    fill.complete(payload, values)


def check_chain(c: ChainCheck) -> list[Link]:
    """Rests on a penugasan or keputusan tim kerja whose people include the reporter, in the
    position claimed; a member's report goes to the ketua; the period lies inside the work's."""
    data, rules = c.data, c.section(JENIS)
    who, reporter = position(data), data["penandatangan"]["nip"]
    for i, entry in enumerate(data["dasar"]):
        known = c.named(entry)
        if known is None:
            continue
        if known.jenis not in DASAR_JENIS.values():
            c.add(pointer("dasar", i, "id"), "dasar_bukan_penugasan",
                  f"Surat {known.citation()} bukan surat penugasan atau keputusan tim kerja.", rules[who]["pasal"])
            continue
        _inside_period(c, data["periode"], known, rules[who]["pasal"])
        if known.jenis == "keputusan-tim-kerja" and "ketua" in known.data:  # an outside decree may not say
            _in_team(c, known, who, rules)
        elif who == "individu" and reporter not in (known.pegawai_nip or {reporter}):  # None: not said
            c.add("/penandatangan/nip", "pelapor_tidak_ditugaskan",
                  f"{data['penandatangan']['nama']} tidak ditugaskan oleh surat {known.citation()}.",
                  rules[who]["pasal"])
    return [c.link("dasar", entry, DASAR_JENIS[entry["jenis"]]) for entry in data["dasar"]]


def _inside_period(c: ChainCheck, periode: Mapping, work: Known, ref: str) -> None:
    jangka = work.data.get("jangka_waktu")
    if not jangka:
        return
    whole = whole_period(jangka)
    if periode["mulai"].isoformat() < whole["mulai"] or periode["selesai"].isoformat() > whole["selesai"]:
        c.add("/periode", "periode_di_luar_penugasan",
              f"Periode laporan harus di dalam jangka waktu surat {work.citation()} "
              f"({whole['mulai']} s.d. {whole['selesai']}).", ref)


def _in_team(c: ChainCheck, decree: Known, who: str, rules: Mapping) -> None:
    """The reporter holds the position claimed in the decree; a member writes to its ketua."""
    data, ketua = c.data, decree.data["ketua"]
    members = {p["nip"] for p in decree.data["anggota"]}
    team = decree.data.get("nama_tim")
    if team and data.get("nama_tim") and folded(data["nama_tim"]) != folded(team):
        c.add("/nama_tim", "nama_tim_tidak_sesuai",
              f"Nama tim menurut keputusan {decree.citation()} adalah \"{team}\".", NASKAH_DINAS)
    reporter = data["penandatangan"]
    if who == "ketua" and reporter["nip"] != ketua["nip"]:
        c.add("/penandatangan/nip", "pelapor_bukan_ketua",
              f"Ketua tim menurut keputusan {decree.citation()} adalah {ketua['nama']}.", rules["ketua"]["pasal"])
    if who != "ketua" and reporter["nip"] not in members:
        c.add("/penandatangan/nip", "pelapor_bukan_anggota",
              f"{reporter['nama']} bukan anggota tim menurut keputusan {decree.citation()}.", rules[who]["pasal"])
    if who == "anggota" and data["kepada"].get("nip") != ketua["nip"]:
        c.add("/kepada/nip", "kepada_bukan_ketua",
              f"Laporan anggota tim disampaikan kepada ketua tim, {ketua['nama']} (keputusan {decree.citation()}).",
              rules["anggota"]["pasal"])
    for i, part in enumerate(data["kontribusi"]):
        if part["nip"] not in members:
            c.add(pointer("kontribusi", i, "nip"), "kontribusi_bukan_anggota",
                  f"{part['nama']} bukan anggota tim menurut keputusan {decree.citation()}.",
                  rules["kontribusi_anggota"])
