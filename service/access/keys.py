"""API keys: made, checked, revoked and rotated.

A key reads ``sk_<prefix>_<secret>``: the prefix (8 hex digits) is shown in
lists and the audit trail, the secret (32 random bytes) only once, when the
key is made. Only the SHA-256 of the whole key is stored: for a random
256-bit secret a fast hash is as strong as a slow one (Argon2 is for
passwords people choose), and it keeps checking a key well under a
millisecond.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..plumbing.errors import Conflict, Finding, InvalidRequest, NotFound
from ..plumbing.models import KunciApi
from .principal import ADMIN, KUNCI, RIGHTS, Principal
from .scope import ACCESS_RULE

_TOKEN = re.compile(r"^sk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$")
TOUCH_EVERY = dt.timedelta(minutes=1)
"""How stale ``terakhir_dipakai`` may get: a key used every request writes at most once a minute."""


@dataclass(frozen=True)
class NewKey:
    kunci: KunciApi
    token: str
    """The whole key: shown to its holder once, never stored."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _checked(wilayah: str | None, rights: Iterable[str], units: Iterable[str] | None,
             profiles) -> tuple[list[str], list[str] | None]:
    rights, units = sorted(set(rights)), sorted(set(units)) if units else None
    findings = []
    if not rights or set(rights) - set(RIGHTS):
        findings.append(Finding("/hak", "hak_tidak_dikenal", f"Hak kunci: satu atau lebih dari {', '.join(RIGHTS)}.",
                                ACCESS_RULE))
    if wilayah is None and (ADMIN not in rights or units):
        findings.append(Finding("/wilayah", "wilayah_wajib", "Kunci tanpa wilayah hanya untuk administrator "
                                "hosting (hak admin, tanpa unit).", ACCESS_RULE))
    if wilayah is not None and wilayah not in profiles:
        findings.append(Finding("/wilayah", "wilayah_tidak_dikenal", f"Wilayah '{wilayah}' tidak dikenal.",
                                ACCESS_RULE))
    if findings:
        raise InvalidRequest(findings)
    return rights, units


def create_key(session: Session, profiles, *, wilayah: str | None, nama: str, rights: Iterable[str],
               units: Iterable[str] | None = None) -> NewKey:
    """A new key; its token is in the answer and nowhere else.

    :raises InvalidRequest: unknown rights or pemda; a key without pemda that is not a host administrator's.
    """
    rights, units = _checked(wilayah, rights, units, profiles)
    prefix = secrets.token_hex(4)
    token = f"sk_{prefix}_{secrets.token_urlsafe(32)}"
    key = KunciApi(prefiks=f"sk_{prefix}", hash=digest(token), wilayah=wilayah, nama=nama, unit=units, hak=rights,
                   dibuat=_now())
    session.add(key)
    session.flush()
    return NewKey(key, token)


def authenticate(session: Session, token: str) -> KunciApi | None:
    """The live key ``token`` is, or ``None`` (malformed, unknown, wrong secret, revoked); notes its use."""
    match = _TOKEN.match(token)
    if not match:
        return None
    key = session.scalar(select(KunciApi).where(KunciApi.prefiks == f"sk_{match[1]}"))
    if key is None or key.dicabut is not None or not hmac.compare_digest(key.hash, digest(token)):
        return None
    now = _now()
    last = key.terakhir_dipakai
    if last is None or (last if last.tzinfo else last.replace(tzinfo=dt.timezone.utc)) < now - TOUCH_EVERY:
        session.execute(update(KunciApi).where(KunciApi.id == key.id).values(terakhir_dipakai=now))
        session.commit()
    return key


def principal_of(key: KunciApi) -> Principal:
    return Principal(KUNCI, key.wilayah, frozenset(key.unit) if key.unit else None, frozenset(key.hak),
                     label=key.prefiks)


def find_key(session: Session, principal: Principal, prefix: str) -> KunciApi:
    """A key of the caller's pemda by prefix.

    :raises NotFound: no such key in the caller's scope.
    """
    key = session.scalar(select(KunciApi).where(KunciApi.prefiks == prefix))
    if key is None or not (principal.host_admin or key.wilayah == principal.wilayah):
        raise NotFound(f"Kunci {prefix} tidak ditemukan.")
    return key


def list_keys(session: Session, principal: Principal) -> list[KunciApi]:
    query = select(KunciApi).order_by(KunciApi.id)
    if not principal.host_admin:
        query = query.where(KunciApi.wilayah == principal.wilayah)
    return list(session.scalars(query))


def revoke(key: KunciApi) -> None:
    """Revoke ``key``: its next request is refused (keys are checked on every request, never cached)."""
    if key.dicabut is None:
        key.dicabut = _now()


def rotate(session: Session, profiles, key: KunciApi) -> NewKey:
    """Replace ``key`` by a new one with the same pemda, units and rights; the old one is revoked.

    :raises Conflict: ``key`` is already revoked (a revoked key stays revoked).
    """
    if key.dicabut is not None:
        raise Conflict(f"Kunci {key.prefiks} sudah dicabut; buat kunci baru.")
    revoke(key)
    return create_key(session, profiles, wilayah=key.wilayah, nama=key.nama, rights=key.hak, units=key.unit)
