"""Pemda (instansi): one per region profile, recorded so that what a pemda owns can name it."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..plumbing.models import Instansi


def register_pemda(sessions: sessionmaker[Session], profiles: Mapping[str, Any]) -> None:
    """Record a pemda for every region profile not yet recorded (a new profile file is a new pemda)."""
    with sessions.begin() as session:
        known = set(session.scalars(select(Instansi.kode)))
        session.add_all(Instansi(kode=kode, nama=profile.pemerintah)
                        for kode, profile in profiles.items() if kode not in known)
