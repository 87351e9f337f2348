"""Service configuration: defaults, then an optional TOML file, then overrides.

Settings are a frozen dataclass checked at start-up: an unknown key is
refused so a misspelt setting cannot silently fall back to a default, and
every value must have its field's type (TOML ``production = "false"`` is a
string, not a bool, and is refused rather than read as true). Secrets are
never values here: only paths to files holding them.
"""

from __future__ import annotations

import os
import tomllib
import types
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from collections import abc
from typing import Any, Literal, Mapping, Union, get_args, get_origin, get_type_hints

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
    base_url: str = "http://127.0.0.1:8000"
    """Public address (``http://`` or ``https://``, no trailing slash kept), printed in QR codes and links:
    set it to where the public reaches the service, e.g. ``https://suratkerja.contoh.go.id``."""
    pki_dir: Path | None = None
    """Trust root (``root-ca.pem``, ``issuing-ca.pem``), CRLs and, for the
    ``pkcs12`` back end, the signers' files (``officials/<nip>.p12``);
    empty = ``instance_dir/pki`` (the development PKI)."""
    signer_backend: Literal["pkcs12", "pkcs11", "csc", "esign-v1", "esign-v2"] = "pkcs12"
    """Where the officials' keys are: PKCS#12 files under ``pki_dir``, a PKCS#11 token, a remote
    signing service (``csc``: configured by the table ``signer_backends.csc``), or with BSrE,
    reached through its Esign Client Service (API version 1 or 2; the ``esign_`` settings)."""
    signer_backends: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Named signer back ends (TOML tables ``[signer_backends.<name>]``): ``kind`` (a
    ``signer_backend`` value; a table named after a kind may leave it out) and that kind's
    options (see :mod:`service.signatures.backends`). Secrets only as file paths."""
    signer_backend_by_wilayah: dict[str, str] = field(default_factory=dict)
    """Region (profile ``kode``) → back end name: a pemda's own default."""
    signer_backend_by_nip: dict[str, str] = field(default_factory=dict)
    """NIP → back end name: an official's own back end, before the region's."""
    pkcs11_module: Path | None = None
    """The PKCS#11 module (``.so``) of the token; required with ``signer_backend = "pkcs11"``."""
    pkcs11_token_label: str = ""
    """The token holding the keys, by label; or give ``pkcs11_slot``."""
    pkcs11_slot: int | None = None
    """The token holding the keys, by slot number; or give ``pkcs11_token_label``."""
    esign_url: str = ""
    """Base URL of the Esign Client Service (e.g. ``http://esign.pemda.go.id``); required with ``esign-*``."""
    esign_username_file: Path | None = None
    """File holding the client application's Basic-auth user name at the Esign service."""
    esign_password_file: Path | None = None
    """File holding the client application's Basic-auth password (mode 0600)."""
    esign_roots_file: Path | None = None
    """PEM file of the BSrE root CA(s), and any intermediates: a returned signature must chain to these."""
    esign_timeout: float = 60.0
    """Seconds to wait for the signed file once it is sent; then the outcome is unknown (never resent)."""
    esign_placement: Literal["coordinates", "tag"] = "coordinates"
    """How the stamp's place is sent: its box as coordinates, or an invisible anchor character (tag)."""
    tsa_url: str = ""
    """RFC 3161 timestamp authority; empty = a local one run from the development PKI (not in production)."""
    pades_level: str = "B-T"
    """Default PAdES level (B-B, B-T, B-LT, B-LTA); a request may ask for another."""
    production: bool = False
    """Do not start on the development PKI or without ``tsa_url``; refuse development certificates when signing."""
    redis_url: str = ""
    """Shares the failed-signing and failed-sign-in counters between processes; empty = in memory."""
    signing_attempts: int = 5
    """Wrong passphrases a signer may enter per ``signing_window`` seconds."""
    signing_window: float = 900.0
    secret_key_file: Path | None = None
    """Key that signs the session cookie and form tokens; empty = ``instance_dir/secret_key``, made (0600) at first start."""
    login_attempts: int = 5
    """Wrong passwords an account may be given per ``login_window`` seconds before its sign-in is locked (429)."""
    login_window: float = 900.0
    session_hours: float = 12.0
    """How long a staff sign-in lasts; signing out ends it at once."""
    max_upload_bytes: int = 20 * 1024 * 1024
    """Largest PDF the verification endpoint accepts."""
    footer: str = (
        "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik tersertifikasi "
        "yang diterbitkan oleh Otoritas Sertifikat suratkerja. Sesuai Pasal 5 ayat (1) Undang-Undang Nomor 11 "
        "Tahun 2008 tentang Informasi dan Transaksi Elektronik beserta perubahannya, informasi elektronik "
        "dan/atau hasil cetaknya merupakan alat bukti hukum yang sah. Keasliannya dapat dibuktikan dengan "
        "memindai kode QR."
    )
    """The electronic-signature notice at the foot of every page, naming the certificate authority
    that issues the officials' certificates; a region's profile may print its own (``[cetak] keterangan_tte``)."""

    def verification_url(self, surat_id: str) -> str:
        """Where a letter's QR code leads: its public verification page."""
        return f"{self.base_url}/verifikasi/{surat_id}"

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
    def secret_key_path(self) -> Path:
        return self.secret_key_file or self.instance_dir / "secret_key"

    @property
    def lock_dir(self) -> Path:
        return self.instance_dir / "kunci"


