"""The audit trail: who did what, from where, when; append-only and hash-chained.

Each entry's hash covers its fields and the hash of the entry before, so an
entry edited or deleted after the fact breaks the chain where it stood, and
:func:`verify_chain` (``suratkerja audit verify``) names it. Appending is
serialised (a PostgreSQL advisory lock held by the transaction, or a file
lock beside the SQLite numbering locks) so that processes appending at once
never fork the chain; the unique ``hash_sebelum`` makes a fork impossible
even so. A use case that writes (issuing, signing) adds its entry inside
its own transaction (:func:`transaction`, :func:`add`): the letter and its
entry are committed together or not at all, for one commit instead of two.

Removing the newest entries leaves a shorter chain that still verifies:
keep the count and last hash ``audit verify`` prints somewhere else to
detect that too.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from flask import current_app, request
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..plumbing.models import JejakAudit, Surat
from ..plumbing.services import Services
from ..plumbing.timing import stage
from .audience import SECRET
from .request import current_principal

GENESIS = "0" * 64
"""What the first entry names as the one before it."""
_LOCK_ID = 0x5352_4b41_5544  # "SRKAUD": the advisory lock of the audit trail
FIELDS = ("id", "waktu", "wilayah", "pelaku", "alamat_ip", "aksi", "objek", "rincian", "hash_sebelum", "hash")


def _utc(moment: dt.datetime) -> str:
    """One spelling of a moment whatever the database hands back (SQLite: naive UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def entry_hash(entry: JejakAudit) -> str:
    body = [entry.hash_sebelum, _utc(entry.waktu), entry.wilayah, entry.pelaku, entry.alamat_ip, entry.aksi,
            entry.objek, entry.rincian]
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@contextmanager
def _file_lock(services: Services) -> Iterator[None]:
    """SQLite: one appender at a time on this machine (PostgreSQL locks in the transaction)."""
    if services.sequencer.postgres:
        yield
        return
    lock_dir = services.settings.lock_dir
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / "audit.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: what every entry of one request shares."""

    pelaku: str
    """``kunci:<prefiks>``, ``akun:<username>``, ``konsol`` or ``anonim``."""
    alamat_ip: str | None = None


CONSOLE = Actor("konsol")
"""The host's operator, on the command line (keys, samples)."""


def request_actor() -> Actor:
    """The caller of the current request."""
    return Actor(current_principal().actor, request.remote_addr)


@contextmanager
def transaction(services: Services) -> Iterator[Session]:
    """A transaction that alone may add to the chain (:func:`add`) until it is committed."""
    with _file_lock(services), services.sessions.begin() as session:  # committed before the lock is let go
        if services.sequencer.postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
        yield session


def add(session: Session, actor: Actor, aksi: str, *, wilayah: str | None, objek: str | None = None,
        rincian: dict[str, Any] | None = None) -> JejakAudit:
    """Add one entry at the end of the chain, inside a :func:`transaction`."""
    before = session.scalar(select(JejakAudit.hash).order_by(JejakAudit.id.desc()).limit(1)) or GENESIS
    entry = JejakAudit(waktu=dt.datetime.now(dt.timezone.utc), wilayah=wilayah, pelaku=actor.pelaku,
                       alamat_ip=actor.alamat_ip, aksi=aksi, objek=objek, rincian=rincian or {},
                       hash_sebelum=before)
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def append(services: Services, actor: Actor, aksi: str, *, wilayah: str | None, objek: str | None = None,
           rincian: dict[str, Any] | None = None) -> JejakAudit:
    """Add one entry at the end of the chain, in a transaction of its own."""
    with transaction(services) as session:
        return add(session, actor, aksi, wilayah=wilayah, objek=objek, rincian=rincian)


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold."""

    id: int
    reason: str


def verify_chain(session: Session) -> tuple[int, str, list[Break]]:
    """Check every entry against the one before it.

    :return: the number of entries, the last hash, and each place the chain breaks
        (an entry whose fields no longer give its hash: edited; an entry that
        does not follow the one before it: one deleted or inserted between).
    """
    before, count, breaks = GENESIS, 0, []
    for entry in session.scalars(select(JejakAudit).order_by(JejakAudit.id).execution_options(yield_per=1000)):
        count += 1
        if entry.hash_sebelum != before:
            breaks.append(Break(entry.id, "tidak menyambung ke entri sebelumnya: "
                                          "ada entri yang dihapus atau disisipkan"))
        if entry_hash(entry) != entry.hash:
            breaks.append(Break(entry.id, "isinya tidak cocok dengan hash-nya: entri ini diubah"))
        before = entry.hash
    return count, before, breaks


def as_row(entry: JejakAudit) -> dict[str, Any]:
    return {"id": entry.id, "waktu": _utc(entry.waktu) + "Z", "wilayah": entry.wilayah, "pelaku": entry.pelaku,
            "alamat_ip": entry.alamat_ip, "aksi": entry.aksi, "objek": entry.objek, "rincian": entry.rincian,
            "hash_sebelum": entry.hash_sebelum, "hash": entry.hash}


def record(aksi: str, *, wilayah: str | None, objek: str | None = None, **rincian: Any) -> None:
    """Record what the caller of the current request did, in a transaction of its own."""
    with stage("audit"):
        append(current_app.extensions["suratkerja"], request_actor(), aksi, wilayah=wilayah, objek=objek,
               rincian=rincian)


def record_secret_download(surat: Surat, **rincian: Any) -> None:
    """A file of a Rahasia or Sangat Rahasia letter handed to the caller: recorded, whichever file it is
    (the letter, a version's preview, its archive copy); other letters' downloads are not."""
    if surat.sifat in SECRET:
        record("surat.unduh_rahasia", wilayah=surat.wilayah, objek=surat.id, nomor=surat.nomor, sifat=surat.sifat,
               **rincian)


def record_sign_in(username: str, *, wilayah: str | None, berhasil: bool, alasan: str | None = None) -> None:
    """Record a sign-in attempt, failed ones too (for the staff login page; never pass the password)."""
    append(current_app.extensions["suratkerja"], Actor(f"akun:{username}", request.remote_addr),
           "masuk" if berhasil else "masuk_gagal", wilayah=wilayah, rincian={"alasan": alasan} if alasan else {})
