""""I don't recognise this": the cases that people's flags open for the
managing unit, with their due date, answer and escalation.

Revision ID: a3e8c5d1f704
Revises: 9d4f1b7e2a63
Create Date: 2026-12-03 13:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a3e8c5d1f704"
down_revision = "9d4f1b7e2a63"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "molisa_harvest_mydata_case",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("access_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("subject_hash", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("request_id", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", sa.Text),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("escalated_at", sa.DateTime(timezone=True)))
    op.create_index("molisa_harvest_mydata_case_unit_idx", "molisa_harvest_mydata_case",
                    ["owner_org", "state"])


def downgrade():
    op.drop_table("molisa_harvest_mydata_case")