def _accepts(kind: Any, value: Any) -> bool:
    """Whether ``value``, as TOML or an override gives it, fits the field type ``kind``.

    No conversion between kinds: a bool is not an int here, a string is not
    a number; an int is taken for a float and a string for a path. A table
    (``dict[K, V]``) is checked key by key and value by value.
    """
    if kind is Any:
        return True
    if get_origin(kind) in (dict, abc.Mapping):
        keys, values = get_args(kind)
        return isinstance(value, Mapping) and all(_accepts(keys, k) and _accepts(values, v) for k, v in value.items())
    if get_origin(kind) in (Union, types.UnionType):
        return any(_accepts(k, value) for k in get_args(kind))
    if get_origin(kind) is Literal:
        return value in get_args(kind)
    if kind is type(None):
        return value is None
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is Path:
        return isinstance(value, (str, Path))
    return isinstance(value, kind)


def _type_name(kind: Any) -> str:
    if get_origin(kind) in (dict, abc.Mapping):
        keys, values = get_args(kind)
        return f"a table of {_type_name(keys)} to {_type_name(values)}"
    if kind is Any:
        return "any value"
    if get_origin(kind) is Literal:
        return " or ".join(repr(v) for v in get_args(kind))
    if get_origin(kind) in (Union, types.UnionType):
        return " or ".join(_type_name(k) for k in get_args(kind))
    return "none" if kind is type(None) else kind.__name__


def _typed(key: str, kind: Any, value: Any) -> Any:
    """``value`` as the field holds it (paths as :class:`Path`, numbers of a float field as float).

    :raises ConfigError: the value does not fit; the message names the key
        and both types, not the value (a URL may hold a password).
    """
    if not _accepts(kind, value):
        got = repr(value) if get_origin(kind) is Literal and isinstance(value, str) else type(value).__name__
        raise ConfigError(f"setting {key!r} must be {_type_name(kind)}, not {got}")
    if isinstance(value, str) and (kind is Path or Path in get_args(kind)):
        return Path(value)
    if kind is float:
        return float(value)
    return value


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Defaults ← ``$SURATKERJA_CONFIG`` (TOML) ← ``SURATKERJA_DATABASE_URL`` ← ``overrides``.

    :raises ConfigError: unknown keys, wrong types, a limit that is not
        positive, or a PKCS#11 back end without its module or token.
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
    kinds = get_type_hints(Settings)
    unknown = set(values) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"unknown settings: {sorted(unknown)}")
    settings = replace(Settings(), **{key: _typed(key, kinds[key], value) for key, value in values.items()})
    if not settings.base_url.startswith(("http://", "https://")):
        raise ConfigError("base_url must start with http:// or https://")
    settings = replace(settings, base_url=settings.base_url.rstrip("/"))
    positive = ("converter_timeout", "converter_recycle_after", "max_request_bytes", "login_attempts",
                "login_window", "session_hours")
    if any(getattr(settings, key) <= 0 for key in positive):
        raise ConfigError(f"{', '.join(positive)} must be positive")
    if settings.signer_backend.startswith("esign-") and settings.signer_backend not in settings.signer_backends:
        missing = [key for key in ("esign_url", "esign_username_file", "esign_password_file", "esign_roots_file")
                   if not getattr(settings, key)]
        if missing:
            raise ConfigError(f'signer_backend = "{settings.signer_backend}" needs {", ".join(missing)}')
        if settings.esign_timeout <= 0:
            raise ConfigError("esign_timeout must be positive")
    if settings.signer_backend == "pkcs11":
        if settings.pkcs11_module is None:
            raise ConfigError('signer_backend = "pkcs11" needs pkcs11_module')
        if (settings.pkcs11_slot is None) == (not settings.pkcs11_token_label):
            raise ConfigError('signer_backend = "pkcs11" needs exactly one of pkcs11_token_label and pkcs11_slot')
    _check_backend_names(settings)
    return settings


def _check_backend_names(settings: Settings) -> None:
    """Every back end named by ``signer_backend``, a region or an official is a kind or a table.

    The options of each table are the back end's to check when it is built
    (:func:`service.signatures.backends.build_backends`).
    """
    kinds = set(get_args(get_type_hints(Settings)["signer_backend"]))
    for name, table in settings.signer_backends.items():
        kind = table.get("kind", name)
        if kind not in kinds:
            raise ConfigError(f"signer_backends.{name}: kind must be one of {sorted(kinds)}, not {kind!r}")
    known = kinds | set(settings.signer_backends)
    overrides = ("signer_backend_by_wilayah", "signer_backend_by_nip")
    for key in overrides:
        for who, name in getattr(settings, key).items():
            if name not in known:
                raise ConfigError(f"{key}: {who!r} names the unknown signer back end {name!r}")
