"""The Esign Client Service's test double on a loopback port, and apps signing through it.

BSrE's service cannot be reached from here; :mod:`signing.esign.double`
stands in for it over real HTTP, signing with the session's development
PKI. Every sample official is a user of the double, with a NIK made from
their NIP (:func:`~service.devtools.esign_dev.dev_nik`), the tests' passphrase and a TOTP; beside them a
user without a certificate and one whose NIK holds someone else's
certificate.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from service import build_services
from service.devtools.esign_dev import dev_nik as nik_of
from service.devtools.samples import sample_officials
from service.plumbing.config import load_settings
from signing.esign.double import EsignDouble, User, serve_in_thread

from ..conftest import PG_URL
from ..support import PASSPHRASE, SIGNER_NIP, admin_client

CLIENT_USER, CLIENT_PASSWORD = "suratkerja", "rahasia-aplikasi-uji-7731"
TOTP = "246810"
UNREGISTERED_NIK = "3201999999999999"
NO_CERTIFICATE_NIK = "3201000000000021"
IMPOSTOR_NIK = "3201000000000099"
"""A NIK whose certificate at the double names another official (NIP :data:`OTHER_NIP`)."""
OTHER_NIP = "198001012005011001"


SIGNER_NIK = nik_of(SIGNER_NIP)


@pytest.fixture(scope="session")
def esign_double(pki_dir):
    users = [User(nik=nik_of(o.nip), nip=o.nip, nama=o.nama, jabatan=o.jabatan, passphrase=PASSPHRASE, totp=TOTP)
             for o in sample_officials()]
    users += [
        User(nik=NO_CERTIFICATE_NIK, nip="199001012015031002", nama="Tanpa Sertifikat", jabatan="Analis",
             passphrase=PASSPHRASE, sertifikat=False),
        User(nik=IMPOSTOR_NIK, nip=OTHER_NIP, nama="Orang Lain", jabatan="Penyusun", passphrase=PASSPHRASE),
    ]
    running = serve_in_thread(EsignDouble(pki_dir, users, (CLIENT_USER, CLIENT_PASSWORD)))
    yield running
    running.stop()


@pytest.fixture
def double(esign_double) -> EsignDouble:
    """The double, answering normally at the start of each test; what it signed is forgotten."""
    app = esign_double.app
    app.mode, app.delay = "normal", 1.5
    app.documents.clear()
    yield app
    app.mode = "normal"


@pytest.fixture(scope="session")
def esign_files(tmp_path_factory):
    """The client application's credential files (0600), and a password file the double refuses."""
    directory = tmp_path_factory.mktemp("esign-kredensial")
    files = {"user": CLIENT_USER, "password": CLIENT_PASSWORD, "wrong": "bukan-kata-sandinya"}
    for name, value in files.items():
        (directory / name).write_text(value + "\n", encoding="utf-8")
        (directory / name).chmod(0o600)
    return directory


@pytest.fixture
def esign_client(app_shell, tmp_path, converter, pki_dir, esign_double, esign_files, double):
    """``make(version, placement, **settings)``: a test client of an app whose letters BSrE signs (the double)."""
    made = []

    def make(version: str = "v1", placement: str = "coordinates", **settings):
        config = {
            "instance_dir": tmp_path / f"instance{len(made)}", "pki_dir": pki_dir,
            "signer_backend": f"esign-{version}", "esign_url": esign_double.url,
            "esign_username_file": esign_files / "user", "esign_password_file": esign_files / "password",
            "esign_roots_file": pki_dir / "root-ca.pem", "esign_placement": placement, "esign_timeout": 20.0,
            **settings,
        }
        services = build_services(load_settings(config), converter)
        made.append(services)
        app_shell.extensions["suratkerja"] = services
        return admin_client(app_shell)

    yield make
    for services in made:
        services.sessions.kw["bind"].dispose()


@pytest.fixture
def pg_database_url():
    """A fresh schema of the PostgreSQL ``test`` database, as ``database_url``."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
