"""The registry: letters, the per-unit number counters, the letters that came
from outside, the links of the chain between them, and each letter's history
(SQLAlchemy 2).

SQLite by default, PostgreSQL by URL; nothing here is dialect-specific.
The schema changes only through the migrations of ``migrations/versions``
(:mod:`.schema` runs them).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


DRAFT = "konsep"
"""A draft waiting for its verifikators' paraf: no number yet, its PDF a preview with placeholders."""
RETURNED = "dikembalikan"
"""A draft a verifikator (or its penandatangan) sent back with a note: revised, or cancelled."""
READY = "siap_ditandatangani"
"""A draft with every paraf in (or none asked): its penandatangan may sign, and the number is taken then."""
CANCELLED = "dibatalkan"
"""A draft abandoned before signing: it never held a number."""
AWAITING_COUNTERSIGN = "menunggu_mengetahui"
"""Signed by the penandatangan, waiting for a "Mengetahui" countersignature."""
UNCERTAIN = "belum_pasti"
"""Penandatanganan belum pasti: sent to the Esign service, and no answer came. It may be signed there;
nothing is sent again until reconciliation settles it (:mod:`service.signatures.reconcile`)."""
SIGNED = "ditandatangani"
"""Signed by everyone who signs it: the letter is in force."""
REVOKED = "dicabut"
"""Signed, then withdrawn by its signer or the pemda's arsiparis: it keeps its number, and is no longer in force."""


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A moment read back from the registry, in UTC (SQLite hands back naive datetimes; they were stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class Surat(Base):
    """One issued letter. The request is kept as received, after validation."""

    __tablename__ = "surat"
    __table_args__ = (
        UniqueConstraint("wilayah", "unit_kode", "tahun", "urut", name="uq_surat_urut"),
        UniqueConstraint("wilayah", "nomor", name="uq_surat_nomor"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    jenis: Mapped[str] = mapped_column(String(40), index=True)
    wilayah: Mapped[str] = mapped_column(String(60), index=True)
    unit_kode: Mapped[str] = mapped_column(String(30), index=True)
    unit_nama: Mapped[str] = mapped_column(String(200))
    tahun: Mapped[int | None] = mapped_column(Integer, nullable=True)
    urut: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nomor: Mapped[str | None] = mapped_column(String(120), nullable=True)
    """Null while a draft: the number is taken with the first signature (:mod:`service.issuing.numbering`)."""
    hal: Mapped[str] = mapped_column(Text)
    tanggal: Mapped[dt.date | None] = mapped_column(Date, index=True, nullable=True)
    """The letter's date, fixed with its number; a draft's is null unless its request fixes one."""
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    versi: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """The draft's current version (:class:`SuratVersi`); each revision adds one."""
    sifat: Mapped[str] = mapped_column(String(20), default="Biasa", server_default="Biasa")
    """Biasa, Terbatas, Rahasia or Sangat Rahasia: the last two are read only by the units it concerns."""
    permintaan: Mapped[dict] = mapped_column(JSON)
    """The request body as validated (dates as ISO strings)."""
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    """The unsigned PDF/A: the current version's preview while a draft, the numbered letter once signed."""
    signed_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The signed PDF once signed; it then replaces the preview for download."""
    esign_tertunda: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    """While the letter is ``belum_pasti``: ``{"sha256": the file sent, "id_dokumen": the service's id or
    null, "tingkat": the PAdES level asked, "nik": the signer's NIK}``; null otherwise."""
    pencabutan: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    """Once ``dicabut``: ``{"waktu": ISO UTC, "alasan", "oleh", "nomor" and "tanggal" of the letter that
    revokes it, or null}``; null while the letter is in force."""
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    diubah: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

    @property
    def verifikator(self) -> list[dict]:
        """Who gives paraf before signing, in order: ``[{"nip", "nama", "jabatan"}]``, as the request (the current
        version's) names them; none for a letter recorded before paraf existed."""
        return self.permintaan.get("verifikator") or []

    @property
    def current_sha256(self) -> str:
        return self.signed_sha256 or self.pdf_sha256


class SuratVersi(Base):
    """One version of a draft: the request as validated and its preview, kept readable after a revision."""

    __tablename__ = "surat_versi"

    surat_id: Mapped[str] = mapped_column(ForeignKey("surat.id"), primary_key=True)
    versi: Mapped[int] = mapped_column(Integer, primary_key=True)
    permintaan: Mapped[dict] = mapped_column(JSON)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    oleh: Mapped[str] = mapped_column(String(200))
    catatan: Mapped[str | None] = mapped_column(Text, nullable=True)
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Paraf(Base):
    """A verifikator's paraf on one version of a draft: who, when, and the hash of the preview approved.

    Unique per letter, version and place in the route: two requests giving the same paraf end with one.
    """

    __tablename__ = "paraf"
    __table_args__ = (UniqueConstraint("surat_id", "versi", "urutan", name="uq_paraf_urutan"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    surat_id: Mapped[str] = mapped_column(ForeignKey("surat.id"), index=True)
    versi: Mapped[int] = mapped_column(Integer)
    urutan: Mapped[int] = mapped_column(Integer)
    """The verifikator's place in the route, from 0."""
    nip: Mapped[str] = mapped_column(String(18))
    nama: Mapped[str] = mapped_column(String(200))
    jabatan: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    """The preview of the version approved."""
    waktu: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Penomoran(Base):
    """The last number given per issuing unit and year."""

    __tablename__ = "penomoran"

    wilayah: Mapped[str] = mapped_column(String(60), primary_key=True)
    unit_kode: Mapped[str] = mapped_column(String(30), primary_key=True)
    tahun: Mapped[int] = mapped_column(Integer, primary_key=True)
    terakhir: Mapped[int] = mapped_column(Integer, default=0)


class Riwayat(Base):
    """Who did what to a letter, and when (issued, signed, countersigned)."""

    __tablename__ = "riwayat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    surat_id: Mapped[str] = mapped_column(ForeignKey("surat.id"), index=True)
    waktu: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    aksi: Mapped[str] = mapped_column(String(40))
    """``diterbitkan`` (a draft), ``diparaf``, ``dikembalikan``, ``direvisi``, ``dibatalkan``, ``dinomori``
    (the number taken at the first signature: the numbered file), ``ditandatangani``, ``ditandatangani_mengetahui``; through the Esign service
    also ``penandatanganan_belum_pasti`` (no answer), ``tanda_tangan_esign_ditolak`` (the returned file
    refused) and ``rekonsiliasi_tidak_ditandatangani`` (settled as not signed); on a letter
    that a later one links to: ``dijawab``, ``diteruskan``, ``menjadi_dasar``; ``dicabut`` when revoked."""
    oleh: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """Who: the signer's name and NIP, or the client that issued."""
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    """The file this step produced; verification finds an uploaded file's letter by it."""
    catatan: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why, where a step has a reason (the reason a letter was revoked)."""


class SuratLuar(Base):
    """A letter that was not issued here but that a letter here answers or
    rests on, registered with what is known of it (at least nomor, tanggal,
    hal; a registered approval may also list the people it releases)."""

    __tablename__ = "surat_luar"
    __table_args__ = (UniqueConstraint("wilayah", "nomor", "tanggal", name="uq_surat_luar"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    wilayah: Mapped[str] = mapped_column(String(60), index=True)
    """The region whose registry holds the reference."""
    jenis: Mapped[str] = mapped_column(String(40))
    nomor: Mapped[str] = mapped_column(String(120))
    tanggal: Mapped[dt.date] = mapped_column(Date)
    hal: Mapped[str] = mapped_column(Text)
    isi: Mapped[dict] = mapped_column(JSON, default=dict)
    """What else is known: pengirim, keputusan, pegawai, jangka_waktu, jalur."""
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Tautan(Base):
    """One link of the chain: letter ``surat_id`` answers, forwards or rests on
    letter ``rujukan_id`` (issued here, or registered from outside).

    ``kunci`` is set only where a rule allows one letter per referenced letter
    (one answer per request and step); its unique index makes two clients
    answering the same request at the same moment end with exactly one answer.
    """

    __tablename__ = "tautan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    surat_id: Mapped[str] = mapped_column(ForeignKey("surat.id"), index=True)
    rujukan_id: Mapped[str] = mapped_column(String(32), index=True)
    luar: Mapped[bool] = mapped_column(Boolean, default=False)
    """Whether ``rujukan_id`` names a :class:`SuratLuar`."""
    hubungan: Mapped[str] = mapped_column(String(20))
    """``menjawab``, ``meneruskan``, ``dasar``."""
    kunci: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)


class Instansi(Base):
    """A pemda this deployment serves: one per region profile, named by the profile's code.

    Everything a pemda owns (letters, outside letters, directory, accounts,
    keys, audit entries) names it in its ``wilayah`` column.
    """

    __tablename__ = "instansi"

    kode: Mapped[str] = mapped_column(String(60), primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))


class SuratAkses(Base):
    """A unit a letter concerns, and how: ``pengirim`` (issues or signs it),
    ``tujuan`` (addressed, assigned, or countersigning) or ``tembusan``
    (receives a copy once it is signed). Who may read a letter is decided
    from these rows (:mod:`service.access.scope`)."""

    __tablename__ = "surat_akses"

    surat_id: Mapped[str] = mapped_column(ForeignKey("surat.id"), primary_key=True)
    unit_kode: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
    peran: Mapped[str] = mapped_column(String(10), primary_key=True)


class KunciApi(Base):
    """An API key of an e-office system: the visible ``prefiks`` names it, the
    secret is shown once when made and only its SHA-256 is kept.

    A key belongs to one pemda (``wilayah``; none for a host administrator's
    key), optionally to some of its units, and carries rights (``terbit``,
    ``tandatangan``, ``baca``, ``verifikasi``, ``admin``).
    """

    __tablename__ = "kunci_api"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefiks: Mapped[str] = mapped_column(String(16), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the whole key: the secret is 32 random bytes, so a fast hash is enough."""
    wilayah: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    nama: Mapped[str] = mapped_column(String(200))
    """What the key is for, e.g. the e-office system that holds it."""
    unit: Mapped[list | None] = mapped_column(JSON, nullable=True)
    """Unit kode the key acts for; none = every unit of its pemda."""
    hak: Mapped[list] = mapped_column(JSON)
    dibuat: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    dicabut: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    terakhir_dipakai: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class JejakAudit(Base):
    """One entry of the audit trail: who, from where, when, what.

    Entries are only ever added. Each carries the hash of the one before
    (``hash_sebelum``) and its own (``hash``, over its fields and
    ``hash_sebelum``), so an edited or deleted entry breaks the chain
    (:func:`service.access.audit.verify_chain`).
    """

    __tablename__ = "jejak_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    waktu: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    wilayah: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    pelaku: Mapped[str] = mapped_column(String(200))
    """``kunci:<prefiks>``, ``akun:<username>`` or ``anonim``."""
    alamat_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    aksi: Mapped[str] = mapped_column(String(80))
    objek: Mapped[str | None] = mapped_column(String(300), nullable=True)
    rincian: Mapped[dict] = mapped_column(JSON, default=dict)
    hash_sebelum: Mapped[str] = mapped_column(String(64), unique=True)
    """Unique: two entries can never follow the same one, so the chain cannot fork."""
    hash: Mapped[str] = mapped_column(String(64), unique=True)
