"""Create-and-sign records all or nothing: a letter is recorded only once signed."""

from __future__ import annotations

import socket

import pytest

from service import create_app

from .conftest import PASSPHRASE, sample
from .support import admin_client, last_number

JENIS = "permohonan-pelibatan"
URL = f"/api/v1/surat/{JENIS}/terbit-tandatangan"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stored_files(instance):
    return sorted(p.name for p in (instance / "berkas").rglob("*") if p.is_file())


def _token_removed(monkeypatch, setup):
    """The signer back end opens the key, then fails to sign (a token pulled out, a remote signer down)."""
    unlock = setup.unlock

    def unlock_then_fail(nip, wilayah, passphrase):
        signer = unlock(nip, wilayah, passphrase)

        async def removed(*args, **kwargs):
            raise RuntimeError("token dicabut")

        monkeypatch.setattr(signer, "async_sign_raw", removed)
        return signer

    monkeypatch.setattr(setup, "unlock", unlock_then_fail)


@pytest.mark.parametrize("failure", ["otoritas cap waktu mati", "penanda tangan gagal"])
def test_a_failed_signature_records_nothing_keeps_no_file_and_leaves_the_number_free(
        tmp_path, converter, pki_dir, monkeypatch, failure):
    settings = {"instance_dir": tmp_path, "pki_dir": pki_dir}
    if failure == "otoritas cap waktu mati":
        settings["tsa_url"] = f"http://127.0.0.1:{_closed_port()}/"
    app = create_app(settings, converter=converter)
    if failure == "penanda tangan gagal":
        _token_removed(monkeypatch, app.extensions["suratkerja"].signing)
    client = admin_client(app)
    body = sample("hulu-sungai-selatan", JENIS)

    for _ in range(2):
        refused = client.post(URL, json={"surat": body, "passphrase": PASSPHRASE})
        assert refused.status_code == 503 and refused.mimetype == "application/problem+json"
        assert "id" not in refused.get_json() and "nomor" not in refused.get_json()

    assert client.get("/api/v1/surat").get_json()["total"] == 0
    assert _stored_files(tmp_path) == []
    assert last_number(client) == 0  # the counter did not move: the next letter takes number 1


def test_a_signed_letter_is_recorded_with_both_files_and_its_whole_history(client):
    created = client.post(URL, json={"surat": sample("hulu-sungai-selatan", JENIS), "passphrase": PASSPHRASE})
    assert created.status_code == 201, created.get_json()
    letter = client.get(created.get_json()["tautan"]["self"]).get_json()
    assert letter["status"] == "ditandatangani"
    assert [(r["aksi"], r["sha256"]) for r in letter["riwayat"]] == [
        ("diterbitkan", letter["sha256"]["pdf"]), ("ditandatangani", letter["sha256"]["ditandatangani"])]
    assert client.get(created.get_json()["tautan"]["pdf"]).headers["ETag"].strip('"') == \
        letter["sha256"]["ditandatangani"]


def test_a_voluntary_application_created_and_signed_waits_for_its_countersignatures(client):
    body = sample("lubuk-linggau", "pengajuan-sukarela")
    created = client.post("/api/v1/surat/pengajuan-sukarela/terbit-tandatangan",
                          json={"surat": body, "passphrase": PASSPHRASE})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "menunggu_mengetahui"
