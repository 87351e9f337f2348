"""Pages for people: the list of letters with search and download."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..letters import LETTER_TYPES
from ..registry import find_letters

blp = Blueprint("web", __name__, template_folder="templates")

PAGE_SIZE = 25


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@blp.route("/")
def index():
    return redirect(url_for("web.daftar"))


@blp.route("/surat")
def daftar():
    """The registry as a page: filter by region, unit, type, date and subject."""
    services = current_app.extensions["suratkerja"]
    args = request.args
    filters = {
        "wilayah": args.get("wilayah") or None,
        "unit": args.get("unit") or None,
        "jenis": args.get("jenis") or None,
        "dari": _date(args.get("dari")),
        "sampai": _date(args.get("sampai")),
        "q": (args.get("q") or "")[:200] or None,
    }
    page = max(1, args.get("halaman", 1, type=int) or 1)
    with services.sessions() as session:
        rows, total = find_letters(session, filters, page=page, size=PAGE_SIZE)
    return render_template(
        "daftar.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        filters=args, query=args.to_dict(), profiles=services.profiles, jenis=LETTER_TYPES,
    )
