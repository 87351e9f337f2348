"""Who gives paraf on a draft: the request's ordered ``verifikator``, else the unit's default route in the
directory; and the state a draft starts in because of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..directory.models import Unit
from ..issuing.validation import ValidLetter
from ..letters.checks import pointer
from ..plumbing.errors import Finding, InvalidRequest
from ..plumbing.models import DRAFT, READY
from ..plumbing.services import Services

RULE = ("Permendagri 1/2023 tentang Tata Naskah Dinas di Lingkungan Pemerintah Daerah, ketentuan paraf "
        "konsep naskah dinas oleh pejabat di bawah penandatangan (dikutip dari sumber sekunder)")
"""What a finding about the paraf route names (no primary text of the article was at hand: cited second-hand)."""


def with_route(services: Services, payload: Any) -> Any:
    """``payload`` with the unit's default paraf route as its ``verifikator``, where it names none and the
    directory has one for its issuing unit (the directory fills each verifikator's nama and jabatan)."""
    if not isinstance(payload, dict) or "verifikator" in payload:
        return payload
    unit = payload.get("pengirim")
    kode, wilayah = (unit.get("kode") if isinstance(unit, dict) else None), payload.get("wilayah")
    if not isinstance(kode, str) or not isinstance(wilayah, str):
        return payload
    with services.sessions() as session:
        route = session.scalar(select(Unit.rute_paraf).where(Unit.wilayah == wilayah, Unit.kode == kode))
    return {**payload, "verifikator": [{"nip": nip} for nip in route]} if route else payload


def check_route(valid: ValidLetter) -> None:
    """Each verifikator once, and not the penandatangan (who approves by signing).

    :raises InvalidRequest: one finding per verifikator listed twice or signing.
    """
    signer, seen, findings = valid.data["penandatangan"]["nip"], set(), []
    for i, person in enumerate(valid.data["verifikator"]):
        if person["nip"] == signer:
            findings.append(Finding(pointer("verifikator", i, "nip"), "verifikator_penandatangan",
                                    "Penandatangan tidak memberi paraf pada konsep yang ia tandatangani.", RULE))
        elif person["nip"] in seen:
            findings.append(Finding(pointer("verifikator", i, "nip"), "verifikator_ganda",
                                    f"{person['nama']} sudah ada dalam rute paraf.", RULE))
        seen.add(person["nip"])
    if findings:
        raise InvalidRequest(findings)


def check_no_route(valid: ValidLetter) -> None:
    """Create-and-sign is for a system that reviewed the letter itself: paraf cannot be given in one call.

    :raises InvalidRequest: the request names verifikator.
    """
    if valid.data["verifikator"]:
        raise InvalidRequest([Finding(
            "/verifikator", "paraf_tidak_dalam_satu_panggilan",
            "Terbit-dan-tandatangani tidak melalui paraf; terbitkan konsep (POST /api/v1/surat/<jenis>) "
            "agar verifikator dapat memberi paraf.", RULE)])


def status_of_draft(verifikator: list) -> str:
    """A new version starts waiting for the first paraf, or ready to sign when no one gives paraf."""
    return DRAFT if verifikator else READY
