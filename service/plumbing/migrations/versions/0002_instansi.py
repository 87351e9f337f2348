"""Tenants: the pemda table, each letter's sifat, and the units each letter concerns.

Existing letters get their sifat and units from the request kept with them,
so access rules apply to them as to new ones. A registry made before the
index verification looks files up by (``ix_riwayat_sha256``), or before
the Esign back end (``surat.esign_tertunda``), gets it here.

Revision ID: 0002_instansi
Revises: 0001_baseline
"""

import sqlalchemy as sa
from alembic import op

from service.access.audience import audience

revision = "0002_instansi"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

_surat = sa.table("surat", sa.column("id", sa.String), sa.column("sifat", sa.String),
                  sa.column("permintaan", sa.JSON))
_akses = sa.table("surat_akses", sa.column("surat_id", sa.String), sa.column("unit_kode", sa.String),
                  sa.column("peran", sa.String))


def upgrade() -> None:
    op.create_table(
        "instansi",
        sa.Column("kode", sa.String(length=60), nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("kode"),
    )
    esign_missing = "esign_tertunda" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("surat")}
    with op.batch_alter_table("surat") as batch:
        batch.add_column(sa.Column("sifat", sa.String(length=20), server_default="Biasa", nullable=False))
        if esign_missing:
            batch.add_column(sa.Column("esign_tertunda", sa.JSON(none_as_null=True), nullable=True))
    op.create_table(
        "surat_akses",
        sa.Column("surat_id", sa.String(length=32), nullable=False),
        sa.Column("unit_kode", sa.String(length=30), nullable=False),
        sa.Column("peran", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["surat_id"], ["surat.id"]),
        sa.PrimaryKeyConstraint("surat_id", "unit_kode", "peran"),
    )
    op.create_index("ix_surat_akses_unit_kode", "surat_akses", ["unit_kode"])
    if "ix_riwayat_sha256" not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("riwayat")}:
        op.create_index("ix_riwayat_sha256", "riwayat", ["sha256"])
    _fill_existing_letters()


def _fill_existing_letters() -> None:
    bind = op.get_bind()
    for surat_id, permintaan in bind.execute(sa.select(_surat.c.id, _surat.c.permintaan)).all():
        sifat = permintaan.get("sifat") or "Biasa"
        if sifat != "Biasa":
            bind.execute(_surat.update().where(_surat.c.id == surat_id).values(sifat=sifat))
        rows = [{"surat_id": surat_id, "unit_kode": unit, "peran": peran} for unit, peran in audience(permintaan)]
        if rows:
            bind.execute(_akses.insert(), rows)


def downgrade() -> None:
    op.drop_table("surat_akses")
    with op.batch_alter_table("surat") as batch:
        batch.drop_column("sifat")
    op.drop_table("instansi")
