"""The Nomor Induk Pegawai: 18 digits that encode a birth date, a TMT and a gender.

A wrong NIP is reported by the part that is wrong, so the clerk who typed it
knows where to look (``19680411 199303 1 009``: birth date, TMT CPNS,
gender, sequence).
"""

from __future__ import annotations

import datetime as dt
import re

from marshmallow import ValidationError

from .fields import Msg, Teks

PASAL_NIP = "Peraturan Kepala BKN 22/2007 tentang Nomor Induk Pegawai Negeri Sipil"

_DIGITS = re.compile(r"\d{18}")


def _error(text: str, code: str) -> ValidationError:
    return ValidationError(Msg(text, code, PASAL_NIP))


def normalise_nip(value: str) -> str:
    """Drop the spaces people print between NIP parts."""
    return re.sub(r"[ \u00a0]", "", value)


def check_nip(nip: str) -> None:
    """Raise :class:`ValidationError` naming the wrong part of ``nip``."""
    if not _DIGITS.fullmatch(nip):
        raise _error("NIP harus terdiri atas 18 angka.", "nip_format")
    try:
        lahir = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise _error(
            f"8 angka pertama NIP ({nip[0:8]}) bukan tanggal lahir yang sah (TTTTBBHH).",
            "nip_tanggal_lahir",
        ) from None
    tmt_tahun, tmt_bulan = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tmt_bulan <= 12 or tmt_tahun < 1900:
        raise _error(
            f"Angka ke-9 s.d. 14 NIP ({nip[8:14]}) bukan TMT CPNS yang sah (TTTTBB).",
            "nip_tmt",
        )
    if (tmt_tahun, tmt_bulan) < (lahir.year + 18, lahir.month):
        raise _error(
            f"TMT CPNS dalam NIP ({nip[8:14]}) lebih awal dari usia 18 tahun "
            f"sejak tanggal lahir ({nip[0:8]}).",
            "nip_tmt_usia",
        )
    if nip[14] not in "12":
        raise _error(
            f"Angka ke-15 NIP ({nip[14]}) adalah kode jenis kelamin: 1 (pria) atau 2 (wanita).",
            "nip_jenis_kelamin",
        )


def format_nip(nip: str) -> str:
    """``196804111993031009`` → ``19680411 199303 1 009``, as letters print it."""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"


NIP_PATTERN = r"^\d{8}[ \u00a0]?\d{6}[ \u00a0]?[12][ \u00a0]?\d{3}$"
"""The NIP's shape for the OpenAPI document; the dates it encodes are checked by :func:`check_nip` (a 422)."""


class NIP(Teks):
    """A NIP field: accepts printed spacing, stores the 18 digits."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": NIP_PATTERN, "description": (
            "18 angka (spasi cetak boleh): tanggal lahir TTTTBBHH, TMT CPNS TTTTBB paling awal usia 18 tahun, "
            "jenis kelamin 1/2, nomor urut"), **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        nip = normalise_nip(super()._deserialize(value, attr, data, **kwargs))
        check_nip(nip)
        return nip
