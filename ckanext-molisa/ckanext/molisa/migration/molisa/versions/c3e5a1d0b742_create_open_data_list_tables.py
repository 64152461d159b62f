"""Create the Open Data List's tables: versions, entries, notices.

Revision ID: c3e5a1d0b742
Revises: 8a41c2e7d903
Create Date: 2026-12-03 03:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3e5a1d0b742"
down_revision = "8a41c2e7d903"
branch_labels = None
depends_on = None


def _ts(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "molisa_odl_version",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("decision_number", sa.Text),
        sa.Column("decision_date", sa.Date),
        sa.Column("approver", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("based_on", sa.Text),
        _ts("created", False), sa.Column("created_by", sa.Text),
        _ts("approved_at"), sa.Column("approved_by", sa.Text), _ts("superseded_at"),
        sa.CheckConstraint("state IN ('draft', 'in_force', 'superseded')",
                           name="molisa_odl_version_state"),
    )
    # exactly one version in force at a time
    op.create_index("molisa_odl_version_one_in_force", "molisa_odl_version", ["state"],
                    unique=True, postgresql_where=sa.text("state = 'in_force'"))
    op.create_table(
        "molisa_odl_entry",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("version_id", sa.Text, sa.ForeignKey("molisa_odl_version.id"), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("description_en", sa.Text),
        sa.Column("sector", sa.Text, nullable=False),
        sa.Column("coverage", sa.Text),
        sa.Column("legal_basis", sa.Text),
        sa.Column("update_frequency", sa.Text, nullable=False),
        sa.Column("first_due", sa.Date, nullable=False),
        sa.Column("package_id", sa.Text),
        _ts("linked_at"), sa.Column("linked_by", sa.Text),
        _ts("created", False), _ts("modified", False),
        sa.UniqueConstraint("version_id", "key", name="molisa_odl_entry_version_key"),
    )
    op.create_index("molisa_odl_entry_version", "molisa_odl_entry", ["version_id", "owner_org"])
    op.create_table(
        "molisa_odl_notice",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("entry_key", sa.Text, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        _ts("sent_at", False),
        sa.Column("recipients", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("entry_key", "due", "kind", name="molisa_odl_notice_once"),
    )


def downgrade():
    op.drop_table("molisa_odl_notice")
    op.drop_table("molisa_odl_entry")
    op.drop_index("molisa_odl_version_one_in_force", "molisa_odl_version")
    op.drop_table("molisa_odl_version")
