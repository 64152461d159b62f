"""The subject index keeps, per row where the source names an e-mail column,
the address sealed under the person's number (the one-time password of "My
data" goes there).

Revision ID: 7c3e9f2a6d51
Revises: 5b7d2e9a4c10
Create Date: 2026-12-03 10:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "7c3e9f2a6d51"
down_revision = "5b7d2e9a4c10"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("molisa_harvest_subject", sa.Column("contact", sa.Text, nullable=True))


def downgrade():
    op.drop_column("molisa_harvest_subject", "contact")
