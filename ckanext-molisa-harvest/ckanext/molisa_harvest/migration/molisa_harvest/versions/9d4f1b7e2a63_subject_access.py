"""Who used my data: the persons whose rows a DataStore read returned (the
keyed hash of their number), linked to the request's audit event, with the
dataset and the footing of the read (grant, default-sharing service, the
unit's own access, the IT Centre, open data), its purpose and legal basis.

Revision ID: 9d4f1b7e2a63
Revises: 7c3e9f2a6d51
Create Date: 2026-12-03 13:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "9d4f1b7e2a63"
down_revision = "7c3e9f2a6d51"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "molisa_harvest_subject_access",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("subject_hash", sa.Text, nullable=False),
        sa.Column("request_id", sa.Text),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("organization_id", sa.Text),
        sa.Column("grant_id", sa.Text),
        sa.Column("organization", sa.Text),
        sa.Column("purpose", sa.Text),
        sa.Column("legal_basis", sa.Text))
    # the person's list, newest first; the retention's deletion by date
    op.create_index("molisa_harvest_subject_access_subject_idx",
                    "molisa_harvest_subject_access", ["subject_hash", sa.text("ts DESC")])
    op.create_index("molisa_harvest_subject_access_ts_idx",
                    "molisa_harvest_subject_access", ["ts"])


def downgrade():
    op.drop_table("molisa_harvest_subject_access")
