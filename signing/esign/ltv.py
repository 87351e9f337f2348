"""Long-term validation for a file the Esign service signed.

The service answers PAdES B-T: a signature with its time stamp, without
the certificates and revocation data a verifier needs once the
certificates have expired or BSrE's CRL server is gone. Where the letter's
level is B-LT or B-LTA, the service adds them itself, in incremental
updates after the remote signature (pyHanko's validation-info update,
then, for B-LTA, a document time stamp from the configured authority
that also covers that data). A returned signature without its own time
stamp gets a document time stamp from B-T up, which gives it its time.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import async_add_validation_info
from pyhanko_certvalidator import ValidationContext

from ..errors import SigningError
from ..loop import run
from ..sign import PadesLevel


def augment(pdf: bytes, level: PadesLevel, *, timestamped: bool, timestamper: TimeStamper | None,
            validation_context: ValidationContext | None) -> bytes:
    """``pdf`` (its last signature the remote one) raised to ``level``.

    :param timestamped: whether the remote signature carries its own time stamp.
    :raises SigningError: the time stamp authority or the validation data failed.
    """
    needs_timestamp = level is PadesLevel.B_LTA or (level.rank >= PadesLevel.B_T.rank and not timestamped)
    if level.rank >= PadesLevel.B_LT.rank and validation_context is None:
        raise SigningError(f"PAdES {level.value} needs a validation context")
    if needs_timestamp and timestamper is None:
        raise SigningError(f"PAdES {level.value} needs a timestamper")
    try:
        return run(_augment(pdf, level.rank >= PadesLevel.B_LT.rank, needs_timestamp, timestamper,
                            validation_context), release=validation_context)
    except Exception as exc:  # noqa: BLE001 - a TSA failure is an OSError; validation raises its own types
        raise SigningError(f"could not add long-term validation data: {exc}") from exc


async def _augment(pdf, validation_data, timestamp, timestamper, context) -> bytes:
    if validation_data:
        pdf = await _add_validation_info(pdf, context)
    if timestamp:
        pdf = await _timestamp(pdf, timestamper, context)
    return pdf


async def _add_validation_info(pdf: bytes, context: ValidationContext) -> bytes:
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[-1]
    out = await async_add_validation_info(signature, context, embed_roots=False)
    return out.getvalue()


async def _timestamp(pdf: bytes, timestamper: TimeStamper, context: ValidationContext | None) -> bytes:
    out = await PdfTimeStamper(timestamper).async_timestamp_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), "sha256", validation_context=context, embed_roots=False,
    )
    return out.getvalue()
