"""Create the subject index: the keyed hash of a person's identification
number -> the DataStore rows (resource id, ``_id``) of the sector data that
hold it.

Revision ID: 5b7d2e9a4c10
Revises:
Create Date: 2026-12-03 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "5b7d2e9a4c10"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "molisa_harvest_subject",
        sa.Column("resource_id", sa.Text, primary_key=True),
        sa.Column("row_id", sa.BigInteger, primary_key=True),
        sa.Column("subject_hash", sa.Text, nullable=False),
        sa.Column("package_id", sa.Text, nullable=False))
    op.create_index("molisa_harvest_subject_hash_idx", "molisa_harvest_subject",
                    ["subject_hash", "resource_id"])
    op.create_index("molisa_harvest_subject_package_idx", "molisa_harvest_subject",
                    ["package_id"])


def downgrade():
    op.drop_table("molisa_harvest_subject")
