"""The printed letter read back from its PDF, as a records officer reads the paper.

Text positions come from poppler (``pdftotext -bbox-layout``: the same
engine as the ``pdfsig`` and ``pdftoppm`` the tests already use), the
stamps' boxes from the signature widgets (pyHanko's reader), the QR codes
from a 150 dpi render (``pdftoppm``, zxing-cpp). :func:`check_letter` runs
every check on a signed letter; each failure says the page and what is
wrong with it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import zxingcpp
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from service.letters.nip import format_nip
from service.signatures.signature import MAIN_FIELD, countersign_field

XHTML = "{http://www.w3.org/1999/xhtml}"
REACH = 120
"""How far (pt) above a stamp its jabatan may reach, and below it its name to the NIP (long ones wrap)."""
MM = 72 / 25.4
PRINTABLE_MARGIN = 8 * MM
"""No text nearer the paper's edge than this: what office printers leave blank, and some room."""
FOOTER_ZONE = 90
"""The foot of the page (pt) where the electronic-signature notice and the page number sit."""
EM_HEIGHT = 1.117
"""The height poppler gives a line of Liberation Sans, in em (ascent + descent)."""
MIN_FOOTER_LINE = 7 * EM_HEIGHT
"""The notice at the foot of the page: 7 points or more."""
MIN_STAMP_LINE = 6 * EM_HEIGHT
"""The stamp's text, which pyHanko shrinks until its longest line fits: 6 points or more, the longest jabatan too."""
QR_DPI = 150
HEADING = re.compile(r":\s*$")
"""A line that announces what follows ("Tembusan:", "Untuk :", "MEMUTUSKAN:")."""
LEAD_INS = ("ditetapkan di", "pada tanggal", "mengetahui", "pemohon", "yang melaporkan")
"""Lines that introduce a signature block and belong to it."""


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x1: float
    top: float
    x2: float
    bottom: float
    """Top-down coordinates, as poppler gives them."""

    def inside(self, box: tuple[float, float, float, float]) -> bool:
        x1, top, x2, bottom = box
        return self.x1 >= x1 - 1 and self.x2 <= x2 + 1 and self.top >= top - 1 and self.bottom <= bottom + 1

    def overlaps(self, box: tuple[float, float, float, float]) -> bool:
        x1, top, x2, bottom = box
        return self.x1 < x2 - 1 and self.x2 > x1 + 1 and self.top < bottom - 1 and self.bottom > top + 1


@dataclass(frozen=True)
class Stamp:
    page: int
    box: tuple[float, float, float, float]
    """``(x1, top, x2, bottom)`` top-down, like :class:`Line`."""


@dataclass
class Printed:
    """A letter's PDF as read back: its lines, page sizes and stamps."""

    pdf: bytes
    lines: list[Line]
    sizes: list[tuple[float, float]]
    stamps: dict[str, Stamp]

    @classmethod
    def read(cls, pdf: bytes) -> "Printed":
        out = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True,
                             check=True).stdout
        lines, sizes = [], []
        for index, page in enumerate(ElementTree.fromstring(out).iter(f"{XHTML}page")):
            sizes.append((float(page.get("width")), float(page.get("height"))))
            for line in page.iter(f"{XHTML}line"):
                words = line.findall(f"{XHTML}word")
                lines.append(Line(index, " ".join(w.text or "" for w in words), float(line.get("xMin")),
                                  float(line.get("yMin")), float(line.get("xMax")), float(line.get("yMax"))))
        return cls(pdf, lines, sizes, _stamps(pdf, sizes))

    @property
    def pages(self) -> int:
        return len(self.sizes)

    def in_stamp(self, line: Line) -> bool:
        return any(s.page == line.page and line.inside(s.box) for s in self.stamps.values())

    def body(self, page: int, footer: "Footer") -> list[Line]:
        """The page's lines outside the stamps and the footer."""
        return [ln for ln in self.lines if ln.page == page and not self.in_stamp(ln)
                and not footer.holds(ln, self.sizes[page][1])]


def _stamps(pdf: bytes, sizes: list[tuple[float, float]]) -> dict[str, Stamp]:
    """Every signature widget by field name, with its page and box."""
    reader = PdfFileReader(BytesIO(pdf))
    found = {}
    for index in range(len(sizes)):
        page = reader.find_page_for_modification(index)[0].get_object()
        for annot in page.get("/Annots", ()):
            annot = annot.get_object()
            field = annot if "/T" in annot else annot.get("/Parent", annot).get_object()
            if field.get("/FT") == "/Sig":
                x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
                height = sizes[index][1]
                found[str(field["/T"])] = Stamp(index, (x1, height - y2, x2, height - y1))
    return found


