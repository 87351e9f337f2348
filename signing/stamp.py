"""The visible signature: who signed, a QR code to the verification page.

pyHanko draws it (:class:`~pyhanko.stamp.QRStampStyle`, Liberation Sans
embedded as a subset). Drawing it the stock way cost about half of a
signature, for a picture that, but for the QR code, is the same on every
letter an official signs. So, per stamp text (one official, one footer):

* the font is cut once to the characters of that text, so each signature
  parses a font of some 40 glyphs instead of 2,600;
* the subset font program pyHanko embeds is built once and kept
  (:class:`_KeptSubsetAccumulator`), where fontTools would subset and
  compile it again for every letter;
* the QR code uses one fixed mask pattern (:class:`_FixedMaskQRStamp`)
  instead of trying all eight and scoring each, which was most of its cost.
  Any of the eight masks is a valid QR code; the scoring only avoids
  patterns that are harder to read from a poor photograph.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO

import qrcode
from fontTools import subset, ttLib
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
)
from pyhanko.pdf_utils.qr import PdfStreamQRImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import init_xobject_dictionary
from pyhanko.stamp import QRStampStyle, TextStampStyle
from pyhanko.stamp.qr import QRStamp

FONT_FILE = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
HEADING = "Ditandatangani secara elektronik oleh:"
QR_MASK = 0
"""The mask pattern of every QR code (ISO/IEC 18004 allows any of 0-7)."""
STYLES_KEPT = 512
"""Stamp styles (one per official and footer) kept, each with its font: ~30 KB apiece."""


@dataclass(frozen=True)
class Appearance:
    """What the visible signature shows.

    :param qr_url: encoded as a QR code left of the text (omit for none).
    :param footer: sentence printed under the signer's details, e.g. which
        authority issued the certificate; wrapped to ``footer_width``.
    :param jabatan: as the signature block prints it, one line per line
        (``a.n. Kepala Dinas …`` then the signer's own jabatan).
    :param line_width: characters a line of the heading, jabatan and name
        holds before it wraps. pyHanko shrinks the whole text until its
        longest line fits the box: a long jabatan on one line printed every
        line of the stamp in 2-point type; wrapped, they keep about 7 points.
    """

    jabatan: str
    nama: str
    nip: str
    qr_url: str | None = None
    footer: str | None = None
    heading: str = HEADING
    font_size: int = 8
    footer_width: int = 60
    line_width: int = 32

    def lines(self) -> list[str]:
        lines = [*self._wrapped(self.heading), *self._wrapped(self.jabatan), *self._wrapped(self.nama),
                 f"NIP {self.nip}"]
        if self.footer:
            lines += [""] + textwrap.wrap(self.footer, self.footer_width)
        return lines

    def _wrapped(self, text: str) -> list[str]:
        """Each line of ``text`` wrapped on its own (a jabatan signed a.n. is two lines, as in the letter)."""
        return [wrapped for line in text.split("\n")
                for wrapped in textwrap.wrap(line, self.line_width, break_long_words=False, break_on_hyphens=False)
                or [""]]

    def style(self) -> TextStampStyle:
        """The pyHanko stamp style that draws this appearance (shared by every letter with the same text)."""
        # the stamp text is a %-template: keep literal percent signs
        text = "\n".join(self.lines()).replace("%", "%%")
        return _stamp_style(self.font_size, bool(self.qr_url), text)

    def text_params(self) -> dict:
        return {"url": self.qr_url} if self.qr_url else {}


_UNEMBEDDED_TABLES = ("GSUB", "GPOS", "GDEF", "FFTM")
"""Tables pyHanko's subsetting drops from every embedded font anyway (and
FFTM, which fontTools cannot subset and warns about each time)."""


@lru_cache(maxsize=4)
def _font(path: str) -> bytes:
    """The font at ``path``, rescaled to 1000 units per em, without the tables it drops.

    pyHanko writes glyph widths (``/W``) and kerning in font units, but PDF
    reads them as 1/1000 em: right for fonts with 1000 units per em, twice
    too wide for TrueType fonts such as Liberation Sans (2048). Rescaling
    the font once makes the two agree. Without the layout tables HarfBuzz
    kerns from the legacy ``kern`` table.
    """
    font = ttLib.TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    for tag in _UNEMBEDDED_TABLES:
        if tag in font:
            del font[tag]
    return _saved(font)


def _cut_to(font_bytes: bytes, characters: str) -> bytes:
    """``font_bytes`` with only the glyphs of ``characters`` (and .notdef), kern pairs and hinting kept."""
    font = ttLib.TTFont(BytesIO(font_bytes))
    options = subset.Options(layout_closure=False, notdef_outline=True, name_IDs=["*"])
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    return _saved(font)


def _saved(font: ttLib.TTFont) -> bytes:
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _KeptProgramCIDFont(CIDFontType2):
    """pyHanko's TrueType CID font, embedding a font program built before when there is one."""

    def __init__(self, tt, base_ps_name, subset_prefix, programs: dict):
        super().__init__(tt, base_ps_name, subset_prefix)
        self.programs = programs
        self.glyphs: frozenset[int] | None = None
        """Set by the accumulator once the text is laid out: the key of the program."""

    def set_font_file(self, writer):
        program = self.programs.get(self.glyphs)
        if program is None:
            stream = generic.StreamObject(stream_data=_saved(self.tt_font))
            stream.compress()
            program = self.programs[self.glyphs] = stream.encoded_data
        font_stream = generic.StreamObject(
            {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")}, encoded_data=program
        )
        ref = writer.add_object(font_stream)
        self._font_descriptor[generic.pdf_name("/FontFile2")] = ref
        return ref


class _KeptSubsetAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator, subsetting with fontTools only for a glyph set it has not embedded yet."""

    def __init__(self, *args, programs: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cidfont_obj = _KeptProgramCIDFont(
            self.tt, self.cidfont_obj.name.partition("+")[2], self.subset_prefix, programs
        )

    def _extract_subset(self, options=None):
        glyphs = self.cidfont_obj.glyphs = frozenset(self._glyphs)
        if glyphs not in self.cidfont_obj.programs:
            super()._extract_subset(options)


@dataclass(frozen=True)
class _StampFont(GlyphAccumulatorFactory):
    """A font cut to one stamp text, serving its embedded program from memory after the first letter."""

    font_bytes: bytes = b""
    programs: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return _KeptSubsetAccumulator(
            writer=writer,
            font_handle=BytesIO(self.font_bytes),
            font_size=self.font_size,
            obj_stream=obj_stream,
            programs=self.programs,
        )


class _FixedMaskQRStamp(QRStamp):
    """pyHanko's QR stamp with the QR code drawn in mask :data:`QR_MASK` (its ``_qr_xobject`` otherwise)."""

    def _qr_xobject(self):
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK)
        qr.add_data(self.url)
        qr.make()
        commands = qr.make_image(image_factory=PdfStreamQRImage).render_command_stream()
        size = (qr.modules_count + 2 * qr.border) * qr.box_size
        xobject = init_xobject_dictionary(commands, size, size)
        xobject.compress()
        return self.writer.add_object(xobject), size


