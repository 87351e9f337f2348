"""Staff sign-in machinery for the pages: the cookie's key, Flask-Login, CSRF, the sign-in limit.

The session cookie carries only a random sign-in token (and the form
token); who it signs in is looked up in the registry per request
(:func:`service.accounts.signin.session_account`), so a signed-out
cookie replayed later signs no one in.

Every form of the pages carries a CSRF token (Flask-WTF). The API under
``/api/`` is exempt: it takes credentials only from the ``Authorization``
header, never from this cookie, so a page of another site cannot make a
browser act through it.
"""

from __future__ import annotations

import math
import os
import secrets
import time
from pathlib import Path

from flask import Flask, current_app, render_template, request
from flask_limiter import Limiter, RequestLimit
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from ..access import audit
from ..access.principal import Principal
from ..access.request import SOURCES
from ..accounts.models import Akun
from ..accounts.principal import principal_of_account
from ..accounts.signin import session_account
from ..plumbing.config import Settings
from ..plumbing.services import Services

SIGN_IN_ENDPOINT = "web.masuk"
API_PREFIX = "/api/"
"""Paths that take credentials only from the ``Authorization`` header: no CSRF token there."""


class Staf(UserMixin):
    """The signed-in account as Flask-Login sees it; its id is the session token, never the account id."""

    def __init__(self, akun: Akun, token: str):
        self.akun, self.token = akun, token

    def get_id(self) -> str:
        return self.token

    def has(self, *peran: str) -> bool:
        return any(p in self.akun.peran for p in peran)


def staff_session(services: Services) -> Principal | None:
    """The signed-in account as the request's caller, on the pages only: the API never takes the cookie."""
    if request.path.startswith(API_PREFIX) or not current_user.is_authenticated:
        return None
    return principal_of_account(current_user.akun)


SOURCES.insert(0, staff_session)  # on a page the signed-in account is the caller, whatever header comes along


def _secret_key(path: Path) -> bytes:
    """The key of the cookie and form tokens, made once (0600) where none exists."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as out:
            out.write(key)
        return key


def _login_manager() -> LoginManager:
    manager = LoginManager()
    manager.login_view = SIGN_IN_ENDPOINT
    manager.login_message = "Silakan masuk untuk membuka halaman ini."
    manager.login_message_category = "info"

    @manager.user_loader
    def _load(token: str) -> Staf | None:
        akun = session_account(current_app.extensions["suratkerja"], token)
        return Staf(akun, token) if akun else None

    return manager


def _sign_in_key() -> str:
    """Attempts count per account (pemda and username), as signing counts per official."""
    return f"{request.form.get('wilayah', '')}/{request.form.get('username', '').strip().lower()}"


def _sign_in_limit() -> str:
    settings: Settings = current_app.extensions["suratkerja"].settings
    return f"{settings.login_attempts} per {math.ceil(settings.login_window)} second"


def _locked_out(limit: RequestLimit):
    """The sign-in page again, 429 with ``Retry-After``: the account's attempts are used up for now."""
    from .forms import MasukForm

    wait = max(1, math.ceil(limit.reset_at - time.time()))
    audit.record_sign_in(request.form.get("username", "").strip().lower()[:60], wilayah=request.form.get("wilayah"),
                         berhasil=False, alasan="terkunci")
    page = render_template("masuk.html", form=MasukForm(),
                           error=f"Terlalu banyak kata sandi salah untuk akun ini; coba lagi dalam {wait} detik.")
    return current_app.response_class(page, status=429, headers={"Retry-After": str(wait)})


def init_staff(app: Flask, settings: Settings) -> None:
    """Sign-in, CSRF and the attempt limit on ``app``; call after the blueprints are registered."""
    app.secret_key = _secret_key(settings.secret_key_path)
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
                      WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
                      WTF_CSRF_CHECK_DEFAULT=False)  # checked below, for every path but the API's
    _login_manager().init_app(app)
    csrf = CSRFProtect(app)

    @app.before_request
    def _csrf_outside_api():
        if request.method in app.config["WTF_CSRF_METHODS"] and not request.path.startswith(API_PREFIX):
            csrf.protect()

    limiter = Limiter(_sign_in_key, app=app, storage_uri=settings.redis_url or "memory://",
                      strategy="moving-window", key_prefix="suratkerja-masuk")
    app.view_functions[SIGN_IN_ENDPOINT] = limiter.limit(
        _sign_in_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 401,
        on_breach=_locked_out)(app.view_functions[SIGN_IN_ENDPOINT])
