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

An answer is filled from the request it answers (:func:`prefill`); across
letters (:func:`check_chain`) it answers a request or a voluntary
application once per step, from the unit it was sent to, releasing people
of that unit for a period inside the one requested (``[aturan.rantai]
jawaban``), and across instansi the Pejabat yang Berwenang answers on the
PPK's proposal (``lintas_instansi.usulan``) once the request was forwarded
(``lintas_instansi.penerusan``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, ReferenceField, pointer, same_instansi
from .common import JALUR, JangkaWaktuSchema, KepadaSchema, PejabatSchema, RujukanSchema, SuratSchema, jabatan_dinas
from .fields import BaseSchema, Daftar, Objek, Tanggal, Teks, length, one_of, text
from .permohonan_pelibatan import is_forwarding

if TYPE_CHECKING:
    from ..chain import ChainCheck, Filling, Known, Link, Lookup

JENIS = "jawaban"
JUDUL = "Surat Jawaban Permohonan Pelibatan"
TEMPLATE = "jawaban.docx"
RULE_KEYS = frozenset({"penandatangan", "alasan_penolakan", "daftar_pegawai", "rekomendasi_ppk", "lintas_instansi"})
RUJUKAN = ReferenceField("rujukan")

ANSWERED = ("permohonan-pelibatan", "pengajuan-sukarela")
"""The letter types an answer answers."""


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


def answered_request(lookup: Lookup, answer: Known) -> Known | None:
    """The request (or application) ``answer`` answers, when it names it by id."""
    ref_id = (answer.data.get("rujukan") or {}).get("id")
    return lookup.resolve(ref_id) if ref_id else None


def final_answers(lookup: Lookup, request: Known) -> list[Known]:
    """The answers of this service to ``request`` (not the PPK's proposals), oldest first."""
    return [a for a in lookup.linked_to(request.id, "menjawab") if tahap(a.data) == "jawaban"]


def prefill(fill: Filling, payload: dict, named: list[tuple[dict, Known]]) -> None:
    """An answer goes back to whoever signed the request (to the official it was signed on behalf of, if it
    was), on its route, subject and period."""
    _, request = named[0]
    d = request.data
    signer = d.get("penandatangan")
    profile = fill.profiles.get(request.wilayah)
    fill.complete(payload, {
        "wilayah": request.wilayah,
        "hal": f"Jawaban atas {request.hal}",
        "jalur": d.get("jalur"),
        "jangka_waktu": d.get("jangka_waktu"),
        "kepada": signer and {
            "jabatan": jabatan_dinas(signer), "peran": signer["peran"], "unit": signer["unit"],
            "tempat": d.get("tempat") or (profile.ibu_kota if profile else None),
        },
    })


def check_chain(c: ChainCheck) -> list[Link]:
    """One answer per request and step, by the unit the request was sent to."""
    data, step = c.data, tahap(c.data)
    rujukan = data["rujukan"]
    request = c.named(rujukan)
    link = c.link("menjawab", rujukan, "permohonan-pelibatan", exclusive=f"jawaban-{step}")
    if request is None:
        return [_with_conflict(c, link, "Permohonan ini")]
    if request.jenis not in ANSWERED:
        c.add("/rujukan/id", "rujukan_bukan_permohonan",
              "Surat jawaban menjawab surat permohonan pelibatan atau pengajuan sukarela.", c.rules["jawaban"])
        return []
    previous = [a for a in c.linked_to(request.id, "menjawab") if tahap(a.data) == step]
    if previous:
        c.add("/rujukan", "sudah_dijawab",
              f"Permohonan ini sudah dijawab dengan surat {previous[0].citation()}; satu permohonan dijawab "
              "satu kali.", c.rules["jawaban"])
    if request.luar:
        if step == "jawaban" and data["jalur"] == "lintas_instansi" and "lintas_instansi" in c.rules:
            _rests_on_proposal(c, request)
    elif request.jenis == "pengajuan-sukarela":
        _answers_application(c, request)
    else:
        _answers_request(c, request, step)
    return [_with_conflict(c, link, f"Permohonan {request.citation()}")]


def _with_conflict(c: ChainCheck, link: Link, what: str) -> Link:
    """The answer a client gets when another answer took this request first."""
    return replace(link, conflict=Finding(
        "/rujukan", "sudah_dijawab", f"{what} sudah dijawab oleh surat lain; satu permohonan dijawab satu kali.",
        c.profile.cite(c.rules["jawaban"])))


def _answers_request(c: ChainCheck, request: Known, step: str) -> None:
    data, rd = c.data, request.data
    tujuan = rd["unit_tujuan"]
    across = rd.get("jalur") == "lintas_instansi" and "lintas_instansi" in c.rules
    if across and not is_forwarding(rd, c.section("permohonan-pelibatan")):
        c.add("/rujukan/id", "belum_diteruskan",
              "Permohonan lintas instansi dijawab setelah diteruskan oleh Pejabat yang Berwenang "
              "kepada Pejabat yang Berwenang instansi yang dituju.", c.rules["lintas_instansi"]["penerusan"])
        return
    if step == "jawaban" and across:
        if not same_instansi(data["pengirim"], tujuan):
            c.add("/pengirim/instansi", "penjawab_bukan_tujuan",
                  "Jawaban diberikan oleh instansi yang dituju permohonan.", c.rules["lintas_instansi"]["usulan"])
        _rests_on_proposal(c, request)
    elif data["pengirim"]["kode"] != tujuan["kode"] or not same_instansi(data["pengirim"], tujuan):
        c.add("/pengirim/kode", "penjawab_bukan_tujuan",
              f"Permohonan ditujukan kepada {tujuan['nama']}; unit itulah yang menjawab.", c.rules["jawaban"])
    if data["keputusan"] == "persetujuan":
        for i, person in enumerate(data["pegawai"]):
            if person["unit"]["kode"] != tujuan["kode"]:
                c.add(pointer("pegawai", i, "unit", "kode"), "pegawai_bukan_unit_tujuan",
                      f"{person['nama']} bukan pegawai {tujuan['nama']}; yang dilepas adalah pegawai unit yang "
                      "dituju permohonan.", c.rules["jawaban"])
        if data.get("jangka_waktu"):
            c.within(data["jangka_waktu"], rd.get("jangka_waktu"),
                     c.section("permohonan-pelibatan")["isi_minimum"]["jangka_waktu"], "yang dimohon")


def _rests_on_proposal(c: ChainCheck, request: Known) -> None:
    """The Pejabat yang Berwenang answers on the PPK's proposal and its list (TL Ps 15 e.1-2)."""
    ref = c.rules["lintas_instansi"]["usulan"]
    proposals = [a for a in c.linked_to(request.id, "menjawab") if tahap(a.data) == "usulan"]
    if not proposals:
        c.add("/rujukan", "tanpa_usulan_ppk",
              "Pejabat yang Berwenang menjawab setelah menerima jawaban PPK dituju beserta daftar pegawai.", ref)
        return
    proposal = proposals[0]
    if c.data["keputusan"] == "persetujuan":
        if proposal.keputusan != "persetujuan":
            c.add("/keputusan", "usulan_ditolak",
                  f"PPK dituju tidak menyetujui (surat {proposal.citation()}); jawaban tidak dapat menyetujui.", ref)
        else:
            c.people_in(c.data["pegawai"], proposal.pegawai_nip or set(), "pegawai_tidak_diusulkan",
                        "{nama} tidak ada dalam daftar yang diajukan PPK dituju.", ref)


def _answers_application(c: ChainCheck, application: Known) -> None:
    data, ad = c.data, application.data
    rule = c.section("penugasan")["sukarela"]
    if data["pengirim"]["kode"] != ad["unit_tujuan"]["kode"]:
        c.add("/pengirim/kode", "penjawab_bukan_tujuan",
              f"Pengajuan ditujukan kepada {ad['unit_tujuan']['nama']}; unit itulah yang menjawab.",
              rule["persetujuan"])
    if data["keputusan"] == "persetujuan" and data["pegawai"]:
        c.people_in(data["pegawai"], {ad["penandatangan"]["nip"]}, "pegawai_bukan_pemohon",
                    "Persetujuan pengajuan sukarela menyebut pemohon sendiri, bukan {nama}.", rule["persetujuan"])
    if data.get("jangka_waktu"):
        c.within(data["jangka_waktu"], ad.get("jangka_waktu"), rule["persetujuan"], "pengajuan")
