"""A request completed from the pemda's directory: the kop, the signature blocks, the roles.

One step of preparing a letter (:func:`service.issuing.prepare.prepare`),
after it is filled from the letters it names and before it is validated.
It walks the request along its letter type's schema, so it knows every
place a unit (``UnitRefSchema``: pengirim, unit_tujuan, …) or an official
(a shape with ``nip``: penandatangan, pegawai, ketua, anggota, mengetahui,
a report's kepada) appears, whatever the letter type.

- A unit of this pemda the directory holds (by ``kode``) takes its name
  from it, and the issuing unit its kop: alamat, kode pos, telepon, pos-el,
  laman. The directory wins over what the request sends.
- An official the directory holds (by NIP) takes nama with gelar, pangkat,
  golongan, jabatan and unit from it: the signature block is the
  directory's. (An addressee's printed ``jabatan`` is only completed, not
  replaced: "Ketua Tim …" is what a report's kepada prints.) A role
  (``peran``) left out is the official's main role; a role claimed that the
  directory does not grant is a 422 entry citing the rule that needs it.
  A signer on someone's behalf (``atas_nama``) plays that official's role
  (their main role by default, checked against theirs), and the jabatan
  printed for that official, and for the a.n. holder of a u.b., is the
  directory's. Whether the delegation holds is
  :func:`service.directory.delegation.check_delegation`'s question.
- A decree's ``unit_masih_ada_pengawas`` is whether the directory says a
  Pejabat Pengawas remains in the owner unit.
- With ``[direktori] wajib = true`` in the profile, a unit or an official of
  this pemda the directory does not hold is a 422 entry. Units and
  officials of another instansi (across instansi) are never looked up.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..letters import LETTER_TYPES
from ..letters.checks import pointer, same_instansi
from ..letters.common import PERAN_LABEL, PejabatRujukanSchema, PejabatSchema, UnitRefSchema, UnitSchema
from ..letters.nip import normalise_nip
from ..plumbing.errors import Finding
from ..wilayah import NATIONAL, RegionProfile
from .models import Pegawai, Unit

KOP = ("alamat", "kode_pos", "telepon", "email", "laman")
"""The unit's fields the issuing unit's kop prints."""


def instansi(profile: RegionProfile) -> str:
    """The pemda's name as a request writes ``instansi``: "Pemerintah Kabupaten Hulu Sungai Selatan"."""
    return profile.pemerintah.title()


@dataclass(frozen=True)
class Shape:
    """What one schema of a letter reads, as far as the directory is concerned (made once per schema)."""

    fields: frozenset[str]
    official: bool
    """Names an official by ``nip``."""
    signature_block: bool
    """A :class:`PejabatSchema`, or an official a signature block names beside its signer (on whose behalf
    it signs): the directory's jabatan and names replace the request's."""
    unit: bool
    """A :class:`UnitRefSchema`, named by ``kode``."""
    kop: bool
    """A :class:`UnitSchema`: the issuing unit, whose kop is printed."""
    children: tuple[tuple[str, bool, "Shape"], ...]
    """(field, is a list, shape) of each nested object."""


@lru_cache(maxsize=64)
def shape(schema_class: type[Schema]) -> Shape:
    schema = schema_class()
    children = []
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            children.append((field.data_key or name, isinstance(field, fields.List), shape(type(inner.schema))))
    return Shape(frozenset(schema.fields), "nip" in schema.fields,
                 isinstance(schema, (PejabatSchema, PejabatRujukanSchema)),
                 isinstance(schema, UnitRefSchema), isinstance(schema, UnitSchema), tuple(children))


def _nodes(node: Shape, value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Shape, dict]]:
    """Every object of the request with the shape that reads it, and its path, outermost first."""
    if not isinstance(value, dict):
        return
    yield path, node, value
    for name, many, child in node.children:
        sub = value.get(name)
        items = enumerate(sub) if many and isinstance(sub, list) else [(None, sub)]
        for i, item in items:
            yield from _nodes(child, item, (*path, name) if i is None else (*path, name, i))


