"""The registry as the service made it before migrations: letters, numbers, history, outside letters, links.

A registry made by that code has these tables and no ``alembic_version``;
:mod:`service.plumbing.schema` stamps it at this revision and upgrades it
from here, in place.

Revision ID: 0001_baseline
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "penomoran",
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("unit_kode", sa.String(length=30), nullable=False),
        sa.Column("tahun", sa.Integer(), nullable=False),
        sa.Column("terakhir", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("wilayah", "unit_kode", "tahun"),
    )
    op.create_table(
        "surat",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("jenis", sa.String(length=40), nullable=False),
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("unit_kode", sa.String(length=30), nullable=False),
        sa.Column("unit_nama", sa.String(length=200), nullable=False),
        sa.Column("tahun", sa.Integer(), nullable=False),
        sa.Column("urut", sa.Integer(), nullable=False),
        sa.Column("nomor", sa.String(length=120), nullable=False),
        sa.Column("hal", sa.Text(), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("permintaan", sa.JSON(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("esign_tertunda", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("diubah", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wilayah", "nomor", name="uq_surat_nomor"),
        sa.UniqueConstraint("wilayah", "unit_kode", "tahun", "urut", name="uq_surat_urut"),
    )
    for column in ("jenis", "tanggal", "unit_kode", "wilayah"):
        op.create_index(f"ix_surat_{column}", "surat", [column])
    op.create_table(
        "surat_luar",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("jenis", sa.String(length=40), nullable=False),
        sa.Column("nomor", sa.String(length=120), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("hal", sa.Text(), nullable=False),
        sa.Column("isi", sa.JSON(), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wilayah", "nomor", "tanggal", name="uq_surat_luar"),
    )
    op.create_index("ix_surat_luar_wilayah", "surat_luar", ["wilayah"])
    op.create_table(
        "riwayat",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("surat_id", sa.String(length=32), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aksi", sa.String(length=40), nullable=False),
        sa.Column("oleh", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["surat_id"], ["surat.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_riwayat_sha256", "riwayat", ["sha256"])
    op.create_index("ix_riwayat_surat_id", "riwayat", ["surat_id"])
    op.create_table(
        "tautan",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("surat_id", sa.String(length=32), nullable=False),
        sa.Column("rujukan_id", sa.String(length=32), nullable=False),
        sa.Column("luar", sa.Boolean(), nullable=False),
        sa.Column("hubungan", sa.String(length=20), nullable=False),
        sa.Column("kunci", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["surat_id"], ["surat.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kunci"),
    )
    op.create_index("ix_tautan_rujukan_id", "tautan", ["rujukan_id"])
    op.create_index("ix_tautan_surat_id", "tautan", ["surat_id"])


def downgrade() -> None:
    for table in ("tautan", "riwayat", "surat_luar", "surat", "penomoran"):
        op.drop_table(table)
