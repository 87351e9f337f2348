"""Bringing a registry's schema up to the code's: the Alembic migrations in
``migrations/versions``, run at start-up and by ``suratkerja db upgrade``.

Three kinds of registry meet the service:

- an empty database: its tables are created from the models and it is
  stamped at the newest revision, as Alembic's documentation suggests (one
  ``create_all`` instead of replaying every migration; the tests make a
  fresh registry per test, and the schema test checks both paths agree);
- a registry made before migrations existed (tables, no ``alembic_version``):
  stamped at ``0001_baseline``, which is that schema, then upgraded in place;
- a migrated registry: upgraded from its revision, or left alone at the newest.

Two processes starting together migrate one after the other (a PostgreSQL
advisory lock, or a file lock beside the SQLite numbering locks).
"""

from __future__ import annotations

import fcntl
import functools
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from .models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001_baseline"
_LOCK_ID = 0x5352_4b4d_4947  # "SRKMIG": the advisory lock of migrations
CREATED, ADOPTED, UPGRADED, CURRENT = "dibuat", "diadopsi", "dimutakhirkan", "mutakhir"


@functools.cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision the code knows (several, comma-separated, while branches wait to be merged)."""
    return ",".join(sorted(_scripts().get_heads()))


def upgrade(engine: Engine, lock_dir: Path) -> str:
    """Bring the registry to the newest revision.

    :return: what was done: ``dibuat`` (empty database), ``diadopsi`` (a
        registry from before migrations, stamped and upgraded),
        ``dimutakhirkan`` (migrated) or ``mutakhir`` (nothing to do).
    """
    with _serialised(engine, lock_dir) as conn:
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" in tables:
            if set(MigrationContext.configure(conn).get_current_heads()) == set(_scripts().get_heads()):
                return CURRENT
            outcome = UPGRADED
        elif "surat" in tables:
            _run(conn, command.stamp, BASELINE)
            outcome = ADOPTED
        else:
            Base.metadata.create_all(conn)
            MigrationContext.configure(conn).stamp(_scripts(), "heads")
            conn.commit()
            return CREATED
        _run(conn, command.upgrade, "heads")
        return outcome


def _run(conn: Connection, step, revision: str) -> None:
    config = _config()
    config.attributes["connection"] = conn
    try:
        step(config, revision)
    finally:
        del config.attributes["connection"]
    conn.commit()


@contextmanager
def _serialised(engine: Engine, lock_dir: Path) -> Iterator[Connection]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_ID})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_ID})
                conn.commit()
        else:
            lock_dir.mkdir(parents=True, exist_ok=True)
            with open(lock_dir / "migrasi.lock", "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                yield conn
