"""Region profiles: what differs between the five regulations, read from data.

Each region is one TOML file in ``service/wilayah/``; a sixth region is a new
file, not new code. The top-level keys are the region's identity (name,
instrument, letterhead, numbering, and the optional ``[cetak]`` section: paper,
page numbers, the electronic-signature notice; ``[direktori]``; ``[paraf]``: whether paraf print on an
archive copy); each letter type has a section of its own
whose keys that letter type's module declares in ``RULE_KEYS`` and interprets,
and ``[aturan.rantai]`` holds the articles of the rules across letters
(:mod:`service.chain.rules`).
Unknown keys are refused at start-up so a typo in a profile cannot silently
switch a rule off.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

PROFILE_DIR = Path(__file__).parent

REGION_CODES = tuple(sorted(path.stem for path in PROFILE_DIR.glob("*.toml")))
"""The region codes the profiles define, for the OpenAPI document's enums (the service loads the same files)."""

CHAIN_SECTION = "rantai"
"""The profile section holding the articles of the chain across letters (``[aturan.rantai]``)."""

NATIONAL = "nasional"
"""A rule reference meaning "the region's text is silent; the national default applies"."""


class ProfileError(ValueError):
    """A region profile file is malformed; raised at start-up, never per request."""


@dataclass(frozen=True)
class Instrument:
    """The regional regulation a region's rules rest on."""

    jenis: str
    """e.g. ``Peraturan Bupati``."""
    nomor: str
    tahun: int
    judul: str
    sebutan: str
    """Short name that prefixes every article cited, e.g. ``Perbup Hulu Sungai Selatan 45/2023``."""


NUMBERING_PLACEHOLDERS = frozenset({"klasifikasi", "urut", "kode_unit", "tahun"})
"""What a numbering format may use: the values :func:`service.issuing.pipeline.format_nomor` passes."""


@dataclass(frozen=True)
class Numbering:
    format: str
    """Python format string over :data:`NUMBERING_PLACEHOLDERS`."""
    klasifikasi: Mapping[str, str]
    """Kode klasifikasi arsip per letter type (``jenis``)."""


PAPER_SIZES_MM = {"A4": (210, 297), "F4": (215, 330)}
"""The paper a region may print on (``[cetak] kertas``), width × height in millimetres."""

PAGE_NUMBER_PLACEHOLDERS = frozenset({"halaman", "jumlah"})
"""What ``[cetak] nomor_halaman`` may use: this page's number and the letter's page count."""


@dataclass(frozen=True)
class Printing:
    """How the region's letters are printed (``[cetak]``; every key optional)."""

    kertas: str = "A4"
    """A key of :data:`PAPER_SIZES_MM`; Permendagri 1/2023 prints on A4, some regions on F4."""
    nomor_halaman: str = "Halaman {halaman} dari {jumlah}"
    """Printed at the foot of every page, over :data:`PAGE_NUMBER_PLACEHOLDERS`."""
    keterangan_tte: str | None = None
    """The electronic-signature notice at the foot of every page; None = the service's ``footer`` setting
    (which names its certificate authority)."""

    @property
    def paper_mm(self) -> tuple[int, int]:
        return PAPER_SIZES_MM[self.kertas]


@dataclass(frozen=True)
class DirectoryRule:
    """``[direktori]``: whether a letter may name only the units and officials of the pemda's directory."""

    wajib: bool = False
    """True: a unit or official of this pemda that the directory does not hold is a 422 entry."""
    pasal: str | None = None
    """What that rule rests on (a regulation or a decision of the pemda); absent, the profile is cited."""


DIRECTORY_KEYS = frozenset({"wajib", "pasal"})


@dataclass(frozen=True)
class ParafRule:
    """``[paraf]``: where a letter's paraf show. They are always recorded, shown on the letter's page and in its
    verification report; some offices also print them on the archive copy."""

    cetak_arsip: bool = False
    """True: a signed letter has an archive copy (``GET /api/v1/surat/<id>/arsip.pdf``), the numbered letter
    with a table of its paraf at the foot of its last page; the signed letter itself never changes."""


PARAF_KEYS = frozenset({"cetak_arsip"})


