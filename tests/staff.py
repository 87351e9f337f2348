"""Staff accounts for the page tests: make one, sign it in, read a page's form token."""

from __future__ import annotations

import re

from service.accounts.manage import Pemegang, create_account
from service.accounts.models import Akun

WILAYAH = "hulu-sungai-selatan"
NEW_PASSWORD = "sandi-baru-yang-panjang-2026"


def make_account(app, username: str, *peran: str, wilayah: str = WILAYAH, unit: tuple[str, ...] = (),
                 nip: str | None = None, must_change: bool = False) -> tuple[Akun, str]:
    """An account in the app's registry and its generated password."""
    holder = Pemegang(f"Staf {username}", peran or ("pembaca",), unit, nip)
    return create_account(app.extensions["suratkerja"], wilayah, username, holder, must_change=must_change)


def form_token(client, path: str) -> str:
    """The CSRF token in the form of the page at ``path`` (as a browser would have it)."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client, username: str, password: str, wilayah: str = WILAYAH, **follow):
    """Post the sign-in form with its token, as the page would."""
    data = {"csrf_token": form_token(client, "/masuk"), "wilayah": wilayah, "username": username, "sandi": password}
    return client.post("/masuk", data=data, **follow)


def signed_in(client, app, username: str, *peran: str, **account) -> Akun:
    """``client`` signed in as a new account with ``peran``."""
    akun, password = make_account(app, username, *peran, **account)
    assert sign_in(client, username, password, wilayah=akun.wilayah).status_code == 302
    return akun


def post_form(client, path: str, data: dict, page: str | None = None, **kwargs):
    """Post ``data`` to ``path`` with the token of ``page`` (default: the same path)."""
    return client.post(path, data={"csrf_token": form_token(client, page or path), **data}, **kwargs)
