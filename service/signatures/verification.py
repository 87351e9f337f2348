"""Is this PDF a genuine, unaltered letter of this service?

The cryptographic verdict comes from ``signing.verify_pdf`` (strict: any
change after signing fails); whether the file is a letter issued here is
decided by the registry, byte for byte, by SHA-256.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

import signing

from ..access.audience import SECRET
from ..letters.common import blok_satu_baris
from ..plumbing.errors import InvalidRequest, Finding
from ..plumbing.models import REVOKED, SIGNED, Paraf, Riwayat, Surat, as_utc
from ..plumbing.services import Services

NOT_PDF = "ISO 32000-2 (format PDF)"
SIGNATURE_STEP = "ditandatangani"
"""How the history names the step that made a signed file (``ditandatangani``, ``ditandatangani_mengetahui``)."""


class UnreadablePdf(InvalidRequest):
    """Not a PDF, encrypted, or too damaged to read: 422 with the report."""

    title = "Berkas tidak dapat diperiksa"

    def __init__(self, message: str, report: dict | None = None):
        super().__init__([Finding("", "berkas_tidak_terbaca", message, NOT_PDF)], message)
        self.report = report

    def problem(self) -> dict:
        problem = super().problem()
        if self.report is not None:
            problem["laporan"] = self.report
        return problem


def issued_letter(services: Services, sha256: str) -> tuple[Surat, str, list[Paraf]] | None:
    """The letter one of whose files (any version) has ``sha256``, the history step that made that file
    (a signature where one did), and the paraf on the version it signed.

    Every file a letter has had is in its history (each version's preview, the numbered file, each
    signature), looked up by index: the answer takes as long with ten letters as with a hundred thousand.
    """
    with services.sessions() as session:
        rows = session.execute(
            select(Surat, Riwayat.aksi).join(Riwayat, Riwayat.surat_id == Surat.id).where(Riwayat.sha256 == sha256)
            .order_by(Riwayat.aksi.like(f"{SIGNATURE_STEP}%").desc(), Riwayat.id).limit(1)
        ).first()
        if rows is None:
            return None
        surat, aksi = rows
        return surat, aksi, paraf_signed(session, surat)


def paraf_signed(session, surat: Surat) -> list[Paraf]:
    """The paraf on the version that was signed (none before a signature: a draft's paraf are not public)."""
    if surat.signed_sha256 is None:
        return []
    return list(session.scalars(select(Paraf).where(Paraf.surat_id == surat.id, Paraf.versi == surat.versi)
                                .order_by(Paraf.urutan)))


def public_revocation(surat: Surat) -> dict | None:
    """When and why a letter was revoked, and by which letter: not who (a key's name stays in the register)."""
    if surat.pencabutan is None:
        return None
    return {k: surat.pencabutan.get(k) for k in ("waktu", "alasan", "nomor", "tanggal")}


def letter_summary(surat: Surat, paraf: list[Paraf]) -> dict:
    """What anyone holding a letter may learn of it: for a Rahasia or Sangat Rahasia letter, not its hal.

    A revoked letter says since when and why (the revocation is public: whoever holds the letter must
    learn it is no longer in force). A signed letter says who gave ``paraf`` on the version signed
    ("diparaf oleh …": name, jabatan, when; not the NIP). ``ditandatangani_sebagai`` is the signature
    block's jabatan, with on whose behalf it was signed (``a.n. Kepala Dinas X, Sekretaris``), as the
    letter prints it.
    """
    summary = {
        "id": surat.id, "jenis": surat.jenis, "nomor": surat.nomor, "tanggal": surat.tanggal and surat.tanggal.isoformat(),
        "hal": surat.hal, "wilayah": surat.wilayah, "unit": surat.unit_nama, "status": surat.status,
        "sifat": surat.sifat, "pencabutan": public_revocation(surat),
        "paraf": [{"nama": p.nama, "jabatan": p.jabatan, "waktu": as_utc(p.waktu).isoformat()} for p in paraf],
        "ditandatangani_sebagai": blok_satu_baris(surat.permintaan["penandatangan"]),
    }
    if surat.sifat in SECRET:
        del summary["hal"]
    return summary


def verify_upload(services: Services, pdf: bytes) -> dict:
    """The report on an uploaded PDF.

    :raises UnreadablePdf: not a PDF, encrypted or unreadable.
    """
    if b"%PDF-" not in pdf[:1024]:
        raise UnreadablePdf("Berkas bukan PDF.")
    setup = services.signing
    report = signing.verify_pdf(
        pdf, trust_roots=setup.trust_roots, other_certs=setup.other_certs, crls=setup.crls,
    ).to_dict()
    sha256 = hashlib.sha256(pdf).hexdigest()
    match = issued_letter(services, sha256)
    report["terbitan"] = letter_summary(match[0], match[2]) if match else None
    report["identik_dengan_terbitan"] = bool(match)
    report["versi_terbaru"] = bool(match and match[0].current_sha256 == sha256)
    report["tanda_tangan_utuh"] = intact(report)
    report["keberlakuan"] = standing(match[0], match[1], sha256) if match else None
    if report["sub_indication"] == "FORMAT_FAILURE" and not match:
        raise UnreadablePdf("PDF rusak, terenkripsi, atau tidak dapat dibaca sebagai PDF bertanda tangan.", report)
    return report


def intact(report: dict) -> bool:
    """Every signature's bytes unchanged and its cryptography valid: said apart from whether the letter
    is in force (a revoked letter's signatures stay intact; the register, not the file, revokes it)."""
    signatures = [s for s in report["signatures"] if s["kind"] == "signature"]
    return bool(signatures) and all(s["intact"] and s["crypto_valid"] for s in signatures)


IN_FORCE, REVOKED_STANDING, DRAFT_STANDING, SUPERSEDED = "berlaku", "dicabut", "konsep", "versi_lama"
STANDING_TEXT = {
    IN_FORCE: "Surat ini berlaku.",
    REVOKED_STANDING: "DICABUT: surat ini tidak berlaku lagi.",
    DRAFT_STANDING: "Berkas ini pratinjau konsep yang belum ditandatangani, bukan surat yang berlaku.",
    SUPERSEDED: "Berkas ini versi lama surat ini; versi yang berlaku memuat tanda tangan berikutnya.",
}


def standing(surat: Surat, aksi: str, sha256: str) -> dict:
    """Whether the letter this file is a version of is in force, as the register says (not the signature);
    ``aksi`` is the history step that made the file.

    In order: revoked (whatever the file); a file no signature made (a version's preview, before or after
    paraf, the numbered file before its signature, a file sent to BSrE): a draft, not a letter in force,
    even once the letter is signed; an earlier signed version (superseded by a later signature);
    otherwise in force or still waiting for its signatures.
    """
    if surat.status == REVOKED:
        state = REVOKED_STANDING
    elif not aksi.startswith(SIGNATURE_STEP):
        state = DRAFT_STANDING
    elif sha256 != surat.current_sha256:
        state = SUPERSEDED
    else:
        state = IN_FORCE if surat.status == SIGNED else surat.status
    return {"status": state, "keterangan": STANDING_TEXT.get(state, f"Surat ini berstatus {state}."),
            "pencabutan": public_revocation(surat)}
