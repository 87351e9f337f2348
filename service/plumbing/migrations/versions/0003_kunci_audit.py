"""API keys and the audit trail.

Revision ID: 0003_kunci_audit
Revises: 0002_instansi
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_kunci_audit"
down_revision = "0002_instansi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kunci_api",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("prefiks", sa.String(length=16), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("wilayah", sa.String(length=60), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.JSON(), nullable=True),
        sa.Column("hak", sa.JSON(), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dicabut", sa.DateTime(timezone=True), nullable=True),
        sa.Column("terakhir_dipakai", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prefiks"),
    )
    op.create_index("ix_kunci_api_wilayah", "kunci_api", ["wilayah"])
    op.create_table(
        "jejak_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wilayah", sa.String(length=60), nullable=True),
        sa.Column("pelaku", sa.String(length=200), nullable=False),
        sa.Column("alamat_ip", sa.String(length=64), nullable=True),
        sa.Column("aksi", sa.String(length=80), nullable=False),
        sa.Column("objek", sa.String(length=300), nullable=True),
        sa.Column("rincian", sa.JSON(), nullable=False),
        sa.Column("hash_sebelum", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
        sa.UniqueConstraint("hash_sebelum"),
    )
    op.create_index("ix_jejak_audit_wilayah", "jejak_audit", ["wilayah"])


def downgrade() -> None:
    op.drop_table("jejak_audit")
    op.drop_table("kunci_api")
