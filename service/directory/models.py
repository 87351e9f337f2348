"""The directory's tables: the units of each pemda and its officials (pegawai).

Registered on the registry's :class:`~service.plumbing.models.Base`, so the
schema and the migrations see them. Every row names its pemda (``wilayah``,
the region profile's code), first in each primary key, so a pemda's rows
are read by index; a pemda's units and pegawai are replaced whole by an
import, so nothing else points into these rows by key. The delegation
register (:class:`Delegasi`) is not part of the import: it is the pemda's
own record of who signs for whom, kept across imports, and names officials
by NIP only (an official who leaves the directory keeps the delegations
given while they served, for the letters already signed under them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..plumbing.models import Base


class Unit(Base):
    """A unit of a pemda (Perangkat Daerah, Unit Kerja, Unit Organisasi) and what its kop prints."""

    __tablename__ = "direktori_unit"

    wilayah: Mapped[str] = mapped_column(String(60), primary_key=True)
    kode: Mapped[str] = mapped_column(String(30), primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))
    induk: Mapped[str | None] = mapped_column(String(30), nullable=True)
    """The kode of the unit this one belongs to (none for a Perangkat Daerah)."""
    alamat: Mapped[str | None] = mapped_column(Text, nullable=True)
    kode_pos: Mapped[str | None] = mapped_column(String(5), nullable=True)
    telepon: Mapped[str | None] = mapped_column(String(60), nullable=True)
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    laman: Mapped[str | None] = mapped_column(String(120), nullable=True)
    ada_pengawas: Mapped[bool] = mapped_column(Boolean, default=False)
    """Whether a Pejabat Pengawas remains in the unit (the ketua of its teams is then one)."""
    rute_paraf: Mapped[list | None] = mapped_column(JSON, nullable=True)
    """The unit's default paraf route: the NIPs of the verifikators of its drafts, in order."""


class Pegawai(Base):
    """An official of a pemda: the signature block, the unit, the roles, and who their PPK is."""

    __tablename__ = "direktori_pegawai"
    __table_args__ = (Index("ix_direktori_pegawai_unit", "wilayah", "unit_kode"),)

    wilayah: Mapped[str] = mapped_column(String(60), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    gelar_depan: Mapped[str | None] = mapped_column(String(60), nullable=True)
    nama: Mapped[str] = mapped_column(String(150))
    """The name without gelar; :attr:`nama_lengkap` is how letters print it."""
    gelar_belakang: Mapped[str | None] = mapped_column(String(60), nullable=True)
    pangkat: Mapped[str] = mapped_column(String(60))
    golongan: Mapped[str] = mapped_column(String(6))
    jabatan: Mapped[str] = mapped_column(String(200))
    unit_kode: Mapped[str] = mapped_column(String(30))
    peran: Mapped[list] = mapped_column(JSON)
    """The roles the pemda grants, main role first (:data:`service.letters.common.PERAN`)."""
    nip_ppk: Mapped[str | None] = mapped_column(String(18), nullable=True)

    @property
    def nama_lengkap(self) -> str:
        """``Ir. H. Muhammad Noor, M.T.``: gelar depan, name, a comma and gelar belakang."""
        nama = " ".join(p for p in (self.gelar_depan, self.nama) if p)
        return f"{nama}, {self.gelar_belakang}" if self.gelar_belakang else nama


class Delegasi(Base):
    """One entry of the delegation register: who may sign for whom, of what kind, from when to when, and
    the letter it rests on (:mod:`service.directory.delegation`)."""

    __tablename__ = "direktori_delegasi"
    __table_args__ = (Index("ix_direktori_delegasi_penerima", "wilayah", "nip_penerima"),)

    wilayah: Mapped[str] = mapped_column(String(60), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    jenis: Mapped[str] = mapped_column(String(4))
    """a.n., u.b., Plt. or Plh. (:data:`service.letters.common.JENIS_ATAS_NAMA`), as the signature block prints it."""
    nip_pemberi: Mapped[str] = mapped_column(String(18))
    """The official on whose behalf the letter is signed (a.n., u.b.), or whose office is held (Plt., Plh.)."""
    nip_penerima: Mapped[str] = mapped_column(String(18))
    """Who signs."""
    nip_antara: Mapped[str | None] = mapped_column(String(18), nullable=True)
    """u.b. only: the official who holds the a.n. of :attr:`nip_pemberi` and passes it one level down."""
    berlaku_dari: Mapped[dt.date] = mapped_column(Date)
    berlaku_sampai: Mapped[dt.date] = mapped_column(Date)
    """The last day it may be used (inclusive); ending a delegation early moves it."""
    dasar_nomor: Mapped[str | None] = mapped_column(String(120), nullable=True)
    """The nomor of the letter it rests on (the surat perintah of a Plt. or Plh., a surat kuasa…)."""
    dasar_tanggal: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    dicatat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """When it was entered in the register."""
    diakhiri: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When it was ended early, if it was."""
