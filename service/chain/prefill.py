"""Filling a new letter from the letters it names.

A jawaban created from a permohonan takes the reference, the addressee, the
subject, the route and the period from it; a penugasan created from an
approval takes the people, the period, the owner unit and the task; a
keputusan tim kerja created from assignments takes its members from them.
What the client sent wins, except the reference itself (nomor, tanggal, hal
of a letter named by id come from the registry, and a different value sent
with the id is an error rather than silently replaced).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Iterable, Mapping

from sqlalchemy.orm import Session

from ..plumbing.errors import Finding, InvalidRequest, NotFound
from ..letters.checks import pointer
from ..letters.fields import NASKAH_DINAS
from ..wilayah import RegionProfile
from .known import Known, resolve

REFERENCE_FIELDS = {
    "permohonan-pelibatan": ("rujukan", False),
    "jawaban": ("rujukan", False),
    "penugasan": ("dasar", True),
    "keputusan-tim-kerja": ("dasar", True),
}
"""Per letter type: the field naming earlier letters, and whether it is a list."""

DASAR_JENIS = {"permohonan-pelibatan": "permohonan", "pengajuan-sukarela": "pengajuan_sukarela"}

UNIT_REF = ("kode", "nama", "instansi")


def _unit_ref(unit: Mapping) -> dict:
    return {k: unit[k] for k in UNIT_REF if k in unit}


def _dasar_jenis(known: Known) -> str:
    if known.jenis == "jawaban":
        return "persetujuan" if known.keputusan == "persetujuan" else "lainnya"
    return DASAR_JENIS.get(known.jenis, "lainnya")


def reference_entries(payload: Mapping, jenis: str) -> list[tuple[str, dict]]:
    """(pointer, entry) of each reference that names a letter by id."""
    name, many = REFERENCE_FIELDS.get(jenis, (None, False))
    value = payload.get(name) if name else None
    items = list(enumerate(value)) if many and isinstance(value, list) else [(None, value)]
    return [
        (pointer(name) if i is None else pointer(name, i), entry)
        for i, entry in items
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    ]


def _pin(where: str, entry: dict, known: Known, findings: list[Finding]) -> None:
    """Put the registry's nomor, tanggal and hal in the entry; a different one sent is an error."""
    for key, value in known.reference().items():
        sent = entry.get(key)
        if sent is not None and str(sent) != value:
            findings.append(Finding(f"{where}/{key}", "rujukan_tidak_cocok",
                                    f"Tidak sama dengan surat {known.id} di register ({value}).", NASKAH_DINAS))
        entry[key] = value


def resolve_references(session: Session, jenis: str, payload: dict) -> list[tuple[str, Known]]:
    """Resolve and pin every reference by id in ``payload`` (changed in place).

    :raises InvalidRequest: an id the registry does not know, or a mismatching reference.
    """
    found, findings = [], []
    for where, entry in reference_entries(payload, jenis):
        known = resolve(session, entry["id"])
        if known is None:
            findings.append(Finding(f"{where}/id", "rujukan_tidak_ditemukan",
                                    f"Surat dengan id {entry['id']} tidak ada di register.", NASKAH_DINAS))
            continue
        _pin(where, entry, known, findings)
        if jenis == "penugasan":
            entry.setdefault("jenis", _dasar_jenis(known))
        found.append((where, known))
    if findings:
        raise InvalidRequest(findings)
    return found


