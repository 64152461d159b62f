"""Create the table of WikiMolisa's submissions: a community dataset, its
scan, its quarantined files and its moderation.

Revision ID: f2a6c8e41b57
Revises: d7f1b9a24c60
Create Date: 2026-12-03 10:20:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "f2a6c8e41b57"
down_revision = "d7f1b9a24c60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "molisa_wiki_submission",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False, unique=True),
        sa.Column("submitter_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("scan", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("quarantined", postgresql.JSONB, nullable=False, server_default="[]"),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Text),
        sa.Column("reason", sa.Text),
    )
    op.create_index("molisa_wiki_submission_state_idx", "molisa_wiki_submission", ["state"])
    op.create_index("molisa_wiki_submission_submitter_idx", "molisa_wiki_submission",
                    ["submitter_id", "created"])


def downgrade():
    op.drop_table("molisa_wiki_submission")
