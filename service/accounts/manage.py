"""What an administrator (or the ``suratkerja akun`` command) does to accounts:
create, reset a password, change roles and units, deactivate; and what an
owner does: change their own password.

A password an administrator hands out is generated here and returned once;
the owner must replace it at their first sign-in. Whatever takes a right
away (a reset, a deactivation, a change of roles, units or NIP, a new
password) ends the account's open sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..letters.nip import normalise_nip
from ..plumbing.errors import Finding, InvalidRequest, NotFound, WrongPassword
from ..plumbing.services import Services
from .models import PERAN_STAF, Akun, SesiAkun
from .passwords import generate_password, hash_password, password_matches, password_problem

PASAL_AKUN = "Ketentuan akun staf suratkerja"
"""What a 422 about an account cites: these are the service's own rules, not a regulation's."""

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")
_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}")


@dataclass(frozen=True)
class Pemegang:
    """Who an account is for and what it may do, as an administrator enters it."""

    nama: str
    peran: tuple[str, ...]
    unit: tuple[str, ...] = ()
    nip: str | None = None


def _finding(pointer: str, code: str, message: str) -> Finding:
    return Finding(pointer, code, message, PASAL_AKUN)


def _check_holder(holder: Pemegang) -> list[Finding]:
    findings = []
    if not 1 <= len(holder.nama.strip()) <= 150:
        findings.append(_finding("/nama", "nama_wajib", "Nama wajib diisi (paling banyak 150 karakter)."))
    unknown = [p for p in holder.peran if p not in PERAN_STAF]
    if not holder.peran or unknown:
        findings.append(_finding("/peran", "peran_tidak_dikenal",
                                 f"Pilih sedikitnya satu peran dari: {', '.join(PERAN_STAF)}."))
    if "admin" in holder.peran and holder.unit:
        findings.append(_finding("/unit", "admin_seluruh_unit",
                                 "Administrator pemda berlaku untuk seluruh unit: kosongkan kode unit."))
    if any(not _UNIT.fullmatch(u) for u in holder.unit):
        findings.append(_finding("/unit", "unit_tidak_valid", "Kode unit: huruf, angka, titik, garis bawah atau tanda hubung."))
    if "penandatangan" in holder.peran and not (holder.nip and re.fullmatch(r"\d{18}", holder.nip)):
        findings.append(_finding("/nip", "nip_penandatangan",
                                 "Akun penandatangan harus terhubung ke NIP (18 angka) pejabat yang ditandatanganinya."))
    return findings


def _holder(holder: Pemegang) -> Pemegang:
    nip = normalise_nip(holder.nip).strip() if holder.nip else None
    return Pemegang(holder.nama.strip(), tuple(dict.fromkeys(holder.peran)),
                    tuple(dict.fromkeys(u.strip() for u in holder.unit if u.strip())), nip or None)


def end_sessions(session: Session, akun_id: int, keep: str | None = None) -> None:
    """Close every open sign-in of the account (but the one whose token hash is ``keep``)."""
    query = delete(SesiAkun).where(SesiAkun.akun_id == akun_id)
    if keep:
        query = query.where(SesiAkun.token_sha256 != keep)
    session.execute(query)


def create_account(services: Services, wilayah: str, username: str, holder: Pemegang,
                   must_change: bool = True) -> tuple[Akun, str]:
    """A new account with a generated password, returned once (to show or write to a 0600 file).

    :param must_change: the owner must replace the password at first sign-in
        (not when the owner made the account, as the development run does).

    :raises InvalidRequest: an unknown pemda, a malformed or taken username,
        a bad holder (no role, a penandatangan without NIP…).
    """
    holder = _holder(holder)
    username = username.strip().lower()
    findings = _check_holder(holder)
    if wilayah not in services.profiles:
        findings.append(_finding("/wilayah", "wilayah_tidak_dikenal", f"Pemda '{wilayah}' tidak dikenal."))
    if not _USERNAME.fullmatch(username):
        findings.append(_finding("/username", "username_tidak_valid",
                                 "Nama pengguna 3–60 karakter: huruf kecil, angka, titik, garis bawah, tanda hubung."))
    password = generate_password()
    with services.sessions.begin() as session:
        if session.scalar(select(Akun.id).where(Akun.wilayah == wilayah, Akun.username == username)):
            findings.append(_finding("/username", "username_terpakai", f"Nama pengguna '{username}' sudah dipakai."))
        if findings:
            raise InvalidRequest(findings)
        akun = Akun(wilayah=wilayah, username=username, nama=holder.nama, peran=list(holder.peran),
                    unit=list(holder.unit), nip=holder.nip, sandi_hash=hash_password(password),
                    wajib_ganti_sandi=must_change)
        session.add(akun)
    return akun, password


def account_of(session: Session, wilayah: str | None, akun_id: int) -> Akun:
    """The account, if it belongs to ``wilayah`` (any pemda for ``None``).

    :raises NotFound: no such account in that pemda (another pemda's is not found either).
    """
    akun = session.get(Akun, akun_id)
    if akun is None or (wilayah is not None and akun.wilayah != wilayah):
        raise NotFound("Akun tidak ditemukan.")
    return akun


def find_account(services: Services, wilayah: str, username: str) -> Akun:
    """:raises NotFound: no such username in the pemda."""
    with services.sessions() as session:
        akun = session.scalar(select(Akun).where(Akun.wilayah == wilayah, Akun.username == username.strip().lower()))
    if akun is None:
        raise NotFound(f"Akun '{username}' tidak ditemukan di pemda '{wilayah}'.")
    return akun


def list_accounts(services: Services, wilayah: str) -> list[Akun]:
    with services.sessions() as session:
        return list(session.scalars(select(Akun).where(Akun.wilayah == wilayah).order_by(Akun.username)))


def update_account(services: Services, wilayah: str | None, akun_id: int, holder: Pemegang, aktif: bool) -> Akun:
    """New roles, units, NIP or state; the account's sessions end, so the change holds from the next request.

    :raises NotFound, InvalidRequest:
    """
    holder = _holder(holder)
    findings = _check_holder(holder)
    if findings:
        raise InvalidRequest(findings)
    with services.sessions.begin() as session:
        akun = account_of(session, wilayah, akun_id)
        akun.nama, akun.peran, akun.unit, akun.nip = holder.nama, list(holder.peran), list(holder.unit), holder.nip
        akun.aktif = aktif
        end_sessions(session, akun.id)
    return akun


def reset_password(services: Services, wilayah: str | None, akun_id: int) -> tuple[Akun, str]:
    """A new generated password (returned once), to be changed at the next sign-in; open sessions end.

    :raises NotFound:
    """
    password = generate_password()
    with services.sessions.begin() as session:
        akun = account_of(session, wilayah, akun_id)
        akun.sandi_hash, akun.wajib_ganti_sandi = hash_password(password), True
        end_sessions(session, akun.id)
    return akun, password


def change_password(services: Services, akun_id: int, current: str, new: str, keep_session: str | None) -> None:
    """The owner's own change: the current password, then a new one that passes the rule.

    Every other session of the account ends (a stolen session dies with the old password).

    :raises WrongPassword: the current password is wrong.
    :raises InvalidRequest: the new password is too short, too long, or holds the username.
    """
    with services.sessions.begin() as session:
        akun = account_of(session, None, akun_id)
        if not password_matches(akun.sandi_hash, current):
            raise WrongPassword("Kata sandi saat ini salah.")
        problem = password_problem(new, akun.username) or (
            "Kata sandi baru harus berbeda dari yang lama." if new == current else None)
        if problem:
            raise InvalidRequest([_finding("/sandi_baru", "sandi_lemah", problem)])
        akun.sandi_hash, akun.wajib_ganti_sandi = hash_password(new), False
        end_sessions(session, akun.id, keep=keep_session)