def _set_missing(payload: dict, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        if value is not None and key not in payload:
            payload[key] = copy.deepcopy(value)


def origin_request(session: Session, request: Known) -> Known:
    """The owner unit's own request behind a request forwarded across instansi."""
    seen = {request.id}
    while request.jenis == "permohonan-pelibatan" and (request.data.get("rujukan") or {}).get("id"):
        earlier = resolve(session, request.data["rujukan"]["id"])
        if earlier is None or earlier.id in seen:
            break
        seen.add(earlier.id)
        request = earlier
    return request


def answered_request(session: Session, answer: Known) -> Known | None:
    ref_id = (answer.data.get("rujukan") or {}).get("id")
    return resolve(session, ref_id) if ref_id else None


def _fill_jawaban(payload: dict, request: Known, profiles: Mapping[str, RegionProfile]) -> None:
    d = request.data
    signer = d.get("penandatangan")
    profile = profiles.get(request.wilayah)
    _set_missing(payload, {
        "wilayah": request.wilayah,
        "hal": f"Jawaban atas {request.hal}",
        "jalur": d.get("jalur"),
        "jangka_waktu": d.get("jangka_waktu"),
        "kepada": signer and {
            "jabatan": signer["jabatan"], "peran": signer["peran"], "unit": signer["unit"],
            "tempat": d.get("tempat") or (profile.ibu_kota if profile else None),
        },
    })


def _fill_forwarding(payload: dict, request: Known) -> None:
    _set_missing(payload, {k: request.data.get(k) for k in (
        "wilayah", "hal", "jalur", "unit_tujuan", "maksud_tujuan", "kompetensi", "target_kinerja",
        "jangka_waktu", "kebutuhan")})


def _fill_penugasan(session: Session, payload: dict, basis: list[Known]) -> None:
    approval = next((k for k in basis if k.jenis == "jawaban" and k.keputusan == "persetujuan"), None)
    request = answered_request(session, approval) if approval else None
    request = request or next((k for k in basis if k.jenis in DASAR_JENIS), None)
    values: dict[str, Any] = {}
    if approval:
        values.update(wilayah=approval.wilayah, jalur=approval.data.get("jalur"),
                      pegawai=approval.data.get("pegawai") or None, jangka_waktu=approval.data.get("jangka_waktu"))
    if request and request.jenis == "pengajuan-sukarela":
        values.setdefault("pegawai", [request.data["penandatangan"]])
        values.update(unit_pemilik_kinerja=request.data["unit_tujuan"], tugas=request.data["kinerja"])
    elif request:
        origin = origin_request(session, request)
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
    _set_missing(payload, values)


def team_people(assignments: Iterable[Known]) -> list[dict]:
    """Everyone the assignments name, once, in order."""
    people: dict[str, dict] = {}
    for a in assignments:
        for person in a.data.get("pegawai") or ():
            people.setdefault(person["nip"], person)
    return list(people.values())


def _fill_keputusan(payload: dict, basis: list[Known]) -> None:
    assignments = [k for k in basis if k.jenis == "penugasan"]
    if not assignments:
        return
    people = team_people(assignments)
    ketua = payload.get("ketua")
    chosen = ketua.get("nip") if isinstance(ketua, dict) else None
    person = next((p for p in people if p["nip"] == "".join(str(chosen).split())), None) if chosen else None
    if person is not None:
        payload["ketua"] = {**copy.deepcopy(person), **{k: v for k, v in ketua.items() if k != "nip"}}
    first = assignments[0].data
    _set_missing(payload, {
        "wilayah": assignments[0].wilayah,
        "unit_pemilik_kinerja": first.get("unit_pemilik_kinerja"),
        "jangka_waktu": first.get("jangka_waktu"),
        "anggota": [p for p in people if person is None or p["nip"] != person["nip"]],
    })


def prefill(session: Session, jenis: str, payload: Any, profiles: Mapping[str, RegionProfile]) -> Any:
    """``payload`` completed from the letters it names by id (a new object).

    :raises InvalidRequest: a named letter is unknown, or its reference was sent differently.
    """
    if not isinstance(payload, dict) or jenis not in REFERENCE_FIELDS:
        return payload
    payload = copy.deepcopy(payload)
    basis = [known for _, known in resolve_references(session, jenis, payload)]
    if not basis:
        return payload
    if jenis == "jawaban":
        _fill_jawaban(payload, basis[0], profiles)
    elif jenis == "permohonan-pelibatan":
        _fill_forwarding(payload, basis[0])
    elif jenis == "penugasan":
        _fill_penugasan(session, payload, basis)
    else:
        _fill_keputusan(payload, basis)
    return payload


def draft(session: Session, surat_id: str, jenis: str, profiles: Mapping[str, RegionProfile]) -> dict:
    """A new letter of type ``jenis`` filled from letter ``surat_id``, for a client to complete.

    :raises NotFound: unknown letter, or a type that is not made from another letter.
    """
    if resolve(session, surat_id) is None:
        raise NotFound(f"Surat {surat_id} tidak ditemukan.")
    if jenis not in REFERENCE_FIELDS:
        raise NotFound(f"Surat {jenis} tidak dibuat dari surat lain.")
    name, many = REFERENCE_FIELDS[jenis]
    ref = {"id": surat_id}
    return prefill(session, jenis, {name: [ref] if many else ref}, profiles)


def as_date(value: Any) -> dt.date | None:
    """A date from a stored request (ISO text) or a validated one."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if isinstance(value, str) else None
