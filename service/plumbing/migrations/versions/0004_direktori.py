"""Directory: the units and officials of each pemda (service/directory/models.py).

Revision ID: 0004_direktori
Revises: 0003_kunci_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_direktori"
down_revision = "0003_kunci_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "direktori_unit",
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("kode", sa.String(length=30), nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("induk", sa.String(length=30), nullable=True),
        sa.Column("alamat", sa.Text(), nullable=True),
        sa.Column("kode_pos", sa.String(length=5), nullable=True),
        sa.Column("telepon", sa.String(length=60), nullable=True),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("laman", sa.String(length=120), nullable=True),
        sa.Column("ada_pengawas", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("wilayah", "kode"),
    )
    op.create_table(
        "direktori_pegawai",
        sa.Column("wilayah", sa.String(length=60), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("gelar_depan", sa.String(length=60), nullable=True),
        sa.Column("nama", sa.String(length=150), nullable=False),
        sa.Column("gelar_belakang", sa.String(length=60), nullable=True),
        sa.Column("pangkat", sa.String(length=60), nullable=False),
        sa.Column("golongan", sa.String(length=6), nullable=False),
        sa.Column("jabatan", sa.String(length=200), nullable=False),
        sa.Column("unit_kode", sa.String(length=30), nullable=False),
        sa.Column("peran", sa.JSON(), nullable=False),
        sa.Column("nip_ppk", sa.String(length=18), nullable=True),
        sa.PrimaryKeyConstraint("wilayah", "nip"),
    )
    op.create_index("ix_direktori_pegawai_unit", "direktori_pegawai", ["wilayah", "unit_kode"])


def downgrade() -> None:
    op.drop_index("ix_direktori_pegawai_unit", table_name="direktori_pegawai")
    op.drop_table("direktori_pegawai")
    op.drop_table("direktori_unit")
