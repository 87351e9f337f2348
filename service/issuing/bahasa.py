"""Indonesian as letters print it: dates, numbers in words, durations, diktum."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from ..letters.common import akhir_jangka_waktu

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
_SATUAN = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
           "sepuluh", "sebelas")
_DIKTUM = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN",
           "KESEMBILAN", "KESEPULUH", "KESEBELAS", "KEDUA BELAS")


def tanggal(value: dt.date) -> str:
    """``2024-11-05`` → ``5 November 2024``."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def terbilang(n: int) -> str:
    """A whole number in words: 12 → ``dua belas``, 1001 → ``seribu satu``."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _SATUAN[n]
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    for size, word in ((1_000_000_000, "miliar"), (1_000_000, "juta"), (1000, "ribu"), (100, "ratus"), (10, "puluh")):
        if n >= size:
            head, rest = divmod(n, size)
            if head == 1 and size in (100, 1000):
                words = f"se{word}"
            else:
                words = f"{terbilang(head)} {word}"
            return f"{words} {terbilang(rest)}" if rest else words
    raise AssertionError(n)


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
