"""The rules that span letters (MATRIX §6): what every letter type's chain
check shares, and :func:`check_links`, which runs the check of the letter's type.

A letter type's own rules across letters live in its module
(``check_chain(c: ChainCheck) -> list[Link]``, :mod:`service.letters`).
Region differences are data: ``[aturan.rantai]`` in each region profile
holds the articles of the chain itself (keys below); the rules of one letter
type that the chain reuses (who signs a voluntary assignment, what an
assignment rests on, the minimum contents of a request) are read from that
type's own section with :meth:`ChainCheck.section`.

``jawaban``
    article by which the requested unit answers a request (one answer).
``pegawai_dilepas``
    route → article: an assignment names only the people the approval
    released (key ``semua`` for every route).
``lintas_instansi``
    ``{penerusan, usulan, penugasan, tembusan}``: across instansi the request
    is forwarded by the Pejabat yang Berwenang, the answer passes through the
    Pejabat yang Berwenang of the answering side, the assignment rests on the
    answer that Pejabat approved, and it copies the Pejabat yang Berwenang of
    both instansi. Absent: the region has no route across instansi.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from sqlalchemy.orm import Session

from ..issuing.validation import ValidLetter
from ..letters.checks import Checker, pointer
from ..letters.common import akhir_jangka_waktu
from ..plumbing.errors import InvalidRequest
from ..plumbing.models import REVOKED, SIGNED
from ..signatures.revocation import RULE as REVOCATION_RULE, revocation_note
from ..wilayah import CHAIN_SECTION
from .known import Known, Lookup, named_letter, unsigned
from .links import Link

RULE_KEYS = frozenset({"jawaban", "pegawai_dilepas", "lintas_instansi"})


def as_date(value: Any) -> dt.date | None:
    """A date from a stored request (ISO text) or a validated one."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


class ChainCheck(Checker, Lookup):
    """A :class:`Checker` over ``[aturan.rantai]`` that can look letters up.

    :param valid: the letter being checked; ``data`` is its validated request.
    """

    def __init__(self, session: Session, valid: ValidLetter):
        Checker.__init__(self, valid.profile, CHAIN_SECTION)
        Lookup.__init__(self, session)
        self.data = valid.data

    def named(self, entry: Mapping) -> Known | None:
        """The letter ``entry`` names, by id or as an outside letter already registered."""
        return named_letter(self.session, self.profile.kode, entry)

    def link(self, hubungan: str, entry: Mapping, jenis: str, **kwargs) -> Link:
        """A link to the letter ``entry`` names: by id, or registered from outside as a ``jenis``."""
        ref = self.named(entry)
        outside = None if ref else {**{k: entry[k] for k in ("nomor", "tanggal", "hal")}, "jenis": jenis}
        return Link(hubungan, ref=ref, outside=outside, **kwargs)

    def section(self, jenis: str) -> Mapping:
        """The profile section of letter type ``jenis``, for a rule the chain reuses."""
        return self.profile.rules(jenis)

    def within(self, period: Mapping, bound: Mapping | None, ref: str, what: str) -> None:
        """``period`` must lie inside the ``bound`` period of an earlier letter."""
        if not bound:
            return
        start, end = as_date(bound["mulai"]), akhir_jangka_waktu({**bound, "mulai": as_date(bound["mulai"])})
        if period["mulai"] < start or akhir_jangka_waktu(period) > end:
            self.add("/jangka_waktu", "jangka_di_luar_permohonan",
                     f"Jangka waktu harus di dalam jangka waktu {what} ({start:%d-%m-%Y} s.d. {end:%d-%m-%Y}).", ref)

    def people_in(self, people: Iterable[Mapping], allowed: set[str], code: str, message: str, ref: str) -> None:
        """Each of ``people`` (``/pegawai``) must be one of the NIPs ``allowed``;
        ``message`` names the one who is not as ``{nama}``."""
        for i, person in enumerate(people):
            if person["nip"] not in allowed:
                self.add(pointer("pegawai", i, "nip"), code, message.format(nama=person["nama"]), ref)

    def in_force(self, entries: Iterable[tuple[str, Mapping]]) -> None:
        """A letter answers or rests on letters in force: signed, not drafts nor revoked (named by id or number)."""
        for where, entry in entries:
            known = self.named(entry)
            if known is not None and not known.luar and known.status == REVOKED:
                self.add(f"{where}/{'id' if entry.get('id') else 'nomor'}", "rujukan_dicabut",
                         f"Surat {known.citation()} sudah dicabut ({revocation_note(known.revocation)}); "
                         "surat yang dicabut tidak dapat dijawab atau menjadi dasar.", REVOCATION_RULE)
            elif known is not None and not known.luar and known.status != SIGNED:
                self.findings.append(unsigned(f"{where}/{'id' if entry.get('id') else 'nomor'}", known))


def check_links(session: Session, valid: ValidLetter) -> list[Link]:
    """The links of a valid letter to the letters it names, after the rules across letters.

    :raises InvalidRequest: a rule across letters is broken (every such finding at once).
    """
    kind = valid.letter_type
    if kind.check_chain is None:
        return []
    c = ChainCheck(session, valid)
    links = kind.check_chain(c)
    c.in_force(kind.reference.cited(c.data))
    if c.findings:
        raise InvalidRequest(c.findings)
    return links


def check_still_in_force(session: Session, valid: ValidLetter) -> None:
    """The letters a draft answers or rests on are still in force when it is signed (none revoked meanwhile).

    The other rules across letters were checked when it was drafted or revised; they are not run again,
    since the draft's own references (outside letters it registered) now stand in the registry.

    :raises InvalidRequest: a referenced letter is revoked, or no longer signed.
    """
    if valid.letter_type.reference is None:
        return
    c = ChainCheck(session, valid)
    c.in_force(valid.letter_type.reference.cited(c.data))
    if c.findings:
        raise InvalidRequest(c.findings)
