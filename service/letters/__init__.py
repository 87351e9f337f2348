"""The five letter types, one module each, and the registry the API uses.

A letter module declares ``JENIS`` (its name in the API), ``JUDUL``,
``TEMPLATE`` (its DOCX in ``letter_templates/``), ``RULE_KEYS`` (the keys of
its section in a region profile), a marshmallow ``Schema`` and
``check(data, profile) -> list[Finding]`` for the rules beyond the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable

from marshmallow import Schema

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from . import jawaban, keputusan_tim_kerja, pengajuan_sukarela, penugasan, permohonan_pelibatan


@dataclass(frozen=True)
class LetterType:
    jenis: str
    judul: str
    template: str
    rule_keys: frozenset[str]
    schema: type[Schema]
    check: Callable[[dict, RegionProfile], list[Finding]]

    @classmethod
    def from_module(cls, module: ModuleType) -> "LetterType":
        return cls(
            jenis=module.JENIS, judul=module.JUDUL, template=module.TEMPLATE,
            rule_keys=module.RULE_KEYS, schema=module.Schema, check=module.check,
        )


LETTER_TYPES: dict[str, LetterType] = {
    m.JENIS: LetterType.from_module(m)
    for m in (permohonan_pelibatan, jawaban, penugasan, keputusan_tim_kerja, pengajuan_sukarela)
}

RULE_KEYS = {jenis: t.rule_keys for jenis, t in LETTER_TYPES.items()}
