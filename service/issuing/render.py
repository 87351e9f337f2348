"""Rendering a letter's DOCX from its template (docxtpl).

Values from requests are untrusted: they are rendered with autoescaping in a
sandboxed Jinja environment, so ``{{ }}``, ``<``, ``&`` or ``</w:t>`` print
literally and the DOCX stays valid; and every string is cleaned first, so a
form feed, tab or stray line break in a value never makes a page or
paragraph break the template did not ask for.

A template is read once per process and slimmed (:func:`slim_template`):
a document made from Word's or python-docx's default carries some 160
styles and Word 2010's second copy of them (800 KB of XML) for a letter
that uses a handful; every letter paid for them three times, in docxtpl's
parse and save and in LibreOffice's import.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from PIL import Image

from . import bahasa
from ..letters.common import PERAN_LABEL, blok_jabatan, jabatan_dinas, nama_jabatan
from ..letters.nip import format_nip
from ..wilayah import RegionProfile
from .validation import ValidLetter

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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STYLES_PART = "word/styles.xml"
LEGACY_STYLES_PART = "word/stylesWithEffects.xml"
"""Word 2010's copy of the styles with its text effects; later Word versions neither write nor need it."""
_STYLE_REFERENCES = tuple(W + tag for tag in ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink"))
_STYLE_LINKS = tuple(W + tag for tag in ("basedOn", "link", "next"))


def _styles_used(parts: dict[str, bytes]) -> set[str]:
    """Ids of the styles any part of the package (body, headers, numbering…) refers to."""
    used = set()
    for name, data in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name not in (STYLES_PART, LEGACY_STYLES_PART):
            used |= {e.get(W + "val") for e in etree.fromstring(data).iter(*_STYLE_REFERENCES)}
    return used


def _prune_styles(styles_xml: bytes, used: set[str]) -> bytes:
    """Keep the default styles, those used, and those they are based on, linked to or followed by."""
    root = etree.fromstring(styles_xml)
    by_id = {style.get(W + "styleId"): style for style in root.iter(W + "style")}
    keep = used | {sid for sid, style in by_id.items() if style.get(W + "default") == "1"}
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for link in style.iter(*_STYLE_LINKS) if style is not None else ():
            if link.get(W + "val") not in keep:
                keep.add(link.get(W + "val"))
                todo.append(link.get(W + "val"))
    for sid, style in by_id.items():
        if sid not in keep:
            style.getparent().remove(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_part_references(xml: bytes, part: str) -> bytes:
    """A relationships or content-types part without its entries for ``part``."""
    root = etree.fromstring(xml)
    for entry in list(root):
        if entry.get("Target") == part.removeprefix("word/") or entry.get("PartName") == "/" + part:
            root.remove(entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def slim_template(docx: bytes) -> bytes:
    """``docx`` without the styles none of its parts uses, and without Word 2010's copy of the styles.

    What the letter looks like does not change: a style nothing refers to
    is never applied.
    """
    with ZipFile(BytesIO(docx)) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    if STYLES_PART in parts:
        parts[STYLES_PART] = _prune_styles(parts[STYLES_PART], _styles_used(parts))
    if parts.pop(LEGACY_STYLES_PART, None) is not None:
        for name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            parts[name] = _drop_part_references(parts[name], LEGACY_STYLES_PART)
    out = BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


@lru_cache(maxsize=32)
def _slim_template_file(path: Path, mtime_ns: int, size: int) -> bytes:
    """Slimmed once per version of the file (an edited template is read again)."""
    return slim_template(path.read_bytes())


class _Template(DocxTemplate):
    """docxtpl's template, keeping the clean-up of each part's XML.

    Before compiling a part, docxtpl rewrites its XML with some twenty
    regular expressions (tags Word splits across runs, ``{%tr %}`` and the
    like): a pure function of the template's XML, and a tenth of a render.
    """

    def patch_xml(self, src_xml: str) -> str:
        return _patched_xml(src_xml)


@lru_cache(maxsize=128)
def _patched_xml(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # uses nothing of the instance


def load_template(path: Path) -> DocxTemplate:
    """A fresh docxtpl template of the file at ``path``, slimmed."""
    stat = path.stat()
    return _Template(BytesIO(_slim_template_file(path, stat.st_mtime_ns, stat.st_size)))


NO_BREAK_SPACE = "\u00a0"


def unbroken(value: str) -> str:
    """``value`` with no-break spaces: a NIP or a telephone number is read whole, never across two lines."""
    return str(value).replace(" ", NO_BREAK_SPACE)


class _Environment(SandboxedEnvironment):
    """The sandbox with our filters, keeping what it compiled.

    docxtpl hands every part of the template (body, headers, footers) to
    ``from_string`` for every letter, and compiling them was 40% of a
    render. A part's XML is the same for every letter of its template, so
    its compiled form is kept (a few dozen parts in all).
    """

    def __init__(self):
        super().__init__(autoescape=True)
        self.filters.update(
            tanggal=bahasa.tanggal, terbilang=bahasa.terbilang, durasi=bahasa.durasi,
            rentang=bahasa.rentang, huruf=bahasa.huruf, diktum=bahasa.diktum, nip=lambda v: unbroken(format_nip(v)),
            peran=lambda p: PERAN_LABEL.get(p, p), utuh=unbroken,
        )
        self._compile_cached = lru_cache(maxsize=128)(super().from_string)

    def from_string(self, source, globals=None, template_class=None):
        if globals is None and template_class is None and isinstance(source, str):
            return self._compile_cached(source)
        return super().from_string(source, globals, template_class)


ENVIRONMENT = _Environment()

LAMBANG_MM = 22
"""How wide the kop prints the region's emblem."""
PRINT_DPI = 300
"""The resolution LibreOffice's PDF export reduces images to."""


def printed_emblem(path: Path) -> bytes:
    """The emblem at the pixels it prints with: :data:`LAMBANG_MM` wide at :data:`PRINT_DPI`, as PNG.

    LibreOffice scales every larger image down to 300 dpi while writing the
    PDF, for every letter: with the 400-pixel drawings that was a seventh
    of a conversion. Scaled here once per version of the file, the letter
    shows the same 259 pixels.
    """
    stat = path.stat()
    return _scaled_emblem(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _scaled_emblem(path: Path, mtime_ns: int, size: int) -> bytes:
    width = int(LAMBANG_MM / 25.4 * PRINT_DPI)
    with Image.open(path) as image:
        image.load()
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
        out = BytesIO()
        image.save(out, "PNG", dpi=(PRINT_DPI, PRINT_DPI))
    return out.getvalue()


PAGE_FIELDS = {"halaman": "PAGE", "jumlah": "NUMPAGES"}
"""The Word fields LibreOffice fills in for each placeholder of ``[cetak] nomor_halaman``."""


@lru_cache(maxsize=16)
def page_number_parts(fmt: str) -> tuple[dict, ...]:
    """The region's page-number format as the footer prints it: text, and fields the converter fills in.

    ``"Halaman {halaman} dari {jumlah}"`` → ``{"teks": "Halaman "}, {"medan": "PAGE"}, {"teks": " dari "},
    {"medan": "NUMPAGES"}`` (placeholders checked when the profile was loaded).
    """
    parts = []
    for literal, name, _, _ in string.Formatter().parse(fmt):
        if literal:
            parts.append({"teks": literal})
        if name is not None:
            parts.append({"medan": PAGE_FIELDS[name]})
    return tuple(parts)


def page_footer(profile: RegionProfile, default_notice: str) -> dict:
    """What the foot of every page prints: the electronic-signature notice and the page number."""
    return {"keterangan": profile.cetak.keterangan_tte or default_notice,
            "halaman": page_number_parts(profile.cetak.nomor_halaman)}


def letter_context(valid: ValidLetter, *, nomor: str, tanggal: dt.date, template: DocxTemplate,
                   footer: str) -> dict:
    """What the template of ``valid`` prints: the cleaned request, the number, the region, the page footer.

    :param footer: the electronic-signature notice where the region's profile has none of its own.
    """
    profile = valid.profile
    data = clean(valid.data)
    return {
        **data,
        "nomor": clean(nomor),
        "tanggal": tanggal,
        "tempat": data.get("tempat") or profile.ibu_kota,
        "judul": valid.letter_type.judul,
        "wilayah": {
            "nama": profile.nama, "pemerintah": profile.pemerintah,
            "kepala_daerah": profile.kepala_daerah, "ibu_kota": profile.ibu_kota,
            "instrumen": profile.instrumen,
        },
        "penandatangan": signer_context(data["penandatangan"]),
        "mengingat": data.get("mengingat") or list(profile.mengingat),
        "tembusan": [{**t, "jabatan": nama_jabatan(t["jabatan"], t.get("instansi")), "instansi": None}
                     for t in data.get("tembusan", ())],
        "lambang": InlineImage(template, BytesIO(printed_emblem(profile.lambang)), width=Mm(LAMBANG_MM)),
        "kaki": page_footer(profile, footer),
    }


def signer_context(penandatangan: dict) -> dict:
    """The penandatangan as the templates print them: ``blok``, the lines of the signature block above the
    signature (a.n. and the authority's jabatan first when signing on someone's behalf; docxtpl turns each
    line break into a ``<w:br/>``), and ``jabatan``, the office the letter speaks for (a decree's title)."""
    return {**penandatangan, "jabatan": jabatan_dinas(penandatangan), "blok": "\n".join(blok_jabatan(penandatangan))}


def set_paper(template: DocxTemplate, profile: RegionProfile) -> None:
    """Every section on the region's paper (the templates are A4, which most regions print on)."""
    width, height = (Mm(mm) for mm in profile.cetak.paper_mm)
    for section in template.docx.sections:
        if (section.page_width, section.page_height) != (width, height):
            section.page_width, section.page_height = width, height


def render_letter(valid: ValidLetter, *, nomor: str, tanggal: dt.date, template_dir: Path, footer: str) -> bytes:
    """The letter as DOCX bytes, with the number it was given (a letter is numbered before it is rendered).

    :param footer: see :func:`letter_context`.
    """
    template = load_template(template_dir / valid.letter_type.template)
    context = letter_context(valid, nomor=nomor, tanggal=tanggal, template=template, footer=footer)
    template.render(context, jinja_env=ENVIRONMENT, autoescape=True)
    set_paper(template, valid.profile)
    out = BytesIO()
    template.save(out)
    return out.getvalue()
