"""Rendering a letter's DOCX from its template (docxtpl).

Values from requests are untrusted: they are rendered with autoescaping in a
sandboxed Jinja environment, so ``{{ }}``, ``<``, ``&`` or ``</w:t>`` print
literally and the DOCX stays valid; and every string is cleaned first, so a
form feed, tab or stray line break in a value never makes a page or
paragraph break the template did not ask for.
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment

from . import bahasa
from .letters.common import PERAN_LABEL
from .letters.nip import format_nip
from .validation import ValidLetter

DRAFT_NOMOR = "…"

# Characters XML 1.0 forbids, and the ones that would break a line or page.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKING = re.compile("[\t\n\x0b\x0c\r\x85\u2028\u2029]+")
_SPACES = re.compile(" {2,}")


def clean(value: Any) -> Any:
    """Every string in ``value`` as one printable line."""
    if isinstance(value, str):
        return _SPACES.sub(" ", _BREAKING.sub(" ", _FORBIDDEN.sub("", value))).strip()
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True)
    env.filters.update(
        tanggal=bahasa.tanggal, terbilang=bahasa.terbilang, durasi=bahasa.durasi,
        rentang=bahasa.rentang, huruf=bahasa.huruf, diktum=bahasa.diktum, nip=format_nip,
        peran=lambda p: PERAN_LABEL.get(p, p),
    )
    return env


def render_letter(valid: ValidLetter, *, nomor: str | None, tanggal: dt.date, template_dir: Path) -> bytes:
    """The letter as DOCX bytes.

    :param nomor: the number to print; None prints the draft mark "…".
    """
    template = DocxTemplate(template_dir / valid.letter_type.template)
    profile = valid.profile
    data = clean(valid.data)
    context = {
        **data,
        "nomor": clean(nomor) if nomor else DRAFT_NOMOR,
        "tanggal": tanggal,
        "tempat": data.get("tempat") or profile.ibu_kota,
        "judul": valid.letter_type.judul,
        "wilayah": {
            "nama": profile.nama, "pemerintah": profile.pemerintah,
            "kepala_daerah": profile.kepala_daerah, "ibu_kota": profile.ibu_kota,
            "instrumen": profile.instrumen,
        },
        "mengingat": data.get("mengingat") or list(profile.mengingat),
        "lambang": InlineImage(template, str(profile.lambang), width=Mm(22)),
    }
    template.render(context, jinja_env=_environment(), autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()
