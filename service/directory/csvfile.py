"""The directory as a CSV in the shape of a personnel (SIMPEG) export: one row per pegawai.

A unit has no row of its own: its columns (``UNIT_…``) repeat on the row
of each of its pegawai, as SIMPEG exports do, and a unit's value may be
left blank on all but one of its rows (``UNIT_RUTE_PARAF``, the unit's
default paraf route, names pegawai of the file). Columns other than :data:`COLUMNS`
(a SIMPEG export has dozens) are ignored; the delimiter is a comma or a
semicolon (Excel's in an Indonesian locale), read from the header line.

:func:`read_roster` checks every row and raises one
:class:`~service.plumbing.errors.InvalidRequest` listing every bad cell
(pointer ``/baris/<line>/<COLUMN>``, line 1 being the header), so a file
is imported whole or not at all. :func:`write_roster` writes the same
shape back, a cell that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab, carriage return, NUL first: OWASP's CSV injection) behind
a ``'``, the spreadsheets' mark for text; the import takes one leading ``'``
off every cell, as a spreadsheet does when it saves, so the round trip keeps
every value.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Iterable

from marshmallow import ValidationError, validate

from ..letters.checks import findings_from_messages
from ..letters.common import GOLONGAN, KODE_UNIT, MAX_VERIFIKATOR, PERAN, PERAN_LABEL
from ..letters.fields import BaseSchema, Logika, Msg, Teks, length
from ..letters.nip import NIP, check_nip
from ..plumbing.errors import Finding, InvalidRequest
from ..workflow.route import RULE as ROUTE_RULE

FORMAT = "Format berkas direktori suratkerja (README, Directory)"
"""What an import finding cites when no regulation is at stake (columns, units, PPK)."""

PEGAWAI_COLUMNS = {
    "NIP": "nip", "GELAR_DEPAN": "gelar_depan", "NAMA": "nama", "GELAR_BELAKANG": "gelar_belakang",
    "PANGKAT": "pangkat", "GOLONGAN": "golongan", "JABATAN": "jabatan", "PERAN": "peran", "NIP_PPK": "nip_ppk",
}
UNIT_COLUMNS = {
    "UNIT_KODE": "kode", "UNIT_NAMA": "nama", "UNIT_INDUK": "induk", "UNIT_ALAMAT": "alamat",
    "UNIT_KODE_POS": "kode_pos", "UNIT_TELEPON": "telepon", "UNIT_POS_EL": "email", "UNIT_LAMAN": "laman",
    "UNIT_ADA_PENGAWAS": "ada_pengawas", "UNIT_RUTE_PARAF": "rute_paraf",
}
COLUMNS = (*PEGAWAI_COLUMNS, *UNIT_COLUMNS)
"""The columns, in the order the export writes them."""
REQUIRED_COLUMNS = ("NIP", "NAMA", "PANGKAT", "GOLONGAN", "JABATAN", "PERAN", "UNIT_KODE", "UNIT_NAMA")

_NOTHING_IMPORTED = "{} isian berkas direktori tidak memenuhi ketentuan; tidak ada yang diimpor."
_PERAN_SPLIT = re.compile(r"[\s,;|]+")
_ROUTE_SPLIT = re.compile(r"[\s,;]+")
TEXT_MARK = "'"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0", TEXT_MARK)
"""What a spreadsheet runs as a formula when a cell starts with it; and the text mark itself, so that
a value starting with one reads back whole."""


class Peran(Teks):
    """The roles of a pegawai in one cell, main role first: ``pimpinan_unit; ppk``."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[str]:
        roles = [r for r in _PERAN_SPLIT.split(super()._deserialize(value, attr, data, **kwargs).lower()) if r]
        unknown = [r for r in roles if r not in PERAN]
        if unknown or not roles:
            raise ValidationError(Msg(
                f"Peran tidak dikenal: {', '.join(unknown) or '(kosong)'}; yang dikenal: {', '.join(PERAN)}.",
                "peran_tidak_dikenal"))
        return list(dict.fromkeys(roles))


