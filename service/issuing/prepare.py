"""The first step of every issuing use case: the request filled from the
letters it names and from the pemda's directory, validated against its
region's rules, its links checked.

Nothing is numbered or written here; what fails is a 4xx with every finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..chain import Link, check_links, prefill
from ..directory.delegation import check_delegation
from ..directory.fill import fill_from_directory
from ..plumbing.errors import InvalidRequest
from ..plumbing.services import Services
from ..plumbing.timing import stage
from .validation import ValidLetter, validate_letter


@dataclass(frozen=True)
class Prepared:
    """A request filled from the letters it names, valid, with its links checked."""

    valid: ValidLetter
    links: list[Link]


def prepare(services: Services, jenis: str, payload: Any) -> Prepared:
    """Fill the request from the letters it names and from the directory, validate it, check the rules across
    letters and, for a letter signed on someone's behalf, the delegation register on the letter's date (today
    when the request gives none).

    :raises NotFound: unknown ``jenis``.
    :raises InvalidRequest: a rule of the letter, of the directory or of the chain is broken.
    """
    with stage("validate"), services.sessions() as session:
        payload = prefill(session, jenis, payload, services.profiles)
        payload, refused = fill_from_directory(session, jenis, payload, services.profiles)
        try:
            valid = validate_letter(jenis, payload, services.profiles)
        except InvalidRequest as e:
            raise InvalidRequest(refused + e.findings) from None
        from .printing import today  # printing prints what prepare gives: imported once both are loaded
        refused += check_delegation(session, valid.profile.kode, valid.data, valid.data.get("tanggal") or today())
        if refused:
            raise InvalidRequest(refused)
        return Prepared(valid, check_links(session, valid))