class _FixedMaskQRStampStyle(QRStampStyle):
    def create_stamp(self, writer, box, text_params) -> QRStamp:
        params = dict(text_params)
        url = params.pop("url")
        return _FixedMaskQRStamp(writer, style=self, url=url, text_params=params, box=box)


@lru_cache(maxsize=4)
def embedded_font(font_size: int = 8) -> GlyphAccumulatorFactory:
    """Liberation Sans as the stamps embed it (rescaled, see :func:`_font`; a subset per document, the
    subset's program kept for the next document with the same glyphs), for other text drawn on a letter."""
    return _StampFont(FONT_FILE, font_size=font_size, font_bytes=_font(FONT_FILE))


@lru_cache(maxsize=STYLES_KEPT)
def _stamp_style(font_size: int, with_qr: bool, stamp_text: str) -> TextStampStyle:
    """The style for one stamp text, with Liberation Sans cut to its characters."""
    font = _StampFont(FONT_FILE, font_size=font_size, font_bytes=_cut_to(_font(FONT_FILE), stamp_text))
    text_box = TextBoxStyle(font=font, font_size=font_size)
    cls = _FixedMaskQRStampStyle if with_qr else TextStampStyle
    return cls(stamp_text=stamp_text, text_box_style=text_box, border_width=0)
