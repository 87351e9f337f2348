"""Where a Writer bookmark landed in the PDF.

The templates put a bookmark ``ttd`` at the blank signature area; the PDF
export turns it into a named destination ``[page /XYZ left top zoom]``,
which tells the signer where to draw the visible signature.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader


def _names(node) -> dict:
    """Flatten a PDF name tree into ``{name: value}``."""
    found = {}
    pairs = node.get("/Names", ())
    for i in range(0, len(pairs) - 1, 2):
        found[str(pairs[i])] = pairs[i + 1]
    for kid in node.get("/Kids", ()):
        found.update(_names(kid.get_object()))
    return found


def find_destination(pdf: bytes, name: str) -> tuple[int, float, float] | None:
    """``(page_index, x, top)`` of the named destination ``name``, or None."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    root = reader.root
    if "/Names" in root and "/Dests" in root["/Names"]:
        dests = _names(root["/Names"]["/Dests"])
    elif "/Dests" in root:
        dests = {str(k)[1:]: v for k, v in root["/Dests"].items()}
    else:
        return None
    dest = dests.get(name)
    if dest is None:
        return None
    dest = dest.get_object()
    if "/D" in getattr(dest, "keys", lambda: ())():
        dest = dest["/D"]
    page = dest.raw_get(0).reference if hasattr(dest, "raw_get") else dest[0].reference
    for index in range(int(root["/Pages"]["/Count"])):
        ref, _ = reader.find_page_for_modification(index)
        if ref.reference == page:
            return index, float(dest[2]), float(dest[3])
    return None
