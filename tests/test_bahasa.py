"""Indonesian as letters print it: numbers in words, dates, durations, diktum."""

from __future__ import annotations

import datetime as dt

import pytest

from service.issuing import bahasa


@pytest.mark.parametrize("n, words", [
    (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (19, "sembilan belas"),
    (20, "dua puluh"), (21, "dua puluh satu"), (100, "seratus"), (101, "seratus satu"),
    (111, "seratus sebelas"), (999, "sembilan ratus sembilan puluh sembilan"), (1000, "seribu"),
    (1001, "seribu satu"), (2000, "dua ribu"), (11000, "sebelas ribu"), (21000, "dua puluh satu ribu"),
    (12345, "dua belas ribu tiga ratus empat puluh lima"),
    (100000, "seratus ribu"), (101000, "seratus satu ribu"), (200000, "dua ratus ribu"),
    (999999, "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"),
    (1_000_000, "satu juta"), (1_021_000, "satu juta dua puluh satu ribu"),
    # num2words says "satu ribu" after a larger unit; Indonesian says "seribu" there too.
    (1_001_000, "satu juta seribu"), (1_001_006, "satu juta seribu enam"),
    (11_001_000, "sebelas juta seribu"), (1_000_001_000, "satu miliar seribu"),
    (1_001_001_000, "satu miliar satu juta seribu"), (10**12 + 1000, "satu triliun seribu"),
    (10**12, "satu triliun"),
])
def test_terbilang(n, words):
    assert bahasa.terbilang(n) == words


@pytest.mark.parametrize("month, name", list(enumerate([
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
], start=1)))
def test_every_month_is_printed_by_its_indonesian_name(month, name):
    assert bahasa.tanggal(dt.date(2024, month, 5)) == f"5 {name} 2024"
    assert bahasa.tanggal(dt.date(2026, month, 28)) == f"28 {name} 2026"


def test_durations_ranges_diktum_and_lettered_lists():
    jangka = {"mulai": dt.date(2026, 12, 1), "jumlah": 3, "satuan": "bulan"}
    assert bahasa.durasi(jangka) == "3 (tiga) bulan"
    assert bahasa.durasi({"mulai": dt.date(2026, 1, 1), "jumlah": 11, "satuan": "hari"}) == "11 (sebelas) hari"
    assert bahasa.rentang(jangka) == "1 Desember 2026 s.d. 28 Februari 2027"
    assert bahasa.rentang({"mulai": dt.date(2026, 1, 31), "jumlah": 1, "satuan": "bulan"}) == \
        "31 Januari 2026 s.d. 27 Februari 2026"
    assert [bahasa.diktum(i) for i in (0, 1, 3, 9)] == ["KESATU", "KEDUA", "KEEMPAT", "KESEPULUH"]
    assert bahasa.huruf(0) == "a" and bahasa.huruf(25) == "z"