def folded(value: str) -> str:
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class Footer:
    """What the foot of every page must print: the notice and the page number in the region's format."""

    notice: str
    page_format: str

    def label(self, page: int, pages: int) -> str:
        return self.page_format.format(halaman=page, jumlah=pages)

    def holds(self, line: Line, page_height: float) -> bool:
        text = folded(line.text)
        return line.top > page_height - FOOTER_ZONE and bool(text) and (
            text in folded(self.notice) or re.fullmatch(self._label_pattern(), text) is not None)

    def _label_pattern(self) -> str:
        return re.escape(folded(self.label(0, 0))).replace("0", r"\d+")


# --- the checks ---------------------------------------------------------------

def signers(body: dict) -> list[tuple[str, dict]]:
    """``(field, official)`` of everyone who signs, in order."""
    return [(MAIN_FIELD, body["penandatangan"]),
            *((countersign_field(i), o) for i, o in enumerate(body.get("mengetahui", []), 1))]


def check_signer(printed: Printed, field: str, official: dict) -> None:
    """The stamp of ``field`` is a visible box with ``official``'s jabatan above it, name and NIP below."""
    assert field in printed.stamps, f"no signature field {field}"
    stamp = printed.stamps[field]
    x1, top, x2, bottom = stamp.box
    assert x2 - x1 > 100 and bottom - top > 50, f"{official['nama']}: stamp {field} is not a visible box"
    beside = [ln for ln in printed.lines if ln.page == stamp.page and ln.x1 < x2 and ln.x2 > x1
              and not printed.in_stamp(ln)]
    above = folded(" ".join(ln.text for ln in beside if top - REACH < ln.bottom <= top + 2))
    below = folded(" ".join(ln.text for ln in beside if bottom - 2 <= ln.top < bottom + REACH))
    where = f"{official['nama']} ({field}, page {stamp.page + 1})"
    assert above.endswith(folded(official["jabatan"]) + ","), f"{where}: jabatan not just above the stamp: {above}"
    assert below.startswith(folded(official["nama"])), f"{where}: name not just below the stamp: {below}"
    assert f"nip. {format_nip(official['nip'])}" in below, f"{where}: NIP not just below the stamp: {below}"
    covered = [ln.text for ln in printed.lines if ln.page == stamp.page and ln.overlaps(stamp.box)
               and not printed.in_stamp(ln)]
    assert not covered, f"{where}: the stamp covers {covered}"
    text = [ln for ln in printed.lines if ln.page == stamp.page and ln.inside(stamp.box)]
    assert text and folded(" ".join(ln.text for ln in text)).endswith(f"nip {format_nip(official['nip'])}"), (
        f"{where}: the stamp does not name its signer's NIP")
    small = [ln.text for ln in text if ln.bottom - ln.top < MIN_STAMP_LINE]
    assert not small, f"{where}: stamp text under 6 pt: {small}"


def _starts(line: Line, text: str) -> bool:
    """``line`` is the first line of ``text`` as printed (wrapped or not)."""
    printed = folded(line.text).rstrip(",")
    return len(printed) >= 8 and folded(text).startswith(printed)


def check_signature_pages(printed: Printed, body: dict, footer: Footer) -> None:
    """Every signature block (the lampiran's closing one too) shares its page with the letter's text above it.

    A block is found by its name line, and begins at the nearest first line
    of the signer's jabatan above it in the same column; the lines that lead
    into it ("Ditetapkan di", "Mengetahui,") belong to it.
    """
    for _, official in signers(body):
        for name in (ln for ln in printed.lines if not printed.in_stamp(ln) and _starts(ln, official["nama"])):
            jabatan = [ln for ln in printed.lines if ln.page == name.page and ln.bottom <= name.top
                       and ln.x1 < name.x2 and ln.x2 > name.x1 and not printed.in_stamp(ln)
                       and _starts(ln, official["jabatan"])]
            top = max((ln.top for ln in jabatan), default=name.top)
            above = [ln for ln in printed.body(name.page, footer)
                     if ln.bottom <= top + 1 and ln.top < top - 1 and not folded(ln.text).startswith(LEAD_INS)]
            assert above or name.page == 0, (
                f"page {name.page + 1}: the signature block of {official['nama']} stands without the letter's text")


def nips(value) -> set[str]:
    """Every NIP anywhere in the request."""
    if isinstance(value, dict):
        return {n for k, v in value.items() for n in (nips(v) | ({v} if k == "nip" and isinstance(v, str) else set()))}
    if isinstance(value, list):
        return {n for v in value for n in nips(v)}
    return set()


def check_nips_whole(printed: Printed, body: dict) -> None:
    """A NIP is read on one line: wherever a NIP's first group (the birth date) is printed, a whole NIP is."""
    whole = {format_nip("".join(nip.split())) for nip in nips(body)}
    firsts = {nip.split()[0] for nip in whole}
    for line in printed.lines:
        text = " ".join(line.text.split())
        if firsts & set(text.split()):
            assert any(nip in text for nip in whole), (
                f"page {line.page + 1}: a NIP broken across lines: {line.text!r}")