class RuteParaf(Teks):
    """A unit's default paraf route in one cell: the verifikators' NIPs in order, ``198507232010011003;
    197503102000032001`` (spaces, commas or semicolons between them, so each NIP is written without spaces).
    Whether each is a pegawai of the file is :func:`_check_routes`'s."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[str] | None:
        nips = [nip for nip in _ROUTE_SPLIT.split(super()._deserialize(value, attr, data, **kwargs)) if nip]
        for nip in nips:
            try:
                check_nip(nip)
            except ValidationError as e:
                reason = e.messages[0]
                raise ValidationError(Msg(f"Rute paraf: {nip}: {reason}", reason.code, reason.pasal)) from None
        if len(nips) > MAX_VERIFIKATOR:
            raise ValidationError(Msg(f"Rute paraf paling banyak {MAX_VERIFIKATOR} verifikator.",
                                      "rute_paraf_panjang"))
        doubled = sorted({nip for nip in nips if nips.count(nip) > 1})
        if doubled:
            raise ValidationError(Msg(f"NIP {', '.join(doubled)} tertulis lebih dari sekali dalam rute paraf.",
                                      "rute_paraf_ganda", ROUTE_RULE))
        return nips or None


def _text(max: int, required: bool = False, **kwargs) -> Teks:
    return Teks(required=required, validate=length(1, max), **kwargs)


class RowSchema(BaseSchema):
    """One row: the pegawai's cells under their column names, and their unit's."""

    class Meta:
        unknown = "exclude"  # the other columns of a SIMPEG export

    nip = NIP(required=True, data_key="NIP")
    gelar_depan = _text(60, data_key="GELAR_DEPAN")
    nama = _text(150, True, data_key="NAMA")
    gelar_belakang = _text(60, data_key="GELAR_BELAKANG")
    pangkat = _text(60, True, data_key="PANGKAT")
    golongan = Teks(required=True, validate=GOLONGAN, data_key="GOLONGAN")
    jabatan = _text(200, True, data_key="JABATAN")
    peran = Peran(required=True, data_key="PERAN")
    nip_ppk = NIP(data_key="NIP_PPK")
    unit_kode = Teks(required=True, validate=KODE_UNIT, data_key="UNIT_KODE")
    unit_nama = _text(200, True, data_key="UNIT_NAMA")
    unit_induk = Teks(validate=KODE_UNIT, data_key="UNIT_INDUK")
    unit_alamat = _text(300, data_key="UNIT_ALAMAT")
    unit_kode_pos = Teks(validate=validate.Regexp(r"^\d{5}$", error=Msg("Kode pos 5 angka.", "kode_pos")),
                         data_key="UNIT_KODE_POS")
    unit_telepon = _text(60, data_key="UNIT_TELEPON")
    unit_email = Teks(validate=validate.Email(error=Msg("Alamat pos-el tidak valid.", "email")),
                      data_key="UNIT_POS_EL")
    unit_laman = _text(120, data_key="UNIT_LAMAN")
    unit_ada_pengawas = Logika(truthy={"ya", "Ya", "YA", "y", "Y", "1", "true"},
                               falsy={"tidak", "Tidak", "TIDAK", "t", "T", "0", "false"},
                               data_key="UNIT_ADA_PENGAWAS",
                               error_messages={"invalid": Msg("Isi ya atau tidak.", "bukan_logika")})
    unit_rute_paraf = RuteParaf(data_key="UNIT_RUTE_PARAF")


@dataclass
class Roster:
    """A pemda's directory as read from a file: units by kode, pegawai by NIP (in file order)."""

    units: dict[str, dict] = field(default_factory=dict)
    pegawai: dict[str, dict] = field(default_factory=dict)


def _finding(line: int, column: str | None, code: str, message: str, pasal: str = FORMAT) -> Finding:
    return Finding(f"/baris/{line}" + (f"/{column}" if column else ""), code, message, pasal)


