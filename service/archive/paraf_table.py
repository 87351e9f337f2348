"""A table of paraf drawn at the foot of a letter's last page, with pyHanko.

pyHanko writes the table as an incremental update of the letter
(:class:`~pyhanko.pdf_utils.incremental_writer.IncrementalPdfFileWriter`): the letter's own bytes are the
file's first revision, untouched, so whoever holds the letter can see that the copy is that letter plus
the table. The table is one form XObject (a pyHanko stamp) in Liberation Sans, embedded as a subset as the
signature stamps embed it (:func:`signing.stamp.embedded_font`); no other PDF library is installed, and
pyHanko already lays out and embeds the stamps' text.

It sits just above the page footer the letter templates print (the electronic-signature notice and the
page number, in the bottom :data:`FOOTER_TOP` points). Where the last page's text comes down too far for
it, the table goes at the foot of a page of its own added after the last. Where the text ends is read with
poppler's ``pdftotext -bbox`` (installed with the service, see README), which reads the letter as the
layout tests do.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.stamp import BaseStamp, BaseStampStyle

from signing.stamp import embedded_font

from ..plumbing.errors import ServiceUnavailable

FONT_SIZE = 8
LEADING = 10
"""Between two lines of one cell."""
CELL_PADDING = 3
LINE_WIDTH = 0.5
HEADINGS = ("No", "Nama", "Jabatan", "Waktu paraf")
WIDTHS = (0.06, 0.34, 0.38, 0.22)
"""Each column's share of the table's width."""
LEFT, RIGHT = 70.85, 56.7
"""The letter templates' left and right margins (2.5 cm and 2 cm), in points: the table spans the text."""
FOOTER_TOP = 76
"""Points from the bottom edge under which the templates print their footer (its top line ends at ~72)."""
GAP = 10
"""Between the table and the footer, and between the letter's last line and the table."""


@dataclass(frozen=True)
class ParafLine:
    """One row of the table: a verifikator's paraf."""

    nama: str
    jabatan: str
    waktu: str
    """As printed, e.g. ``06-12-2026 14:03 WIB``."""


class _Table(BaseStamp):
    """The title and the table, laid out once on creation (so its height is known before it is placed)."""

    def __init__(self, writer, title: str, rows: list[ParafLine], width: float):
        self.engine = embedded_font(FONT_SIZE).create_font_engine(writer)
        self.columns = [share * width for share in WIDTHS]
        cells = [HEADINGS, *((str(i), r.nama, r.jabatan, r.waktu) for i, r in enumerate(rows, 1))]
        self.rows = [[self._wrapped(text, w - 2 * CELL_PADDING) for text, w in zip(row, self.columns)]
                     for row in cells]
        self.title = title
        height = LEADING + 4 + sum(self._height(row) for row in self.rows)
        super().__init__(writer, BaseStampStyle(border_width=0), layout.BoxConstraints(width, height))

    def _width(self, text: str) -> float:
        return self.engine.shape(text).x_advance * FONT_SIZE

    def _wrapped(self, text: str, width: float) -> list[str]:
        """``text`` in lines no wider than ``width`` (a word wider than that stands on a line alone)."""
        lines: list[str] = []
        for word in text.split():
            if lines and self._width(f"{lines[-1]} {word}") <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines or [""]

    @staticmethod
    def _height(row: list[list[str]]) -> float:
        return max(len(lines) for lines in row) * LEADING + 2 * CELL_PADDING

    def _text(self, text: str, x: float, y: float) -> bytes:
        return b"BT /F1 %d Tf 1 0 0 1 %g %g Tm %s ET" % (FONT_SIZE, x, y, self.engine.shape(text).graphics_ops)

    def _render_inner_content(self):
        width, top = self.box.width, self.box.height
        ops = [self._text(self.title, 0, top - FONT_SIZE), b"%g w" % LINE_WIDTH]
        top -= LEADING + 4
        table_top, edges = top, [sum(self.columns[:i]) for i in range(len(self.columns) + 1)]
        for row in self.rows:
            for x, lines in zip(edges, row):
                for n, line in enumerate(lines):
                    ops.append(self._text(line, x + CELL_PADDING, top - CELL_PADDING - FONT_SIZE - n * LEADING))
            top -= self._height(row)
            ops.append(b"0 %g m %g %g l S" % (top, width, top))
        ops += [b"%g %g m %g %g l S" % (x, table_top, x, top) for x in edges]
        ops.append(b"0 %g m %g %g l S" % (table_top, width, table_top))
        self.set_resource(category=ResourceType.FONT, name=pdf_name("/F1"), value=self.engine.as_resource())
        return ops


def _lowest_text(pdf: bytes, page: int, page_height: float) -> float | None:
    """How high above the bottom edge the lowest line of text over the footer ends on ``page`` (0-based).

    :raises ServiceUnavailable: poppler's ``pdftotext`` is missing or fails.
    """
    try:
        found = subprocess.run(["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-bbox", "-", "-"],
                               input=pdf, capture_output=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise ServiceUnavailable("Tata letak surat tidak dapat dibaca (pdftotext dari poppler-utils).") from e
    bottoms = [page_height - float(y) for y in re.findall(rb'<word [^>]*yMax="([0-9.]+)"', found)]
    return min((b for b in bottoms if b > FOOTER_TOP), default=None)


def _media_box(page: generic.DictionaryObject) -> tuple[float, ...]:
    """The page's MediaBox, its own or inherited from the page tree."""
    while "/MediaBox" not in page:
        page = page["/Parent"]
    return tuple(float(v) for v in page["/MediaBox"])


def with_paraf_table(pdf: bytes, title: str, rows: list[ParafLine]) -> bytes:
    """``pdf`` with ``title`` and a table of ``rows`` (No, Nama, Jabatan, Waktu paraf) at the foot of its
    last page, or of a page added after it when the last has no room; ``pdf`` itself is the first revision."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    last = int(writer.root["/Pages"]["/Count"]) - 1
    page_ref, _ = writer.find_page_for_modification(last)
    x1, y1, x2, y2 = _media_box(page_ref.get_object())
    table = _Table(writer, title, rows, (x2 - x1) - LEFT - RIGHT)
    bottom = y1 + FOOTER_TOP + GAP
    lowest = _lowest_text(pdf, last, y2 - y1)
    if lowest is not None and y1 + lowest - GAP < bottom + table.box.height:
        writer.insert_page(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): generic.ArrayObject(generic.FloatObject(v) for v in (x1, y1, x2, y2)),
            pdf_name("/Resources"): generic.DictionaryObject(),
            pdf_name("/Contents"): writer.add_object(generic.StreamObject(stream_data=b"")),
        }))
        last += 1
    table.apply(last, x1 + LEFT, bottom)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