@dataclass(frozen=True)
class RegionProfile:
    kode: str
    """URL-safe identifier, e.g. ``hulu-sungai-selatan``; the file's stem."""
    nama: str
    pemerintah: str
    """As printed at the top of the kop, e.g. ``PEMERINTAH KABUPATEN HULU SUNGAI SELATAN``."""
    kepala_daerah: str
    ibu_kota: str
    lambang: Path
    instrumen: Instrument
    penomoran: Numbering
    mengingat: tuple[str, ...]
    """Legal bases a decree of this region recites, in order of rank."""
    aturan: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Per letter type, the region's rules (keys declared by the letter module)."""
    cetak: Printing = Printing()
    direktori: DirectoryRule = DirectoryRule()
    paraf: ParafRule = ParafRule()

    def cite(self, ref: str) -> str:
        """Turn a rule reference from the profile into a full citation.

        ``Pasal …`` and ``Lampiran …`` refer to the region's own instrument;
        ``nasional`` is the national default where the text is silent; any
        other string is already a full citation.
        """
        if ref == NATIONAL:
            return (
                "PermenPANRB 7/2022 (ketentuan nasional; "
                f"{self.instrumen.sebutan} tidak mengatur)"
            )
        if ref.startswith(("Pasal", "Lampiran")):
            return f"{self.instrumen.sebutan} {ref}"
        return ref

    def rules(self, jenis: str) -> Mapping[str, Any]:
        return self.aturan.get(jenis, MappingProxyType({}))

    def summary(self) -> dict:
        """What ``GET /wilayah`` shows: identity, instrument, numbering, paper."""
        return {
            "kode": self.kode,
            "nama": self.nama,
            "pemerintah": self.pemerintah,
            "ibu_kota": self.ibu_kota,
            "instrumen": {
                "jenis": self.instrumen.jenis,
                "nomor": self.instrumen.nomor,
                "tahun": self.instrumen.tahun,
                "judul": self.instrumen.judul,
                "sebutan": self.instrumen.sebutan,
            },
            "format_nomor": self.penomoran.format,
            "kertas": self.cetak.kertas,
            "jenis_surat": sorted(k for k in self.aturan if k != CHAIN_SECTION),
            "direktori_wajib": self.direktori.wajib,
            "paraf_cetak_arsip": self.paraf.cetak_arsip,
        }


_TOP_KEYS = {
    "nama", "pemerintah", "kepala_daerah", "ibu_kota", "lambang",
    "instrumen", "penomoran", "mengingat", "aturan", "cetak", "direktori", "paraf",
}
_PRINTING_KEYS = {"kertas", "nomor_halaman", "keterangan_tte"}


def _printing(name: str, cetak: Mapping[str, Any]) -> Printing:
    """The ``[cetak]`` section, refused at start-up if a letter could not be printed with it.

    :raises ProfileError: an unknown key or paper, or a page-number format
        with a placeholder other than :data:`PAGE_NUMBER_PLACEHOLDERS`.
    """
    unknown = set(cetak) - _PRINTING_KEYS
    if unknown:
        raise ProfileError(f"{name}: [cetak] unknown keys {sorted(unknown)}")
    printing = Printing(**cetak)
    if printing.kertas not in PAPER_SIZES_MM:
        raise ProfileError(f"{name}: [cetak] kertas {printing.kertas!r} unknown; known: {sorted(PAPER_SIZES_MM)}")
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(printing.nomor_halaman)
                  if f is not None]
    except ValueError as e:
        raise ProfileError(f"{name}: [cetak] nomor_halaman {printing.nomor_halaman!r} is malformed: {e}") from None
    if any(f not in PAGE_NUMBER_PLACEHOLDERS or spec or conv for f, spec, conv in fields):
        raise ProfileError(f"{name}: [cetak] nomor_halaman may use only {{halaman}} and {{jumlah}}, "
                           f"without format specs: {printing.nomor_halaman!r}")
    return printing


def _paraf(name: str, paraf: Mapping[str, Any]) -> ParafRule:
    """The ``[paraf]`` section.

    :raises ProfileError: an unknown key, or a value that is not true or false.
    """
    if set(paraf) - PARAF_KEYS:
        raise ProfileError(f"{name}: [paraf] unknown keys {sorted(set(paraf) - PARAF_KEYS)}")
    wrong = sorted(k for k, v in paraf.items() if not isinstance(v, bool))
    if wrong:
        raise ProfileError(f"{name}: [paraf] {', '.join(wrong)} must be true or false")
    return ParafRule(**paraf)


