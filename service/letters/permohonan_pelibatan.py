"""Surat permohonan pelibatan: the owner of a piece of work asks another
unit to release its pejabat fungsional/pelaksana (MATRIX §1).

Region rules read from ``[aturan.permohonan-pelibatan]``:

``jalur``
    route → article: the routes the region provides for.
``dalam_unit``
    article saying that inside one unit no request letter is used.
``penandatangan``
    ``{peran, pasal}``: who sends the request (the owner unit's head).
``kepada``
    route → ``{peran, pasal, instansi}``: who it is addressed to; ``instansi =
    "asal"`` means the addressee sits in the sender's own instansi (the
    Pejabat yang Berwenang who forwards it, TL Ps 15, BGO Ps 6(4)),
    otherwise the addressee belongs to the requested unit.
``tembusan``
    route → list of ``{peran, pasal}``: copies that must be sent.
``isi_minimum``
    content → article: the four minimum contents.
``penerusan``
    article by which the Pejabat yang Berwenang forwards a request across
    instansi to the Pejabat yang Berwenang of the other instansi (TL Ps 15 b,
    BGO Ps 6(4) b): a request signed by ``pyb`` that refers (``rujukan``) to
    the unit's own request. Absent: no route across instansi.

A forwarding is filled from the request it forwards (:func:`prefill`); across
letters it forwards a request across instansi addressed to its own
Pejabat yang Berwenang, once (:func:`check_chain`, ``[aturan.rantai]
lintas_instansi.penerusan``). A request that names another letter without
forwarding it only rests on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from marshmallow import validate

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .checks import Checker, ReferenceField, same_instansi
from .common import JALUR, JangkaWaktuSchema, KepadaSchema, RujukanSchema, SuratSchema, UnitRefSchema
from .fields import BaseSchema, Bilangan, Daftar, Msg, Objek, Teks, length, one_of, text

if TYPE_CHECKING:
    from ..chain import ChainCheck, Filling, Known, Link, Lookup

JENIS = "permohonan-pelibatan"
JUDUL = "Surat Permohonan Pelibatan"
TEMPLATE = "permohonan_pelibatan.docx"
RULE_KEYS = frozenset({"jalur", "dalam_unit", "penandatangan", "kepada", "tembusan", "isi_minimum", "penerusan"})
RUJUKAN = ReferenceField("rujukan")

ISI = {
    "maksud_tujuan": "maksud dan tujuan permohonan",
    "kompetensi": "kompetensi, keahlian dan/atau keterampilan yang dibutuhkan",
    "target_kinerja": "ekspektasi/target kinerja",
    "jangka_waktu": "jangka waktu pelaksanaan tugas",
}


class KebutuhanSchema(BaseSchema):
    """How many officials of which jabatan the request asks for."""

    jabatan = text(200)
    jumlah = Bilangan(
        required=True,
        validate=validate.Range(1, 50, error=Msg("Jumlah antara 1 dan 50.", "jumlah")),
    )


class Schema(SuratSchema):
    jalur = Teks(required=True, validate=one_of(JALUR))
    unit_tujuan = Objek(UnitRefSchema, required=True, metadata={"description": "Unit yang pegawainya diminta"})
    kepada = Objek(KepadaSchema, required=True)
    maksud_tujuan = Teks(validate=length(1, 2000))
    kompetensi = Daftar(Teks(validate=length(1, 500)), validate=length(0, 20))
    target_kinerja = Teks(validate=length(1, 2000))
    jangka_waktu = Objek(JangkaWaktuSchema)
    kebutuhan = Daftar(Objek(KebutuhanSchema), load_default=list, validate=length(0, 20))
    rujukan = Objek(RujukanSchema, metadata={
        "description": "Penerusan lintas instansi: permohonan unit pemilik kinerja yang diteruskan"})


def is_forwarding(data: dict, rules) -> bool:
    """A request the Pejabat yang Berwenang forwards across instansi."""
    return data["jalur"] == "lintas_instansi" and data["penandatangan"]["peran"] == "pyb" and "penerusan" in rules


def _check_forwarding(c: Checker, data: dict) -> None:
    ref = c.rules["penerusan"]
    if "rujukan" not in data:
        c.add("/rujukan", "penerusan_tanpa_rujukan",
              "Penerusan permohonan oleh Pejabat yang Berwenang menyebut permohonan unit pemilik kinerja "
              "yang diteruskan.", ref)
    kepada = data["kepada"]
    if kepada["peran"] != "pyb" or not same_instansi(kepada["unit"], data["unit_tujuan"]):
        c.add("/kepada", "kepada_melalui_pyb",
              "Permohonan diteruskan kepada Pejabat yang Berwenang instansi yang dituju.", ref)


def check(data: dict, profile: RegionProfile) -> list[Finding]:
    c = Checker(profile, JENIS)
    rules = c.rules
    c.required_contents(data, rules["isi_minimum"], ISI)
    if is_forwarding(data, rules):
        _check_forwarding(c, data)
        return c.findings

    signer = data["penandatangan"]
    c.role(signer, "/penandatangan", rules["penandatangan"], "Penandatangan permohonan")
    if signer["unit"]["kode"] != data["pengirim"]["kode"]:
        c.add("/penandatangan/unit", "penandatangan_bukan_pemilik_kinerja",
              "Permohonan ditandatangani pimpinan unit pemilik kinerja (unit pengirim).",
              rules["penandatangan"]["pasal"])

    asal, tujuan = data["pengirim"], data["unit_tujuan"]
    if asal["kode"] == tujuan["kode"] and same_instansi(asal, tujuan):
        c.add("/unit_tujuan", "dalam_unit",
              "Pelibatan di dalam satu unit tidak memakai surat permohonan.", rules["dalam_unit"])
    elif c.route(data["jalur"], asal, tujuan):
        jalur = data["jalur"]
        addressee = rules["kepada"].get(jalur)
        kepada = data["kepada"]
        c.role(kepada, "/kepada", addressee, "Surat ditujukan kepada")
        if addressee and addressee.get("instansi") == "asal":
            if not same_instansi(kepada["unit"], asal):
                c.add("/kepada/unit", "kepada_melalui_pyb",
                      "Permohonan lintas instansi disampaikan lebih dahulu kepada Pejabat yang "
                      "Berwenang di instansi sendiri.", addressee["pasal"])
        elif addressee and kepada["unit"]["kode"] != tujuan["kode"]:
            c.add("/kepada/unit", "kepada_bukan_unit_tujuan",
                  "Surat ditujukan kepada pimpinan unit yang pegawainya diminta.", addressee["pasal"])
        c.tembusan(data["tembusan"], rules["tembusan"].get(jalur, ()))
    return c.findings


def origin_request(lookup: Lookup, request: Known) -> Known:
    """The owner unit's own request behind a request forwarded across instansi."""
    seen = {request.id}
    while request.jenis == JENIS and (request.data.get("rujukan") or {}).get("id"):
        earlier = lookup.resolve(request.data["rujukan"]["id"])
        if earlier is None or earlier.id in seen:
            break
        seen.add(earlier.id)
        request = earlier
    return request


