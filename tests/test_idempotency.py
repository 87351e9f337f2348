"""Idempotency-Key: a retried POST gets its first answer again, never a second letter.

Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select, update

from service.idempotency import store
from service.idempotency.models import KunciIdempotensi
from service.plumbing.models import Surat

from .live import served
from .support import HOST_ADMIN_TOKEN, JENIS, PASSPHRASE, FakeConverter, admin_client, bearer, grant_key, sample

ISSUE = f"/api/v1/surat/{JENIS}"


class SlowConverter(FakeConverter):
    """Converts as the fake does, a little slowly: long enough for a second request to arrive meanwhile."""

    def convert(self, docx: bytes) -> bytes:
        time.sleep(0.4)
        return super().convert(docx)


@pytest.fixture
def converter():
    return SlowConverter()


@pytest.fixture(params=["app", "pg_app"])
def any_app(request):
    return request.getfixturevalue(request.param)


def letters(app) -> int:
    with app.extensions["suratkerja"].sessions() as session:
        return session.scalar(select(func.count()).select_from(Surat))


def claimed(app) -> bool:
    with app.extensions["suratkerja"].sessions() as session:
        return session.scalar(select(func.count()).select_from(KunciIdempotensi)) > 0


def post(client, body, key, url=ISSUE):
    return client.post(url, json=body, headers={"Idempotency-Key": f'"{key}"'})


def test_the_same_key_and_body_gets_the_first_answer_again(any_app):
    client, body, key = admin_client(any_app), sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())
    first = post(client, body, key)
    again = post(client, body, key)
    assert first.status_code == again.status_code == 201
    assert again.data == first.data and again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotency-Replayed"] == "true" and "Idempotency-Replayed" not in first.headers
    assert letters(any_app) == 1
    other = post(client, body, str(uuid.uuid4()))
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]


def test_create_and_sign_replayed_is_one_signed_letter(any_app):
    client, key = admin_client(any_app), str(uuid.uuid4())
    body = {"surat": sample("hulu-sungai-selatan", JENIS), "passphrase": PASSPHRASE}
    first = post(client, body, key, url=f"{ISSUE}/terbit-tandatangan")
    again = post(client, body, key, url=f"{ISSUE}/terbit-tandatangan")
    assert first.status_code == again.status_code == 201 and first.get_json()["status"] == "ditandatangani"
    assert again.data == first.data and letters(any_app) == 1


def test_the_same_key_with_another_body_is_refused(any_app):
    client, body, key = admin_client(any_app), sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())
    assert post(client, body, key).status_code == 201
    other = post(client, {**body, "hal": "Permohonan yang lain"}, key)
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert other.get_json()["type"].endswith(":kunci_idempotensi_dipakai")
    assert letters(any_app) == 1


def test_keys_belong_to_their_client(any_app):
    """Two e-office systems that happen to pick the same key each get their own letter."""
    body, key = sample("hulu-sungai-selatan", JENIS), "pesanan-1"
    mine = post(admin_client(any_app), body, key)
    other_token = grant_key(any_app.extensions["suratkerja"], "sk_0000abcd_" + "O" * 43)
    theirs = post(bearer(any_app.test_client(), other_token), body, key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"] and letters(any_app) == 2


def test_two_concurrent_requests_with_one_key_make_one_letter(any_app):
    body, key = sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())
    start = threading.Barrier(2)

    def send(_):
        client = bearer(any_app.test_client(), HOST_ADMIN_TOKEN)
        start.wait()
        return post(client, body, key)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, range(2)))
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    assert {a.headers.get("Idempotency-Replayed") for a in answers} == {None, "true"}
    assert letters(any_app) == 1


def test_a_second_request_still_waiting_when_the_first_runs_long_is_told_409(any_app, monkeypatch):
    monkeypatch.setattr(store, "WAIT_SECONDS", 0.05)
    body, key = sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(post, bearer(any_app.test_client(), HOST_ADMIN_TOKEN), body, key)
        time.sleep(0.2)
        second = post(admin_client(any_app), body, key)
        assert first.result().status_code == 201
    assert second.status_code == 409 and second.headers["Retry-After"] == "1"
    assert second.get_json()["type"].endswith(":kunci_idempotensi_berjalan")
    assert post(admin_client(any_app), body, key).data == first.result().data and letters(any_app) == 1


def test_a_key_is_kept_for_24_hours(any_app):
    client, body, key = admin_client(any_app), sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())
    first = post(client, body, key)
    sessions = any_app.extensions["suratkerja"].sessions
    with sessions.begin() as session:
        session.execute(update(KunciIdempotensi).values(
            dibuat=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=23, minutes=59)))
    assert post(client, body, key).data == first.data
    with sessions.begin() as session:
        session.execute(update(KunciIdempotensi).values(
            dibuat=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=24, minutes=1)))
    later = post(client, body, key)
    assert later.status_code == 201 and later.get_json()["id"] != first.get_json()["id"] and letters(any_app) == 2


def test_the_worker_forgets_keys_older_than_24_hours(app):
    client, body = admin_client(app), sample("hulu-sungai-selatan", JENIS)
    old, fresh = post(client, body, "lama"), post(client, body, "baru")
    assert old.status_code == fresh.status_code == 201
    sessions = app.extensions["suratkerja"].sessions
    with sessions.begin() as session:
        session.execute(update(KunciIdempotensi).where(KunciIdempotensi.kunci == "lama").values(
            dibuat=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=25)))
    assert store.purge(sessions) == 1
    with sessions() as session:
        assert session.scalars(select(KunciIdempotensi.kunci)).all() == ["baru"]


def test_an_answer_that_says_try_again_is_not_kept(app, converter):
    """A 503 (the converter failed, nothing issued) frees the key: the retry issues the letter."""
    client, body, key = admin_client(app), sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())
    converter.fail_next()
    assert post(client, body, key).status_code == 503
    retried = post(client, body, key)
    assert retried.status_code == 201 and "Idempotency-Replayed" not in retried.headers and letters(app) == 1


def test_an_uploaded_file_larger_than_a_json_body_is_still_read(app):
    """The key's hook reads the body first: an upload keeps its own limit (20 MiB), not the JSON one (512 KiB)."""
    client = admin_client(app)
    created = post(client, sample("hulu-sungai-selatan", JENIS), str(uuid.uuid4())).get_json()
    pdf, key = b"%PDF-1.7\n" + b"0" * 700_000, str(uuid.uuid4())
    url = f"/api/v1/surat/{created['id']}/rekonsiliasi/berkas"
    first = client.post(url, data=pdf, content_type="application/pdf", headers={"Idempotency-Key": key})
    again = client.post(url, data=pdf, content_type="application/pdf", headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 409 and again.headers["Idempotency-Replayed"] == "true"


@pytest.mark.parametrize("header", ["", '""', "x" * 256, "kunci dengan spasi"])
def test_a_malformed_key_is_a_400(app, header):
    answer = admin_client(app).post(ISSUE, json=sample("hulu-sungai-selatan", JENIS),
                                    headers={"Idempotency-Key": header})
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert letters(app) == 0


def test_a_client_whose_connection_drops_retries_and_gets_one_letter(any_app):
    """Over real HTTP: the request is sent, the socket closed before the answer; the retry gets that letter."""
    body, key = json.dumps(sample("hulu-sungai-selatan", JENIS)).encode(), str(uuid.uuid4())
    with served(any_app) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as dropped:
            dropped.sendall(
                f"POST {ISSUE} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {HOST_ADMIN_TOKEN}\r\n"
                f"Content-Type: application/json\r\nIdempotency-Key: \"{key}\"\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            while not claimed(any_app):  # the service has it: from here the outcome is unknown to the client
                time.sleep(0.01)
        retried = requests.post(base + ISSUE, data=body, timeout=30, headers={
            "Authorization": f"Bearer {HOST_ADMIN_TOKEN}", "Content-Type": "application/json",
            "Idempotency-Key": f'"{key}"'})
        assert retried.status_code == 201, retried.text
        listed = requests.get(base + "/api/v1/surat", headers={"Authorization": f"Bearer {HOST_ADMIN_TOKEN}"},
                              timeout=10).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == retried.json()["id"]
    assert retried.headers["Idempotency-Replayed"] == "true"


def test_the_openapi_document_declares_the_header_on_every_post(idle_client):
    paths = idle_client.get("/api/v1/openapi.json").get_json()["paths"]
    posts = {path: ops["post"] for path, ops in paths.items() if "post" in ops and path != "/api/v1/verifikasi"}
    assert posts
    for path, operation in posts.items():
        names = [p.get("name") for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, path
        assert {"409", "422"} <= set(operation["responses"]), path
    assert "Idempotency-Key" not in json.dumps(paths["/api/v1/verifikasi"])
