"""Signing in the browser's page when BSrE holds the keys: the NIK and a passphrase or TOTP, sent once."""

from __future__ import annotations

from ..staff import post_form, signed_in
from ..support import PASSPHRASE, SIGNER_NIP, issue
from .conftest import SIGNER_NIK, TOTP


def test_a_penandatangan_signs_through_esign_in_the_page(esign_client, app_shell, double):
    api = esign_client("v2")
    created = issue(api)
    staff = app_shell.test_client()
    signed_in(staff, app_shell, "kepala.esign", "penandatangan", unit=("BAPPEDA",), nip=SIGNER_NIP)
    page = f"/surat/{created['id']}"
    assert 'name="nik"' in staff.get(page).get_data(as_text=True)
    refused = post_form(staff, f"{page}/tandatangan", {"passphrase": PASSPHRASE}, page=page)
    assert refused.status_code == 422 and "NIK penandatangan wajib" in refused.get_data(as_text=True)
    done = post_form(staff, f"{page}/tandatangan", {"nik": SIGNER_NIK, "totp": TOTP}, page=page)
    assert done.headers["Location"] == page, done.get_data(as_text=True)[:300]
    letter = api.get(created["tautan"]["self"]).get_json()
    assert letter["status"] == "ditandatangani" and TOTP not in staff.get(page).get_data(as_text=True)
