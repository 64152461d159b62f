"""Create the identity tables: e-ID links, TOTP credentials, recovery codes,
invitations of officials.

Revision ID: 3c5e7a9b1d24
Revises:
Create Date: 2026-12-02 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "3c5e7a9b1d24"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "molisa_identity_link",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False, unique=True),
        sa.Column("pid_hash", sa.Text, nullable=False, unique=True),
        sa.Column("issuer", sa.Text, nullable=False),
        _ts("created", False), _ts("last_login"))
    op.create_table(
        "molisa_identity_totp",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("secret_enc", sa.Text, nullable=False),
        sa.Column("confirmed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_step", sa.BigInteger, nullable=False, server_default="0"),
        _ts("created", False), _ts("confirmed_at"))
    op.create_table(
        "molisa_identity_recovery_code",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False, index=True),
        sa.Column("code_hash", sa.Text, nullable=False),
        _ts("used_at"))
    op.create_table(
        "molisa_identity_invitation",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("pid_hash", sa.Text, nullable=False, index=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("organization_id", sa.Text, nullable=False, index=True),
        sa.Column("capacity", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("invited_by", sa.Text, nullable=False),
        _ts("created", False), _ts("expires", False), sa.Column("bound_user_id", sa.Text),
        _ts("bound_at"))


def downgrade():
    for table in ("molisa_identity_invitation", "molisa_identity_recovery_code",
                  "molisa_identity_totp", "molisa_identity_link"):
        op.drop_table(table)
