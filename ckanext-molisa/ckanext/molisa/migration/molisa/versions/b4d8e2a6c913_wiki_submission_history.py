"""WikiMolisa's submissions keep their history: each step (submitted,
changes requested with the moderator's reason, edited by the submitter,
published, rejected) in order, so that a resubmission keeps what was asked
and what changed.

Revision ID: b4d8e2a6c913
Revises: f2a6c8e41b57
Create Date: 2026-12-03 13:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "b4d8e2a6c913"
down_revision = "f2a6c8e41b57"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("molisa_wiki_submission",
                  sa.Column("history", postgresql.JSONB, nullable=False, server_default="[]"))


def downgrade():
    op.drop_column("molisa_wiki_submission", "history")
