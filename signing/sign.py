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
from collections.abc import Sequence
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from .errors import SigningError, WrongPassphrase
from .loop import run
from .placement import Box, Placement, resolve
from .stamp import Appearance

logger = logging.getLogger(__name__)

_CMS_OVERHEAD = 2 * 1024
"""DER bytes for the signed attributes, the signature value (871 bytes in all
with a 2048-bit RSA key; a 4096-bit key adds 256) and the structure."""

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


def _field_spec(name: str, box: Box | None) -> fields.SigFieldSpec:
    if box is None:
        return fields.SigFieldSpec(sig_field_name=name)
    page, *rect = box
    return fields.SigFieldSpec(
        sig_field_name=name, on_page=page, box=tuple(int(v) for v in rect)
    )


def _bytes_reserved(signer: signers.Signer, timestamper: TimeStamper | None) -> int:
    """Size of the /Contents placeholder, so pyHanko need not estimate it.

    Estimating means producing a throw-away signature (and time stamp)
    for every letter. The sizes of the certificates it carries (a root
    only where the signer embeds roots) are known; a time-stamp
    token's is taken from the one token pyHanko's timestamper fetches (once)
    and keeps for size estimates, plus a quarter for a longer serial
    number, nonce or TSA chain. Every byte reserved is written, and read
    back by every verification, as two hex digits.
    """
    chain = [c for c in signer.cert_registry if signer.embed_roots or not c.self_issued]
    der = sum(len(c.dump()) for c in [signer.signing_cert, *chain]) + _CMS_OVERHEAD
    if timestamper is not None:
        token = len(run(timestamper.async_dummy_response("sha256")).dump())
        der += token + token // 4
    return 2 * der  # hex-encoded in the file


def sign_pdf(
    pdf_bytes: bytes,
    signer: signers.Signer,
    *,
    field_name: str,
    level: PadesLevel = PadesLevel.B_B,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    box: Placement = None,
    appearance: Appearance | None = None,
    certify: bool = True,
    docmdp: str = "no_changes",
    empty_fields: Sequence[tuple[str, Placement]] = (),
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
    :param box: where the visible signature goes: a :data:`Box`, or a
        :class:`~signing.placement.BelowDestination` found in the PDF;
        ``None`` (or a destination the PDF lacks) for an invisible one, or
        when ``field_name`` already exists (it keeps its box).
    :param certify: certification (DocMDP) signature; ``False`` for an
        approval signature, e.g. the countersignature.
    :param docmdp: ``"no_changes"`` (P=1) or ``"form_filling"`` (P=2).
    :param empty_fields: ``(name, box)`` of signature fields to create empty
        in this revision, to be signed later (with ``docmdp="form_filling"``).
    :raises WrongPassphrase: a remote signer's service refused the official's PIN
        (it is asked while signing, e.g. CSC at SCAL2).
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
    style = appearance.style() if appearance is not None else None
    text_params = appearance.text_params() if appearance is not None else None
    timestamper = timestamper if level is not PadesLevel.B_B else None
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
        for name, empty_box in empty_fields:
            fields.append_signature_field(writer, _field_spec(name, resolve(empty_box, writer.prev)))
        box = resolve(box, writer.prev)
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=_field_spec(field_name, box) if box else None,
        )
        out = run(
            pdf_signer.async_sign_pdf(
                writer,
                bytes_reserved=_bytes_reserved(signer, timestamper),
                appearance_text_params=text_params,
            ),
            release=validation_context,
        )
    except WrongPassphrase:
        raise  # a remote signer that authorises while signing (CSC at SCAL2) refused the PIN
    except Exception as exc:  # noqa: BLE001 - a TSA failure is an OSError; a token or remote signer raises its own types
        raise SigningError(f"could not sign: {exc}") from exc
    logger.info("signed field %s at PAdES %s", field_name, level.value)
    return out.getvalue()
