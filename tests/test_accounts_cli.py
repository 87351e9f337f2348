"""``suratkerja akun``: accounts from the command line; secrets go to 0600 files, not the terminal."""

from __future__ import annotations

import stat

import pytest

from service import create_app
from service.cli import main

from .staff import sign_in
from .support import FakeConverter


@pytest.fixture
def instance(tmp_path, pki_dir, monkeypatch):
    config = tmp_path / "suratkerja.toml"
    config.write_text(f'instance_dir = "{tmp_path / "instance"}"\npki_dir = "{pki_dir}"\n')
    monkeypatch.setenv("SURATKERJA_CONFIG", str(config))
    return tmp_path / "instance"


def _app(instance, pki_dir):
    return create_app({"instance_dir": instance, "pki_dir": pki_dir}, converter=FakeConverter())


def test_an_account_made_and_reset_on_the_command_line_signs_in_with_its_file(instance, pki_dir, tmp_path, capsys):
    main(["akun", "buat", "--wilayah", "bantul", "--username", "tu.dinkes", "--nama", "Tata Usaha",
          "--peran", "arsiparis", "--unit", "DINKES", "--sandi-ke", str(tmp_path / "sandi")])
    secret = tmp_path / "sandi"
    password = secret.read_text().strip()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    out = capsys.readouterr().out
    assert "tu.dinkes" in out and password not in out
    client = _app(instance, pki_dir).test_client()
    assert sign_in(client, "tu.dinkes", password, wilayah="bantul").status_code == 302
    with pytest.raises(SystemExit, match="sudah ada"):  # a secret never overwrites a file
        main(["akun", "reset-sandi", "--wilayah", "bantul", "--username", "tu.dinkes", "--sandi-ke", str(secret)])
    assert sign_in(client, "tu.dinkes", password, wilayah="bantul").status_code == 302  # the refused reset changed nothing
    main(["akun", "reset-sandi", "--wilayah", "bantul", "--username", "tu.dinkes", "--sandi-ke", str(tmp_path / "baru2")])
    assert client.get("/saya").status_code == 302  # the reset ended the session
    fresh = (tmp_path / "baru2").read_text().strip()
    assert fresh not in capsys.readouterr().out
    assert sign_in(client, "tu.dinkes", fresh, wilayah="bantul").status_code == 302
    main(["akun", "nonaktifkan", "--wilayah", "bantul", "--username", "tu.dinkes"])
    assert client.get("/saya").status_code == 302
    main(["akun", "daftar", "--wilayah", "bantul"])
    assert "tu.dinkes\tTata Usaha\tarsiparis\tDINKES\t-\tnonaktif" in capsys.readouterr().out


def test_a_refused_account_is_reported_in_indonesian(instance, tmp_path):
    with pytest.raises(SystemExit, match="terhubung ke NIP"):
        main(["akun", "buat", "--wilayah", "bantul", "--username", "ttd", "--nama", "Tanpa NIP",
              "--peran", "penandatangan", "--sandi-ke", str(tmp_path / "sandi")])
    assert not (tmp_path / "sandi").exists()


def test_the_development_administrator_is_made_once_and_printed_once(instance, pki_dir, capsys):
    main(["akun", "dev", "--url", "http://127.0.0.1:8000"])
    first = capsys.readouterr().out
    password = (instance / "akun-dev.txt").read_text().strip()
    assert password in first and "http://127.0.0.1:8000/masuk" in first
    assert stat.S_IMODE((instance / "akun-dev.txt").stat().st_mode) == 0o600
    main(["akun", "dev"])
    again = capsys.readouterr().out
    assert password not in again and "akun-dev.txt" in again
    client = _app(instance, pki_dir).test_client()
    assert sign_in(client, "admin", password).status_code == 302
    assert client.get("/admin/akun").status_code == 200


def test_what_the_operator_does_to_accounts_is_in_the_audit_trail(instance, pki_dir, tmp_path):
    from sqlalchemy import select

    from service.plumbing.models import JejakAudit

    main(["akun", "buat", "--wilayah", "bantul", "--username", "baca", "--nama", "Pembaca",
          "--peran", "pembaca", "--sandi-ke", str(tmp_path / "sandi")])
    main(["akun", "reset-sandi", "--wilayah", "bantul", "--username", "baca", "--sandi-ke", str(tmp_path / "lagi")])
    app = _app(instance, pki_dir)
    with app.extensions["suratkerja"].sessions() as session:
        trail = [(e.pelaku, e.aksi, e.objek, e.wilayah) for e in session.scalars(select(JejakAudit))]
    assert trail == [("konsol", "akun.buat", "baca", "bantul"), ("konsol", "akun.reset_sandi", "baca", "bantul")]
