"""The caller of a request, whoever they are: an API key, a staff account, or nobody."""

from __future__ import annotations

from dataclasses import dataclass

KUNCI, AKUN, ANONIM = "kunci", "akun", "anonim"

TERBIT, TANDATANGAN, BACA, VERIFIKASI, ADMIN = "terbit", "tandatangan", "baca", "verifikasi", "admin"
PARAF = "paraf"
RIGHTS = (TERBIT, PARAF, TANDATANGAN, BACA, VERIFIKASI, ADMIN)
"""Issue letters (draft, revise, cancel; register outside ones), give paraf on drafts, sign, read, verify,
administer the pemda (keys, audit)."""

ROLES = ("admin", "arsiparis", "konseptor", "verifikator", "penandatangan", "pembaca")
"""Staff roles (accounts)."""

SECRET_READERS = frozenset({"arsiparis", "penandatangan"})
"""Staff roles that read Rahasia and Sangat Rahasia letters of their units: the
register keeper (TU) and the signer. An API key is its unit's own system and
reads them too; a host administrator reads everything."""


@dataclass(frozen=True)
class Principal:
    """Who calls, for which pemda and units, with which rights.

    ``wilayah`` is ``None`` only for a host administrator (every pemda) and
    for nobody; ``units`` is ``None`` for every unit of the pemda.
    """

    kind: str
    wilayah: str | None
    units: frozenset[str] | None = None
    rights: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    nip: str | None = None
    """The official a penandatangan account signs as."""
    label: str = ANONIM
    """What the audit trail names: the key's prefix or the account's username."""

    @property
    def authenticated(self) -> bool:
        return self.kind != ANONIM

    @property
    def host_admin(self) -> bool:
        return self.authenticated and self.wilayah is None and ADMIN in self.rights

    @property
    def reads_secret(self) -> bool:
        return self.kind == KUNCI or self.host_admin or bool(self.roles & SECRET_READERS)

    @property
    def actor(self) -> str:
        """``kunci:<prefix>``, ``akun:<username>`` or ``anonim``: who, as the audit trail records it."""
        return f"{self.kind}:{self.label}" if self.authenticated else ANONIM

    def in_pemda(self, wilayah: str | None) -> bool:
        return self.host_admin or (self.authenticated and wilayah is not None and wilayah == self.wilayah)

    def covers(self, unit_kode: str) -> bool:
        return self.host_admin or self.units is None or unit_kode in self.units


ANONYMOUS = Principal(ANONIM, None)