def place(finding: Finding) -> tuple[str, str]:
    """The line and the column a finding of :func:`read_roster` points at (``""`` where it names none)."""
    parts = finding.pointer.split("/")[2:] if finding.pointer.startswith("/baris/") else []
    return (parts[0] if parts else ""), "/".join(parts[1:])


def _records(text: str) -> tuple[list[str], list[tuple[int, dict]], list[Finding]]:
    """The header, and each row (its first line, its cells by column), and rows with too many cells.

    :raises InvalidRequest: a line that is not CSV at all.
    """
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    header, rows, findings, line = [], [], [], 1
    try:
        header = [h.strip().upper() for h in next(reader, [])]
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) > len(header):
                    findings.append(_finding(line, None, "kolom_berlebih",
                                             f"Baris berisi {len(cells)} kolom, baris judul {len(header)}."))
                values = {h: _unmarked(c.strip()) for h, c in zip(header, cells)}
                rows.append((line, {h: v for h, v in values.items() if v}))
            line = reader.line_num + 1
    except csv.Error:  # what csv refuses when not strict: a cell over its 128 KiB limit
        raise InvalidRequest([_finding(line, None, "bukan_csv",
                                       "Baris tidak dapat dibaca sebagai CSV (sel melebihi 128 KiB).")]) from None
    return header, rows, findings


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRequest([Finding("", "bukan_utf8", "Berkas bukan teks UTF-8; simpan sebagai CSV UTF-8.",
                                      FORMAT)]) from None


def _check_unit(roster: Roster, seen: dict[tuple[str, str], int], line: int, row: dict, findings: list[Finding]) -> None:
    """Add the row's unit to ``roster``; a value that differs from an earlier row's is a finding."""
    kode = row["unit_kode"]
    unit = roster.units.setdefault(kode, {**dict.fromkeys(UNIT_COLUMNS.values()), "kode": kode,
                                          "ada_pengawas": False})
    for column, key in UNIT_COLUMNS.items():
        value = row.get(f"unit_{key}")
        if value is None or key == "kode":
            continue
        if (key, kode) in seen and unit[key] != value:
            findings.append(_finding(line, column, "unit_tidak_konsisten",
                                     f"Unit {kode} tertulis lain di baris {seen[key, kode]}."))
        elif (key, kode) not in seen:
            unit[key], seen[key, kode] = value, line


def _ancestors(roster: Roster, kode: str) -> set[str]:
    """The units above ``kode`` (itself included), following UNIT_INDUK until it ends or comes round."""
    found = set()
    while kode in roster.units and kode not in found:
        found.add(kode)
        kode = roster.units[kode].get("induk")
    return found


def _check_links(roster: Roster, lines: dict[str, int], seen: dict[tuple[str, str], int],
                 findings: list[Finding]) -> None:
    """Each UNIT_INDUK is another unit of the file; each NIP_PPK another pegawai of the file, a PPK.

    :param lines: the line of each NIP; :param seen: the line of each unit's value, by (key, kode).
    """
    for kode, unit in roster.units.items():
        induk = unit.get("induk")
        if induk is not None and (induk == kode or induk not in roster.units):
            findings.append(_finding(seen["induk", kode], "UNIT_INDUK", "unit_tidak_dikenal",
                                     f"Unit induk {induk} bukan unit lain di kolom UNIT_KODE berkas ini."))
        elif induk is not None and kode in _ancestors(roster, induk):
            findings.append(_finding(seen["induk", kode], "UNIT_INDUK", "unit_melingkar",
                                     f"Unit {kode} menjadi induk dari induknya sendiri ({induk})."))
    for nip, pegawai in roster.pegawai.items():
        ppk = pegawai.get("nip_ppk")
        if ppk is None:
            continue
        if ppk == nip or ppk not in roster.pegawai:
            findings.append(_finding(lines[nip], "NIP_PPK", "ppk_tidak_dikenal",
                                     f"NIP_PPK {ppk} bukan NIP pegawai lain di berkas ini."))
        elif "ppk" not in roster.pegawai[ppk]["peran"]:
            findings.append(_finding(lines[nip], "NIP_PPK", "ppk_tanpa_peran",
                                     f"Pegawai {ppk} tidak berperan {PERAN_LABEL['ppk']} (kolom PERAN)."))


