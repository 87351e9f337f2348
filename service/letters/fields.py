"""Marshmallow fields that speak Indonesian and carry a rule code.

Marshmallow's own messages are English and have no machine code. Every
message here is a :class:`Msg`, a ``str`` that also knows its ``code`` (and,
when the rule has one, its article), so the 422 entry can be built from the
message alone wherever marshmallow puts it.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

NASKAH_DINAS = "Permendagri 1/2023 tentang Tata Naskah Dinas"
"""Citation for the parts every naskah dinas has (nomor, hal, penandatangan…)."""


class Msg(str):
    """A message that remembers its rule code and, optionally, its article."""

    code: str
    pasal: str | None

    def __new__(cls, text: str, code: str, pasal: str | None = None):
        msg = super().__new__(cls, text)
        msg.code = code
        msg.pasal = pasal
        return msg

    def __reduce__(self):  # marshmallow deep-copies fields and their messages
        return Msg, (str(self), self.code, self.pasal)

    def format(self, *args, **kwargs) -> "Msg":  # marshmallow formats field messages
        return Msg(str.format(self, *args, **kwargs), self.code, self.pasal)


_COMMON = {
    "required": Msg("Wajib diisi.", "wajib_diisi"),
    "null": Msg("Tidak boleh kosong (null).", "wajib_diisi"),
    "validator_failed": Msg("Nilai tidak valid.", "tidak_valid"),
}


class Teks(fields.String):
    default_error_messages = {
        **_COMMON,
        "invalid": Msg("Harus berupa teks.", "bukan_teks"),
        "invalid_utf8": Msg("Teks bukan UTF-8 yang sah.", "bukan_teks"),
    }


class Tanggal(fields.Date):
    default_error_messages = {
        **_COMMON,
        "invalid": Msg("Tanggal harus berformat TTTT-BB-HH.", "tanggal_tidak_valid"),
        "format": Msg("Tanggal tidak dapat dibaca.", "tanggal_tidak_valid"),
    }


class Bilangan(fields.Integer):
    default_error_messages = {
        **_COMMON,
        "invalid": Msg("Harus berupa bilangan bulat.", "bukan_bilangan"),
        "too_large": Msg("Bilangan terlalu besar.", "bukan_bilangan"),
    }


class Logika(fields.Boolean):
    default_error_messages = {
        **_COMMON,
        "invalid": Msg("Harus bernilai true atau false.", "bukan_logika"),
    }


class Daftar(fields.List):
    default_error_messages = {
        **_COMMON,
        "invalid": Msg("Harus berupa daftar (array).", "bukan_daftar"),
    }


class Objek(fields.Nested):
    default_error_messages = {
        **_COMMON,
        "type": Msg("Harus berupa objek.", "bukan_objek"),
    }


class BaseSchema(Schema):
    """Indonesian schema-level messages; unknown fields are refused."""

    error_messages = {
        "unknown": Msg("Isian tidak dikenal.", "isian_tidak_dikenal"),
        "type": Msg("Harus berupa objek JSON.", "bukan_objek"),
    }


def one_of(choices, labels: str | None = None) -> validate.OneOf:
    """A choice validator with an Indonesian message listing the choices."""
    return validate.OneOf(
        choices,
        error=Msg(f"Harus salah satu dari: {labels or ', '.join(choices)}.", "pilihan_tidak_valid"),
    )


def length(min: int = 1, max: int | None = None) -> validate.Length:
    if max is None:
        return validate.Length(min=min, error=Msg(f"Minimal {min} isian/karakter.", "terlalu_pendek"))
    return validate.Length(
        min=min, max=max,
        error=Msg(f"Panjang harus antara {min} dan {max}.", "panjang_tidak_valid"),
    )


def text(max: int = 500, **kwargs) -> Teks:
    """A required one-line text of bounded length (the common case)."""
    kwargs.setdefault("required", True)
    return Teks(validate=length(1, max), **kwargs)