def check_printable_area(printed: Printed) -> None:
    """No text and no stamp nearer the paper's edge than :data:`PRINTABLE_MARGIN`."""
    for line in printed.lines:
        width, height = printed.sizes[line.page]
        assert (line.x1 >= PRINTABLE_MARGIN and line.x2 <= width - PRINTABLE_MARGIN
                and line.top >= PRINTABLE_MARGIN and line.bottom <= height - PRINTABLE_MARGIN), (
            f"page {line.page + 1}: {line.text!r} leaves the printable area")
    for name, stamp in printed.stamps.items():
        width, height = printed.sizes[stamp.page]
        x1, top, x2, bottom = stamp.box
        assert x1 >= PRINTABLE_MARGIN and x2 <= width - PRINTABLE_MARGIN and top >= PRINTABLE_MARGIN, name
        assert bottom <= height - FOOTER_ZONE / 2, f"stamp {name} reaches into the page's footer"


def rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by the height they sit at (a table row's cells are one row)."""
    grouped: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: ln.top):
        if grouped and line.top < grouped[-1][0].bottom - 2:
            grouped[-1].append(line)
        else:
            grouped.append([line])
    return grouped


def check_pages_carry_content(printed: Printed, footer: Footer) -> None:
    """No page ends with a heading, and none holds only a lone heading or item (fewer than three rows of text)."""
    header = None
    for page in range(printed.pages):
        body = rows(printed.body(page, footer))
        texts = [folded(" ".join(ln.text for ln in row)) for row in body]
        if page and texts and header and texts[0] == header:  # a table's heading row, repeated
            texts = texts[1:]
        if printed.pages > 1:
            assert len(texts) >= 3, f"page {page + 1} holds only {texts}"
        if page < printed.pages - 1:
            assert texts and not HEADING.search(texts[-1]), f"page {page + 1} ends with the heading {texts[-1]!r}"
        header = header or next((t for t in texts if t.startswith("no nama")), None)


def check_tembusan(printed: Printed, body: dict) -> None:
    """The heading keeps with its first item; the last item shares its page with another item."""
    count = len(body.get("tembusan", []))
    if not count:
        return
    lines = printed.lines
    heading = next(i for i, ln in enumerate(lines) if ln.text == "Tembusan:")
    assert lines[heading + 1].page == lines[heading].page, "Tembusan: alone at the foot of a page"
    items = [ln for ln in lines[heading + 1:] if re.match(r"\d+\. ", ln.text)][:count]
    assert [int(ln.text.split(".")[0]) for ln in items] == list(range(1, count + 1))
    if count > 1:
        assert items[-1].page == items[-2].page, f"the last tembusan item alone on page {items[-1].page + 1}"


def check_footer(printed: Printed, footer: Footer) -> None:
    """Every page: the whole notice in at least 7-point type, and "Halaman x dari y" (the region's format)."""
    for page in range(printed.pages):
        height = printed.sizes[page][1]
        foot = [ln for ln in printed.lines if ln.page == page and footer.holds(ln, height)]
        notice = [ln for ln in foot if folded(ln.text) in folded(footer.notice)]
        assert folded(" ".join(ln.text for ln in notice)) == folded(footer.notice), (
            f"page {page + 1}: the electronic-signature notice is not whole at its foot")
        small = [ln.text for ln in notice if ln.bottom - ln.top < MIN_FOOTER_LINE]
        assert not small, f"page {page + 1}: notice printed under 7 pt: {small}"
        label = folded(footer.label(page + 1, printed.pages))
        assert label in [folded(ln.text) for ln in foot], f"page {page + 1}: no {label!r} at its foot"


def qr_codes(pdf: bytes, page: int) -> list[str]:
    """The QR codes a 150 dpi render of ``page`` (0-based) shows."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "surat.pdf", Path(tmp) / "halaman"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(QR_DPI), "-f", str(page + 1), "-l", str(page + 1), "-png",
                        "-singlefile", str(source), str(target)], capture_output=True, check=True)
        with Image.open(target.with_suffix(".png")) as image:
            return [c.text for c in zxingcpp.read_barcodes(image.convert("L")) if c.format.name == "QRCode"]


def check_qr_codes(printed: Printed, url: str) -> None:
    """Every stamp's QR code decodes, at 150 dpi, to the letter's verification address."""
    for page in sorted({s.page for s in printed.stamps.values()}):
        expected = sum(1 for s in printed.stamps.values() if s.page == page)
        codes = qr_codes(printed.pdf, page)
        assert codes == [url] * expected, f"page {page + 1}: QR codes {codes}, expected {expected} × {url}"


def check_letter(body: dict, pdf: bytes, footer: Footer, verification_url: str) -> None:
    """Every check of this module on one signed letter."""
    printed = Printed.read(pdf)
    for field, official in signers(body):
        check_signer(printed, field, official)
    check_signature_pages(printed, body, footer)
    check_nips_whole(printed, body)
    check_printable_area(printed)
    check_pages_carry_content(printed, footer)
    check_tembusan(printed, body)
    check_footer(printed, footer)
    check_qr_codes(printed, verification_url)
