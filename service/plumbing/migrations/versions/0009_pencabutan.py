"""Revocation: a signed letter can be dicabut (surat.pencabutan), and a history line carries its note.

Revision ID: 0009_pencabutan
Revises: 0007_webhook
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_pencabutan"
down_revision = "0007_webhook"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("surat") as batch:
        batch.add_column(sa.Column("pencabutan", sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table("riwayat") as batch:
        batch.add_column(sa.Column("catatan", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("riwayat") as batch:
        batch.drop_column("catatan")
    with op.batch_alter_table("surat") as batch:
        batch.drop_column("pencabutan")
