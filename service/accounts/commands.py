"""``suratkerja akun …``: staff accounts from the command line.

A password the service generates is written to a new file readable by its
owner only (0600), never to the terminal or a log; the development run's
administrator is the one exception, printed once when created so that the
first command of the README ends with a way in.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..access import audit
from ..plumbing.config import load_settings
from ..plumbing.services import Services
from .manage import Pemegang, create_account, find_account, list_accounts, reset_password, update_account
from .models import PERAN_STAF, Akun

DEV_WILAYAH, DEV_USERNAME = "hulu-sungai-selatan", "admin"
"""The development pemda administrator: the pemda of the README's sample letter."""
DEV_PASSWORD_FILE = "akun-dev.txt"


def _services() -> Services:
    from .. import registry_services
    from ..chain import PROFILE_RULE_KEYS
    from ..wilayah import load_profiles

    return registry_services(load_settings(), load_profiles(PROFILE_RULE_KEYS))


def _audit(services: Services, aksi: str, akun: Akun) -> None:
    """What the operator did, in the audit trail under the console's name (never a password)."""
    audit.append(services, audit.CONSOLE, aksi, wilayah=akun.wilayah, objek=akun.username,
                 rincian={"peran": akun.peran, "unit": akun.unit, "aktif": akun.aktif})


def write_secret(path: Path, secret: str) -> None:
    """``secret`` in a new file only its owner can read; an existing file is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")


def _unused(path: str) -> Path:
    """The file a new password will go to, refused before anything changes if it already exists."""
    if Path(path).exists():
        raise FileExistsError(17, "File exists", path)
    return Path(path)


def _holder(args: argparse.Namespace) -> Pemegang:
    return Pemegang(args.nama, tuple(args.peran), tuple(args.unit), args.nip)


def buat(args: argparse.Namespace) -> None:
    target, services = _unused(args.sandi_ke), _services()
    akun, password = create_account(services, args.wilayah, args.username, _holder(args))
    _audit(services, "akun.buat", akun)
    write_secret(target, password)
    print(f"Akun {akun.username} ({akun.wilayah}) dibuat; kata sandi sementara di {args.sandi_ke} (0600).")


def reset_sandi(args: argparse.Namespace) -> None:
    target, services = _unused(args.sandi_ke), _services()
    akun, password = reset_password(services, args.wilayah, find_account(services, args.wilayah, args.username).id)
    _audit(services, "akun.reset_sandi", akun)
    write_secret(target, password)
    print(f"Kata sandi {akun.username} diatur ulang; yang baru di {args.sandi_ke} (0600). Sesi lamanya berakhir.")


def nonaktifkan(args: argparse.Namespace) -> None:
    services = _services()
    akun = find_account(services, args.wilayah, args.username)
    holder = Pemegang(akun.nama, tuple(akun.peran), tuple(akun.unit), akun.nip)
    akun = update_account(services, args.wilayah, akun.id, holder, aktif=False)
    _audit(services, "akun.ubah", akun)
    print(f"Akun {akun.username} dinonaktifkan; sesinya berakhir.")


def daftar(args: argparse.Namespace) -> None:
    for akun in list_accounts(_services(), args.wilayah):
        state = "aktif" if akun.aktif else "nonaktif"
        print(f"{akun.username}\t{akun.nama}\t{','.join(akun.peran)}\t{','.join(akun.unit) or '*'}\t"
              f"{akun.nip or '-'}\t{state}")


def dev(args: argparse.Namespace) -> None:
    """The development administrator, once: printed at creation, its password kept in ``instance/akun-dev.txt``."""
    settings = load_settings()
    services = _services()
    secret = settings.instance_dir / DEV_PASSWORD_FILE
    base = args.url or settings.base_url
    if any(a.username == DEV_USERNAME for a in list_accounts(services, DEV_WILAYAH)):
        print(f"Masuk di {base}/masuk sebagai {DEV_USERNAME} (pemda {DEV_WILAYAH}); kata sandi di {secret}.")
        return
    holder = Pemegang("Administrator Pengembangan", ("admin",))
    akun, password = create_account(services, DEV_WILAYAH, DEV_USERNAME, holder, must_change=False)
    _audit(services, "akun.buat", akun)
    write_secret(secret, password)
    print(f"Administrator pemda pengembangan dibuat. Masuk di {base}/masuk — pemda {DEV_WILAYAH}, "
          f"nama pengguna {akun.username}, kata sandi {password} (ditampilkan sekali ini; tersimpan di {secret}, 0600).")


def _who(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wilayah", required=True, help="kode pemda (GET /api/v1/wilayah)")
    p.add_argument("--username", required=True)


def add_commands(sub) -> None:
    """``akun`` and its subcommands on the ``suratkerja`` parser."""
    akun = sub.add_parser("akun", help="akun staf: buat, atur ulang sandi, nonaktifkan, daftar").add_subparsers(
        dest="akun", required=True)
    p = akun.add_parser("buat", help="buat akun; kata sandi sementara ditulis ke berkas baru (0600)")
    _who(p)
    p.add_argument("--nama", required=True)
    p.add_argument("--peran", action="append", required=True, choices=list(PERAN_STAF))
    p.add_argument("--unit", action="append", default=[], help="kode unit (boleh berulang; tanpa = semua unit)")
    p.add_argument("--nip", help="NIP pejabat (wajib untuk penandatangan)")
    p.add_argument("--sandi-ke", required=True, help="berkas baru untuk kata sandi sementara")
    p.set_defaults(func=buat)
    p = akun.add_parser("reset-sandi", help="kata sandi baru ke berkas baru (0600); sesi lama berakhir")
    _who(p)
    p.add_argument("--sandi-ke", required=True)
    p.set_defaults(func=reset_sandi)
    p = akun.add_parser("nonaktifkan", help="nonaktifkan akun; sesinya berakhir")
    _who(p)
    p.set_defaults(func=nonaktifkan)
    p = akun.add_parser("daftar", help="daftar akun satu pemda")
    p.add_argument("--wilayah", required=True)
    p.set_defaults(func=daftar)
    p = akun.add_parser("dev", help="administrator pemda pengembangan (sekali), untuk scripts/run-dev.sh")
    p.add_argument("--url", help="alamat layanan untuk petunjuk masuk")
    p.set_defaults(func=dev)
