"""The letters are PDF/A-2b when LibreOffice writes them and still once signed,
checked from the files (tests/pdfa.py says what is checked and why no validator)."""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from .pdfa import pdfa_problems
from .support import all_samples, sample, sign, text_pdf


def _written(writer) -> bytes:
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_check_finds_what_is_not_pdfa():
    """The fake converter's PDF claims nothing; a transparency group or encryption is named as such."""
    plain = text_pdf([("Surat", [])])
    assert pdfa_problems(plain) == [
        "XMP tidak menyatakan PDF/A-2 (part None, conformance None)",
        "tidak ada output intent GTS_PDFA1 dengan profil ICC", "fon tidak tertanam: /Helvetica"]

    writer = IncrementalPdfFileWriter(BytesIO(plain))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Group"] = generic.DictionaryObject({"/S": generic.NameObject("/Transparency")})
    writer.update_container(page)
    assert "grup transparansi" in pdfa_problems(_written(writer))

    encrypted = copy_into_new_writer(PdfFileReader(BytesIO(plain)))
    encrypted.encrypt("pemilik", "")
    assert pdfa_problems(_written(encrypted)) == ["dienkripsi"]


def _signed(client, created: dict, body: dict) -> bytes:
    """The sample once each of its signers has signed, in order (another test may have signed it already)."""
    signers = [body["penandatangan"], *body.get("mengetahui", [])]
    answers = [sign(client, created["id"], nip=official["nip"]).status_code for official in signers]
    assert set(answers) <= {200, 409}, answers
    return client.get(created["tautan"]["pdf"]).data


@pytest.mark.parametrize("wilayah, jenis", all_samples())
def test_every_sample_is_pdfa_as_printed_and_once_signed(printed_samples, wilayah, jenis):
    created, printed = printed_samples.issue(wilayah, jenis)
    assert pdfa_problems(printed) == []
    signed = _signed(printed_samples.client, created, sample(wilayah, jenis))
    assert signed.startswith(printed[:8]) and len(signed) > len(printed)
    assert pdfa_problems(signed) == []
