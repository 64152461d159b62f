"""Create the sharing tables: requests, grants, usage reports, inbound
connection requests.

Revision ID: 5d0c2f9a7e13
Revises:
Create Date: 2026-11-27 17:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "5d0c2f9a7e13"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name):
    return sa.Column(name, JSONB, nullable=False, server_default=sa.text("'[]'::jsonb"))


def upgrade():
    op.create_table(
        "molisa_sharing_request",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("creator_id", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False),
        _json("datasets"), _json("resources"), _json("fields"),
        sa.Column("requester_type", sa.Text),
        sa.Column("requester_organization", sa.Text),
        sa.Column("user_name", sa.Text),
        sa.Column("user_position", sa.Text),
        sa.Column("user_email", sa.Text),
        sa.Column("user_phone", sa.Text),
        sa.Column("purpose", sa.Text),
        sa.Column("scope", sa.Text),
        sa.Column("content", sa.Text),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("legal_basis", sa.Text),
        sa.Column("security_level", sa.Integer),
        sa.Column("system_connection", sa.Boolean, nullable=False, server_default=sa.false()),
        _json("attachments"),
        sa.Column("fee_amount", sa.BigInteger, nullable=False, server_default="0"),
        _ts("created", False), _ts("updated", False), _ts("submitted_at"), _ts("due_at"),
        _ts("decided_at"),
        sa.Column("decided_by", sa.Text),
        sa.Column("decision_reason", sa.Text),
        sa.Column("grant_id", sa.Text),
        _ts("overdue_notified_at"),
        _json("history"),
        sa.CheckConstraint("kind IN ('special', 'service')", name="molisa_sharing_request_kind"),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected')",
            name="molisa_sharing_request_state"),
    )
    op.create_index("molisa_sharing_request_owner_state", "molisa_sharing_request",
                    ["owner_org", "state"])
    op.create_index("molisa_sharing_request_creator", "molisa_sharing_request", ["creator_id"])

    op.create_table(
        "molisa_sharing_grant",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("request_id", sa.Text, sa.ForeignKey("molisa_sharing_request.id"),
                  nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("holder_id", sa.Text, nullable=False),
        sa.Column("manager_id", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False),
        sa.Column("organization", sa.Text),
        sa.Column("purpose", sa.Text),
        _json("datasets"), _json("resources"), _json("fields"),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer),
        sa.Column("quota_per_day", sa.Integer),
        _json("allowed_ips"),
        sa.Column("fee_amount", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("fee_exempt", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("conditions", sa.Text),
        sa.Column("state_reason", sa.Text),
        _ts("created", False), _ts("updated", False),
        _json("history"),
        sa.CheckConstraint("state IN ('active', 'suspended', 'terminated', 'expired')",
                           name="molisa_sharing_grant_state"),
    )
    op.create_index("molisa_sharing_grant_holder_state", "molisa_sharing_grant",
                    ["holder_id", "state"])
    op.create_index("molisa_sharing_grant_owner_org", "molisa_sharing_grant", ["owner_org"])

    op.create_table(
        "molisa_sharing_usage_report",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("grant_id", sa.Text, sa.ForeignKey("molisa_sharing_grant.id"), nullable=False,
                  index=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        _ts("requested_at", False), _ts("due_at", False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", sa.Text),
        _ts("answered_at"), _ts("overdue_notified_at"),
        _json("history"),
    )

    op.create_table(
        "molisa_sharing_inbound",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("creator_id", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False, index=True),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("source_system", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("schedule", sa.Text, nullable=False),
        sa.Column("frequency", sa.Text, nullable=False),
        sa.Column("details", sa.Text),
        sa.Column("contact_name", sa.Text, nullable=False),
        sa.Column("contact_position", sa.Text),
        sa.Column("contact_email", sa.Text, nullable=False),
        sa.Column("contact_phone", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("source_type", sa.Text),
        sa.Column("harvest_source_id", sa.Text),
        _ts("created", False), _ts("updated", False), _ts("decided_at"),
        sa.Column("decided_by", sa.Text),
        sa.Column("decision_reason", sa.Text),
        _json("history"),
        sa.CheckConstraint("state IN ('submitted', 'approved', 'rejected')",
                           name="molisa_sharing_inbound_state"),
    )


def downgrade():
    op.drop_table("molisa_sharing_inbound")
    op.drop_table("molisa_sharing_usage_report")
    op.drop_table("molisa_sharing_grant")
    op.drop_table("molisa_sharing_request")
