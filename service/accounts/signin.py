"""Sign-in sessions: open one for a right password, find it per request, close it.

The browser holds a random token; the registry holds its SHA-256, the
account and when the session ends. A request whose token has no row (signed
out, ended by a password change or reset, expired, account deactivated)
signs no one in, whatever cookie it replays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select

from ..plumbing.errors import WrongPassword
from ..plumbing.services import Services
from .models import Akun, SesiAkun
from .passwords import hash_password, needs_rehash, password_matches


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def sign_in(services: Services, wilayah: str, username: str, password: str) -> tuple[Akun, str]:
    """The account and a new session token for it, if the password is right and the account active.

    An unknown name, a deactivated account and a wrong password get the
    same answer in the same time, so none of them can be told apart.

    :raises WrongPassword:
    """
    with services.sessions.begin() as session:
        akun = session.scalar(select(Akun).where(Akun.wilayah == wilayah, Akun.username == username.strip().lower()))
        if not password_matches(akun.sandi_hash if akun else None, password) or not akun.aktif:
            raise WrongPassword()
        if needs_rehash(akun.sandi_hash):
            akun.sandi_hash = hash_password(password)
        session.execute(delete(SesiAkun).where(SesiAkun.berakhir <= _now()))  # expired ones, of anyone
        token = secrets.token_urlsafe(32)
        hours = services.settings.session_hours
        session.add(SesiAkun(token_sha256=token_hash(token), akun_id=akun.id,
                             berakhir=_now() + dt.timedelta(hours=hours)))
    return akun, token


def session_account(services: Services, token: str) -> Akun | None:
    """The active account of an open, unexpired session; ``None`` otherwise."""
    with services.sessions() as session:
        row = session.execute(
            select(Akun, SesiAkun.berakhir).join(SesiAkun, SesiAkun.akun_id == Akun.id)
            .where(SesiAkun.token_sha256 == token_hash(token))).first()
    if row is None or not row.Akun.aktif or _aware(row.berakhir) <= _now():
        return None
    return row.Akun


def sign_out(services: Services, token: str) -> None:
    with services.sessions.begin() as session:
        session.execute(delete(SesiAkun).where(SesiAkun.token_sha256 == token_hash(token)))
