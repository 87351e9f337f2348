"""Delivering events: fan-out to subscriptions, then one signed POST per due delivery.

Events of one letter reach a subscription in the order they happened: a
delivery waits while an earlier one of the same letter and subscription is
still pending. A failed attempt is retried after :func:`backoff` (5 s, then
three times longer each time, at most 6 hours apart) until 24 hours have
passed; then the delivery is given up and its subscription disabled, with a
notice its owner reads through the API. An attempt is leased: a worker that
dies mid-delivery leaves it due again once the lease ends.

``now`` is passed in (the worker gives the clock's): the tests replay the
schedule on a compressed clock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks.webhooks import Webhook

from .models import DELIVERED, FAILED, WAITING, Langganan, Pengiriman, Percobaan, Peristiwa
from .subscriptions import owner, secret, sees

logger = logging.getLogger(__name__)

RETRY_FOR = dt.timedelta(hours=24)
FIRST_RETRY = dt.timedelta(seconds=5)
LONGEST_WAIT = dt.timedelta(hours=6)
LEASE_GRACE = dt.timedelta(seconds=5)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * 3 ** (attempts - 1), LONGEST_WAIT)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def fan_out(session: Session, now: dt.datetime) -> None:
    """A delivery of each new outbox event for every active subscription that wants it and may read the letter."""
    events = session.scalars(select(Peristiwa).where(Peristiwa.disebar.is_(False)).order_by(Peristiwa.id)).all()
    if not events:
        return
    subscribers = [(s, owner(session, s)) for s in session.scalars(select(Langganan).where(Langganan.aktif))]
    for event in events:
        for langganan, principal in subscribers:
            if principal is not None and event.jenis in langganan.peristiwa and sees(session, principal, event.surat_id):
                session.add(Pengiriman(langganan_id=langganan.id, peristiwa_id=event.id, status=WAITING, percobaan=0,
                                       mulai=now, berikutnya=now))
        event.disebar = True


def due(session: Session, now: dt.datetime) -> list[int]:
    """Deliveries to attempt now: the first pending one of each letter per subscription, if its time has come."""
    rows = session.execute(
        select(Pengiriman.id, Pengiriman.langganan_id, Peristiwa.surat_id, Pengiriman.berikutnya)
        .join(Peristiwa, Peristiwa.id == Pengiriman.peristiwa_id)
        .join(Langganan, Langganan.id == Pengiriman.langganan_id)
        .where(Pengiriman.status == WAITING, Langganan.aktif)
        .order_by(Peristiwa.id))
    waiting, ready = set(), []
    for delivery_id, langganan_id, surat_id, berikutnya in rows:
        if (langganan_id, surat_id) not in waiting and _utc(berikutnya) <= now:
            ready.append(delivery_id)
        waiting.add((langganan_id, surat_id))
    return ready


@dataclass(frozen=True)
class _Message:
    attempt_id: int
    url: str
    langganan_id: str
    pesan: str
    body: str


def _lease(sessions: sessionmaker[Session], delivery_id: int, now: dt.datetime, timeout: float) -> _Message | None:
    """Take the delivery for one attempt (recorded as started), unless another worker did."""
    with sessions.begin() as session:
        delivery = session.get(Pengiriman, delivery_id)
        if delivery is None or delivery.status != WAITING or _utc(delivery.berikutnya) > now:
            return None
        taken = session.execute(update(Pengiriman).where(
            Pengiriman.id == delivery_id, Pengiriman.berikutnya == delivery.berikutnya).values(
            berikutnya=now + dt.timedelta(seconds=timeout) + LEASE_GRACE,
            percobaan=Pengiriman.percobaan + 1)).rowcount
        if taken != 1:
            return None
        attempt = Percobaan(pengiriman_id=delivery_id, waktu=now)
        session.add(attempt)
        session.flush()
        langganan, event = session.get(Langganan, delivery.langganan_id), session.get(Peristiwa, delivery.peristiwa_id)
        body = json.dumps({"type": event.jenis, "timestamp": _utc(event.waktu).isoformat(), "data": event.data},
                          separators=(",", ":"))
        return _Message(attempt.id, langganan.url, langganan.id, event.pesan, body)


def _post(message: _Message, instance_dir: Path, timeout: float) -> tuple[int | None, str | None]:
    """Send it signed; the receiver's status, or why none came."""
    sent_at = dt.datetime.now(dt.timezone.utc)
    signature = Webhook(secret(instance_dir, message.langganan_id)).sign(message.pesan, sent_at, message.body)
    headers = {"Content-Type": "application/json", "webhook-id": message.pesan,
               "webhook-timestamp": str(int(sent_at.timestamp())), "webhook-signature": signature}
    try:
        answer = requests.post(message.url, data=message.body.encode(), headers=headers, timeout=timeout,
                               allow_redirects=False)
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: tidak ada jawaban dari penerima"
    return answer.status_code, None


def _settle(sessions: sessionmaker[Session], delivery_id: int, attempt_id: int, status: int | None,
            galat: str | None, now: dt.datetime) -> None:
    """Record the attempt's outcome: delivered, due again after the backoff, or given up (subscription disabled)."""
    with sessions.begin() as session:
        attempt, delivery = session.get(Percobaan, attempt_id), session.get(Pengiriman, delivery_id)
        if delivery is None:
            return  # its subscription was deleted meanwhile
        delivered = status is not None and 200 <= status < 300
        attempt.status_http = status
        attempt.galat = galat or (None if delivered else f"HTTP {status}")
        if delivered:
            delivery.status, delivery.berikutnya = DELIVERED, None
        elif now + backoff(delivery.percobaan) - _utc(delivery.mulai) > RETRY_FOR:
            delivery.status, delivery.berikutnya = FAILED, None
            langganan = session.get(Langganan, delivery.langganan_id)
            langganan.aktif = False
            langganan.catatan = (
                f"Dinonaktifkan {now:%Y-%m-%d %H:%M} UTC: penerima tidak menjawab 2xx selama 24 jam "
                f"({delivery.percobaan} percobaan, terakhir: {attempt.galat}). Perbaiki penerima, lalu aktifkan "
                "kembali dan kirim ulang pengiriman yang gagal.")
            logger.warning("webhook subscription %s disabled after %s attempts", langganan.id, delivery.percobaan)
        else:
            delivery.berikutnya = now + backoff(delivery.percobaan)


def attempt(sessions: sessionmaker[Session], instance_dir: Path, delivery_id: int, now: dt.datetime,
            timeout: float) -> None:
    """One attempt at one due delivery (nothing if another worker took it)."""
    message = _lease(sessions, delivery_id, now, timeout)
    if message is None:
        return
    status, galat = _post(message, instance_dir, timeout)
    _settle(sessions, delivery_id, message.attempt_id, status, galat, now)


def deliver_due(sessions: sessionmaker[Session], instance_dir: Path, now: dt.datetime, timeout: float) -> int:
    """Fan out new events, then attempt every due delivery once; returns how many were attempted."""
    with sessions.begin() as session:
        fan_out(session, now)
    with sessions() as session:
        ready = due(session, now)
    for delivery_id in ready:
        attempt(sessions, instance_dir, delivery_id, now, timeout)
    return len(ready)
