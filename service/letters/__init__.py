"""The six letter types, one module each, and the registry the API uses.

A letter module is the one place to read its letter type whole. It declares

- ``JENIS`` (its name in the API), ``JUDUL`` and ``TEMPLATE`` (its DOCX in
  ``letter_templates/``, where its layout is edited);
- ``RULE_KEYS``: the keys of its section in a region profile, documented in
  its docstring, and ``check(data, profile) -> list[Finding]`` for the
  region's rules beyond the marshmallow ``Schema``;
- when it names earlier letters: ``RUJUKAN`` (the :class:`~.checks.ReferenceField`
  naming them), ``prefill(fill, payload, named)`` (what it takes from them;
  ``named`` are the (entry, letter) pairs its references resolved to) and
  ``check_chain(c) -> list[Link]`` (its rules across letters, on a
  :class:`service.chain.ChainCheck`).

The chain machinery calls those hooks through :class:`LetterType`; nothing
else decides by the name of a letter type what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Callable

from marshmallow import Schema

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from . import (
    jawaban, keputusan_tim_kerja, laporan_pelaksanaan_tugas, pengajuan_sukarela, penugasan, permohonan_pelibatan,
)
from .checks import ReferenceField

if TYPE_CHECKING:  # the chain calls these hooks; the letter modules never import it
    from ..chain import ChainCheck, Filling, Known, Link


@dataclass(frozen=True)
class LetterType:
    """One letter type as the API and the chain use it (see the module docstring).

    ``reference``, ``prefill`` and ``check_chain`` are None for a letter that
    names no earlier letter.
    """

    jenis: str
    judul: str
    template: str
    rule_keys: frozenset[str]
    schema: type[Schema]
    check: Callable[[dict, RegionProfile], list[Finding]]
    reference: ReferenceField | None = None
    prefill: Callable[[Filling, dict, list[tuple[dict, Known]]], None] | None = None
    check_chain: Callable[[ChainCheck], list[Link]] | None = None

    @classmethod
    def from_module(cls, module: ModuleType) -> "LetterType":
        return cls(
            jenis=module.JENIS, judul=module.JUDUL, template=module.TEMPLATE,
            rule_keys=module.RULE_KEYS, schema=module.Schema, check=module.check,
            reference=getattr(module, "RUJUKAN", None), prefill=getattr(module, "prefill", None),
            check_chain=getattr(module, "check_chain", None),
        )


LETTER_TYPES: dict[str, LetterType] = {
    m.JENIS: LetterType.from_module(m)
    for m in (permohonan_pelibatan, jawaban, penugasan, keputusan_tim_kerja, pengajuan_sukarela,
              laporan_pelaksanaan_tugas)
}

RULE_KEYS = {jenis: t.rule_keys for jenis, t in LETTER_TYPES.items()}
