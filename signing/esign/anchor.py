"""The anchor character that the Esign service's tag placement looks for.

With ``tag_koordinat`` (v1) or ``tag`` (v2) the service places the visible
signature at a character in the document's text instead of at
coordinates. A letter carries no such character of its own, so one is
written where the stamp goes: invisible text (rendering mode 3), in an
incremental update of the letter before it is first signed (one anchor per
signer who signs through the service). Invisible text needs no
embedded font even in PDF/A-2 (ISO 19005-2, 6.2.11.4.1), so the standard
Helvetica is named and nothing is embedded; the letter looks the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfResources, RawContent, ResourceType
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

ANCHOR_SIZE = 8
"""Points: text extraction drops glyphs too small to read."""


def with_anchors(pdf: bytes, anchors: Iterable[tuple[str, int, float, float]]) -> bytes:
    """``pdf`` with each invisible ``(char, page, x, y)``: ``char``'s baseline starting at (``x``, ``y``) on
    ``page`` (from 0), in one update (one signer's anchor each, all written before anyone signs)."""
    by_page: dict[int, list[bytes]] = defaultdict(list)
    for char, page, x, y in anchors:
        text = char.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        by_page[page].append(b"BT 3 Tr /SKAnchor %d Tf %.2f %.2f Td (%s) Tj ET" % (ANCHOR_SIZE, x, y, text))
    if not by_page:
        return pdf
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    for page, runs in by_page.items():
        resources = PdfResources()
        resources[ResourceType.FONT][generic.pdf_name("/SKAnchor")] = generic.DictionaryObject({
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
        })
        RawContent(b"q " + b" ".join(runs) + b" Q", resources).add_to_page(writer, page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
