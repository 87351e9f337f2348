"""Fixtures shared by the service tests.

One LibreOffice pool (real soffice processes) serves the whole session; each
test gets its own app with a fresh SQLite registry and file store.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service import create_app

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "samples" / "requests"


def sample(wilayah: str, jenis: str) -> dict:
    """A fresh copy of the sample request of a region and letter type."""
    return json.loads((SAMPLE_DIR / wilayah / f"{jenis}.json").read_text(encoding="utf-8"))


def all_samples() -> list[tuple[str, str]]:
    return [(p.parent.name, p.stem) for p in sorted(SAMPLE_DIR.glob("*/*.json"))]


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler extracts it, whitespace folded to single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture(scope="session")
def converter(tmp_path_factory):
    from service.issuing.convert import ConverterPool

    pool = ConverterPool(size=2, timeout=60, workdir=tmp_path_factory.mktemp("konversi"))
    pool.start()
    yield pool
    pool.stop()


PASSPHRASE = "kata-sandi-uji-1945"


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory):
    """A development PKI with a certificate for every official in the samples."""
    from signing.devpki import DevPki

    from service.devtools.samples import sample_officials

    directory = tmp_path_factory.mktemp("pki")
    pki = DevPki(directory).ensure()
    for official in sample_officials():
        pki.add_official(official, PASSPHRASE.encode())
    return directory


@pytest.fixture
def app(tmp_path, converter, pki_dir):
    return create_app({"instance_dir": tmp_path, "pki_dir": pki_dir}, converter=converter)


@pytest.fixture
def client(app):
    return app.test_client()


PG_URL = os.environ.get("SURATKERJA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_app(tmp_path, converter, pki_dir):
    """An app on a fresh PostgreSQL schema of the ``test`` database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    app = create_app({"instance_dir": tmp_path, "database_url": url, "pki_dir": pki_dir}, converter=converter)
    try:
        yield app
    finally:
        app.extensions["suratkerja"].sessions.kw["bind"].dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
