"""A letter's life as an office lives it: drafts without a number, versions, paraf, the unit's paraf route.

Existing letters keep their numbers and dates (they were numbered when recorded, the old way); a
letter recorded unsigned keeps its number too and is ready to sign (no paraf was asked of it).

Revision ID: 0010_alur_konsep
Revises: 0009_pencabutan
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_alur_konsep"
down_revision = "0009_pencabutan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("surat") as batch:
        batch.alter_column("tahun", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("urut", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("nomor", existing_type=sa.String(120), nullable=True)
        batch.alter_column("tanggal", existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column("versi", sa.Integer(), nullable=False, server_default="1"))
    op.execute("UPDATE surat SET status = 'siap_ditandatangani' WHERE status = 'konsep'")
    op.create_table(
        "surat_versi",
        sa.Column("surat_id", sa.String(32), sa.ForeignKey("surat.id"), primary_key=True),
        sa.Column("versi", sa.Integer(), primary_key=True),
        sa.Column("permintaan", sa.JSON(), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("oleh", sa.String(200), nullable=False),
        sa.Column("catatan", sa.Text(), nullable=True),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "paraf",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("surat_id", sa.String(32), sa.ForeignKey("surat.id"), nullable=False),
        sa.Column("versi", sa.Integer(), nullable=False),
        sa.Column("urutan", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("nama", sa.String(200), nullable=False),
        sa.Column("jabatan", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("surat_id", "versi", "urutan", name="uq_paraf_urutan"),
    )
    op.create_index("ix_paraf_surat_id", "paraf", ["surat_id"])
    with op.batch_alter_table("direktori_unit") as batch:
        batch.add_column(sa.Column("rute_paraf", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("direktori_unit") as batch:
        batch.drop_column("rute_paraf")
    op.drop_index("ix_paraf_surat_id", "paraf")
    op.drop_table("paraf")
    op.drop_table("surat_versi")
    op.execute("UPDATE surat SET status = 'konsep' WHERE status = 'siap_ditandatangani'")
    with op.batch_alter_table("surat") as batch:
        batch.drop_column("versi")
