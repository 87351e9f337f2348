"""Validate a letter request: schema, region, then the region's rules.

The one entry point the API and the pipeline use. It raises
:class:`InvalidRequest` with every finding at once (a clerk fixes a form in
one round, not one error per round) and returns the warnings that do not
block the letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from marshmallow import Schema, ValidationError

from ..plumbing.errors import Finding, InvalidRequest, NotFound
from ..letters import LETTER_TYPES, LetterType
from ..letters.checks import findings_from_messages
from ..letters.fields import NASKAH_DINAS
from ..wilayah import RegionProfile

WILAYAH_SOURCE = "Daftar wilayah layanan suratkerja (GET /api/v1/wilayah)"


@dataclass(frozen=True)
class ValidLetter:
    """A request that passed every rule of its region."""

    letter_type: LetterType
    profile: RegionProfile
    data: dict
    warnings: list[Finding]


def letter_type(jenis: str) -> LetterType:
    try:
        return LETTER_TYPES[jenis]
    except KeyError:
        raise NotFound(
            f"Jenis surat '{jenis}' tidak dikenal; yang tersedia: {', '.join(LETTER_TYPES)}."
        ) from None


def validate_letter(jenis: str, payload: Any, profiles: Mapping[str, RegionProfile]) -> ValidLetter:
    """Check ``payload`` as a letter of type ``jenis``.

    :raises NotFound: unknown ``jenis``.
    :raises InvalidRequest: the payload breaks the schema or the region's rules.
    """
    kind = letter_type(jenis)
    schema = kind.schema()
    try:
        data = schema.load(payload)
        findings: list[Finding] = []
    except ValidationError as e:
        data, findings = None, findings_from_messages(e.messages, schema)

    wilayah = payload.get("wilayah") if isinstance(payload, dict) else None
    profile = profiles.get(wilayah) if isinstance(wilayah, str) else None
    if isinstance(wilayah, str) and profile is None:
        findings.append(Finding(
            "/wilayah", "wilayah_tidak_dikenal",
            f"Wilayah '{wilayah}' tidak dikenal; yang tersedia: {', '.join(sorted(profiles))}.",
            WILAYAH_SOURCE,
        ))
    if findings:
        raise InvalidRequest(findings)

    found = kind.check(data, profile)
    errors = [f for f in found if f.severity != "peringatan"]
    if errors:
        raise InvalidRequest(errors)
    return ValidLetter(kind, profile, data, [f for f in found if f.severity == "peringatan"])


def load(schema: Schema, payload: Any, default_pasal: str = NASKAH_DINAS) -> dict:
    """``payload`` loaded by ``schema``, or every finding at once.

    :raises InvalidRequest: the payload does not fit the schema.
    """
    try:
        return schema.load(payload)
    except ValidationError as e:
        raise InvalidRequest(findings_from_messages(e.messages, schema, default_pasal=default_pasal)) from None
