"""A pemda administrator's API keys and audit trail, as pages (the same steps as ``/api/v1/kunci`` and
``/api/v1/audit``). A new key's token is shown once, on the answer to the form that made it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import login_required

from ..access import audit
from ..access.keys import NewKey, create_key, find_key, list_keys, revoke, rotate
from ..access.principal import RIGHTS
from ..access.request import require_admin
from ..api.admin import audit_csv, latest_entries
from ..plumbing.errors import InvalidRequest
from . import blp
from .forms import KunciForm, TombolForm

AUDIT_PAGE = 100


def _services():
    return current_app.extensions["suratkerja"]


def _token_once(new: NewKey, aksi: str):
    """The page showing a new key's token, the one time it is shown; the audit trail notes the key, not the token."""
    key = new.kunci
    audit.record(aksi, wilayah=key.wilayah, objek=key.prefiks, hak=key.hak, unit=key.unit)
    response = current_app.make_response(render_template("kunci_baru.html", kunci=key, token=new.token))
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/admin/kunci", methods=["GET", "POST"])
@login_required
def admin_kunci():
    """The pemda's API keys (revoked ones too) and a form for a new one."""
    principal = require_admin()
    form, errors = KunciForm(), []
    if form.validate_on_submit():
        try:
            with _services().sessions.begin() as session:
                new = create_key(session, _services().profiles, wilayah=principal.wilayah, nama=form.nama.data,
                                 rights=form.hak.data or (), units=form.units() or None)
        except InvalidRequest as e:
            errors = [f.message for f in e.findings]
        else:
            return _token_once(new, "kunci.buat")
    elif form.is_submitted():
        errors = form.messages()
    with _services().sessions() as session:
        keys = list_keys(session, principal)
    return render_template("kunci_daftar.html", keys=keys, form=form, errors=errors, tombol=TombolForm(),
                           rights=RIGHTS), 422 if errors else 200


@blp.route("/admin/kunci/<string:prefiks>/cabut", methods=["POST"])
@login_required
def admin_kunci_cabut(prefiks):
    """Revoke a key: its next request is refused."""
    principal = require_admin()
    with _services().sessions.begin() as session:
        key = find_key(session, principal, prefiks)
        revoke(key)
    audit.record("kunci.cabut", wilayah=key.wilayah, objek=key.prefiks)
    flash(f"Kunci {key.prefiks} dicabut; permintaan berikutnya dengan kunci itu ditolak.", "info")
    return redirect(url_for("web.admin_kunci"))


@blp.route("/admin/kunci/<string:prefiks>/putar", methods=["POST"])
@login_required
def admin_kunci_putar(prefiks):
    """A new key in place of the old (same units and rights), shown once; the old one is revoked."""
    principal = require_admin()
    with _services().sessions.begin() as session:
        new = rotate(session, _services().profiles, find_key(session, principal, prefiks))
    return _token_once(new, "kunci.putar")


@blp.route("/admin/audit")
@login_required
def admin_audit():
    """The newest entries of the pemda's audit trail, and its CSV export."""
    entries = latest_entries(require_admin(), 1, AUDIT_PAGE)
    return render_template("audit.html", entries=entries)


@blp.route("/admin/audit.csv")
@login_required
def admin_audit_csv():
    return audit_csv(require_admin())
