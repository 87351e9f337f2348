"""The directory's use cases, for the API, the CLI and the staff pages: import, export, look up.

Each takes the registry's sessions and the region profiles (the
application's ``services.sessions`` and ``services.profiles``; the CLI opens
them without the rest of the service) and a pemda (``wilayah``, a region
profile's code), and returns plain values. Whether the caller may act on
that pemda is the caller's check (the API's ``admin`` right); an unknown
pemda is :class:`NotFound`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from ..plumbing.errors import NotFound
from ..wilayah import RegionProfile
from .csvfile import PEGAWAI_COLUMNS, UNIT_COLUMNS, Roster, read_roster, write_roster
from .models import Pegawai, Unit


@dataclass(frozen=True)
class ImportReport:
    """What an import did, or (``uji``) would do: the counts after it, and what changes."""

    wilayah: str
    uji: bool
    """A dry run: the file was checked, nothing was written."""
    unit: int
    pegawai: int
    baru: int
    """Pegawai not in the directory before."""
    berubah: int
    """Pegawai whose row differs from the directory's."""
    dihapus: int
    """Pegawai of the directory the file no longer lists."""

    def to_dict(self) -> dict:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        """What the audit trail records of an import."""
        return {k: v for k, v in asdict(self).items() if isinstance(v, int) and not isinstance(v, bool)}


def _pemda(profiles: Mapping[str, RegionProfile], wilayah: str) -> str:
    if wilayah not in profiles:
        raise NotFound(f"Wilayah '{wilayah}' tidak dikenal.")
    return wilayah


def unit_dict(unit: Unit) -> dict:
    return {key: getattr(unit, key) for key in UNIT_COLUMNS.values()}


def pegawai_dict(pegawai: Pegawai) -> dict:
    return {**{key: getattr(pegawai, key) for key in PEGAWAI_COLUMNS.values()},
            "unit_kode": pegawai.unit_kode, "nama_lengkap": pegawai.nama_lengkap}


def list_units(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str) -> list[dict]:
    """The pemda's units by kode: kode, nama, induk, the kop fields, ada_pengawas, rute_paraf (NIPs)."""
    with sessions() as session:
        rows = session.scalars(select(Unit).where(Unit.wilayah == _pemda(profiles, wilayah)).order_by(Unit.kode))
        return [unit_dict(u) for u in rows]


def list_pegawai(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str, unit: str | None = None) -> list[dict]:
    """The pemda's pegawai (of one unit if ``unit`` is given) by unit and NIP, with ``nama_lengkap``."""
    query = select(Pegawai).where(Pegawai.wilayah == _pemda(profiles, wilayah))
    if unit is not None:
        query = query.where(Pegawai.unit_kode == unit)
    with sessions() as session:
        return [pegawai_dict(p) for p in session.scalars(query.order_by(Pegawai.unit_kode, Pegawai.nip))]


def find_pegawai(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str, nip: str) -> dict | None:
    """One pegawai of the pemda by NIP (as :func:`list_pegawai` gives them), or None."""
    with sessions() as session:
        found = session.get(Pegawai, (_pemda(profiles, wilayah), nip))
        return pegawai_dict(found) if found else None


def export_csv(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str) -> str:
    """The pemda's directory as the CSV :func:`import_csv` reads (one row per pegawai)."""
    return write_roster(list_units(sessions, profiles, wilayah), list_pegawai(sessions, profiles, wilayah))


def _changes(before: dict[str, dict], roster: Roster) -> tuple[int, int, int]:
    """How many pegawai are new, changed (their row or their unit's), and gone."""
    after = {nip: {**p, "unit": roster.units[p["unit_kode"]]} for nip, p in roster.pegawai.items()}
    return (len(after.keys() - before.keys()),
            sum(1 for nip in after.keys() & before.keys() if after[nip] != before[nip]),
            len(before.keys() - after.keys()))


def _one_import_at_a_time(session: Session, pemda: str) -> None:
    """Imports of one pemda wait for one another, so one never inserts beside another's rows.

    PostgreSQL: a lock held until the transaction ends. SQLite writes one
    transaction at a time anyway (its deletes wait for the lock, then see
    the other import's rows).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"direktori:{pemda}"})


def import_csv(sessions: sessionmaker[Session], profiles: Mapping[str, RegionProfile], wilayah: str, data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Replace the pemda's directory with the CSV ``data``, in one transaction; with ``dry_run``, only check it.

    :raises NotFound: unknown pemda.
    :raises InvalidRequest: every bad row; nothing is imported.
    """
    pemda = _pemda(profiles, wilayah)
    roster = read_roster(data)
    with sessions.begin() as session:
        _one_import_at_a_time(session, pemda)
        units = {u.kode: unit_dict(u) for u in session.scalars(select(Unit).where(Unit.wilayah == pemda))}
        before = {p.nip: {**{k: v for k, v in pegawai_dict(p).items() if k != "nama_lengkap"},
                          "unit": units.get(p.unit_kode)}
                  for p in session.scalars(select(Pegawai).where(Pegawai.wilayah == pemda))}
        report = ImportReport(pemda, dry_run, len(roster.units), len(roster.pegawai), *_changes(before, roster))
        if not dry_run:
            session.execute(delete(Pegawai).where(Pegawai.wilayah == pemda))
            session.execute(delete(Unit).where(Unit.wilayah == pemda))
            session.add_all([Unit(wilayah=pemda, **u) for u in roster.units.values()])
            session.add_all([Pegawai(wilayah=pemda, **p) for p in roster.pegawai.values()])
    return report