def _nip(node: Shape, value: dict) -> str | None:
    """The NIP of an official as the request names it, without printed spaces."""
    nip = value.get("nip") if node.official else None
    return normalise_nip(nip) if isinstance(nip, str) else None


class _Directory:
    """What the directory holds of the units and officials one request names."""

    def __init__(self, session: Session, profile: RegionProfile, nodes: list[tuple[tuple, Shape, dict]]):
        self.profile, self.instansi = profile, instansi(profile)
        nips = {nip for _, s, v in nodes if (nip := _nip(s, v)) is not None}
        self.pegawai = {p.nip: p for p in session.scalars(
            select(Pegawai).where(Pegawai.wilayah == profile.kode, Pegawai.nip.in_(nips)))} if nips else {}
        kodes = {v["kode"] for _, s, v in nodes if s.unit and isinstance(v.get("kode"), str)}
        kodes |= {p.unit_kode for p in self.pegawai.values()}
        self.units = {u.kode: u for u in session.scalars(
            select(Unit).where(Unit.wilayah == profile.kode, Unit.kode.in_(kodes)))} if kodes else {}

    def own(self, unit: Any) -> bool:
        """Whether a unit as the request names it belongs to this pemda (no instansi: assumed so)."""
        named = unit.get("instansi") if isinstance(unit, dict) else None
        return not isinstance(named, str) or same_instansi({"instansi": named}, {"instansi": self.instansi})

    def unit_ref(self, kode: str) -> dict:
        return {"kode": kode, "nama": self.units[kode].nama, "instansi": self.instansi}


def _role_pasal(profile: RegionProfile, jenis: str, where: tuple) -> str:
    """The article of the letter type's rule about whoever stands at ``where`` (``penandatangan``,
    ``mengetahui``: ``{peran, pasal}``), or the national default where no rule names the place."""
    rule = profile.rules(jenis).get(where[0])
    pasal = rule.get("pasal") if isinstance(rule, Mapping) else None
    return profile.cite(pasal if isinstance(pasal, str) else NATIONAL)


def _authority(d: _Directory, value: dict, pegawai: Pegawai) -> Pegawai:
    """Whose roles the official's ``peran`` speaks of: a signer's own, or, signing on someone's behalf
    (``atas_nama``), those of the official whose authority or office is used, when the directory holds them
    (the rules ask who issues the letter: a decree signed a.n. Kepala Dinas is the Kepala Dinas's)."""
    atas_nama = value.get("atas_nama")
    nip = atas_nama.get("nip") if isinstance(atas_nama, dict) else None
    return d.pegawai.get(normalise_nip(nip), pegawai) if isinstance(nip, str) else pegawai


def _fill_official(d: _Directory, node: Shape, value: dict, pegawai: Pegawai) -> None:
    known = {"nama": pegawai.nama_lengkap, "pangkat": pegawai.pangkat, "golongan": pegawai.golongan,
             "jabatan": pegawai.jabatan, "unit": d.unit_ref(pegawai.unit_kode),
             "peran": _authority(d, value, pegawai).peran[0]}
    for key, known_value in known.items():
        if key in node.fields and (key not in value or (node.signature_block and key != "peran")):
            value[key] = known_value


def _role_finding(d: _Directory, jenis: str, where: tuple, value: dict) -> Finding | None:
    pegawai = _authority(d, value, d.pegawai[normalise_nip(value["nip"])])
    claimed = value.get("peran")
    if not isinstance(claimed, str) or claimed not in PERAN_LABEL or claimed in pegawai.peran:
        return None
    return Finding(
        pointer(*where, "peran"), "peran_tidak_diberikan",
        f"Menurut direktori {d.instansi}, {pegawai.nama_lengkap} (NIP {pegawai.nip}) bukan "
        f"{PERAN_LABEL[claimed]}; perannya: {', '.join(PERAN_LABEL[p] for p in pegawai.peran)}.",
        _role_pasal(d.profile, jenis, where),
    )


