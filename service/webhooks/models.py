"""The registry's webhook tables: subscriptions, the outbox of events, deliveries and their attempts."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..plumbing.models import Base

WAITING, DELIVERED, FAILED = "menunggu", "terkirim", "gagal"


class Langganan(Base):
    """One API client's subscription: where to send which events.

    The signing secret is not stored: it is derived from the deployment's
    webhook key and the subscription's id (:func:`.subscriptions.secret`).
    """

    __tablename__ = "webhook_langganan"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    klien: Mapped[str] = mapped_column(String(200), index=True)
    """The owner, as the audit trail names it (``kunci:<prefix>``): events follow that key's scope."""
    wilayah: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    url: Mapped[str] = mapped_column(String(2000))
    peristiwa: Mapped[list] = mapped_column(JSON)
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    catatan: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why it was disabled, for its owner to read."""
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Peristiwa(Base):
    """One event in the outbox, written with the change it reports; ``id`` is the order of events."""

    __tablename__ = "webhook_peristiwa"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pesan: Mapped[str] = mapped_column(String(40), unique=True)
    """The ``webhook-id`` every delivery of this event carries (``msg_…``): receivers drop repeats by it."""
    jenis: Mapped[str] = mapped_column(String(40))
    surat_id: Mapped[str] = mapped_column(String(32), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    waktu: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    disebar: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    """Handed to the subscriptions (a delivery made for each that wants it)."""


class Pengiriman(Base):
    """One event for one subscription, until delivered or given up."""

    __tablename__ = "webhook_pengiriman"
    __table_args__ = (UniqueConstraint("langganan_id", "peristiwa_id", name="uq_webhook_pengiriman"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    langganan_id: Mapped[str] = mapped_column(ForeignKey("webhook_langganan.id"), index=True)
    peristiwa_id: Mapped[int] = mapped_column(ForeignKey("webhook_peristiwa.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    """``menunggu``, ``terkirim`` or ``gagal`` (no 2xx for 24 hours)."""
    percobaan: Mapped[int] = mapped_column(Integer, default=0)
    mulai: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """When it was first due (or sent again by hand): the 24 hours of retries count from here."""
    berikutnya: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When it is next due; while an attempt runs, when that attempt is taken as lost."""


class Percobaan(Base):
    """One attempt to deliver: when, and what the receiver answered (or why nothing came)."""

    __tablename__ = "webhook_percobaan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pengiriman_id: Mapped[int] = mapped_column(ForeignKey("webhook_pengiriman.id"), index=True)
    waktu: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status_http: Mapped[int | None] = mapped_column(Integer, nullable=True)
    galat: Mapped[str | None] = mapped_column(String(300), nullable=True)
    """No answer: what went wrong (timeout, refused); empty while the attempt runs."""