def _check_routes(roster: Roster, seen: dict[tuple[str, str], int], findings: list[Finding]) -> None:
    """Each NIP of a unit's UNIT_RUTE_PARAF is a pegawai of the file (the directory fills in the verifikator).

    :param seen: the line of each unit's value, by (key, kode).
    """
    for kode, unit in roster.units.items():
        unknown = [nip for nip in unit.get("rute_paraf") or () if nip not in roster.pegawai]
        if unknown:
            findings.append(_finding(seen["rute_paraf", kode], "UNIT_RUTE_PARAF", "rute_paraf_tidak_dikenal",
                                     f"Rute paraf unit {kode}: NIP {', '.join(unknown)} bukan pegawai di berkas ini."))


def read_roster(data: bytes) -> Roster:
    """The directory in a CSV file, every row checked.

    :raises InvalidRequest: every bad row and cell (missing column, bad
        NIP, duplicate NIP, unknown parent unit or PPK, a paraf route naming
        someone not in the file, conflicting unit values…); nothing is returned for a file that has one.
    """
    header, rows, findings = _records(_decoded(data))
    missing = [c for c in REQUIRED_COLUMNS if c not in header] if header else []
    findings += [_finding(1, c, "kolom_tidak_ada", f"Kolom {c} tidak ada di baris judul.") for c in missing]
    if not rows:
        findings.append(_finding(1, None, "berkas_kosong", "Berkas tidak berisi baris pegawai."))
    if missing or not rows:
        raise InvalidRequest(findings, _NOTHING_IMPORTED.format(len(findings)))

    schema, roster, lines, seen = RowSchema(), Roster(), {}, {}
    for line, cells in rows:
        try:
            row = schema.load(cells)
        except ValidationError as e:
            findings += [Finding(f"/baris/{line}{f.pointer}", f.code, f.message, f.pasal)
                         for f in findings_from_messages(e.messages, schema, default_pasal=FORMAT)]
            continue
        nip = row["nip"]
        if nip in lines:
            findings.append(_finding(line, "NIP", "nip_ganda", f"NIP {nip} sudah ada di baris {lines[nip]}."))
            continue
        lines[nip] = line
        _check_unit(roster, seen, line, row, findings)
        roster.pegawai[nip] = {key: row.get(key) for key in PEGAWAI_COLUMNS.values()} | {"unit_kode": row["unit_kode"]}
    _check_links(roster, lines, seen, findings)
    _check_routes(roster, seen, findings)
    if findings:
        raise InvalidRequest(findings, _NOTHING_IMPORTED.format(len(findings)))
    return roster


def _unmarked(cell: str) -> str:
    """A cell without its leading text mark (what :func:`_cell` adds; Excel's own ``'``)."""
    return cell[1:] if cell.startswith(TEXT_MARK) else cell


def _cell(value) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        return "; ".join(value)
    text = "" if value is None else str(value)
    return TEXT_MARK + text if text.startswith(_FORMULA_START) else text


def write_roster(units: Iterable[dict], pegawai: Iterable[dict]) -> str:
    """The CSV of a directory (units by kode, pegawai in order), the shape :func:`read_roster` reads."""
    by_kode = {u["kode"]: u for u in units}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for p in pegawai:
        unit = by_kode[p["unit_kode"]]
        writer.writerow([_cell(p.get(k)) for k in PEGAWAI_COLUMNS.values()]
                        + [_cell(unit.get(k)) for k in UNIT_COLUMNS.values()])
    return out.getvalue()
