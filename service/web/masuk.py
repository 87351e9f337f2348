"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..access import audit
from ..accounts.manage import change_password
from ..accounts.signin import sign_in, sign_out, token_hash
from ..plumbing.errors import InvalidRequest, WrongPassword
from . import blp
from .forms import MasukForm, SandiForm
from .staff import Staf

ALWAYS_OPEN = {"web.masuk", "web.keluar", "web.sandi", "web.verifikasi", "web.verifikasi_surat"}
"""Pages an account that must change its password may still open."""


def _services():
    return current_app.extensions["suratkerja"]


def _local(target: str | None) -> str:
    """Where to go after signing in: a path of this site only, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.saya")


@blp.before_app_request
def _password_first():
    """An account whose password an administrator chose works only once its owner has replaced it."""
    if (request.blueprint == "web" and request.endpoint not in ALWAYS_OPEN
            and current_user.is_authenticated and current_user.akun.wajib_ganti_sandi):
        return redirect(url_for("web.sandi"))
    return None


@blp.route("/masuk", methods=["GET", "POST"])
def masuk():
    """Sign in with pemda, username and password; wrong attempts are limited per account (see staff.py)."""
    form = MasukForm()
    if form.validate_on_submit():
        try:
            akun, token = sign_in(_services(), form.wilayah.data, form.username.data, form.sandi.data)
        except WrongPassword as e:
            audit.record_sign_in(form.username.data.strip().lower(), wilayah=form.wilayah.data, berhasil=False)
            return render_template("masuk.html", form=form, error=e.title + "."), 401
        audit.record_sign_in(akun.username, wilayah=akun.wilayah, berhasil=True)
        session.clear()  # nothing from before the sign-in (a planted session) carries over
        login_user(Staf(akun, token))
        return redirect(_local(request.args.get("next")))
    if current_user.is_authenticated:
        return redirect(url_for("web.saya"))
    return render_template("masuk.html", form=form, error=None)


@blp.route("/keluar", methods=["POST"])
@login_required
def keluar():
    """Sign out: the session row goes, so this cookie signs no one in again."""
    audit.record("keluar", wilayah=current_user.akun.wilayah)
    sign_out(_services(), current_user.token)
    logout_user()
    session.clear()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("web.masuk"))


@blp.route("/sandi", methods=["GET", "POST"])
@login_required
def sandi():
    """Change one's own password; every other session of the account ends."""
    form, error = SandiForm(), None
    if form.validate_on_submit():
        try:
            change_password(_services(), current_user.akun.id, form.sandi_lama.data, form.sandi_baru.data,
                            keep_session=token_hash(current_user.token))
        except WrongPassword as e:
            error = e.detail
        except InvalidRequest as e:
            error = " ".join(f.message for f in e.findings)
        else:
            audit.record("akun.ganti_sandi", wilayah=current_user.akun.wilayah, objek=current_user.akun.username)
            flash("Kata sandi telah diganti.", "info")
            return redirect(url_for("web.saya"))
    return render_template("sandi.html", form=form, error=error,
                           wajib=current_user.akun.wajib_ganti_sandi), 200 if error is None else 422
