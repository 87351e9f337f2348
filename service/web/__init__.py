"""Pages for people: public verification; for signed-in staff, their letters,
a letter's page with signing in the browser, the registry, and account
administration. Indonesian throughout; Jinja templates in ``templates/``."""

from __future__ import annotations

from flask import Blueprint

blp = Blueprint("web", __name__, template_folder="templates")

# their routes are on blp
from . import admin, admin_direktori, admin_pemda, alur, masuk, pages, saya  # noqa: E402,F401
from .staff import init_staff  # noqa: E402

__all__ = ["blp", "init_staff"]
