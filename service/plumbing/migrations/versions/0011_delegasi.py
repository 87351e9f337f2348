"""Delegation register: who may sign for whom (a.n., u.b., Plt., Plh.), from when to when, and on which letter
(service/directory/models.py Delegasi).

Revision ID: 0011_delegasi
Revises: 0010_alur_konsep
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_delegasi"
down_revision = "0010_alur_konsep"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "direktori_delegasi",
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("jenis", sa.String(length=4), nullable=False),
        sa.Column("nip_pemberi", sa.String(length=18), nullable=False),
        sa.Column("nip_penerima", sa.String(length=18), nullable=False),
        sa.Column("nip_antara", sa.String(length=18), nullable=True),
        sa.Column("berlaku_dari", sa.Date(), nullable=False),
        sa.Column("berlaku_sampai", sa.Date(), nullable=False),
        sa.Column("dasar_nomor", sa.String(length=120), nullable=True),
        sa.Column("dasar_tanggal", sa.Date(), nullable=True),
        sa.Column("dicatat", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diakhiri", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("wilayah", "id"),
    )
    op.create_index("ix_direktori_delegasi_penerima", "direktori_delegasi", ["wilayah", "nip_penerima"])


def downgrade() -> None:
    op.drop_index("ix_direktori_delegasi_penerima", table_name="direktori_delegasi")
    op.drop_table("direktori_delegasi")
