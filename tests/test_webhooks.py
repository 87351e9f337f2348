"""Webhooks: a real receiver on loopback, the worker as its own process, the backoff on a compressed clock."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from service.webhooks import outbox
from service.webhooks.delivery import deliver_due
from service.webhooks.models import Peristiwa

from .live import worker
from .support import JENIS, PASSPHRASE, admin_client, bearer, grant_key, sample, sign
from .webhook_receiver import receiving

ALL = ["surat.dibuat", "surat.ditandatangani"]


def subscribe(client, url, events=ALL) -> dict:
    answer = client.post("/api/v1/webhook", json={"url": url, "peristiwa": events})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


@pytest.fixture(params=["app", "pg_app"])
def any_app(request):
    return request.getfixturevalue(request.param)


def test_a_receiver_gets_every_event_once_in_order_and_signed(any_app, tmp_path):
    client = admin_client(any_app)
    other_pemda = bearer(any_app.test_client(), grant_key(any_app.extensions["suratkerja"], "sk_0000bb01_" + "B" * 43,
                                                           wilayah="bantul"))
    with receiving() as receiver, receiving() as outsider:
        created = subscribe(client, receiver.url)
        subscribe(other_pemda, outsider.url)
        assert created["rahasia"].startswith("whsec_")
        assert "rahasia" not in client.get(f"/api/v1/webhook/{created['id']}").get_json()
        with worker(any_app, tmp_path):
            later = client.post(f"/api/v1/surat/{JENIS}", json=sample("hulu-sungai-selatan", JENIS)).get_json()
            assert sign(client, later["id"]).status_code == 200
            at_once = client.post(f"/api/v1/surat/{JENIS}/terbit-tandatangan", json={
                "surat": sample("hulu-sungai-selatan", JENIS), "passphrase": PASSPHRASE}).get_json()
            received = receiver.wait_for(4)
    events = {}
    for message in received:
        payload = Webhook(created["rahasia"]).verify(message.body, message.headers)  # raises if forged or stale
        events.setdefault(message.headers["webhook-id"], payload)
    assert len(events) == 4 and len(received) == 4
    per_letter = {}
    for payload in (json.loads(m.body) for m in received):
        per_letter.setdefault(payload["data"]["id"], []).append(payload["type"])
        assert "pdf" not in json.dumps(payload).lower()
        if payload["type"] == "surat.ditandatangani":  # a draft has no number until it is signed
            assert payload["data"]["nomor"]
    assert per_letter == {later["id"]: ALL, at_once["id"]: ALL}
    assert outsider.received == []  # another pemda's client sees nothing of these letters
    with pytest.raises(Exception):
        Webhook("whsec_" + "A" * 44).verify(received[0].body, received[0].headers)


def test_killing_the_worker_mid_delivery_and_restarting_it_still_delivers(app, tmp_path):
    client = admin_client(app)
    with receiving(hold_first=True) as receiver:
        created = subscribe(client, receiver.url)
        issued = client.post(f"/api/v1/surat/{JENIS}", json=sample("hulu-sungai-selatan", JENIS)).get_json()
        with worker(app, tmp_path, "--timeout", "1") as first:
            receiver.wait_for(1)
            first.kill()  # mid-delivery: the receiver has the request, the worker never hears back
        receiver.release.set()
        with worker(app, tmp_path, "--timeout", "1"):
            received = receiver.wait_for(2, timeout=40)
    assert {m.headers["webhook-id"] for m in received} == {received[0].headers["webhook-id"]}
    assert json.loads(received[1].body)["data"]["id"] == issued["id"]
    deliveries = client.get(f"/api/v1/webhook/{created['id']}/pengiriman").get_json()
    assert [d["status"] for d in deliveries] == ["terkirim"]
    attempts = deliveries[0]["percobaan"]
    assert attempts[0]["status_http"] is None and attempts[-1]["status_http"] == 200


EXPECTED_SCHEDULE = [0, 5, 20, 65, 200, 605, 1820, 5465, 16400, 38000, 59600, 81200]
"""Seconds after the event: 5 s, then three times longer each time, at most 6 hours apart, for 24 hours."""


def test_a_failing_receiver_is_retried_on_the_backoff_schedule_then_disabled(app):
    client, services = admin_client(app), app.extensions["suratkerja"]
    with receiving(status=500) as receiver:
        created = subscribe(client, receiver.url, ["surat.dibuat"])
        client.post(f"/api/v1/surat/{JENIS}", json=sample("hulu-sungai-selatan", JENIS))
        start = dt.datetime.now(dt.timezone.utc)

        def round_at(seconds: float) -> int:
            return deliver_due(services.sessions, services.settings.instance_dir,
                               start + dt.timedelta(seconds=seconds), timeout=2)

        for number, due in enumerate(EXPECTED_SCHEDULE, 1):
            if due:
                assert round_at(due - 1) == 0, f"attempt {number} came early"
            assert round_at(due) == 1 and len(receiver.received) == number
        assert round_at(EXPECTED_SCHEDULE[-1] + 86400) == 0
        shown = client.get(f"/api/v1/webhook/{created['id']}").get_json()
        assert shown["aktif"] is False and "24 jam" in shown["catatan"]
        [delivery] = client.get(f"/api/v1/webhook/{created['id']}/pengiriman").get_json()
        assert delivery["status"] == "gagal" and len(delivery["percobaan"]) == len(EXPECTED_SCHEDULE)
        assert {a["status_http"] for a in delivery["percobaan"]} == {500}

        receiver.status = 200  # repaired: enable again and send by hand
        assert client.post(f"/api/v1/webhook/{created['id']}/aktifkan").get_json()["aktif"] is True
        assert client.post(f"/api/v1/webhook/{created['id']}/pengiriman/{delivery['id']}/kirim-ulang").status_code == 202
        assert deliver_due(services.sessions, services.settings.instance_dir, dt.datetime.now(dt.timezone.utc), 2) == 1
        assert receiver.received[-1].headers["webhook-id"] == delivery["webhook_id"]
    assert client.get(f"/api/v1/webhook/{created['id']}/pengiriman").get_json()[0]["status"] == "terkirim"


def test_subscriptions_are_their_clients_own(app):
    services = app.extensions["suratkerja"]
    mine = bearer(app.test_client(), grant_key(services, "sk_0000aa01_" + "A" * 43, wilayah="hulu-sungai-selatan",
                                               rights={"baca"}))
    theirs = bearer(app.test_client(), grant_key(services, "sk_0000aa02_" + "Z" * 43, wilayah="hulu-sungai-selatan",
                                                 rights={"baca"}))
    created = subscribe(mine, "http://127.0.0.1:9/penerima")
    assert theirs.get(f"/api/v1/webhook/{created['id']}").status_code == 404
    assert theirs.get("/api/v1/webhook").get_json() == []
    assert [s["id"] for s in admin_client(app).get("/api/v1/webhook").get_json()] == [created["id"]]
    assert mine.delete(f"/api/v1/webhook/{created['id']}").status_code == 204
    assert mine.get("/api/v1/webhook").get_json() == []


@pytest.mark.parametrize("body", [{"url": "ftp://contoh/x", "peristiwa": ["surat.dibuat"]},
                                  {"url": "http://127.0.0.1:9/x", "peristiwa": ["surat.dihapus"]},
                                  {"url": "http://127.0.0.1:9/x", "peristiwa": []}])
def test_a_bad_subscription_is_a_422_naming_the_field(app, body):
    answer = admin_client(app).post("/api/v1/webhook", json=body)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["errors"][0]["pointer"].startswith(("/url", "/peristiwa"))


def test_emitting_an_unknown_event_is_a_programming_error(app):
    with app.extensions["suratkerja"].sessions() as session, pytest.raises(ValueError):
        outbox.emit(session, "surat.dihapus", None)


def test_the_event_is_written_with_the_letter_and_only_with_it(app, converter):
    """In the letter's own transaction: a refused letter leaves no event; an issued one is in the outbox at once."""
    client = admin_client(app)
    converter.fail_next()
    assert client.post(f"/api/v1/surat/{JENIS}", json=sample("hulu-sungai-selatan", JENIS)).status_code == 503
    issued = client.post(f"/api/v1/surat/{JENIS}", json=sample("hulu-sungai-selatan", JENIS)).get_json()
    with app.extensions["suratkerja"].sessions() as session:
        events = session.scalars(select(Peristiwa)).all()
    assert [(e.jenis, e.surat_id, e.data["status"]) for e in events] == [("surat.dibuat", issued["id"], "siap_ditandatangani")]
