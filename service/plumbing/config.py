"""Service configuration: defaults, then an optional TOML file, then overrides.

Settings are a frozen dataclass checked at start-up; an unknown key is
refused so a misspelt setting cannot silently fall back to a default.
Secrets are never values here: only paths to files holding them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

REPO_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(ValueError):
    """The configuration cannot be used; raised at start-up."""


@dataclass(frozen=True)
class Settings:
    instance_dir: Path = REPO_ROOT / "instance"
    """Where the default database, files and locks live."""
    database_url: str = ""
    """SQLAlchemy URL; empty = SQLite file in ``instance_dir``."""
    storage_dir: Path | None = None
    """Content-addressed file store; empty = ``instance_dir/berkas``."""
    template_dir: Path = REPO_ROOT / "letter_templates"
    converter_count: int = 0
    """LibreOffice processes kept warm; 0 = one per CPU core."""
    converter_timeout: float = 30.0
    """Seconds a conversion may take before its process is killed and replaced."""
    converter_recycle_after: int = 400
    """Letters a LibreOffice process converts before a fresh one replaces it (its memory only grows,
    some 0.3 MiB a letter: from about 100 MiB fresh to about 245 after 500 letters)."""
    soffice: str = "soffice"
    max_request_bytes: int = 512 * 1024
    """Largest JSON body accepted; larger gets 413."""
    page_size_max: int = 100
    base_url: str = "http://127.0.0.1:8000"
    """Public address, printed in QR codes and links."""
    pki_dir: Path | None = None
    """Signers' PKCS#12 files (``officials/<nip>.p12``), trust root and CRLs;
    empty = ``instance_dir/pki`` (the development PKI)."""
    tsa_url: str = ""
    """RFC 3161 timestamp authority; empty = a local one run from the development PKI."""
    pades_level: str = "B-T"
    """Default PAdES level (B-B, B-T, B-LT, B-LTA); a request may ask for another."""
    production: bool = False
    """Refuse certificates of the development PKI."""
    redis_url: str = ""
    """Shares the failed-signing counter between processes; empty = in memory."""
    signing_attempts: int = 5
    """Wrong passphrases a signer may enter per ``signing_window`` seconds."""
    signing_window: float = 900.0
    max_upload_bytes: int = 20 * 1024 * 1024
    """Largest PDF the verification endpoint accepts."""
    footer: str = (
        "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
        "yang diterbitkan oleh Otoritas Sertifikat suratkerja. Keasliannya dapat dibuktikan "
        "dengan memindai kode QR."
    )
    """Sentence printed with the visible signature."""

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_dir / 'suratkerja.db'}"

    @property
    def files_dir(self) -> Path:
        return self.storage_dir or self.instance_dir / "berkas"

    @property
    def pki(self) -> Path:
        return self.pki_dir or self.instance_dir / "pki"

    @property
    def lock_dir(self) -> Path:
        return self.instance_dir / "kunci"


_PATHS = {"instance_dir", "storage_dir", "template_dir", "pki_dir"}


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Defaults ← ``$SURATKERJA_CONFIG`` (TOML) ← ``SURATKERJA_DATABASE_URL`` ← ``overrides``.

    :raises ConfigError: unknown keys or wrong types.
    """
    values: dict[str, Any] = {}
    path = os.environ.get("SURATKERJA_CONFIG")
    if path:
        try:
            values.update(tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"cannot read {path}: {e}") from e
    if os.environ.get("SURATKERJA_DATABASE_URL"):
        values["database_url"] = os.environ["SURATKERJA_DATABASE_URL"]
    values.update(overrides or {})
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(f"unknown settings: {sorted(unknown)}")
    for key in _PATHS & set(values):
        if values[key] is not None:
            values[key] = Path(values[key])
    settings = replace(Settings(), **values)
    positive = ("converter_timeout", "converter_recycle_after", "max_request_bytes")
    if any(getattr(settings, key) <= 0 for key in positive):
        raise ConfigError(f"{', '.join(positive)} must be positive")
    return settings
