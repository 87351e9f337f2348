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

An assignment is filled from the approval or request it rests on
(:func:`prefill`); across letters (:func:`check_chain`) it rests on no
refusal, comes from the unit that released the people, names only the
people released (``[aturan.rantai] pegawai_dilepas``) for a period inside
the one requested, ends a voluntary application only once it was approved,
and across instansi rests on the answer the Pejabat yang Berwenang approved
and copies both Pejabat yang Berwenang (``lintas_instansi.penugasan``,
``lintas_instansi.tembusan``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, ReferenceField, pointer, same_instansi
from .common import JALUR, JangkaWaktuSchema, PejabatSchema, RujukanSchema, SuratSchema, UnitRefSchema
from .fields import Daftar, Objek, Teks, length, one_of, text
from .jawaban import ANSWERED, answered_request, final_answers, tahap
from .permohonan_pelibatan import origin_request

if TYPE_CHECKING:
    from ..chain import ChainCheck, Filling, Known, Link, Lookup

JENIS = "penugasan"
JUDUL = "Surat Penugasan"
TEMPLATE = "penugasan.docx"
RULE_KEYS = frozenset({"penandatangan", "dasar", "tembusan", "sukarela"})
RUJUKAN = ReferenceField("dasar", many=True)

JENIS_DASAR = ("permohonan", "persetujuan", "pengajuan_sukarela", "lainnya")
DASAR_JENIS = {"permohonan-pelibatan": "permohonan", "pengajuan-sukarela": "pengajuan_sukarela"}
"""The ``jenis`` of a basis, by the type of the letter it names (an answer: by its decision)."""
UNIT_REF = ("kode", "nama", "instansi")


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


def _dasar_jenis(known: Known) -> str:
    if known.jenis == "jawaban":
        return "persetujuan" if known.keputusan == "persetujuan" else "lainnya"
    return DASAR_JENIS.get(known.jenis, "lainnya")


def _approval(basis: list[Known]) -> Known | None:
    return next((k for k in basis if k.jenis == "jawaban" and k.keputusan == "persetujuan"), None)


def _request(lookup: Lookup, answer: Known | None, basis: list[Known]) -> Known | None:
    """The request behind the basis: the one ``answer`` answers, else one named directly."""
    request = answered_request(lookup, answer) if answer else None
    return request or next((k for k in basis if k.jenis in ANSWERED), None)


def prefill(fill: Filling, payload: dict, named: list[tuple[dict, Known]]) -> None:
    """The people, period and route of the approval; the owner unit and task of the request;
    the request added to the basis."""
    for entry, known in named:
        entry.setdefault("jenis", _dasar_jenis(known))
    basis = [known for _, known in named]
    approval = _approval(basis)
    request = _request(fill, approval, basis)
    values: dict[str, Any] = {}
    if approval:
        values.update(wilayah=approval.wilayah, jalur=approval.data.get("jalur"),
                      pegawai=approval.data.get("pegawai") or None, jangka_waktu=approval.data.get("jangka_waktu"))
    if request and request.jenis == "pengajuan-sukarela":
        values.setdefault("pegawai", [request.data["penandatangan"]])
        values.update(unit_pemilik_kinerja=request.data["unit_tujuan"], tugas=request.data["kinerja"])
    elif request:
        origin = origin_request(fill, request)
        values.update(unit_pemilik_kinerja=origin.data.get("pengirim") and _unit_ref(origin.data["pengirim"]),
                      tugas=request.data.get("target_kinerja"), hal=f"Penugasan atas {request.hal}")
    if request:
        values.setdefault("jangka_waktu", request.data.get("jangka_waktu"))
        values.setdefault("wilayah", request.wilayah)
        dasar = payload.setdefault("dasar", [])
        if not any(isinstance(d, dict) and d.get("id") == request.id for d in dasar):
            dasar.insert(0, {**request.reference(), "jenis": _dasar_jenis(request)})
    if values.get("pegawai"):
        values["bentuk"] = "individu" if len(values["pegawai"]) == 1 else "tim"
    fill.complete(payload, values)


def _unit_ref(unit: Mapping) -> dict:
    return {k: unit[k] for k in UNIT_REF if k in unit}


def check_chain(c: ChainCheck) -> list[Link]:
    """No assignment after a refusal, nor of people the approval did not release."""
    data = c.data
    rules = c.section(JENIS)
    basis = [(i, entry, c.named(entry)) for i, entry in enumerate(data["dasar"])]
    for i, entry, known in basis:
        if known is None:
            continue
        approval = known.jenis == "jawaban" and known.keputusan == "persetujuan"
        if known.jenis == "jawaban" and known.keputusan == "penolakan":
            c.add(pointer("dasar", i), "dasar_penolakan",
                  f"Surat {known.citation()} adalah penolakan; tidak ada penugasan setelah penolakan.",
                  rules["dasar"]["pasal"])
        elif entry["jenis"] == "persetujuan" and not approval:
            c.add(pointer("dasar", i, "jenis"), "dasar_bukan_persetujuan",
                  f"Surat {known.citation()} bukan surat persetujuan.", rules["dasar"]["pasal"])
    known = [k for _, _, k in basis if k is not None]
    approval = _approval(known)
    request = _request(c, approval or next((k for k in known if k.jenis == "jawaban"), None), known)
    if request is not None and not request.luar:
        refusals = [a for a in final_answers(c, request) if a.keputusan == "penolakan"]
        if refusals:
            c.add("/dasar", "permohonan_ditolak",
                  f"Permohonan {request.citation()} telah ditolak dengan surat {refusals[0].citation()}.",
                  rules["dasar"]["pasal"])
        if request.jenis == "pengajuan-sukarela":
            _ends_application(c, request, approval)
        else:
            _follows_request(c, request)
    if approval is not None and approval.pegawai_nip is not None:
        released = c.rules["pegawai_dilepas"]
        c.people_in(data["pegawai"], approval.pegawai_nip, "pegawai_tidak_dilepas",
                    f"{{nama}} tidak dilepas oleh surat persetujuan {approval.citation()}.",
                    released.get(data.get("jalur"), released["semua"]))
    if data.get("jalur") == "lintas_instansi" and "lintas_instansi" in c.rules:
        _across_instansi(c, request, approval)
    return [c.link("dasar", entry, entry["jenis"]) for _, entry, _ in basis]


def _follows_request(c: ChainCheck, request: Known) -> None:
    data, rd = c.data, request.data
    tujuan = rd["unit_tujuan"]
    if data["pengirim"]["kode"] != tujuan["kode"]:
        c.add("/pengirim/kode", "penugasan_bukan_unit_tujuan",
              f"Penugasan diberikan oleh {tujuan['nama']}, unit yang melepas pegawainya.",
              c.section(JENIS)["penandatangan"]["pasal"])
    c.within(data["jangka_waktu"], rd.get("jangka_waktu"),
             c.section("permohonan-pelibatan")["isi_minimum"]["jangka_waktu"], "yang dimohon")


def _ends_application(c: ChainCheck, application: Known, approval: Known | None) -> None:
    """The voluntary route ends in an assignment by the official the region names."""
    data, ad = c.data, application.data
    rule = c.section(JENIS)["sukarela"]
    if approval is None and not any(a.keputusan == "persetujuan" for a in final_answers(c, application)):
        c.add("/dasar", "sukarela_tanpa_persetujuan",
              f"Pengajuan {application.citation()} belum disetujui unit yang dituju.", rule["persetujuan"])
    unit = ad["penandatangan"]["unit"] if rule["unit"] == "asal" else ad["unit_tujuan"]
    if data["penandatangan"]["unit"]["kode"] != unit["kode"]:
        c.add("/penandatangan/unit/kode", "penandatangan_penugasan_sukarela",
              f"Penugasan atas pengajuan sukarela ditandatangani pejabat {unit['nama']}.", rule["pasal"])
    c.people_in(data["pegawai"], {ad["penandatangan"]["nip"]}, "pegawai_bukan_pemohon",
                "Penugasan atas pengajuan sukarela menugaskan pemohon sendiri, bukan {nama}.", rule["pasal"])
    c.within(data["jangka_waktu"], ad.get("jangka_waktu"), rule["persetujuan"], "pengajuan")


def _across_instansi(c: ChainCheck, request: Known | None, approval: Known | None) -> None:
    """TL Ps 15 e.3-4, BGO Ps 6(4) e.2-3: the PyB-approved answer, and copies to both PyB."""
    rules = c.rules["lintas_instansi"]
    if approval is not None and not approval.luar and tahap(approval.data) != "jawaban":
        c.add("/dasar", "persetujuan_belum_pyb",
              f"Surat {approval.citation()} masih jawaban PPK kepada Pejabat yang Berwenang; penugasan "
              "berdasar jawaban yang telah disetujui Pejabat yang Berwenang.", rules["penugasan"])
    needed = {"instansi bersangkutan": c.data["pengirim"]["instansi"]}
    pemohon = origin_request(c, request).data.get("pengirim") if request is not None else None
    if pemohon and pemohon.get("instansi"):
        needed["instansi pemohon"] = pemohon["instansi"]
    copies = [t for t in c.data["tembusan"] if t.get("peran") == "pyb" and t.get("instansi")]
    for label, instansi in needed.items():
        if not any(same_instansi(t, {"instansi": instansi}) for t in copies):
            c.add("/tembusan", "tembusan_pyb_instansi",
                  f"Tembusan kepada Pejabat yang Berwenang {label} ({instansi}) wajib ada; isi peran \"pyb\" "
                  "dan instansinya.", rules["tembusan"])
