"""Fixtures shared by the service tests.

Each test gets its own app with a fresh SQLite registry and file store, on a
:class:`~tests.support.FakeConverter`. The real LibreOffice pool
(``libreoffice``) starts once per session, only for the tests that need it:
every such test is marked ``slow`` here, so ``-m "not slow"`` starts no
soffice.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service import build_services, create_app
from service.plumbing.config import load_settings
from service.plumbing.services import Services

from .support import (HOST_ADMIN_TOKEN, PASSPHRASE, SIGNER_NIP, FakeConverter, admin_client, all_samples,
                      grant_key, make_pki, nss_database, pdf_text, sample)

__all__ = ["PASSPHRASE", "all_samples", "pdf_text", "sample"]  # what the letter tests import from here

LIBREOFFICE_FIXTURES = {"libreoffice", "libreoffice_app", "printed_samples"}


def pytest_collection_modifyitems(items):
    """``slow`` on every test that starts LibreOffice through a fixture."""
    for item in items:
        if LIBREOFFICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory):
    """The run's development PKI: a certificate for every official in the samples, one passphrase.

    Made once per run: under ``pytest -n`` the first worker makes it (under a
    lock) in the temporary folder all workers share, and the others use it.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    directory = shared / "pki"
    with open(shared / "pki.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / "siap").exists():
            directory.mkdir(exist_ok=True)
            make_pki(directory)
            (directory / "siap").touch()
    return directory


@pytest.fixture(scope="session")
def foreign_pki_dir(tmp_path_factory):
    """Another development PKI, unrelated to ours, with the default letter's signer: what it signs must not be trusted."""
    return make_pki(tmp_path_factory.mktemp("pki-lain"), {SIGNER_NIP})


@pytest.fixture(scope="session")
def nssdb(pki_dir, tmp_path_factory) -> str:
    """An NSS database trusting the session PKI's root, for ``pdfsig``."""
    return nss_database(tmp_path_factory.mktemp("nss"), pki_dir / "root-ca.pem")


@pytest.fixture(scope="module")
def token(pki_dir, tmp_path_factory):
    """A SoftHSM2 token holding the key of :data:`~tests.support.SIGNER_NIP` (``SOFTHSM2_CONF`` set meanwhile)."""
    from .softhsm import SOFTHSM_MODULE, softhsm_token

    if SOFTHSM_MODULE is None:
        pytest.skip("SoftHSM2 module not installed")
    p12 = (pki_dir / "officials" / f"{SIGNER_NIP}.p12").read_bytes()
    with softhsm_token(p12, PASSPHRASE.encode(), tmp_path_factory.mktemp("softhsm")) as module:
        yield module


@pytest.fixture
def converter():
    """The converter the ``app`` fixtures use: fake, and able to fail on demand."""
    return FakeConverter()


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    """The real LibreOffice pool, started once for the tests about conversion and the printed letter."""
    from service.issuing.convert import ConverterPool

    pool = ConverterPool(size=2, timeout=60, workdir=tmp_path_factory.mktemp("konversi"))
    pool.start()
    yield pool
    pool.stop()


@pytest.fixture(scope="session")
def app_shell(tmp_path_factory, pki_dir):
    """One Flask app per worker: its routes and OpenAPI document are built once (two thirds of making an app)."""
    return create_app({"instance_dir": tmp_path_factory.mktemp("shell"), "pki_dir": pki_dir},
                      converter=FakeConverter())


@pytest.fixture
def app(app_shell, tmp_path, converter, pki_dir):
    """The app with services of its own for this test: a fresh registry, file store, limiter and converter."""
    yield from _with_services(app_shell, {"instance_dir": tmp_path, "pki_dir": pki_dir}, converter)


def _with_services(app, config: dict, converter):
    services = app.extensions["suratkerja"] = build_services(load_settings(config), converter)
    grant_key(services, HOST_ADMIN_TOKEN)
    try:
        yield app
    finally:
        services.sessions.kw["bind"].dispose()


@pytest.fixture
def client(app):
    """A client carrying a host administrator's key with every right (tests about access use their own keys)."""
    return admin_client(app)


@pytest.fixture(scope="module")
def idle_client(tmp_path_factory, pki_dir):
    """A client of one app per module, for tests that issue nothing (refused or read-only requests)."""
    config = {"instance_dir": tmp_path_factory.mktemp("tanpa-terbitan"), "pki_dir": pki_dir}
    return admin_client(create_app(config, converter=FakeConverter()))


@pytest.fixture(scope="session")
def libreoffice_app(tmp_path_factory, libreoffice, pki_dir):
    """One app on real LibreOffice for the session, for letters made up by the tests (the samples have their own)."""
    return create_app({"instance_dir": tmp_path_factory.mktemp("cetak-uji"), "pki_dir": pki_dir}, converter=libreoffice)


class PrintedSamples:
    """Each sample request issued once on real LibreOffice, shared by the tests that read or sign it.

    Each on a registry of its own, as on a fresh service: in one registry the
    outside letters one sample registers would meet another's references in
    whatever order the workers happen to ask for them.
    """

    def __init__(self, app, converter, pki_dir: Path, root: Path):
        self.app, self.client = app, admin_client(app)
        self.converter, self.pki_dir, self.root = converter, pki_dir, root
        self._issued: dict[tuple[str, str], tuple[Services, dict, bytes]] = {}

    def issue(self, wilayah: str, jenis: str) -> tuple[dict, bytes]:
        """The 201 body of the sample's letter and its unsigned PDF; ``client`` now reaches its registry."""
        key = (wilayah, jenis)
        if key not in self._issued:
            config = {"instance_dir": self.root / f"{wilayah}-{jenis}", "pki_dir": self.pki_dir}
            self.app.extensions["suratkerja"] = build_services(load_settings(config), self.converter)
            grant_key(self.app.extensions["suratkerja"], HOST_ADMIN_TOKEN)
            response = self.client.post(f"/api/v1/surat/{jenis}", json=sample(wilayah, jenis))
            assert response.status_code == 201, response.get_json()
            created = response.get_json()
            pdf = self.client.get(created["tautan"]["pdf"]).data
            self._issued[key] = self.app.extensions["suratkerja"], created, pdf
        services, created, pdf = self._issued[key]
        self.app.extensions["suratkerja"] = services
        return created, pdf


@pytest.fixture(scope="session")
def printed_samples(tmp_path_factory, libreoffice, pki_dir) -> PrintedSamples:
    root = tmp_path_factory.mktemp("cetak")
    app = create_app({"instance_dir": root / "aplikasi", "pki_dir": pki_dir}, converter=libreoffice)
    return PrintedSamples(app, libreoffice, pki_dir, root)


PG_URL = os.environ.get("SURATKERJA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_app(app_shell, tmp_path, converter, pki_dir):
    """An app on a fresh PostgreSQL schema of the ``test`` database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        yield from _with_services(app_shell, {"instance_dir": tmp_path, "database_url": url, "pki_dir": pki_dir},
                                  converter)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
