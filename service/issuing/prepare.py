"""The first step of every issuing use case: the request filled from the
letters it names and from the pemda's directory, validated against its
region's rules, its links checked.

Nothing is numbered or written here; what fails is a 4xx with every finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete

from ..chain import Link, check_links, prefill
from ..chain.rules import check_still_in_force
from ..directory.delegation import check_delegation
from ..directory.fill import fill_from_directory
from ..plumbing.errors import InvalidRequest
from ..plumbing.models import Surat, Tautan
from ..plumbing.services import Services
from ..plumbing.timing import stage
from .validation import ValidLetter, validate_letter


@dataclass(frozen=True)
class Prepared:
    """A request filled from the letters it names, valid, with its links checked."""

    valid: ValidLetter
    links: list[Link]


def prepare(services: Services, jenis: str, payload: Any, revising: str | None = None) -> Prepared:
    """Fill the request from the letters it names and from the directory, validate it, check the rules across
    letters and, for a letter signed on someone's behalf, the delegation register on the letter's date (today
    when the request gives none).

    :param revising: the id of the draft this request revises: its own links do not count against it
        (it is checked as if it had none; nothing is written).
    :raises NotFound: unknown ``jenis``.
    :raises InvalidRequest: a rule of the letter, of the directory or of the chain is broken.
    """
    with stage("validate"), services.sessions() as session:
        if revising:
            _without_links(session, revising)
        payload = prefill(session, jenis, payload, services.profiles)
        payload, refused = fill_from_directory(session, jenis, payload, services.profiles)
        try:
            valid = validate_letter(jenis, payload, services.profiles)
        except InvalidRequest as e:
            raise InvalidRequest(refused + e.findings) from None
        refused += check_delegation(session, valid.profile.kode, valid.data, _date_of(valid))
        if refused:
            raise InvalidRequest(refused)
        return Prepared(valid, check_links(session, valid))


def recheck(services: Services, surat: Surat) -> ValidLetter:
    """A draft's request as approved, checked again when it is signed: its rules on the date it takes
    now, a delegation it is signed under still valid on that date, and the letters it names still in
    force (a request revoked meanwhile).

    It is not filled again: the letter signed is the letter approved.

    :raises InvalidRequest: a rule it no longer meets (revise the draft).
    """
    with stage("validate"), services.sessions() as session:
        valid = validate_letter(surat.jenis, surat.permintaan, services.profiles)
        refused = check_delegation(session, valid.profile.kode, valid.data, _date_of(valid))
        if refused:
            raise InvalidRequest(refused)
        check_still_in_force(session, valid)
        return valid


def _date_of(valid: ValidLetter):
    """The letter's date: the one its request fixes, else today (WIB), the day it is signed."""
    from .printing import letter_date  # printing prints what prepare gives: imported once both are loaded
    return letter_date(valid)


def _without_links(session, surat_id: str) -> None:
    """Check a letter as if it had no links yet (in ``session``, which is rolled back: nothing is written)."""
    session.execute(delete(Tautan).where(Tautan.surat_id == surat_id))
