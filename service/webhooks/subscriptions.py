"""Subscriptions: made by an API client for itself, seen by it and by its pemda's administrators.

The signing secret (``whsec_…``, Standard Webhooks) is shown once, when the
subscription is made. It is not stored: it is the HMAC of the subscription's
id under the deployment's webhook key, a file of ``instance_dir`` readable by
the service only (made on first use), so the worker can sign and nobody can
read it back from the registry.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..access.keys import principal_of
from ..access.principal import ADMIN, KUNCI, Principal
from ..access.scope import visible_letters
from ..plumbing.errors import MissingRight, NotFound
from ..plumbing.models import KunciApi, Surat
from .models import WAITING, Langganan, Pengiriman, Percobaan

KEY_FILE = "kunci-webhook"


def _deployment_key(instance_dir: Path) -> bytes:
    path = instance_dir / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))
    return path.read_bytes()


def secret(instance_dir: Path, langganan_id: str) -> str:
    """The subscription's signing secret in Standard Webhooks' form."""
    digest = hmac.new(_deployment_key(instance_dir), langganan_id.encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(digest).decode()


def create(session: Session, principal: Principal, url: str, events: list[str]) -> Langganan:
    """A subscription of the calling API client.

    :raises MissingRight: the caller is not an API key (staff sessions do not receive webhooks).
    """
    if principal.kind != KUNCI:
        raise MissingRight("Langganan webhook dibuat dengan kunci API sistem penerima.")
    langganan = Langganan(klien=principal.actor, wilayah=principal.wilayah, url=url,
                          peristiwa=sorted(set(events)), aktif=True, dibuat=dt.datetime.now(dt.timezone.utc))
    session.add(langganan)
    session.flush()
    return langganan


def _administers(principal: Principal, langganan: Langganan) -> bool:
    return principal.host_admin or (ADMIN in principal.rights and principal.units is None
                                    and principal.in_pemda(langganan.wilayah))


def visible(session: Session, principal: Principal) -> list[Langganan]:
    """The caller's own subscriptions, and for an administrator every one of the pemda."""
    rows = session.scalars(select(Langganan).order_by(Langganan.dibuat, Langganan.id))
    return [row for row in rows if row.klien == principal.actor or _administers(principal, row)]


def find(session: Session, principal: Principal, langganan_id: str) -> Langganan:
    """:raises NotFound: no such subscription, or neither the caller's nor of a pemda it administers."""
    langganan = session.get(Langganan, langganan_id)
    if langganan is None or not (langganan.klien == principal.actor or _administers(principal, langganan)):
        raise NotFound(f"Langganan webhook {langganan_id} tidak ditemukan.")
    return langganan


def remove(session: Session, langganan: Langganan) -> None:
    """The subscription, its deliveries and their attempts."""
    deliveries = select(Pengiriman.id).where(Pengiriman.langganan_id == langganan.id)
    session.execute(delete(Percobaan).where(Percobaan.pengiriman_id.in_(deliveries)))
    session.execute(delete(Pengiriman).where(Pengiriman.langganan_id == langganan.id))
    session.delete(langganan)


def redeliver(session: Session, langganan: Langganan, pengiriman_id: int) -> Pengiriman:
    """Send one delivery again now, with a fresh 24 hours of retries.

    :raises NotFound: not a delivery of this subscription.
    """
    pengiriman = session.get(Pengiriman, pengiriman_id)
    if pengiriman is None or pengiriman.langganan_id != langganan.id:
        raise NotFound(f"Pengiriman {pengiriman_id} tidak ditemukan.")
    now = dt.datetime.now(dt.timezone.utc)
    pengiriman.status, pengiriman.percobaan, pengiriman.mulai, pengiriman.berikutnya = WAITING, 0, now, now
    return pengiriman


def reactivate(langganan: Langganan) -> None:
    langganan.aktif, langganan.catatan = True, None


def owner(session: Session, langganan: Langganan) -> Principal | None:
    """The owning key as a caller, ``None`` once it is revoked (its subscriptions then receive nothing)."""
    prefix = langganan.klien.removeprefix(f"{KUNCI}:")
    key = session.scalar(select(KunciApi).where(KunciApi.prefiks == prefix, KunciApi.dicabut.is_(None)))
    return principal_of(key) if key is not None else None


def sees(session: Session, principal: Principal, surat_id: str) -> bool:
    return session.scalar(select(Surat.id).where(Surat.id == surat_id, visible_letters(principal))) is not None
