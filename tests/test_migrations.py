"""Migrations: a registry made before them is adopted and upgraded in place,
keeping every letter, number and history entry; every path to the newest
revision ends in the schema the models describe."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from service import build_services, make_engine
from service.access.audit import CONSOLE
from service.cli import main
from service.issuing.issue import issue_and_sign
from service.plumbing import schema
from service.plumbing.config import load_settings
from service.plumbing.models import Base

from .conftest import PG_URL, sample
from .support import PASSPHRASE, admin_client, sign

HSS = "hulu-sungai-selatan"

OLD = Path(__file__).parent / "data" / "registri-lama"
TABLES = {
    "surat": "id", "penomoran": "wilayah, unit_kode, tahun", "riwayat": "id",
    "surat_luar": "id", "tautan": "id",
}


OLD_COLUMNS = {"surat": ["id", "jenis", "wilayah", "unit_kode", "unit_nama", "tahun", "urut", "nomor", "hal", "tanggal",
                         "status", "permintaan", "pdf_sha256", "signed_sha256", "dibuat", "diubah"],
               "riwayat": ["id", "surat_id", "waktu", "aksi", "oleh", "sha256"]}
"""The columns every old registry has (``surat.esign_tertunda`` came later, ``sifat`` with 0002,
``surat.pencabutan`` and ``riwayat.catatan`` with 0009)."""


def _contents(engine) -> dict[str, list]:
    """Every row of the tables the old code made, in a stable order (only the columns every old registry had)."""
    with engine.connect() as conn:
        columns = {t: [c["name"] for c in inspect(conn).get_columns(t)] for t in TABLES}
        return {t: [tuple(r) for r in conn.execute(text(
                    f"SELECT {', '.join(c for c in columns[t] if c in OLD_COLUMNS.get(t, columns[t]))} "
                    f"FROM {t} ORDER BY {order}"))]
                for t, order in TABLES.items()}


def _upgraded(contents: dict[str, list]) -> dict[str, list]:
    """The old rows as 0010 leaves them: a letter recorded unsigned (numbered the old way) is ready to sign."""
    status = OLD_COLUMNS["surat"].index("status")
    surat = [row[:status] + (("siap_ditandatangani",) if row[status] == "konsep" else (row[status],))
             + row[status + 1:] for row in contents["surat"]]
    return {**contents, "surat": surat}


def _schema_differences(engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def _adopted_and_kept(settings, converter):
    """Start the service on an old registry; it must keep everything and go on numbering."""
    engine = make_engine(settings)
    before = _contents(engine)
    assert "alembic_version" not in inspect(engine).get_table_names()
    services = build_services(settings, converter)
    try:
        assert _contents(engine) == _upgraded(before)
        assert _schema_differences(engine) == []
        with engine.connect() as conn:
            heads = conn.scalars(text("SELECT version_num FROM alembic_version")).all()
            assert ",".join(sorted(heads)) == schema.head()  # one row per head until the lead links them
            # the old letters are reachable by the units they concern
            units = set(conn.execute(text(
                "SELECT a.unit_kode, a.peran FROM surat_akses a JOIN surat s ON s.id = a.surat_id "
                "WHERE s.wilayah = 'bantul' AND s.jenis = 'permohonan-pelibatan' AND s.status = 'siap_ditandatangani'")))
            last = conn.scalar(text("SELECT terakhir FROM penomoran WHERE wilayah = 'bantul' AND unit_kode = 'BAPPEDA'"))
        assert {("BAPPEDA", "pengirim"), ("DISKOMINFO", "tujuan")} <= units
        nomor = issue_and_sign(services, "permohonan-pelibatan", sample("bantul", "permohonan-pelibatan"), PASSPHRASE,
                               None, CONSOLE).surat.urut
        assert nomor == last + 1
        assert schema.upgrade(engine, settings.lock_dir) == schema.CURRENT
    finally:
        services.sessions.kw["bind"].dispose()
        engine.dispose()


@pytest.mark.parametrize("made_by", ["suratkerja.db", "sebelum-esign.db"])
def test_a_sqlite_registry_made_before_migrations_is_upgraded_in_place(tmp_path, converter, pki_dir, made_by):
    shutil.copy(OLD / made_by, tmp_path / "suratkerja.db")
    _adopted_and_kept(load_settings({"instance_dir": tmp_path, "pki_dir": pki_dir}), converter)


@pytest.mark.postgres
def test_a_postgresql_registry_made_before_migrations_is_upgraded_in_place(tmp_path, converter, pki_dir):
    name = f"lama_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    dump = (OLD / "postgresql.sql").read_text(encoding="utf-8").replace("registri_lama", name)
    raw = admin.raw_connection()  # the dump as psql would run it: no parameters, several statements
    try:
        raw.driver_connection.execute(dump)
        raw.commit()
    finally:
        raw.close()
    try:
        url = f"{PG_URL}?options=-csearch_path%3D{name}"
        _adopted_and_kept(load_settings({"instance_dir": tmp_path, "pki_dir": pki_dir, "database_url": url}),
                          converter)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        admin.dispose()


def _fresh_pg_schema():
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    return admin, name, create_engine(f"{PG_URL}?options=-csearch_path%3D{name}")


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_replaying_every_migration_gives_the_schema_a_new_registry_is_created_with(tmp_path, dialect):
    """New registries skip the replay (create_all, then stamped); both must end in the same schema."""
    if dialect == "sqlite":
        engine, cleanup = create_engine(f"sqlite:///{tmp_path / 'r.db'}"), None
    else:
        admin, name, engine = _fresh_pg_schema()
        cleanup = (admin, name)
    try:
        with engine.connect() as conn:
            config = schema._config()
            config.attributes["connection"] = conn
            try:
                from alembic import command
                command.upgrade(config, "heads")
            finally:
                del config.attributes["connection"]
            conn.commit()
        assert _schema_differences(engine) == []
        assert schema.upgrade(engine, tmp_path) == schema.CURRENT
    finally:
        engine.dispose()
        if cleanup:
            with cleanup[0].begin() as conn:
                conn.execute(text(f"DROP SCHEMA {cleanup[1]} CASCADE"))
            cleanup[0].dispose()


def test_db_upgrade_command_adopts_an_old_registry(tmp_path, monkeypatch, capsys):
    shutil.copy(OLD / "suratkerja.db", tmp_path / "suratkerja.db")
    config = tmp_path / "suratkerja.toml"
    config.write_text(f'instance_dir = "{tmp_path}"\n')
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    monkeypatch.delenv("SURATKERJA_DATABASE_URL", raising=False)
    main(["db", "upgrade"])
    assert f"Register diadopsi: revisi {schema.head()}." in capsys.readouterr().out
    main(["db", "upgrade"])
    assert "Register mutakhir" in capsys.readouterr().out


def test_a_registry_made_before_the_lookup_index_gains_it(tmp_path, converter, pki_dir):
    """Verification finds a file's letter by index, also in a registry from before that index."""
    import sqlite3

    database = tmp_path / "suratkerja.db"
    shutil.copy(OLD / "suratkerja.db", database)
    with sqlite3.connect(database) as db:
        db.execute("DROP INDEX ix_riwayat_sha256")
    build_services(load_settings({"instance_dir": tmp_path, "pki_dir": pki_dir}), converter) \
        .sessions.kw["bind"].dispose()
    with sqlite3.connect(database) as db:
        plan = db.execute("EXPLAIN QUERY PLAN SELECT surat_id FROM riwayat WHERE sha256 = ?", ("0" * 64,)).fetchall()
    assert any("ix_riwayat_sha256" in row[-1] for row in plan), plan


