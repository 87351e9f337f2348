"""The visible stamp and the signature's size, as a reader of the letter sees them.

The stamp's font and font program are kept per official after the first
letter, and the QR code is drawn with a fixed mask: the tests read what a
person (a phone camera, a PDF viewer, a copy-paste) gets from the second
letter as well as from the first.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
from PIL import Image
from cryptography import x509

from signing import Appearance, KeyTimeStamper, PadesLevel, http_timestamper, sign_pdf, start_local_tsa
from signing.devpki import Official, issue_certificate, official_name

from .signing_helpers import APPLICANT, FOOTER, SIGNATURE_BOX, SUPERIOR


DPI = 150


def page_image(pdf: bytes) -> Image.Image:
    """The first page as poppler draws it."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "surat.pdf", Path(tmp) / "halaman"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(source), str(target)],
                       check=True, capture_output=True, timeout=60)
        with Image.open(target.with_suffix(".png")) as image:
            return image.convert("L")


def stamp_area(image: Image.Image) -> Image.Image:
    """The part of the page under SIGNATURE_BOX (PDF points from the bottom left)."""
    _, x1, y1, x2, y2 = SIGNATURE_BOX
    scale = DPI / 72
    return image.crop((int(x1 * scale), image.height - int(y2 * scale),
                       int(x2 * scale), image.height - int(y1 * scale)))


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def signed_by(official: Official, signer, letter_pdf: bytes, url: str) -> bytes:
    return sign_pdf(
        letter_pdf, signer, field_name="TTD", box=SIGNATURE_BOX,
        appearance=Appearance(official.jabatan, official.nama, official.nip, qr_url=url, footer=FOOTER),
    )


def test_qr_code_of_each_letter_scans_to_its_own_address(letter_pdf, signer):
    urls = [f"https://surat.example.go.id/verifikasi/{n:032x}" for n in (1, 2, 3)]
    for url in urls:  # the first letter builds the stamp's font; the others reuse it
        pdf = signed_by(SUPERIOR, signer, letter_pdf, url)
        codes = zxingcpp.read_barcodes(page_image(pdf))
        assert [(c.format.name, c.text) for c in codes] == [("QRCode", url)]


def test_later_letters_carry_the_same_stamp_text(letter_pdf, signer):
    url = "https://surat.example.go.id/verifikasi/0123456789abcdef0123456789abcdef"
    first, second = (signed_by(SUPERIOR, signer, letter_pdf, url) for _ in range(2))
    for pdf in (first, second):
        text = text_of(pdf)
        assert f"{SUPERIOR.jabatan} {SUPERIOR.nama} NIP {SUPERIOR.nip}" in text
        assert "Otoritas Sertifikat suratkerja" in text
    assert stamp_area(page_image(first)).tobytes() == stamp_area(page_image(second)).tobytes()


def test_officials_in_turn_each_get_their_own_name_and_signature(letter_pdf, pki, signer, applicant_signer):
    url = "https://surat.example.go.id/verifikasi/x"
    for official, key in [(SUPERIOR, signer), (APPLICANT, applicant_signer), (SUPERIOR, signer)]:
        pdf = signed_by(official, key, letter_pdf, url)
        report = pki.verify(pdf)
        assert report.indication == "TOTAL_PASSED", report.problems
        assert report.signatures[0].signer_nip == official.nip
        assert official.nama in text_of(pdf)


def test_a_name_with_characters_no_other_stamp_used_prints_whole(letter_pdf, pki, tmp_path):
    official = Official("Ñoman Ärjuna Özil, S.E.", "199001012015031002", "Analis Kebijakan Ahli Muda")
    key = pki.signer(official)
    pdf = signed_by(official, key, letter_pdf, "https://surat.example.go.id/verifikasi/y")
    assert f"{official.nama} NIP {official.nip}" in text_of(pdf)
    assert pki.verify(pdf).indication == "TOTAL_PASSED"


@pytest.fixture(scope="module")
def long_chain_tsa(pki):
    """A TSA whose tokens carry twelve more certificates than ours (~17 KB a token, more than the 12 KB once set aside)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    extra = [
        pki.dev.asn1(issue_certificate(
            pki.dev.issuing, official_name(Official(f"Perantara {i}", f"19900101201503{i:04d}", "CA"), "Uji"),
            key, kind="signer"))
        for i in range(12)
    ]
    tsa_key = serialization.load_pem_private_key((pki.dev.directory / "tsa.key.pem").read_bytes(), None)
    tsa_cert = pki.dev.asn1(x509.load_pem_x509_certificate((pki.dev.directory / "tsa.pem").read_bytes()))
    chain = [pki.dev.asn1(pki.dev.issuing.cert), pki.dev.asn1(pki.root), *extra]
    server = start_local_tsa(KeyTimeStamper(tsa_cert, tsa_key, chain))
    yield server
    server.stop()


def test_a_tsa_with_a_long_chain_still_fits(letter_pdf, pki, signer, long_chain_tsa):
    timestamper = http_timestamper(long_chain_tsa.url, timeout=10)
    pdf = sign_pdf(letter_pdf, signer, field_name="TTD", level=PadesLevel.B_T, timestamper=timestamper)
    report = pki.verify(pdf)
    assert report.indication == "TOTAL_PASSED", report.problems
    assert report.signatures[0].timestamp_time is not None


def test_signature_space_follows_the_tsa(letter_pdf, signer, timestamper, long_chain_tsa):
    """The file grows by what its time stamps need, not by a fixed allowance."""
    ours = sign_pdf(letter_pdf, signer, field_name="TTD", level=PadesLevel.B_T, timestamper=timestamper)
    longer = sign_pdf(letter_pdf, signer, field_name="TTD", level=PadesLevel.B_T,
                      timestamper=http_timestamper(long_chain_tsa.url, timeout=10))
    untimed = sign_pdf(letter_pdf, signer, field_name="TTD", level=PadesLevel.B_B)
    assert len(untimed) < len(ours) < len(longer)
