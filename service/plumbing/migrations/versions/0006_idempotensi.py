"""Idempotency-Keys per API client and the first answer to each (service/idempotency/models.py).

Revision ID: 0006_idempotensi
Revises: 0005_akun
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_idempotensi"
down_revision = "0005_akun"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotensi",
        sa.Column("klien", sa.String(length=200), nullable=False),
        sa.Column("kunci", sa.String(length=255), nullable=False),
        sa.Column("sidik", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("jawaban", sa.LargeBinary(), nullable=True),
        sa.Column("tipe", sa.String(length=100), nullable=True),
        sa.Column("lokasi", sa.String(length=300), nullable=True),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("klien", "kunci"),
    )
    op.create_index("ix_idempotensi_dibuat", "idempotensi", ["dibuat"])


def downgrade() -> None:
    op.drop_index("ix_idempotensi_dibuat", table_name="idempotensi")
    op.drop_table("idempotensi")
