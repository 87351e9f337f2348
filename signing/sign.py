"""Sign a PDF as PAdES baseline B-B, B-T, B-LT or B-LTA with pyHanko.

The first signature on a letter is a *certification* signature (DocMDP).
With ``docmdp="no_changes"`` (P=1) nothing may follow it except validation
data and document time stamps. When a countersignature must follow (the
applicant signs, the superior countersigns "Mengetahui"), certify with
``docmdp="form_filling"`` (P=2) and name the later field in
``empty_fields``: it is created, empty and with its box, in the same
revision as the certification, so the countersignature only *fills* an
existing field, which is the change P=2 allows and which
:mod:`signing.verify` accepts (it rejects any other new field).
"""

from __future__ import annotations

import enum
import logging
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from fontTools import ttLib
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import (
    GlyphAccumulator,
    GlyphAccumulatorFactory,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp import QRStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext

from .errors import SigningError

logger = logging.getLogger(__name__)

FONT_FILE = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
HEADING = "Ditandatangani secara elektronik oleh:"
_TIMESTAMP_ALLOWANCE = 12 * 1024
"""DER bytes reserved for a signature time-stamp token (token, TSA chain)."""
_CMS_OVERHEAD = 4 * 1024
"""DER bytes for signed attributes, the signature value and structure."""


class PadesLevel(enum.Enum):
    """PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def rank(self) -> int:
        return list(PadesLevel).index(self)


DOCMDP = {
    "no_changes": fields.MDPPerm.NO_CHANGES,
    "form_filling": fields.MDPPerm.FILL_FORMS,
}


@dataclass(frozen=True)
class Appearance:
    """What the visible signature shows.

    :param qr_url: encoded as a QR code left of the text (omit for none).
    :param footer: sentence printed under the signer's details, e.g. which
        authority issued the certificate; wrapped to ``footer_width``.
    """

    jabatan: str
    nama: str
    nip: str
    qr_url: str | None = None
    footer: str | None = None
    heading: str = HEADING
    font_size: int = 8
    footer_width: int = 60

    def text(self) -> str:
        lines = [self.heading, self.jabatan, self.nama, f"NIP {self.nip}"]
        if self.footer:
            lines += [""] + textwrap.wrap(self.footer, self.footer_width)
        # the stamp text is a %-template: keep literal percent signs
        return "\n".join(lines).replace("%", "%%")


Box = tuple[int, float, float, float, float]
"""``(page_index, x1, y1, x2, y2)`` in PDF points from the bottom left."""


_UNEMBEDDED_TABLES = ("GSUB", "GPOS", "GDEF", "FFTM")
"""Tables pyHanko's subsetting drops from every embedded font anyway (and
FFTM, which fontTools cannot subset and warns about each time)."""


@lru_cache(maxsize=4)
def _font_bytes(path: str) -> bytes:
    """The font at ``path``, rescaled to 1000 units per em, without the tables it drops.

    pyHanko writes glyph widths (``/W``) and kerning in font units, but PDF
    reads them as 1/1000 em: right for fonts with 1000 units per em, twice
    too wide for TrueType fonts such as Liberation Sans (2048). Rescaling
    the font once makes the two agree. The layout tables are not embedded,
    yet decoding them for every signature's subset took half its time;
    without them HarfBuzz kerns from the legacy ``kern`` table.
    """
    font = ttLib.TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    for tag in _UNEMBEDDED_TABLES:
        if tag in font:
            del font[tag]
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _CachedFont(GlyphAccumulatorFactory):
    """pyHanko's TrueType embedding over :func:`_font_bytes`.

    The stock factory also opens the file for every signature and never
    closes it (a ResourceWarning each time); this one serves it from memory.
    """

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


@lru_cache(maxsize=8)
def _stamp_style(font_size: int, with_qr: bool, stamp_text: str):
    """Build (once per text) a stamp style with Liberation Sans embedded."""
    text_box = TextBoxStyle(
        font=_CachedFont(FONT_FILE, font_size=font_size),
        font_size=font_size,
    )
    cls = QRStampStyle if with_qr else TextStampStyle
    return cls(stamp_text=stamp_text, text_box_style=text_box, border_width=0)


def _field_spec(name: str, box: Box | None) -> fields.SigFieldSpec:
    if box is None:
        return fields.SigFieldSpec(sig_field_name=name)
    page, *rect = box
    return fields.SigFieldSpec(
        sig_field_name=name, on_page=page, box=tuple(int(v) for v in rect)
    )


def _bytes_reserved(signer: signers.Signer, timestamped: bool) -> int:
    """Size of the /Contents placeholder, so pyHanko need not estimate it.

    Estimating means producing a throw-away signature (and time stamp)
    first; a bound from the certificate sizes is exact enough and free.
    """
    certs = [signer.signing_cert, *signer.cert_registry]
    der = sum(len(c.dump()) for c in certs) + _CMS_OVERHEAD
    if timestamped:
        der += _TIMESTAMP_ALLOWANCE
    return 2 * der  # hex-encoded in the file


def sign_pdf(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    field_name: str,
    level: PadesLevel = PadesLevel.B_B,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    box: Box | None = None,
    appearance: Appearance | None = None,
    certify: bool = True,
    docmdp: str = "no_changes",
    empty_fields: Sequence[tuple[str, Box]] = (),
    reason: str | None = None,
    location: str | None = None,
) -> bytes:
    """Sign ``pdf_bytes`` in field ``field_name`` and return the new file.

    The signature is an incremental update: earlier signatures stay valid.

    :param signer: from :func:`~signing.signers.load_pkcs12_signer` or the
        ``signer`` of :func:`~signing.signers.load_pkcs11_signer`.
    :param level: B-T and above need ``timestamper``; B-LT and B-LTA need
        ``validation_context`` (trust roots and CRLs, used to collect the
        validation data stored in the DSS).
    :param box: where the visible signature goes; ``None`` for an invisible
        one, or when ``field_name`` already exists (it keeps its box).
    :param certify: certification (DocMDP) signature; ``False`` for an
        approval signature, e.g. the countersignature.
    :param docmdp: ``"no_changes"`` (P=1) or ``"form_filling"`` (P=2).
    :param empty_fields: ``(name, box)`` of signature fields to create empty
        in this revision, to be signed later (with ``docmdp="form_filling"``).
    :raises SigningError: anything that prevents signing (bad input PDF,
        signature not allowed by an existing certification, TSA failure …).
    """
    if level.rank >= PadesLevel.B_T.rank and timestamper is None:
        raise SigningError(f"PAdES {level.value} needs a timestamper")
    if level.rank >= PadesLevel.B_LT.rank and validation_context is None:
        raise SigningError(f"PAdES {level.value} needs a validation context")
    if docmdp not in DOCMDP:
        raise SigningError(f"docmdp must be one of {sorted(DOCMDP)}")
    if empty_fields and not (certify and docmdp == "form_filling"):
        raise SigningError("empty fields are for a P=2 certification")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=DOCMDP[docmdp],
        reason=reason,
        location=location,
        embed_validation_info=level.rank >= PadesLevel.B_LT.rank,
        use_pades_lta=level is PadesLevel.B_LTA,
        validation_context=validation_context,
    )
    style, text_params = None, None
    if appearance is not None:
        style = _stamp_style(
            appearance.font_size, bool(appearance.qr_url), appearance.text()
        )
        text_params = {"url": appearance.qr_url} if appearance.qr_url else {}
    timestamped = level is not PadesLevel.B_B
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        for name, empty_box in empty_fields:
            fields.append_signature_field(writer, _field_spec(name, empty_box))
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper if timestamped else None,
            stamp_style=style,
            new_field_spec=_field_spec(field_name, box) if box else None,
        )
        out = pdf_signer.sign_pdf(
            writer,
            bytes_reserved=_bytes_reserved(signer, timestamped),
            appearance_text_params=text_params,
        )
    except (PdfError, ValueError, KeyError, OSError) as exc:
        raise SigningError(f"could not sign: {exc}") from exc
    logger.info("signed field %s at PAdES %s", field_name, level.value)
    return out.getvalue()
