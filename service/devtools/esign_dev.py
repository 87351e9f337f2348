"""The development run's stand-in for BSrE: files for the Esign double and a config that signs through it.

``ESIGN=v1 bash scripts/run-dev.sh`` (or ``v2``) calls this, starts
``python -m signing.esign.double`` on them and the service with the config.
Every sample official becomes a user of the double with the NIK
:func:`dev_nik` makes from the NIP and the passphrase of their development
PKCS#12 file; the client application gets random credentials. All files
are 0600, under ``<instance>/esign/``; nothing secret is printed.

    python -m service.devtools.esign_dev INSTANCE_DIR v1|v2 PORT
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from .samples import dev_passphrase, sample_officials


def dev_nik(nip: str) -> str:
    """A development NIK for the official of ``nip`` (16 digits, region code 3201)."""
    return "3201" + nip[:12]


def _private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def write_files(instance: Path, version: str, port: int) -> Path:
    """Write the double's users and credentials and the service's config; the config's path."""
    pki, directory = instance / "pki", instance / "esign"
    directory.mkdir(parents=True, exist_ok=True)
    users = [{"nik": dev_nik(o.nip), "nip": o.nip, "nama": o.nama, "jabatan": o.jabatan,
              "passphrase": dev_passphrase(pki, o.nip)} for o in sample_officials()]
    _private(directory / "users.json", json.dumps(users, ensure_ascii=False, indent=1))
    password = secrets.token_urlsafe(24)
    _private(directory / "client", f"suratkerja:{password}")
    _private(directory / "username", "suratkerja")
    _private(directory / "password", password)
    config = directory / "suratkerja.toml"
    _private(config, "\n".join([
        f'signer_backend = "esign-{version}"',
        f'esign_url = "http://127.0.0.1:{port}"',
        f'esign_username_file = "{directory / "username"}"',
        f'esign_password_file = "{directory / "password"}"',
        f'esign_roots_file = "{pki / "root-ca.pem"}"',
        "",
    ]))
    return config


if __name__ == "__main__":  # pragma: no cover
    print(write_files(Path(sys.argv[1]).resolve(), sys.argv[2], int(sys.argv[3])))
