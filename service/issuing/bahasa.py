"""Indonesian as letters print it: dates, numbers in words, durations, diktum."""

from __future__ import annotations

import datetime as dt
import re
from typing import Mapping

from babel.dates import format_date
from num2words import num2words

from ..letters.common import akhir_jangka_waktu

_DIKTUM = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN",
           "KESEMBILAN", "KESEPULUH", "KESEBELAS", "KEDUA BELAS")
_SATU_RIBU = re.compile(r"\b(juta|miliar|\w+liun) satu ribu\b")


def tanggal(value: dt.date | str) -> str:
    """``2024-11-05`` → ``5 November 2024``; a text (a draft's placeholder) as it is.

    The pattern is spelt out rather than Babel's ``long`` format, so the
    printed date cannot change with a new CLDR release.
    """
    return value if isinstance(value, str) else format_date(value, "d MMMM y", locale="id")


def terbilang(n: int) -> str:
    """A whole number in words: 12 → ``dua belas``, 1001 → ``seribu satu``.

    num2words (``lang="id"``) is used because it matches Indonesian usage:
    it wrote every number from 0 to 1,000,999 as the hand-written function it
    replaced did (``seribu``, ``sebelas``, ``seratus``, ``satu juta``,
    ``dua ratus ribu``), and names ``triliun`` where that one said
    ``seribu miliar``. One slip is corrected here: after ``juta``, ``miliar``
    or a ``-liun`` it writes a thousands group of exactly one as ``satu ribu``
    (1,001,000 → ``satu juta satu ribu``), where Indonesian writes ``seribu``
    as it does alone (``satu juta seribu``).
    """
    return _SATU_RIBU.sub(r"\1 seribu", num2words(n, lang="id"))


def durasi(jangka: Mapping) -> str:
    """``{jumlah: 3, satuan: bulan}`` → ``3 (tiga) bulan``."""
    return f"{jangka['jumlah']} ({terbilang(jangka['jumlah'])}) {jangka['satuan']}"


def rentang(jangka: Mapping) -> str:
    """The period's first and last day: ``1 Desember 2026 s.d. 28 Februari 2027``."""
    return f"{tanggal(jangka['mulai'])} s.d. {tanggal(akhir_jangka_waktu(jangka))}"


def huruf(index: int) -> str:
    """0 → ``a``: the letters of a lettered list."""
    return chr(ord("a") + index) if index < 26 else f"a{chr(ord('a') + index - 26)}"


def diktum(index: int) -> str:
    """0 → ``KESATU``: the names of a decree's diktum."""
    return _DIKTUM[index] if index < len(_DIKTUM) else f"KE-{index + 1}"