PREVIOUS = Path(__file__).parent / "data" / "registri-sebelum-alur"
"""A registry (database and files) made by main before drafts lost their numbers (64a482e, at
0009_pencabutan): a signed letter, 800.1.11/1/BAPPEDA/2026, and one recorded unsigned with its number,
800.1.11/2/BAPPEDA/2026."""


def test_the_previous_mains_registry_upgrades_in_place_and_its_unsigned_letter_signs_with_its_own_number(
        app_shell, tmp_path, converter, pki_dir):
    shutil.copytree(PREVIOUS, tmp_path, dirs_exist_ok=True)
    settings = load_settings({"instance_dir": tmp_path, "pki_dir": pki_dir})
    engine = make_engine(settings)
    before = _contents(engine)
    try:
        app_shell.extensions["suratkerja"] = build_services(settings, converter)
        assert _contents(engine) == _upgraded(before)
        assert _schema_differences(engine) == []
        client = admin_client(app_shell)
        letters = {s["nomor"]: s for s in client.get("/api/v1/surat").get_json()["items"]}
        assert {n: s["status"] for n, s in letters.items()} == {
            "800.1.11/1/BAPPEDA/2026": "ditandatangani", "800.1.11/2/BAPPEDA/2026": "siap_ditandatangani"}
        old = letters["800.1.11/2/BAPPEDA/2026"]
        signed = sign(client, old["id"])
        assert signed.status_code == 200, signed.get_json()
        assert signed.get_json()["nomor"] == "800.1.11/2/BAPPEDA/2026"  # numbered the old way: it keeps it
        draft = client.post("/api/v1/surat/permohonan-pelibatan", json=sample(HSS, "permohonan-pelibatan"))
        assert draft.get_json()["nomor"] is None
        assert sign(client, draft.get_json()["id"]).get_json()["nomor"] == "800.1.11/3/BAPPEDA/2026"
    finally:
        app_shell.extensions["suratkerja"].sessions.kw["bind"].dispose()
        engine.dispose()
