"""Queries over the registry of letters, shared by the API and the pages."""

from __future__ import annotations

import re
from typing import Any, Mapping

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from .models import Surat


def find_letters(session: Session, filters: Mapping[str, Any], *, scope: ColumnElement[bool], page: int,
                 size: int) -> tuple[list[Surat], int]:
    """Letters matching ``filters`` (wilayah, unit, jenis, dari, sampai, q) within ``scope``, newest first.

    :param scope: the letters the caller may read (:func:`service.access.scope.visible_letters`).
    :return: one page of letters and the total number matching.
    """
    query = select(Surat).where(scope)
    for column, key in ((Surat.wilayah, "wilayah"), (Surat.unit_kode, "unit"), (Surat.jenis, "jenis")):
        if filters.get(key):
            query = query.where(column == filters[key])
    if filters.get("dari"):
        query = query.where(Surat.tanggal >= filters["dari"])
    if filters.get("sampai"):
        query = query.where(Surat.tanggal <= filters["sampai"])
    if filters.get("q"):
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", filters["q"]) + "%"
        query = query.where(Surat.hal.ilike(pattern, escape="\\"))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Surat.dibuat.desc(), Surat.id).offset((page - 1) * size).limit(size)
    ).all()
    return list(rows), total
