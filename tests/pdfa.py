"""PDF/A-2b checked from the file itself, not taken on LibreOffice's word.

No PDF/A validator installs from PyPI or Debian here: veraPDF is not
packaged (a Java download), and Debian's PDFBox 2 (``libpdfbox2-java``)
ships Preflight, which validates PDF/A-1b only, not the PDF/A-2b the
letters are. So the tests check, with pyHanko's own reader, the parts of
ISO 19005-2 that a conversion or a signature could break: the XMP
declares the part and conformance, an output intent carries an ICC
profile, every font is embedded, no transparency group, no encryption.
"""

from __future__ import annotations

from io import BytesIO

from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
RDF_DESCRIPTION = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
SKIPPED = ("/Parent", "/P")
"""Back references: every object they lead to is reached from the catalogue anyway."""


def declared_pdfa(xmp: bytes) -> tuple[str | None, str | None]:
    """``(part, conformance)`` the XMP metadata declares, as attributes or elements of an rdf:Description."""
    for description in etree.fromstring(xmp).iter(RDF_DESCRIPTION):
        values = [description.get(PDFAID + name) or description.findtext(PDFAID + name)
                  for name in ("part", "conformance")]
        if values[0]:
            return values[0], values[1]
    return None, None


def _objects(root: generic.PdfObject):
    """Every dictionary reachable from ``root``, each once."""
    seen, todo = set(), [root]
    while todo:
        obj = todo.pop()
        if isinstance(obj, generic.IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, generic.DictionaryObject):
            yield obj
            todo += [v for k, v in obj.items() if k not in SKIPPED]
        elif isinstance(obj, generic.ArrayObject):
            todo += list(obj)


def _embedded(font: generic.DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs drawn by the font's own content streams
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor.get_object() for key in FONT_FILES)


def pdfa_problems(pdf: bytes) -> list[str]:
    """What keeps ``pdf`` from being PDF/A-2 by the checks above; empty when none."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    if "/Encrypt" in reader.trailer:
        return ["dienkripsi"]
    root, problems = reader.root, []
    metadata = root.get("/Metadata")
    part, conformance = declared_pdfa(metadata.get_object().data) if metadata is not None else (None, None)
    if part != "2" or conformance not in ("A", "B", "U"):
        problems.append(f"XMP tidak menyatakan PDF/A-2 (part {part}, conformance {conformance})")
    profiles = [oi.get_object().get("/DestOutputProfile") for oi in root.get("/OutputIntents", ())
                if oi.get_object().get("/S") == "/GTS_PDFA1"]
    if not any(p is not None and p.get_object().data[36:40] == b"acsp" for p in profiles):
        problems.append("tidak ada output intent GTS_PDFA1 dengan profil ICC")
    for obj in _objects(root):
        if obj.get("/Type") == "/Font" and not _embedded(obj):
            problems.append(f"fon tidak tertanam: {obj.get('/BaseFont')}")
        if obj.get("/S") == "/Transparency":
            problems.append("grup transparansi")
    return problems