def _sent_to_own_pyb(request: Known, unit: Mapping) -> bool:
    """A request across instansi addressed to the Pejabat yang Berwenang of ``unit``'s instansi;
    of an outside letter, as far as what was registered of it says."""
    rd = request.data
    if request.luar:
        return request.jenis == JENIS and rd.get("jalur", "lintas_instansi") == "lintas_instansi"
    return (request.jenis == JENIS and rd.get("jalur") == "lintas_instansi" and rd["kepada"]["peran"] == "pyb"
            and same_instansi(rd["kepada"]["unit"], unit))


def prefill(fill: Filling, payload: dict, named: list[tuple[dict, Known]]) -> None:
    """A forwarding repeats the request it forwards."""
    _, request = named[0]
    fill.complete(payload, {"wilayah": request.wilayah, "hal": request.hal, **{k: request.data.get(k) for k in (
        "jalur", "unit_tujuan", "maksud_tujuan", "kompetensi", "target_kinerja", "jangka_waktu", "kebutuhan")}})


def check_chain(c: ChainCheck) -> list[Link]:
    """A forwarding forwards, once, a request across instansi sent to its own Pejabat yang Berwenang."""
    data = c.data
    if "rujukan" not in data:
        return []
    if not is_forwarding(data, c.section(JENIS)):
        return [c.link("dasar", data["rujukan"], "lainnya")]
    ref = c.rules["lintas_instansi"]["penerusan"]
    original = c.named(data["rujukan"])
    if original is not None:
        if not _sent_to_own_pyb(original, data["penandatangan"]["unit"]):
            c.add("/rujukan/id", "penerusan_tidak_sesuai",
                  "Yang diteruskan adalah permohonan lintas instansi yang ditujukan kepada Pejabat yang "
                  "Berwenang instansi ini.", ref)
        forwarded = c.linked_to(original.id, "meneruskan")
        if forwarded:
            c.add("/rujukan", "sudah_diteruskan",
                  f"Permohonan ini sudah diteruskan dengan surat {forwarded[0].citation()}.", ref)
    conflict = Finding("/rujukan", "sudah_diteruskan", "Permohonan ini sudah diteruskan oleh surat lain.",
                       c.profile.cite(ref))
    return [c.link("meneruskan", data["rujukan"], JENIS, exclusive="penerusan", conflict=conflict)]
