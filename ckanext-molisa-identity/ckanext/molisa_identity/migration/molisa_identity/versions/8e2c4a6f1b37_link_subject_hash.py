"""The e-ID link keeps the subject hash of the person's number (the key of
the sector data's subject index, ``ckanext.molisa.subject_key``), set at each
e-ID log-in, so that "My data" finds the person's rows.

Revision ID: 8e2c4a6f1b37
Revises: 3c5e7a9b1d24
Create Date: 2026-12-03 07:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "8e2c4a6f1b37"
down_revision = "3c5e7a9b1d24"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("molisa_identity_link", sa.Column("subject_hash", sa.Text))


def downgrade():
    op.drop_column("molisa_identity_link", "subject_hash")
