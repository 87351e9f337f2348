"""The caller of the current request, and the checks every operation makes.

:func:`current_principal` asks each of :data:`SOURCES` in turn (an API key
from ``Authorization: Bearer``; the staff session, which the accounts module
adds) and keeps the answer for the request. :func:`require` is the one check
an operation makes before it does anything.
"""

from __future__ import annotations

from typing import Callable

from flask import Flask, current_app, g, request

from ..plumbing.errors import MissingRight, NotAuthenticated
from ..plumbing.services import Services
from ..plumbing.timing import stage
from .keys import authenticate, principal_of
from .principal import ADMIN, ANONYMOUS, Principal

PUBLIC_API = ("/api/v1/verifikasi", "/api/v1/openapi.json", "/api/v1/docs")
"""API paths anyone may call: verifying a PDF, and the API's own description."""
_ASK_FOR_KEY = "Sertakan kunci API: Authorization: Bearer <kunci>."


def bearer_key(services: Services) -> Principal | None:
    """The key of ``Authorization: Bearer <key>``; ``None`` without that header.

    :raises NotAuthenticated: a Bearer key that is malformed, unknown or revoked.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    with services.sessions() as session:
        key = authenticate(session, token.strip())
    if key is None:
        raise NotAuthenticated("Kunci API tidak dikenal, salah, atau sudah dicabut.")
    return principal_of(key)


SOURCES: list[Callable[[Services], Principal | None]] = [bearer_key]
"""Where a caller may come from, asked in order; the first answer wins."""


def current_principal() -> Principal:
    """Who calls this request (:data:`~.principal.ANONYMOUS` when no source knows).

    :raises NotAuthenticated: a credential was offered and is not valid.
    """
    if "principal" not in g:
        services = current_app.extensions["suratkerja"]
        with stage("auth"):
            g.principal = next((p for p in (source(services) for source in SOURCES) if p is not None), ANONYMOUS)
    return g.principal


def require(*rights: str) -> Principal:
    """The caller, who must be known and hold every one of ``rights``.

    :raises NotAuthenticated: nobody, or a bad credential (401).
    :raises MissingRight: known, without one of ``rights`` (403).
    """
    principal = current_principal()
    if not principal.authenticated:
        raise NotAuthenticated(_ASK_FOR_KEY)
    missing = [right for right in rights if right not in principal.rights]
    if missing:
        raise MissingRight(f"Kredensial ini tidak memiliki hak {', '.join(missing)}.")
    return principal


def require_admin() -> Principal:
    """A pemda (or host) administrator: right ``admin`` for the whole pemda, not for some units only.

    :raises NotAuthenticated, MissingRight: see :func:`require`.
    """
    principal = require(ADMIN)
    if principal.units is not None:
        raise MissingRight("Administrasi pemda perlu kredensial untuk seluruh pemda, bukan untuk sebagian unit.")
    return principal


def _public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_API)


def init_app(app: Flask) -> None:
    """Refuse every API call without a valid credential before its view runs (the views then check rights)."""

    @app.before_request
    def _authenticated_api():
        if request.path.startswith("/api/") and not _public(request.path):
            if not current_principal().authenticated:
                raise NotAuthenticated(_ASK_FOR_KEY)