def _fill_supervisor(d: _Directory, root: Shape, payload: dict) -> None:
    """A decree's ``unit_masih_ada_pengawas`` is the directory's word on the owner unit."""
    owner = payload.get("unit_pemilik_kinerja")
    kode = owner.get("kode") if isinstance(owner, dict) and d.own(owner) else None
    if "unit_masih_ada_pengawas" in root.fields and isinstance(kode, str) and kode in d.units:
        payload["unit_masih_ada_pengawas"] = d.units[kode].ada_pengawas


def _unknown(d: _Directory, where: tuple, what: str, key: str) -> Finding:
    rule = d.profile.direktori
    return Finding(pointer(*where, key), "tidak_ada_di_direktori",
                   f"{what} tidak ada di direktori {d.instansi}; hanya unit dan pegawai direktori yang boleh "
                   "disebut.",
                   d.profile.cite(rule.pasal) if rule.pasal else
                   f"Profil wilayah {d.profile.nama}: [direktori] wajib = true")


def _fill_officials(d: _Directory, root: Shape, jenis: str, payload: dict) -> list[Finding]:
    """Each official the directory holds filled in and their role checked; the others refused if it must hold them."""
    findings = []
    for where, node, value in list(_nodes(root, payload)):
        nip = _nip(node, value)
        if nip in d.pegawai:
            _fill_official(d, node, value, d.pegawai[nip])
            findings += filter(None, [_role_finding(d, jenis, where, value)])
        elif nip is not None and d.profile.direktori.wajib and d.own(value.get("unit")):
            findings.append(_unknown(d, where, f"Pegawai NIP {nip}", "nip"))
    return findings


def _fill_units(d: _Directory, root: Shape, payload: dict) -> list[Finding]:
    """Each unit of the pemda the directory holds named as it names it, the issuing one with its kop."""
    findings = []
    for where, node, value in _nodes(root, payload):
        kode = value.get("kode") if node.unit else None
        if not isinstance(kode, str) or not d.own(value):
            continue
        if kode in d.units:
            unit = d.units[kode]
            value.update(nama=unit.nama, instansi=value.get("instansi") or d.instansi)
            if node.kop:
                value.update({k: getattr(unit, k) for k in KOP if getattr(unit, k)})
        elif d.profile.direktori.wajib:
            findings.append(_unknown(d, where, f"Unit {kode}", "kode"))
    return findings


def fill_from_directory(session: Session, jenis: str, payload: Any,
                        profiles: Mapping[str, RegionProfile]) -> tuple[Any, list[Finding]]:
    """``payload`` with the kop and signature blocks of the units and officials the directory holds (a copy).

    A payload of an unknown type or region, or naming nothing the directory
    holds, is returned as it is (validation answers what is wrong with it).

    :return: the payload, and what the directory refuses (a role it does not
        grant; with ``[direktori] wajib``, a unit or official of the pemda it
        does not hold), to be answered with validation's own findings.
    """
    kind = LETTER_TYPES.get(jenis)
    wilayah = payload.get("wilayah") if isinstance(payload, dict) else None
    profile = profiles.get(wilayah) if isinstance(wilayah, str) else None
    if kind is None or profile is None:
        return payload, []
    root = shape(kind.schema)
    d = _Directory(session, profile, list(_nodes(root, payload)))
    if not (d.pegawai or d.units or profile.direktori.wajib):
        return payload, []  # most letters while a pemda has no directory: nothing to copy
    payload = copy.deepcopy(payload)
    findings = _fill_officials(d, root, jenis, payload)
    findings += _fill_units(d, root, payload)  # after the officials: their units were just set
    _fill_supervisor(d, root, payload)
    return payload, findings
