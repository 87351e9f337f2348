"""A staff account as the caller of a request: the same :class:`~service.access.principal.Principal`
an API key becomes, so the pages and the API check scope and rights alike."""

from __future__ import annotations

from ..access.principal import ADMIN, AKUN, BACA, PARAF, TANDATANGAN, TERBIT, VERIFIKASI, Principal
from .models import Akun

RIGHTS_OF_ROLE = {
    "admin": frozenset({ADMIN, BACA, VERIFIKASI}),
    "arsiparis": frozenset({BACA, TERBIT, VERIFIKASI}),
    "konseptor": frozenset({BACA, TERBIT}),
    "verifikator": frozenset({BACA, PARAF, VERIFIKASI}),
    "penandatangan": frozenset({BACA, TANDATANGAN}),
    "pembaca": frozenset({BACA}),
}
"""What each staff role may do: the administrator runs the pemda (accounts, keys, audit) and reads; the
arsiparis keeps the unit's register (issues, numbers, reads); the konseptor drafts; the verifikator
checks (paraf, with the workflow); the penandatangan signs, as their own official only; the pembaca reads."""


def principal_of_account(akun: Akun) -> Principal:
    rights = frozenset().union(*(RIGHTS_OF_ROLE.get(p, frozenset()) for p in akun.peran))
    return Principal(AKUN, akun.wilayah, units=frozenset(akun.unit) if akun.unit else None, rights=rights,
                     roles=frozenset(akun.peran), nip=akun.nip, label=akun.username)
