"""Administration of a pemda's staff accounts, by its administrator.

An administrator sees and changes only the accounts of their own pemda
(another pemda's account is not found). A password the service generates
(new account, reset) is shown once, on the answer to that form, and never
again.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, render_template
from flask_login import current_user, login_required

from ..accounts.manage import (Pemegang, account_of, create_account, list_accounts, reset_password,
                               update_account)
from ..accounts.models import PERAN_STAF, Akun
from ..access import audit
from ..access.request import require_admin
from ..plumbing.errors import InvalidRequest
from . import blp
from .forms import AkunForm, TombolForm


def _services():
    return current_app.extensions["suratkerja"]


def admin_only(view):
    """Signed in, administrator of the whole pemda (403 otherwise)."""
    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        require_admin()
        return view(*args, **kwargs)
    return guarded


def _holder(form: AkunForm) -> Pemegang:
    return Pemegang(form.nama.data or "", tuple(form.peran.data or ()), form.units(), form.nip.data or None)


def _password_once(akun: Akun, password: str, what: str):
    """The page that shows a generated password, the one time it is shown."""
    response = current_app.make_response(render_template("akun_sandi.html", akun=akun, sandi=password, what=what))
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/admin/akun", methods=["GET", "POST"])
@admin_only
def admin_akun():
    """The pemda's accounts, and a form for a new one."""
    form, errors = AkunForm(), []
    wilayah = current_user.akun.wilayah
    if form.validate_on_submit():
        try:
            akun, password = create_account(_services(), wilayah, form.username.data or "", _holder(form))
        except InvalidRequest as e:
            errors = e.findings
        else:
            audit.record("akun.buat", wilayah=wilayah, objek=akun.username, peran=akun.peran, unit=akun.unit)
            return _password_once(akun, password, "Akun dibuat")
    elif form.is_submitted():
        errors = form.messages()
    return render_template("akun_daftar.html", form=form, errors=errors, akun=list_accounts(_services(), wilayah),
                           peran=PERAN_STAF), 422 if errors else 200


@blp.route("/admin/akun/<int:akun_id>", methods=["GET", "POST"])
@admin_only
def admin_akun_ubah(akun_id):
    """Change an account's name, roles, units, NIP or state; its sessions end with the change."""
    wilayah = current_user.akun.wilayah
    with _services().sessions() as session:
        akun = account_of(session, wilayah, akun_id)
    form, errors = AkunForm(), []
    if not form.is_submitted():
        form.fill(akun)
    elif form.validate():
        try:
            akun = update_account(_services(), wilayah, akun_id, _holder(form), bool(form.aktif.data))
        except InvalidRequest as e:
            errors = e.findings
        else:
            audit.record("akun.ubah", wilayah=wilayah, objek=akun.username, peran=akun.peran, unit=akun.unit,
                         aktif=akun.aktif)
            errors = None
    return render_template("akun_ubah.html", form=form, akun=akun, errors=errors, reset=TombolForm(),
                           peran=PERAN_STAF), 422 if errors else 200


@blp.route("/admin/akun/<int:akun_id>/reset-sandi", methods=["POST"])
@admin_only
def admin_akun_reset(akun_id):
    """A new generated password, shown once; the owner must change it at the next sign-in."""
    akun, password = reset_password(_services(), current_user.akun.wilayah, akun_id)
    audit.record("akun.reset_sandi", wilayah=akun.wilayah, objek=akun.username)
    return _password_once(akun, password, "Kata sandi diatur ulang")
