"""Webhooks: subscriptions, the outbox of events, deliveries and attempts (service/webhooks/models.py).

Revision ID: 0007_webhook
Revises: 0006_idempotensi
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_webhook"
down_revision = "0006_idempotensi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_langganan",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("klien", sa.String(length=200), nullable=False),
        sa.Column("wilayah", sa.String(length=60), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("peristiwa", sa.JSON(), nullable=False),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("catatan", sa.Text(), nullable=True),
        sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_langganan_klien", "webhook_langganan", ["klien"])
    op.create_index("ix_webhook_langganan_wilayah", "webhook_langganan", ["wilayah"])
    op.create_table(
        "webhook_peristiwa",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pesan", sa.String(length=40), nullable=False),
        sa.Column("jenis", sa.String(length=40), nullable=False),
        sa.Column("surat_id", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disebar", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pesan"),
    )
    op.create_index("ix_webhook_peristiwa_surat_id", "webhook_peristiwa", ["surat_id"])
    op.create_index("ix_webhook_peristiwa_disebar", "webhook_peristiwa", ["disebar"])
    op.create_table(
        "webhook_pengiriman",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("langganan_id", sa.String(length=32), nullable=False),
        sa.Column("peristiwa_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("percobaan", sa.Integer(), nullable=False),
        sa.Column("mulai", sa.DateTime(timezone=True), nullable=False),
        sa.Column("berikutnya", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["langganan_id"], ["webhook_langganan.id"]),
        sa.ForeignKeyConstraint(["peristiwa_id"], ["webhook_peristiwa.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("langganan_id", "peristiwa_id", name="uq_webhook_pengiriman"),
    )
    op.create_index("ix_webhook_pengiriman_langganan_id", "webhook_pengiriman", ["langganan_id"])
    op.create_index("ix_webhook_pengiriman_peristiwa_id", "webhook_pengiriman", ["peristiwa_id"])
    op.create_index("ix_webhook_pengiriman_status", "webhook_pengiriman", ["status"])
    op.create_table(
        "webhook_percobaan",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pengiriman_id", sa.Integer(), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_http", sa.Integer(), nullable=True),
        sa.Column("galat", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["pengiriman_id"], ["webhook_pengiriman.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_percobaan_pengiriman_id", "webhook_percobaan", ["pengiriman_id"])


def downgrade() -> None:
    for table in ("webhook_percobaan", "webhook_pengiriman", "webhook_peristiwa", "webhook_langganan"):
        op.drop_table(table)
