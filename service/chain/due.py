"""The reports a chain asks for (MATRIX §7): who owes a laporan pelaksanaan
tugas on which assignment or decree, to whom, by when, and whether it came.

A report is due at the end of the period of the work it accounts for: each
person of a signed surat penugasan reports on it (an individual assignment,
or a team assignment no signed decree of the chain has turned into a team yet); in
a signed keputusan tim kerja each anggota reports to the ketua and the ketua
to the official the region names. A report is made when a signed laporan by
that person rests on that letter and covers its period to the end (periodic
reports before it are listed, but do not close it); one not made by the
day after the period ends is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..letters.common import akhir_jangka_waktu
from ..letters.laporan_pelaksanaan_tugas import JENIS as LAPORAN
from ..plumbing.models import SIGNED
from ..wilayah import RegionProfile
from .known import Known
from .rules import as_date

PENUGASAN, KEPUTUSAN = "penugasan", "keputusan-tim-kerja"
DONE, WAITING, LATE = "selesai", "belum", "terlambat"


@dataclass(frozen=True)
class Due:
    """One report owed: by ``pelapor`` on the letter ``dasar``, in the ``kedudukan`` they hold there."""

    dasar: Known
    pelapor: Mapping
    kedudukan: str
    kepada: dict
    pasal: str
    jatuh_tempo: dt.date | None
    dibuat: list[Known] = field(default_factory=list)
    status: str = WAITING


def _in_force(letter: Known) -> bool:
    return letter.luar or letter.status == SIGNED


def _end(work: Known) -> dt.date | None:
    jangka = work.data.get("jangka_waktu")
    return akhir_jangka_waktu({**jangka, "mulai": as_date(jangka["mulai"])}) if jangka else None


def _addressee(rule: Mapping, work: Known, person: Mapping) -> dict:
    """The official the region names, by role, and the unit whose official it is where the text says."""
    unit = {"pemilik": work.data.get("unit_pemilik_kinerja"), "asal": person.get("unit")}.get(rule.get("unit"))
    return {"peran": list(rule["peran"]), "unit": unit}


def _owed(work: Known, profile: RegionProfile, teams: set[str]) -> Iterable[tuple[Mapping, str, dict, str]]:
    """(person, kedudukan, kepada, article) of each report ``work`` asks for."""
    rules = profile.rules(LAPORAN)
    if work.jenis == KEPUTUSAN and "ketua" in work.data:  # an outside decree may not name its team
        ketua = work.data["ketua"]
        yield ketua, "ketua", _addressee(rules["ketua"], work, ketua), rules["ketua"]["pasal"]
        for anggota in work.data["anggota"]:
            yield anggota, "anggota", {"nama": ketua["nama"], "nip": ketua["nip"]}, rules["anggota"]["pasal"]
    elif work.jenis == PENUGASAN and (work.data.get("bentuk") != "tim" or work.id not in teams):
        for person in work.data.get("pegawai") or ():
            yield person, "individu", _addressee(rules["individu"], work, person), rules["individu"]["pasal"]


def _status(made: list[Known], end: dt.date | None, today: dt.date) -> str:
    final = [r for r in made if r.status == SIGNED
             and (end is None or as_date(r.data["periode"]["selesai"]) >= end)]
    if final:
        return DONE
    return LATE if end is not None and today > end else WAITING


def reports_due(letters: list[Known], rests_on: Mapping[str, set[str]],
                profiles: Mapping[str, RegionProfile], today: dt.date) -> list[Due]:
    """Every report the signed assignments and decrees among ``letters`` ask for, oldest letter first.

    :param rests_on: id of a letter → ids of the letters it rests on (``dasar``).
    :param today: the day the overdue ones are judged on.
    """
    teams = {ref for k in letters if k.jenis == KEPUTUSAN and _in_force(k) for ref in rests_on.get(k.id, ())}
    reports = [k for k in letters if k.jenis == LAPORAN]
    found = []
    for work in letters:
        if work.jenis not in (PENUGASAN, KEPUTUSAN) or not _in_force(work) or work.wilayah not in profiles:
            continue
        end = _end(work)
        for person, kedudukan, kepada, pasal in _owed(work, profiles[work.wilayah], teams):
            made = [r for r in reports if work.id in rests_on.get(r.id, ())
                    and r.data["penandatangan"]["nip"] == person["nip"]]
            found.append(Due(work, {"nama": person.get("nama"), "nip": person["nip"]}, kedudukan, kepada,
                             profiles[work.wilayah].cite(pasal), end, made, _status(made, end, today)))
    return found
