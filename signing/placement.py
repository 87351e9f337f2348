"""Where a visible signature goes: a fixed box, or below a named destination.

A letter's template marks its blank signature area with a bookmark, which
LibreOffice's PDF export turns into a named destination
``[page /XYZ left top zoom]``. :class:`BelowDestination` finds it in the
PDF being signed, in the same parse pyHanko makes to sign it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader

Box = tuple[int, float, float, float, float]
"""``(page_index, x1, y1, x2, y2)`` in PDF points from the bottom left."""


@dataclass(frozen=True)
class BelowDestination:
    """The ``width`` × ``height`` box whose top left is the destination ``name``, ``gap`` points lower."""

    name: str
    width: float
    height: float
    gap: float = 2

    def box(self, reader: PdfFileReader) -> Box | None:
        """The box in ``reader``'s document, or None if it has no such destination (an invisible signature)."""
        spot = find_destination(reader, self.name)
        if spot is None:
            return None
        page, x, top = spot
        return page, x, top - self.height, x + self.width, top - self.gap


Placement = Box | BelowDestination | None


def resolve(placement: Placement, reader: PdfFileReader) -> Box | None:
    return placement.box(reader) if isinstance(placement, BelowDestination) else placement


def _names(node) -> dict:
    """Flatten a PDF name tree into ``{name: value}``."""
    found = {}
    pairs = node.get("/Names", ())
    for i in range(0, len(pairs) - 1, 2):
        found[str(pairs[i])] = pairs[i + 1]
    for kid in node.get("/Kids", ()):
        found.update(_names(kid.get_object()))
    return found


def find_destination(reader: PdfFileReader, name: str) -> tuple[int, float, float] | None:
    """``(page_index, x, top)`` of the named destination ``name``, or None."""
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
