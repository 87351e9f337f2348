"""Constants and helpers shared by the signing tests (imported by name:
test modules here are top-level modules, so no relative imports)."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import crl as asn1_crl
from pyhanko_certvalidator import ValidationContext

from signing import Appearance, load_pkcs12_signer, verify_pdf
from signing.devpki import DevPki, Official

from tests.support import PASSPHRASE

# Officials of the signing tests, beside the samples' in the session PKI (NIPs no sample uses).
APPLICANT = Official("Dewi Lestari, S.Kom.", "198703152010012004", "Pranata Komputer Ahli Muda")
SUPERIOR = Official("Ir. Budi Santoso, M.T.", "196905141994031007", "Kepala Dinas Komunikasi dan Informatika")
FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat "
    "elektronik yang diterbitkan oleh Otoritas Sertifikat suratkerja"
)
LETTER_TEXT = """PEMERINTAH KABUPATEN HULU SUNGAI SELATAN
DINAS KOMUNIKASI DAN INFORMATIKA

Nomor   : 800.1.11/7/DISKOMINFO/2026
Sifat   : Biasa
Hal     : Permohonan Pelibatan Pejabat Fungsional

Yth. Kepala Badan Perencanaan Pembangunan Daerah
di Kandangan

Dengan hormat, sehubungan dengan pelaksanaan kegiatan transformasi digital
pelayanan publik, kami mengajukan permohonan pelibatan Saudari Dewi Lestari,
S.Kom., Pranata Komputer Ahli Muda, dalam tim kerja lintas unit.

Demikian permohonan ini kami sampaikan; atas perhatian Bapak/Ibu kami ucapkan
terima kasih.
"""
SIGNATURE_BOX = (0, 300, 60, 560, 160)
COUNTER_BOX = (0, 40, 60, 290, 160)


def appearance(official: Official) -> Appearance:
    return Appearance(
        jabatan=official.jabatan,
        nama=official.nama,
        nip=official.nip,
        qr_url=f"http://127.0.0.1:8000/verifikasi/{official.nip}",
        footer=FOOTER,
    )


class Pki:
    """The test PKI with helpers in the shapes the tests need."""

    def __init__(self, directory: Path):
        self.dev = DevPki(directory).ensure()
        self.root = self.dev.root.cert
        self.crls = [p.read_bytes() for p in self.dev.crl_paths]

    def p12(self, official: Official) -> Path:
        return self.dev.add_official(official, PASSPHRASE.encode())

    def signer(self, official: Official):
        return load_pkcs12_signer(self.p12(official), PASSPHRASE)

    def validation_context(self) -> ValidationContext:
        return ValidationContext(
            trust_roots=[self.dev.asn1(self.root)],
            other_certs=[self.dev.asn1(self.dev.issuing.cert)],
            crls=[asn1_crl.CertificateList.load(c) for c in self.crls],
            allow_fetching=False,
        )

    def verify(self, pdf: bytes):
        return verify_pdf(pdf, trust_roots=[self.root], crls=self.crls)
