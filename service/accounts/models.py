"""The tables of staff accounts and their sessions (on the registry's declarative base)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..plumbing.models import Base

PERAN_STAF = {
    "admin": "Administrator pemda",
    "arsiparis": "Arsiparis/TU unit",
    "konseptor": "Konseptor",
    "verifikator": "Verifikator (paraf)",
    "penandatangan": "Penandatangan",
    "pembaca": "Pembaca",
}
"""Staff roles and how the pages name them."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Akun(Base):
    """A staff member's account in one pemda."""

    __tablename__ = "akun"
    __table_args__ = (UniqueConstraint("wilayah", "username", name="uq_akun_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    wilayah: Mapped[str] = mapped_column(ForeignKey("instansi.kode"), index=True)
    """The pemda the account belongs to (its region code)."""
    username: Mapped[str] = mapped_column(String(60))
    nama: Mapped[str] = mapped_column(String(150))
    sandi_hash: Mapped[str] = mapped_column(String(200))
    """Argon2id hash in PHC form (salt and parameters inside); never the password."""
    peran: Mapped[list] = mapped_column(JSON, default=list)
    """Roles, keys of :data:`PERAN_STAF`."""
    unit: Mapped[list] = mapped_column(JSON, default=list)
    """Unit kode the account works for; empty = every unit of the pemda."""
    nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    """The official a penandatangan account signs as (only as this one)."""
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    wajib_ganti_sandi: Mapped[bool] = mapped_column(Boolean, default=True)
    """Set when an administrator chose the password: the owner must change it before working."""
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    diubah: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


class SesiAkun(Base):
    """One open sign-in. The cookie carries the token; only its SHA-256 is stored."""

    __tablename__ = "sesi_akun"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    akun_id: Mapped[int] = mapped_column(ForeignKey("akun.id", ondelete="CASCADE"), index=True)
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    berakhir: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """After this moment the session no longer signs anyone in."""
