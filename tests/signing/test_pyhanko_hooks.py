"""pyHanko's private names we override still exist, fit, and are called when we sign.

pyhanko is pinned to one minor version (pyproject.toml); these tests are
what to run first when moving the pin. The hooks:

* ``pyhanko.sign.signers.Signer._signed_attr_providers``, overridden by
  :class:`signing.signers.PreparedAttributes` (the base of ``KeySigner`` and
  of the CSC signer) to give the signing-certificate-v2 attribute built once
  (:class:`signing.signers._ParsedSigningCertificate`);
* ``pyhanko.pdf_utils.font.opentype.GlyphAccumulator._extract_subset``,
  overridden by ``signing.stamp._KeptSubsetAccumulator`` (which also reads
  the accumulator's private ``_glyphs``) to cut a stamp font once per text;
* ``pyhanko.pdf_utils.font.opentype.CIDFontType2.set_font_file``, overridden
  by ``signing.stamp._KeptProgramCIDFont`` (which writes the font's private
  ``_font_descriptor``) to embed that kept font program;
* ``pyhanko.stamp.qr.QRStamp._qr_xobject``, overridden by
  ``signing.stamp._FixedMaskQRStamp`` to draw the QR code in one mask;
* ``pyhanko.sign.timestamps.DummyTimeStamper._sign_tst_info``, overridden by
  :class:`signing.timestamps.KeyTimeStamper` (the development TSA) to sign
  with a parsed key.

A private attribute read or written inside an override (``_glyphs``,
``_font_descriptor``) that pyHanko renamed fails the signing below.
"""

from __future__ import annotations

import functools
import inspect

import pytest
from pyhanko.pdf_utils.font.opentype import CIDFontType2, GlyphAccumulator
from pyhanko.sign.signers import Signer
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.stamp.qr import QRStamp

from signing import PadesLevel, load_dev_timestamper, sign_pdf
from signing.signers import PreparedAttributes, _ParsedSigningCertificate
from signing.stamp import _FixedMaskQRStamp, _KeptProgramCIDFont, _KeptSubsetAccumulator
from signing.timestamps import KeyTimeStamper

from .signing_helpers import SIGNATURE_BOX, SUPERIOR, appearance

HOOKS = [
    (PreparedAttributes, Signer, "_signed_attr_providers"),
    (_KeptSubsetAccumulator, GlyphAccumulator, "_extract_subset"),
    (_KeptProgramCIDFont, CIDFontType2, "set_font_file"),
    (_FixedMaskQRStamp, QRStamp, "_qr_xobject"),
    (KeyTimeStamper, DummyTimeStamper, "_sign_tst_info"),
]


def _parameters(function) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("ours, theirs, name", HOOKS, ids=[name for _, _, name in HOOKS])
def test_the_hook_we_override_is_still_pyhankos_with_our_signature(ours, theirs, name):
    assert issubclass(ours, theirs) and name in vars(ours)
    original = getattr(theirs, name, None)
    assert callable(original), f"pyHanko no longer has {theirs.__name__}.{name}"
    override = vars(ours)[name]
    if _parameters(override) == [("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                                 ("args", inspect.Parameter.VAR_POSITIONAL),
                                 ("kwargs", inspect.Parameter.VAR_KEYWORD)]:
        return  # passes everything through to pyHanko's own
    assert _parameters(override) == _parameters(original)


def test_every_hook_is_called_when_a_letter_is_signed(monkeypatch, pki, signer, letter_pdf):
    calls: dict[str, int] = {}

    def counted(cls, name):
        method = vars(cls)[name]

        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return method(*args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)

    for ours, _, name in HOOKS:
        counted(ours, name)
    counted(_ParsedSigningCertificate, "build_attr_value")
    signed = sign_pdf(letter_pdf, signer, field_name="TTD", level=PadesLevel.B_T,
                      timestamper=load_dev_timestamper(pki.dev.directory), box=SIGNATURE_BOX,
                      appearance=appearance(SUPERIOR))
    assert set(calls) == {name for _, _, name in HOOKS} | {"build_attr_value"}, calls
    report = pki.verify(signed)
    assert report.indication == "TOTAL_PASSED", report.problems
