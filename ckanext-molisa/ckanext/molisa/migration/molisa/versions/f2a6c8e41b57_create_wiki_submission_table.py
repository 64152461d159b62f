"""Create the tables of WikiMolisa: the submissions (a community dataset,
its scan, its quarantined files and its moderation) and the reuses of open
datasets.

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
    op.create_table(
        "molisa_wiki_reuse",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("submitter_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Text),
        sa.Column("reason", sa.Text),
    )
    op.create_index("molisa_wiki_reuse_package_idx", "molisa_wiki_reuse",
                    ["package_id", "state"])


def downgrade():
    op.drop_table("molisa_wiki_reuse")
    op.drop_table("molisa_wiki_submission")
