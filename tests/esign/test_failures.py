"""What the Esign service can answer besides a signed letter, and how each ends.

Refusals (2011, 2021, 2031, the client's own credentials) leave the letter
as it was and, in create-and-sign, record nothing and keep the number free.
A file that is not the sent letter plus one signature of the official is
refused and not stored. No answer marks the letter "penandatanganan belum
pasti": nothing is sent again, and reconciliation settles it exactly once.
"""

from __future__ import annotations

import logging
import time

import pytest

from ..support import JENIS, PASSPHRASE, SIGNER_NIP, issue, last_number, sample, verify
from ..test_create_and_sign import _stored_files
from .conftest import CLIENT_PASSWORD, IMPOSTOR_NIK, NO_CERTIFICATE_NIK, SIGNER_NIK, UNREGISTERED_NIK

CREATE_AND_SIGN = f"/api/v1/surat/{JENIS}/terbit-tandatangan"


def _create_and_sign(client, nik=SIGNER_NIK, passphrase=PASSPHRASE, **extra):
    return client.post(CREATE_AND_SIGN, json={"surat": sample("hulu-sungai-selatan", JENIS), "nik": nik,
                                              "passphrase": passphrase, **extra})


def _sign(client, surat_id, nik=SIGNER_NIK, passphrase=PASSPHRASE):
    return client.post(f"/api/v1/surat/{surat_id}/tandatangan",
                       json={"nip": SIGNER_NIP, "nik": nik, "passphrase": passphrase})


def _nothing_recorded_and_number_free(client, instance):
    assert client.get("/api/v1/surat").get_json()["total"] == 0
    assert _stored_files(instance) == []
    assert last_number(client) == 0


@pytest.mark.parametrize("nik, code, advice", [
    (UNREGISTERED_NIK, "nik_belum_terdaftar", "Daftarkan diri"),
    (NO_CERTIFICATE_NIK, "sertifikat_belum_terbit", "Ajukan penerbitan"),
])
def test_a_nik_without_a_bsre_certificate_is_409_telling_the_official_what_to_do(
        esign_client, tmp_path, nik, code, advice):
    client = esign_client("v2")
    refused = _create_and_sign(client, nik=nik)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"] == f"urn:suratkerja:masalah:{code}"
    assert advice in refused.get_json()["detail"]
    _nothing_recorded_and_number_free(client, tmp_path / "instance0")


def test_a_wrong_passphrase_is_401_and_counts_against_the_attempt_limit(esign_client):
    client = esign_client("v1", signing_attempts=2)
    letter = issue(client)
    for _ in range(2):
        wrong = _sign(client, letter["id"], passphrase="bukan-ini")
        assert wrong.status_code == 401, wrong.get_json()
        assert "bukan-ini" not in wrong.get_data(as_text=True)
    locked = _sign(client, letter["id"])
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def test_refused_client_credentials_are_503_with_an_alert_in_the_log_and_no_secret(
        esign_client, esign_files, tmp_path, caplog):
    client = esign_client("v1", esign_password_file=esign_files / "wrong")
    with caplog.at_level(logging.INFO):
        refused = _create_and_sign(client)
    assert refused.status_code == 503
    assert refused.get_json()["type"] == "urn:suratkerja:masalah:kredensial_aplikasi_ditolak"
    alerts = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert alerts and "ALERT" in alerts[0].getMessage()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (PASSPHRASE, "bukan-kata-sandinya", CLIENT_PASSWORD, SIGNER_NIK):
        assert secret not in logged
    _nothing_recorded_and_number_free(client, tmp_path / "instance0")


def test_a_file_altered_by_the_service_is_refused_and_not_stored(esign_client, double, tmp_path):
    double.mode = "altered"
    client = esign_client("v2")
    refused = _create_and_sign(client)
    assert refused.status_code == 502, refused.get_json()
    assert refused.get_json()["type"] == "urn:suratkerja:masalah:tanda_tangan_ditolak"
    _nothing_recorded_and_number_free(client, tmp_path / "instance0")

    letter = issue(client)
    assert _sign(client, letter["id"]).status_code == 502
    after = client.get(letter["tautan"]["self"]).get_json()
    assert after["status"] == "siap_ditandatangani" and after["sha256"]["ditandatangani"] is None
    assert after["riwayat"][-1]["aksi"] == "tanda_tangan_esign_ditolak"
    double.mode = "normal"
    assert _sign(client, letter["id"]).status_code == 200


