"""The rules that span letters (MATRIX §6 and the articles it rests on).

Region differences are data: ``[aturan.rantai]`` in each region profile
holds the articles of the chain itself (keys below); the rules of one letter
type that the chain reuses (who signs a voluntary assignment, what an
assignment rests on, the minimum contents of a request) are read from that
type's own section.

``jawaban``
    article by which the requested unit answers a request (one answer).
``pegawai_dilepas``
    route → article: an assignment names only the people the approval
    released (key ``semua`` for every route).
``lintas_instansi``
    ``{penerusan, usulan, penugasan, tembusan}``: across instansi the request
    is forwarded by the Pejabat yang Berwenang, the answer passes through the
    Pejabat yang Berwenang of the answering side, the assignment rests on the
    answer that Pejabat approved, and it copies the Pejabat yang Berwenang of
    both instansi. Absent: the region has no route across instansi.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Mapping

from sqlalchemy.orm import Session

from ..plumbing.errors import Finding, InvalidRequest
from ..letters.checks import Checker, pointer, same_instansi
from ..letters.common import akhir_jangka_waktu
from ..letters.fields import NASKAH_DINAS
from ..letters.jawaban import tahap
from ..letters.permohonan_pelibatan import is_forwarding
from ..plumbing.models import SIGNED
from ..wilayah import CHAIN_SECTION
from ..issuing.validation import ValidLetter
from .known import Known, find_outside, linked_to, resolve
from .links import Link
from .prefill import answered_request, as_date, origin_request, reference_entries, team_people

RULE_KEYS = frozenset({"jawaban", "pegawai_dilepas", "lintas_instansi"})
REQUESTS = ("permohonan-pelibatan", "pengajuan-sukarela")


class ChainCheck(Checker):
    """A :class:`Checker` over ``[aturan.rantai]`` that can look letters up."""

    def __init__(self, session: Session, valid: ValidLetter):
        super().__init__(valid.profile, CHAIN_SECTION)
        self.session = session
        self.data = valid.data

    def known(self, entry: Mapping | None) -> Known | None:
        return resolve(self.session, entry["id"]) if entry and entry.get("id") else None

    def link(self, hubungan: str, entry: Mapping, jenis: str, **kwargs) -> Link:
        """A link to the letter ``entry`` names: by id, or registered from outside."""
        ref = self.known(entry) or find_outside(self.session, self.profile.kode, entry)
        outside = None if ref else {**{k: entry[k] for k in ("nomor", "tanggal", "hal")}, "jenis": jenis}
        return Link(hubungan, ref=ref, outside=outside, **kwargs)

    def section(self, jenis: str) -> Mapping:
        return self.profile.rules(jenis)

    def within(self, period: Mapping, bound: Mapping | None, ref: str, what: str) -> None:
        """``period`` must lie inside the ``bound`` period of an earlier letter."""
        if not bound:
            return
        start, end = as_date(bound["mulai"]), akhir_jangka_waktu({**bound, "mulai": as_date(bound["mulai"])})
        if period["mulai"] < start or akhir_jangka_waktu(period) > end:
            self.add("/jangka_waktu", "jangka_di_luar_permohonan",
                     f"Jangka waktu harus di dalam jangka waktu {what} ({start:%d-%m-%Y} s.d. {end:%d-%m-%Y}).", ref)

    def final_answers(self, request: Known) -> list[Known]:
        return [a for a in linked_to(self.session, request.id, "menjawab") if tahap(a.data) == "jawaban"]


def _people_in(c: ChainCheck, people: Iterable[Mapping], allowed: set[str], code: str, message: str, ref: str):
    for i, person in enumerate(people):
        if person["nip"] not in allowed:
            c.add(pointer("pegawai", i, "nip"), code, message.format(nama=person["nama"]), ref)


def _check_jawaban(c: ChainCheck) -> list[Link]:
    data, step = c.data, tahap(c.data)
    rujukan = data["rujukan"]
    request = c.known(rujukan) or find_outside(c.session, c.profile.kode, rujukan)
    link = c.link("menjawab", rujukan, "permohonan-pelibatan", exclusive=f"jawaban-{step}")
    if request is None:
        return [_with_conflict(c, link, "Permohonan ini")]
    if request.jenis not in REQUESTS:
        c.add("/rujukan/id", "rujukan_bukan_permohonan",
              "Surat jawaban menjawab surat permohonan pelibatan atau pengajuan sukarela.", c.rules["jawaban"])
        return []
    previous = [a for a in linked_to(c.session, request.id, "menjawab") if tahap(a.data) == step]
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
    if across and not is_forwarding(rd, c.profile.rules("permohonan-pelibatan")):
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
    proposals = [a for a in linked_to(c.session, request.id, "menjawab") if tahap(a.data) == "usulan"]
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
            _people_in(c, c.data["pegawai"], proposal.pegawai_nip or set(), "pegawai_tidak_diusulkan",
                       "{nama} tidak ada dalam daftar yang diajukan PPK dituju.", ref)


def _answers_application(c: ChainCheck, application: Known) -> None:
    data, ad = c.data, application.data
    rule = c.section("penugasan")["sukarela"]
    if data["pengirim"]["kode"] != ad["unit_tujuan"]["kode"]:
        c.add("/pengirim/kode", "penjawab_bukan_tujuan",
              f"Pengajuan ditujukan kepada {ad['unit_tujuan']['nama']}; unit itulah yang menjawab.",
              rule["persetujuan"])
    if data["keputusan"] == "persetujuan" and data["pegawai"]:
        _people_in(c, data["pegawai"], {ad["penandatangan"]["nip"]}, "pegawai_bukan_pemohon",
                   "Persetujuan pengajuan sukarela menyebut pemohon sendiri, bukan {nama}.", rule["persetujuan"])
    if data.get("jangka_waktu"):
        c.within(data["jangka_waktu"], ad.get("jangka_waktu"), rule["persetujuan"], "pengajuan")


def _check_penugasan(c: ChainCheck) -> list[Link]:
    data = c.data
    rules = c.section("penugasan")
    basis = [(i, entry, c.known(entry)) for i, entry in enumerate(data["dasar"])]
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
    approval = next((k for k in known if k.jenis == "jawaban" and k.keputusan == "persetujuan"), None)
    answer = approval or next((k for k in known if k.jenis == "jawaban"), None)
    request = (answered_request(c.session, answer) if answer else None) or next(
        (k for k in known if k.jenis in REQUESTS), None)
    if request is not None and not request.luar:
        refusals = [a for a in c.final_answers(request) if a.keputusan == "penolakan"]
        if refusals:
            c.add("/dasar", "permohonan_ditolak",
                  f"Permohonan {request.citation()} telah ditolak dengan surat {refusals[0].citation()}.",
                  rules["dasar"]["pasal"])
        if request.jenis == "pengajuan-sukarela":
            _ends_application(c, request, approval)
        else:
            _follows_request(c, request, approval)
    if approval is not None and approval.pegawai_nip is not None:
        released = c.rules["pegawai_dilepas"]
        _people_in(c, data["pegawai"], approval.pegawai_nip, "pegawai_tidak_dilepas",
                   f"{{nama}} tidak dilepas oleh surat persetujuan {approval.citation()}.",
                   released.get(data.get("jalur"), released["semua"]))
    if data.get("jalur") == "lintas_instansi" and "lintas_instansi" in c.rules:
        _across_instansi(c, request, approval)
    return [c.link("dasar", entry, entry["jenis"]) for _, entry, _ in basis]


def _follows_request(c: ChainCheck, request: Known, approval: Known | None) -> None:
    data, rd = c.data, request.data
    tujuan = rd["unit_tujuan"]
    if data["pengirim"]["kode"] != tujuan["kode"]:
        c.add("/pengirim/kode", "penugasan_bukan_unit_tujuan",
              f"Penugasan diberikan oleh {tujuan['nama']}, unit yang melepas pegawainya.",
              c.section("penugasan")["penandatangan"]["pasal"])
    c.within(data["jangka_waktu"], rd.get("jangka_waktu"),
             c.section("permohonan-pelibatan")["isi_minimum"]["jangka_waktu"], "yang dimohon")


def _ends_application(c: ChainCheck, application: Known, approval: Known | None) -> None:
    """The voluntary route ends in an assignment by the official the region names."""
    data, ad = c.data, application.data
    rule = c.section("penugasan")["sukarela"]
    if approval is None and not any(a.keputusan == "persetujuan" for a in c.final_answers(application)):
        c.add("/dasar", "sukarela_tanpa_persetujuan",
              f"Pengajuan {application.citation()} belum disetujui unit yang dituju.", rule["persetujuan"])
    unit = ad["penandatangan"]["unit"] if rule["unit"] == "asal" else ad["unit_tujuan"]
    if data["penandatangan"]["unit"]["kode"] != unit["kode"]:
        c.add("/penandatangan/unit/kode", "penandatangan_penugasan_sukarela",
              f"Penugasan atas pengajuan sukarela ditandatangani pejabat {unit['nama']}.", rule["pasal"])
    _people_in(c, data["pegawai"], {ad["penandatangan"]["nip"]}, "pegawai_bukan_pemohon",
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
    pemohon = origin_request(c.session, request).data.get("pengirim") if request is not None else None
    if pemohon and pemohon.get("instansi"):
        needed["instansi pemohon"] = pemohon["instansi"]
    copies = [t for t in c.data["tembusan"] if t.get("peran") == "pyb" and t.get("instansi")]
    for label, instansi in needed.items():
        if not any(same_instansi(t, {"instansi": instansi}) for t in copies):
            c.add("/tembusan", "tembusan_pyb_instansi",
                  f"Tembusan kepada Pejabat yang Berwenang {label} ({instansi}) wajib ada; isi peran \"pyb\" "
                  "dan instansinya.", rules["tembusan"])


def _check_keputusan(c: ChainCheck) -> list[Link]:
    data = c.data
    ref = c.section("keputusan-tim-kerja")["ketua_unit_pemilik"]["pasal"]
    assignments = []
    for i, entry in enumerate(data["dasar"]):
        known = c.known(entry)
        if known is not None and known.jenis != "penugasan":
            c.add(pointer("dasar", i, "id"), "dasar_bukan_penugasan",
                  f"Surat {known.citation()} bukan surat penugasan.", "nasional")
        elif known is not None:
            assignments.append(known)
    origin = {p["nip"]: p["unit"] for p in team_people(assignments)}
    members = [("/ketua", data["ketua"])] + [(pointer("anggota", i), a) for i, a in enumerate(data["anggota"])]
    for where, person in members:
        unit = origin.get(person["nip"])
        if unit is not None and unit["kode"] != person["unit"]["kode"]:
            c.add(f"{where}/unit/kode", "asal_pegawai_tidak_sesuai",
                  f"Menurut surat penugasannya, {person['nama']} berasal dari {unit['nama']} ({unit['kode']}).", ref)
    owner = data["unit_pemilik_kinerja"]["kode"]
    if any(a.data["unit_pemilik_kinerja"]["kode"] != owner for a in assignments):
        c.add("/unit_pemilik_kinerja/kode", "unit_pemilik_tidak_sesuai",
              "Unit pemilik kinerja tidak sama dengan surat penugasan anggota tim.", ref)
    return [c.link("dasar", entry, "penugasan") for entry in data["dasar"]]


def _check_permohonan(c: ChainCheck) -> list[Link]:
    data = c.data
    if "rujukan" not in data:
        return []
    if not is_forwarding(data, c.section("permohonan-pelibatan")):
        return [c.link("dasar", data["rujukan"], "lainnya")]
    ref = c.rules["lintas_instansi"]["penerusan"]
    original = c.known(data["rujukan"])
    if original is not None:
        od = original.data
        if not (original.jenis == "permohonan-pelibatan" and od.get("jalur") == "lintas_instansi"
                and od["kepada"]["peran"] == "pyb"
                and same_instansi(od["kepada"]["unit"], data["penandatangan"]["unit"])):
            c.add("/rujukan/id", "penerusan_tidak_sesuai",
                  "Yang diteruskan adalah permohonan lintas instansi yang ditujukan kepada Pejabat yang "
                  "Berwenang instansi ini.", ref)
        forwarded = linked_to(c.session, original.id, "meneruskan")
        if forwarded:
            c.add("/rujukan", "sudah_diteruskan",
                  f"Permohonan ini sudah diteruskan dengan surat {forwarded[0].citation()}.", ref)
    conflict = Finding("/rujukan", "sudah_diteruskan", "Permohonan ini sudah diteruskan oleh surat lain.",
                       c.profile.cite(ref))
    return [c.link("meneruskan", data["rujukan"], "permohonan-pelibatan", exclusive="penerusan",
                   conflict=conflict)]


def _in_force(c: ChainCheck, jenis: str) -> None:
    """A letter answers or rests on letters in force: signed, not drafts."""
    for where, entry in reference_entries(c.data, jenis):
        known = c.known(entry)
        if known is not None and not known.luar and known.status != SIGNED:
            c.add(f"{where}/id", "rujukan_belum_ditandatangani",
                  f"Surat {known.citation()} belum ditandatangani ({known.status}); naskah dinas berlaku "
                  "setelah ditandatangani.", NASKAH_DINAS)


CHECKS = {
    "permohonan-pelibatan": _check_permohonan,
    "jawaban": _check_jawaban,
    "penugasan": _check_penugasan,
    "keputusan-tim-kerja": _check_keputusan,
}


def check_links(session: Session, valid: ValidLetter) -> list[Link]:
    """The links of a valid letter to the letters it names, after the rules across letters.

    :raises InvalidRequest: a rule across letters is broken (every such finding at once).
    """
    check = CHECKS.get(valid.letter_type.jenis)
    if check is None:
        return []
    c = ChainCheck(session, valid)
    links = check(c)
    _in_force(c, valid.letter_type.jenis)
    if c.findings:
        raise InvalidRequest(c.findings)
    return links
