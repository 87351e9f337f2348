"""The units a letter concerns, read from its request: who issues it, who it is
addressed to, who receives a copy.

Recorded with the letter (:class:`~service.plumbing.models.SuratAkses`) so
that listing what a unit may read is one indexed query, and filled for the
letters of an older registry by migration ``0002_instansi``.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

PENGIRIM, TUJUAN, TEMBUSAN = "pengirim", "tujuan", "tembusan"

SECRET = frozenset({"Rahasia", "Sangat Rahasia"})
"""Sifat of the letters only the issuing and addressed units' authorised readers see."""

_ADDRESSED_UNITS = ("unit_tujuan",)
"""Units named directly as the letter's destination."""
_ADDRESSED_PEOPLE = ("kepada", "ketua")
_ADDRESSED_LISTS = ("pegawai", "anggota", "mengetahui")
"""Officials the letter is addressed to, assigns, or asks to countersign: their units."""


def _unit_of(person: Any) -> str | None:
    unit = person.get("unit") if isinstance(person, Mapping) else None
    return unit.get("kode") if isinstance(unit, Mapping) else None


def _concerned(letter: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    yield (letter.get("pengirim") or {}).get("kode"), PENGIRIM
    yield _unit_of(letter.get("penandatangan")), PENGIRIM
    for field in _ADDRESSED_UNITS:
        yield (letter.get(field) or {}).get("kode"), TUJUAN
    for field in _ADDRESSED_PEOPLE:
        yield _unit_of(letter.get(field)), TUJUAN
    for field in _ADDRESSED_LISTS:
        for person in letter.get(field) or ():
            yield _unit_of(person), TUJUAN
    for copy in letter.get("tembusan") or ():
        yield copy.get("kode_unit") if isinstance(copy, Mapping) else None, TEMBUSAN


def audience(letter: Mapping[str, Any]) -> set[tuple[str, str]]:
    """``(unit kode, peran)`` pairs of a letter's request; a unit both issuing and addressed appears under both."""
    return {(unit, peran) for unit, peran in _concerned(letter) if isinstance(unit, str) and unit}