def test_a_signature_by_another_official_s_certificate_is_refused(esign_client):
    client = esign_client("v1")
    letter = issue(client)
    refused = _sign(client, letter["id"], nik=IMPOSTOR_NIK)
    assert refused.status_code == 502
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "siap_ditandatangani"


def _wait_until_signed(double, count=1, seconds=10):
    deadline = time.monotonic() + seconds
    while len(double.documents) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(double.documents) == count


@pytest.mark.parametrize("registry", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_no_answer_after_sending_leaves_the_letter_uncertain_and_the_id_settles_it_signed_once(
        esign_client, double, registry, request):
    """v1 names the document in a header before its answer breaks off: reconciliation fetches it by that id."""
    double.mode, double.delay = "late", 1.0
    database = {"database_url": request.getfixturevalue("pg_database_url")} if registry == "postgres" else {}
    client = esign_client("v1", esign_timeout=0.3, **database)
    timed_out = _create_and_sign(client)
    assert timed_out.status_code == 504, timed_out.get_json()
    surat = timed_out.get_json()["surat"]
    letter = client.get(f"/api/v1/surat/{surat['id']}").get_json()
    assert letter["status"] == "belum_pasti" and letter["nomor"] == surat["nomor"]
    assert [r["aksi"] for r in letter["riwayat"]] == ["diterbitkan", "penandatanganan_belum_pasti"]

    assert last_number(client) == 1  # the number stays with the letter BSrE may have signed
    assert _sign(client, surat["id"]).status_code == 409  # never sent a second time
    _wait_until_signed(double)

    settled = client.post(f"/api/v1/surat/{surat['id']}/rekonsiliasi", json={})
    assert settled.status_code == 200, settled.get_json()
    assert settled.get_json()["status"] == "ditandatangani"
    assert client.post(f"/api/v1/surat/{surat['id']}/rekonsiliasi", json={}).status_code == 409
    pdf = client.get(letter["tautan"]["pdf"]).data
    assert verify(client, pdf).get_json()["indication"] == "TOTAL_PASSED"
    history = client.get(f"/api/v1/surat/{surat['id']}").get_json()["riwayat"]
    assert [r["aksi"] for r in history].count("ditandatangani") == 1
    assert len(double.documents) == 1


def test_a_late_signature_without_an_id_is_settled_by_the_file_fetched_from_bsre(esign_client, double):
    double.mode, double.delay = "slow", 1.0
    client = esign_client("v2", esign_timeout=0.3)
    letter = issue(client)
    assert _sign(client, letter["id"]).status_code == 504
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "belum_pasti"
    no_id = client.post(f"/api/v1/surat/{letter['id']}/rekonsiliasi", json={"hasil": "periksa"})
    assert no_id.status_code == 409 and "unggah" in no_id.get_json()["detail"]

    _wait_until_signed(double)
    [late] = double.documents.values()
    url = f"/api/v1/surat/{letter['id']}/rekonsiliasi/berkas"
    assert client.post(url, data=late[:-200] + b"x" * 200, content_type="application/pdf").status_code == 502
    assert client.get(letter["tautan"]["self"]).get_json()["status"] == "belum_pasti"
    settled = client.post(url, data=late, content_type="application/pdf")
    assert settled.status_code == 200 and settled.get_json()["status"] == "ditandatangani"
    assert client.post(url, data=late, content_type="application/pdf").status_code == 409


def test_an_uncertain_letter_settled_as_not_signed_can_be_signed_again(esign_client, double):
    double.mode, double.delay = "slow", 0.6
    client = esign_client("v2", esign_timeout=0.2)
    letter = issue(client)
    assert _sign(client, letter["id"]).status_code == 504
    settled = client.post(f"/api/v1/surat/{letter['id']}/rekonsiliasi", json={"hasil": "tidak_ditandatangani"})
    assert settled.status_code == 200 and settled.get_json()["status"] == "siap_ditandatangani"
    assert settled.get_json()["nomor"]  # the sent file carried it: the letter keeps it
    double.mode = "normal"
    assert _sign(client, letter["id"]).status_code == 200
    history = [r["aksi"] for r in client.get(letter["tautan"]["self"]).get_json()["riwayat"]]
    assert history == ["diterbitkan", "dinomori", "penandatanganan_belum_pasti",
                       "rekonsiliasi_tidak_ditandatangani", "ditandatangani"]
