"""Staff accounts and their sign-in sessions.

Revision ID: 0005_akun
Revises: 0002_instansi
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_akun"
down_revision = "0004_direktori"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "akun",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("nama", sa.String(length=150), nullable=False),
        sa.Column("sandi_hash", sa.String(length=200), nullable=False),
        sa.Column("peran", sa.JSON(), nullable=False),
        sa.Column("unit", sa.JSON(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=True),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("wajib_ganti_sandi", sa.Boolean(), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diubah", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["wilayah"], ["instansi.kode"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wilayah", "username", name="uq_akun_username"),
    )
    op.create_index("ix_akun_wilayah", "akun", ["wilayah"])
    op.create_table(
        "sesi_akun",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("akun_id", sa.Integer(), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.Column("berakhir", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["akun_id"], ["akun.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_sesi_akun_akun_id", "sesi_akun", ["akun_id"])


def downgrade() -> None:
    op.drop_table("sesi_akun")
    op.drop_table("akun")
