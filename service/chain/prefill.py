"""Filling a new letter from the letters it names.

What is filled is the letter type's own (``prefill(fill, payload, named)``
in its module, :mod:`service.letters`): a jawaban created from a permohonan
takes the reference, the addressee, the subject, the route and the period
from it; a penugasan created from an approval takes the people, the period,
the owner unit and the task; a keputusan tim kerja created from assignments
takes its members from them. What the client sent wins, except the
reference itself (nomor, tanggal, hal of a letter named by id come from the
registry, and a different value sent with the id is an error rather than
silently replaced); that part is the same for every type and is here.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from sqlalchemy.orm import Session

from ..letters import LETTER_TYPES
from ..letters.checks import ReferenceField
from ..letters.fields import NASKAH_DINAS
from ..plumbing.errors import Finding, InvalidRequest, NotFound
from ..wilayah import RegionProfile
from .known import Known, Lookup, resolve, unsigned


class Filling(Lookup):
    """What a letter type's ``prefill`` reads: the registries and the region profiles."""

    def __init__(self, session: Session, profiles: Mapping[str, RegionProfile]):
        super().__init__(session)
        self.profiles = profiles

    @staticmethod
    def complete(payload: dict, values: Mapping[str, Any]) -> None:
        """Put in ``payload`` each value it lacks (a copy; None is no value)."""
        for key, value in values.items():
            if value is not None and key not in payload:
                payload[key] = copy.deepcopy(value)


def _pin(where: str, entry: dict, known: Known, findings: list[Finding]) -> None:
    """Put the registry's nomor, tanggal and hal in the entry; a different one sent is an error."""
    for key, value in known.reference().items():
        sent = entry.get(key)
        if sent is not None and str(sent) != value:
            findings.append(Finding(f"{where}/{key}", "rujukan_tidak_cocok",
                                    f"Tidak sama dengan surat {known.id} di register ({value}).", NASKAH_DINAS))
        entry[key] = value


def _resolve_references(lookup: Lookup, field: ReferenceField, payload: dict) -> list[tuple[dict, Known]]:
    """Resolve and pin every reference by id in ``payload`` (changed in place): (entry, letter) pairs.

    :raises InvalidRequest: an id the registry does not know, or a mismatching reference.
    """
    found, findings = [], []
    for where, entry in field.entries(payload):
        known = lookup.resolve(entry["id"])
        if known is None:
            findings.append(Finding(f"{where}/id", "rujukan_tidak_ditemukan",
                                    f"Surat dengan id {entry['id']} tidak ada di register.", NASKAH_DINAS))
            continue
        if known.nomor is None:  # a draft: nothing to cite yet
            findings.append(unsigned(f"{where}/id", known))
            continue
        _pin(where, entry, known, findings)
        found.append((entry, known))
    if findings:
        raise InvalidRequest(findings)
    return found


def prefill(session: Session, jenis: str, payload: Any, profiles: Mapping[str, RegionProfile]) -> Any:
    """``payload`` completed from the letters it names by id (a new object).

    :raises InvalidRequest: a named letter is unknown, or its reference was sent differently.
    """
    kind = LETTER_TYPES.get(jenis)
    if not isinstance(payload, dict) or kind is None or kind.prefill is None:
        return payload
    payload = copy.deepcopy(payload)
    fill = Filling(session, profiles)
    named = _resolve_references(fill, kind.reference, payload)
    if named:
        kind.prefill(fill, payload, named)
    return payload


def draft(session: Session, surat_id: str, jenis: str, profiles: Mapping[str, RegionProfile]) -> dict:
    """A new letter of type ``jenis`` filled from letter ``surat_id``, for a client to complete.

    :raises NotFound: unknown letter, or a type that is not made from another letter.
    """
    if resolve(session, surat_id) is None:
        raise NotFound(f"Surat {surat_id} tidak ditemukan.")
    kind = LETTER_TYPES.get(jenis)
    if kind is None or kind.prefill is None:
        raise NotFound(f"Surat {jenis} tidak dibuat dari surat lain.")
    return prefill(session, jenis, kind.reference.naming(surat_id), profiles)
