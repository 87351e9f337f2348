"""The registry's table of Idempotency-Keys and the first answer given to each."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..plumbing.models import Base


class KunciIdempotensi(Base):
    """One client's Idempotency-Key: what the request was (``sidik``) and, once done, its answer.

    ``status`` is null while the first request with the key still runs.
    """

    __tablename__ = "idempotensi"

    klien: Mapped[str] = mapped_column(String(200), primary_key=True)
    """The caller as the audit trail names it (``kunci:<prefix>``): keys are per API client."""
    kunci: Mapped[str] = mapped_column(String(255), primary_key=True)
    sidik: Mapped[str] = mapped_column(String(64))
    """SHA-256 over the method, path and body: the same key with another request is refused."""
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    jawaban: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tipe: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lokasi: Mapped[str | None] = mapped_column(String(300), nullable=True)
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
