"""Create the quality checks' results table (history kept: one row per check run).

Revision ID: e7b2d4f91a36
Revises: c3e5a1d0b742
Create Date: 2026-12-03 06:45:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "e7b2d4f91a36"
down_revision = "c3e5a1d0b742"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "molisa_quality_result",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("details", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("molisa_quality_result_resource", "molisa_quality_result",
                    ["resource_id", "kind", "checked_at"])
    op.create_index("molisa_quality_result_package", "molisa_quality_result",
                    ["package_id", "checked_at"])


def downgrade():
    op.drop_index("molisa_quality_result_package", "molisa_quality_result")
    op.drop_index("molisa_quality_result_resource", "molisa_quality_result")
    op.drop_table("molisa_quality_result")
