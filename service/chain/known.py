"""The letters a chain rule can look at: issued here, or registered from outside."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..letters.fields import NASKAH_DINAS
from ..plumbing.errors import Finding
from ..plumbing.models import CANCELLED, Surat, SuratLuar, Tautan


@dataclass(frozen=True)
class Known:
    """One letter of a chain, whichever registry holds it.

    ``data`` is the request as issued for a letter of this service, and what
    was registered (pengirim, keputusan, pegawai, jangka_waktu…) for a letter
    from outside; rules read it the same way and skip what an outside letter
    does not say.
    """

    id: str
    luar: bool
    jenis: str
    wilayah: str
    nomor: str | None
    """None while a draft: the number comes with the first signature."""
    tanggal: dt.date | None
    hal: str
    status: str
    dibuat: dt.datetime | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    revocation: Mapping[str, Any] | None = None
    """Once revoked: when, why, by whom (``surat.pencabutan``)."""

    @classmethod
    def of_surat(cls, surat: Surat) -> "Known":
        return cls(surat.id, False, surat.jenis, surat.wilayah, surat.nomor, surat.tanggal, surat.hal,
                   surat.status, surat.dibuat, surat.permintaan, surat.pencabutan)

    @classmethod
    def of_luar(cls, luar: SuratLuar) -> "Known":
        return cls(luar.id, True, luar.jenis, luar.wilayah, luar.nomor, luar.tanggal, luar.hal,
                   "surat_luar", luar.dibuat, luar.isi or {})

    @property
    def keputusan(self) -> str | None:
        return self.data.get("keputusan")

    @property
    def pegawai_nip(self) -> set[str] | None:
        """NIPs of the people the letter names, or None when it does not say."""
        people = self.data.get("pegawai")
        return None if people is None else {p["nip"] for p in people}

    def citation(self) -> str:
        """How a message names this letter: nomor and date (a draft, by its id: it has neither yet)."""
        if self.nomor is None:
            return f"konsep {self.id} (belum bernomor)"
        return f"nomor {self.nomor} tanggal {self.tanggal:%d-%m-%Y}"

    def reference(self) -> dict:
        """The letter as a ``rujukan`` of another letter prints it."""
        return {"id": self.id, "nomor": self.nomor, "tanggal": self.tanggal.isoformat(), "hal": self.hal}


def resolve(session: Session, ref_id: str) -> Known | None:
    """The letter ``ref_id`` names, in either registry."""
    surat = session.get(Surat, ref_id)
    if surat is not None:
        return Known.of_surat(surat)
    luar = session.get(SuratLuar, ref_id)
    return Known.of_luar(luar) if luar is not None else None


def find_cited(session: Session, wilayah: str, ref: Mapping) -> Known | None:
    """The letter of ``wilayah`` with this nomor and date: issued here, else registered from outside."""
    surat = session.scalars(select(Surat).where(
        Surat.wilayah == wilayah, Surat.nomor == ref["nomor"], Surat.tanggal == ref["tanggal"],
    )).first()
    if surat is not None:
        return Known.of_surat(surat)
    luar = session.scalars(select(SuratLuar).where(
        SuratLuar.wilayah == wilayah, SuratLuar.nomor == ref["nomor"], SuratLuar.tanggal == ref["tanggal"],
    )).first()
    return Known.of_luar(luar) if luar is not None else None


def named_letter(session: Session, wilayah: str, entry: Mapping) -> Known | None:
    """The letter a reference names: by ``id``, else by its nomor and tanggal in ``wilayah``,
    a letter issued here or one registered from outside; None when neither registry has it.

    A letter issued here and cited by its number is that letter, not an
    outside copy of it: the rules across letters read what it says (a
    refusal cited by number still forbids an assignment).
    """
    by_id = resolve(session, entry["id"]) if entry.get("id") else None
    return by_id or find_cited(session, wilayah, entry)


def linked_to(session: Session, ref_id: str, hubungan: str) -> list[Known]:
    """Letters of this service that answer/forward/rest on ``ref_id``, oldest first (a cancelled draft does not)."""
    rows = session.scalars(
        select(Surat).join(Tautan, Tautan.surat_id == Surat.id)
        .where(Tautan.rujukan_id == ref_id, Tautan.hubungan == hubungan, Surat.status != CANCELLED)
        .order_by(Surat.dibuat, Surat.id)
    ).all()
    return [Known.of_surat(s) for s in rows]


class Lookup:
    """The registries, as what fills a new letter and what checks it read them.

    :param session: the session of the request being handled.
    """

    def __init__(self, session: Session):
        self.session = session

    def resolve(self, ref_id: str) -> Known | None:
        return resolve(self.session, ref_id)

    def linked_to(self, ref_id: str, hubungan: str) -> list[Known]:
        return linked_to(self.session, ref_id, hubungan)


def unsigned(where: str, known: Known) -> Finding:
    """The finding of a reference to a letter of this service that is not signed (a draft, cancelled, …)."""
    return Finding(where, "rujukan_belum_ditandatangani",
                   f"Surat {known.citation()} belum ditandatangani ({known.status}); naskah dinas berlaku "
                   "setelah ditandatangani.", NASKAH_DINAS)
