"""Create the tables of reports of problems: reports, their messages, the
sweep's notices and the resources hidden pending review.

Revision ID: d7f1b9a24c60
Revises: e7b2d4f91a36
Create Date: 2026-12-03 06:50:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "d7f1b9a24c60"
down_revision = "e7b2d4f91a36"
branch_labels = None
depends_on = None


def _ts(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "molisa_report",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("package_id", sa.Text),
        sa.Column("resource_id", sa.Text),
        sa.Column("owner_org", sa.Text),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reporter_id", sa.Text),
        sa.Column("reporter_email", sa.Text),
        sa.Column("reporter_name", sa.Text),
        _ts("created", False),
        sa.Column("ack_due", sa.Date, nullable=False),
        sa.Column("resolve_due", sa.Date, nullable=False),
        _ts("acknowledged_at"), sa.Column("acknowledged_by", sa.Text),
        _ts("closed_at"), sa.Column("closed_by", sa.Text),
        sa.Column("resolution", sa.Text),
        sa.Column("activity_id", sa.Text),
        sa.Column("close_reason", sa.Text),
        sa.Column("attachments", postgresql.JSONB, nullable=False, server_default="[]"),
        sa.CheckConstraint("state IN ('new', 'acknowledged', 'closed')",
                           name="molisa_report_state"),
        sa.CheckConstraint("type IN ('data_error', 'broken_link', 'outage', 'personal_data', "
                           "'security', 'support')", name="molisa_report_type"),
    )
    op.create_index("molisa_report_unit", "molisa_report", ["owner_org", "state"])
    op.create_index("molisa_report_reporter", "molisa_report", ["reporter_id"])
    op.create_table(
        "molisa_report_message",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("report_id", sa.Text, sa.ForeignKey("molisa_report.id"), nullable=False),
        sa.Column("author_id", sa.Text),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        _ts("created", False),
    )
    op.create_index("molisa_report_message_report", "molisa_report_message", ["report_id"])
    op.create_table(
        "molisa_report_notice",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("report_id", sa.Text, sa.ForeignKey("molisa_report.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        _ts("sent_at", False),
        sa.Column("recipients", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("report_id", "kind", "due", name="molisa_report_notice_once"),
    )
    op.create_table(
        "molisa_report_hidden_resource",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("report_id", sa.Text, sa.ForeignKey("molisa_report.id")),
        _ts("hidden_at", False), sa.Column("hidden_by", sa.Text),
        _ts("restored_at"), sa.Column("restored_by", sa.Text),
    )
    # a resource is hidden at most once at a time
    op.create_index("molisa_report_hidden_once", "molisa_report_hidden_resource",
                    ["resource_id"], unique=True, postgresql_where=sa.text("restored_at IS NULL"))
    op.create_index("molisa_report_hidden_package", "molisa_report_hidden_resource",
                    ["package_id"])


def downgrade():
    op.drop_table("molisa_report_hidden_resource")
    op.drop_table("molisa_report_notice")
    op.drop_table("molisa_report_message")
    op.drop_table("molisa_report")