def _check_numbering(name: str, penomoran: Mapping[str, Any], letter_types: set[str]) -> None:
    """Refuse a numbering that would fail on the first letter instead of at start-up.

    :raises ProfileError: a malformed format, a placeholder other than
        :data:`NUMBERING_PLACEHOLDERS`, a format spec that does not fit its
        value, or a letter type without a kode klasifikasi.
    """
    fmt = penomoran["format"]
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(fmt) if field is not None}
    except ValueError as e:
        raise ProfileError(f"{name}: penomoran.format {fmt!r} is malformed: {e}") from None
    unknown = used - NUMBERING_PLACEHOLDERS
    if unknown:
        raise ProfileError(
            f"{name}: penomoran.format uses unknown placeholder(s) "
            f"{', '.join('{' + f + '}' for f in sorted(unknown))}; "
            f"known: {', '.join('{' + f + '}' for f in sorted(NUMBERING_PLACEHOLDERS))}"
        )
    try:
        fmt.format(klasifikasi="000", urut=1, kode_unit="X", tahun=2000)
    except (ValueError, TypeError) as e:
        raise ProfileError(f"{name}: penomoran.format {fmt!r} cannot be filled: {e}") from None
    missing = letter_types - set(penomoran["klasifikasi"])
    if missing:
        raise ProfileError(f"{name}: penomoran.klasifikasi has no code for {sorted(missing)}")


def load_profile(path: Path, rule_keys: Mapping[str, frozenset[str]]) -> RegionProfile:
    """Read one profile and check it against the letter types' declared keys.

    :param rule_keys: for each ``jenis``, the rule keys its module understands.
    :raises ProfileError: on unknown or missing keys, or a numbering that
        cannot number every letter type (see :func:`_check_numbering`).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise ProfileError(f"{path.name}: unknown keys {sorted(unknown)}")
        aturan = data.get("aturan", {})
        for jenis, section in aturan.items():
            if jenis not in rule_keys:
                raise ProfileError(f"{path.name}: unknown letter type [aturan.{jenis}]")
            extra = set(section) - rule_keys[jenis]
            if extra:
                raise ProfileError(f"{path.name}: [aturan.{jenis}] unknown keys {sorted(extra)}")
        missing = set(rule_keys) - set(aturan)
        if missing:
            raise ProfileError(f"{path.name}: no rules for {sorted(missing)}")
        direktori = data.get("direktori", {})
        if set(direktori) - DIRECTORY_KEYS:
            raise ProfileError(f"{path.name}: [direktori] unknown keys {sorted(set(direktori) - DIRECTORY_KEYS)}")
        penomoran = data["penomoran"]
        _check_numbering(path.name, penomoran, set(rule_keys) - {CHAIN_SECTION})
        lambang = path.parent / data["lambang"]
        if not lambang.is_file():
            raise ProfileError(f"{path.name}: emblem {lambang} missing")
        return RegionProfile(
            kode=path.stem,
            nama=data["nama"],
            pemerintah=data["pemerintah"],
            kepala_daerah=data["kepala_daerah"],
            ibu_kota=data["ibu_kota"],
            lambang=lambang,
            instrumen=Instrument(**data["instrumen"]),
            penomoran=Numbering(
                format=penomoran["format"],
                klasifikasi=MappingProxyType(dict(penomoran["klasifikasi"])),
            ),
            mengingat=tuple(data["mengingat"]),
            aturan=MappingProxyType({k: MappingProxyType(v) for k, v in aturan.items()}),
            cetak=_printing(path.name, data.get("cetak", {})),
            direktori=DirectoryRule(**direktori),
            paraf=_paraf(path.name, data.get("paraf", {})),
        )
    except (KeyError, TypeError, tomllib.TOMLDecodeError) as e:
        raise ProfileError(f"{path.name}: {e!r}") from e


def load_profiles(
    rule_keys: Mapping[str, frozenset[str]], directory: Path = PROFILE_DIR
) -> dict[str, RegionProfile]:
    """All profiles in ``directory``, keyed by region code.

    A profile is read once per version of its file and process (an edited
    file is read again): the objects are immutable, and every app a process
    makes (the tests make hundreds) shares them.
    """
    keys = tuple(sorted((jenis, frozenset(names)) for jenis, names in rule_keys.items()))
    profiles = []
    for path in sorted(directory.glob("*.toml")):
        stat = path.stat()
        profiles.append(_load_profile_version(path, stat.st_mtime_ns, stat.st_size, keys))
    return {p.kode: p for p in profiles}


@lru_cache(maxsize=64)
def _load_profile_version(path: Path, mtime_ns: int, size: int, keys: tuple) -> RegionProfile:
    return load_profile(path, dict(keys))
