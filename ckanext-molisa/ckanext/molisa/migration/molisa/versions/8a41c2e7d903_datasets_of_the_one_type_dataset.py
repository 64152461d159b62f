"""Datasets of the one type ``dataset``: the MOLISA schema is CKAN's own
dataset type now, so datasets made under the former type ``molisa_dataset``
take it (their activities' copies too). The search index still holds the
former type until ``ckan search-index rebuild``.

Revision ID: 8a41c2e7d903
Revises:
Create Date: 2026-12-02 16:30:00
"""
from alembic import op

revision = "8a41c2e7d903"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE package SET type = 'dataset' WHERE type = 'molisa_dataset'")


def downgrade():
    # which datasets had the former type is not recorded: nothing to undo
    pass
