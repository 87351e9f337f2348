"""Shared machinery for letter rules: findings from marshmallow, and the
checks several letter types make (roles, routes, tembusan, required contents).

A letter module calls these with its own section of the region profile; the
profile says *what* a region requires and which article says so, this module
says *how* it is checked, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from marshmallow import Schema, fields

from ..plumbing.errors import Finding
from ..wilayah import RegionProfile
from .common import PERAN_LABEL
from .fields import NASKAH_DINAS

WARNING = "peringatan"


def _escape(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: Any) -> str:
    """JSON pointer from path tokens: ``pointer("pegawai", 0, "nip")`` → ``/pegawai/0/nip``."""
    return "".join(f"/{_escape(t)}" for t in tokens)


@dataclass(frozen=True)
class ReferenceField:
    """The field in which a letter names earlier letters: ``rujukan`` (one
    letter) or ``dasar`` (a list). What names a letter by ``id`` is filled
    from it and checked against it across letters (:mod:`service.chain`)."""

    name: str
    many: bool = False

    def cited(self, payload: Mapping) -> list[tuple[str, dict]]:
        """(pointer, entry) of each reference in ``payload``, by id or by number."""
        value = payload.get(self.name)
        items = list(enumerate(value)) if self.many and isinstance(value, list) else [(None, value)]
        return [(pointer(self.name) if i is None else pointer(self.name, i), entry)
                for i, entry in items if isinstance(entry, dict)]

    def entries(self, payload: Mapping) -> list[tuple[str, dict]]:
        """(pointer, entry) of each reference in ``payload`` that names a letter by id."""
        return [(where, entry) for where, entry in self.cited(payload) if isinstance(entry.get("id"), str)]

    def naming(self, surat_id: str) -> dict:
        """A payload that names only letter ``surat_id``."""
        ref = {"id": surat_id}
        return {self.name: [ref] if self.many else ref}


def _field_pasal(schema: Schema | None, path: list) -> str | None:
    """The ``pasal`` metadata of the field at ``path``, if the schema declares one."""
    field = None
    for token in path:
        if schema is None or not isinstance(token, str) or token not in schema.fields:
            if isinstance(token, int) and field is not None:
                continue
            return None
        field = schema.fields[token]
        inner = field.inner if isinstance(field, fields.List) else field
        schema = inner.schema if isinstance(inner, fields.Nested) else None
    return field.metadata.get("pasal") if field is not None else None


def findings_from_messages(
    messages: Any, schema: Schema, path: list | None = None, default_pasal: str = NASKAH_DINAS,
) -> list[Finding]:
    """Flatten marshmallow's nested error messages into one finding per field.

    :param default_pasal: cited where neither the message nor the field names an article.
    """
    path = path or []
    if isinstance(messages, Mapping):
        found = []
        for key, value in messages.items():
            sub = path if key == "_schema" else [*path, key]
            found += findings_from_messages(value, schema, sub, default_pasal)
        return found
    if isinstance(messages, (list, tuple)):
        return [f for m in messages for f in findings_from_messages(m, schema, path, default_pasal)]
    code = getattr(messages, "code", "tidak_valid")
    pasal = getattr(messages, "pasal", None) or _field_pasal(schema, path) or default_pasal
    return [Finding(pointer(*path), code, str(messages), pasal)]


def _labels(peran: Iterable[str]) -> str:
    return " atau ".join(PERAN_LABEL[p] for p in peran)


def same_instansi(a: Mapping, b: Mapping) -> bool:
    return " ".join(a["instansi"].lower().split()) == " ".join(b["instansi"].lower().split())


class Checker:
    """Collects the findings of one request against one region's rules.

    :param profile: the region the letter is issued in.
    :param jenis: the letter type, whose section of the profile is read.
    """

    def __init__(self, profile: RegionProfile, jenis: str):
        self.profile = profile
        self.rules = profile.rules(jenis)
        self.findings: list[Finding] = []

    def add(self, where: str, code: str, message: str, ref: str, severity: str = "galat") -> None:
        self.findings.append(Finding(where, code, message, self.profile.cite(ref), severity))

    def role(self, official: Mapping, where: str, rule: Mapping | None, who: str) -> None:
        """``official`` must hold one of the roles the rule names."""
        if rule and official["peran"] not in rule["peran"]:
            self.add(
                f"{where}/peran", "peran_tidak_sesuai",
                f"{who} harus {_labels(rule['peran'])}, bukan {PERAN_LABEL[official['peran']]}.",
                rule["pasal"],
            )

    def route(self, jalur: str, asal: Mapping, tujuan: Mapping, where: str = "/jalur") -> bool:
        """The route must be one the region allows and fit the two units.

        :return: whether the route is usable for the route-specific rules.
        """
        allowed: Mapping[str, str] = self.rules["jalur"]
        if jalur not in allowed:
            self.add(
                where, "jalur_tidak_diatur",
                f"Jalur {jalur} tidak diatur di {self.profile.nama}; yang diatur: "
                f"{', '.join(allowed)}.",
                next(iter(allowed.values())),
            )
            return False
        lintas_instansi = not same_instansi(asal, tujuan)
        if lintas_instansi != (jalur == "lintas_instansi"):
            self.add(
                where, "jalur_tidak_sesuai",
                "Jalur lintas_instansi dipakai bila instansi kedua unit berbeda; "
                f"di sini instansinya {'berbeda' if lintas_instansi else 'sama'}.",
                allowed[jalur],
            )
            return False
        return True

    def tembusan(self, tembusan: list[Mapping], required: Iterable[Mapping], where: str = "/tembusan") -> None:
        """Each required copy (by role) must be among the tembusan."""
        have = [t.get("peran") for t in tembusan]
        for need in required:
            if need["peran"] in have:
                have.remove(need["peran"])
                continue
            self.add(
                where, "tembusan_wajib",
                f"Tembusan kepada {need.get('keterangan') or PERAN_LABEL[need['peran']]} wajib ada "
                f"(isi peran \"{need['peran']}\" pada tembusan).",
                need["pasal"],
            )

    def required_contents(self, data: Mapping, contents: Mapping[str, str], labels: Mapping[str, str]) -> None:
        """Contents the region's text says the letter must at least contain."""
        for name, ref in contents.items():
            if not data.get(name):
                self.add(pointer(name), "isi_minimum", f"Surat wajib memuat {labels[name]}.", ref)
