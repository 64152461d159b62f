"""The audit tables, for queries. They are created by the alembic migration
(partitioning, triggers and grants are plain SQL there).

They live on their own MetaData, not CKAN's: CKAN's test helpers empty every
table of its metadata with DELETE between tests, and audit records cannot be
deleted (a partition is archived and dropped whole, never emptied row by row).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

#: The schema of every audit object, owned by molisa_audit_owner (a role that
#: cannot log in); the web role reads it, the shipper's role appends to it.
SCHEMA = "molisa_audit"
OWNER = "molisa_audit_owner"

metadata = sa.MetaData(schema=SCHEMA)


def qualified(name: str) -> str:
    """``molisa_audit.<name>``, for raw SQL."""
    return f"{SCHEMA}.{name}"


EVENT = qualified("molisa_audit_event")
BATCH = qualified("molisa_audit_batch")
ROLLUP = qualified("molisa_audit_rollup")
ARCHIVE = qualified("molisa_audit_archive")
CHECKPOINT = qualified("molisa_audit_checkpoint")

#: Upper edges of the duration histogram's bins, in milliseconds: bin i holds
#: durations in [DURATION_BINS[i-1], DURATION_BINS[i]). The rollup table has a
#: column per bin (h00 ... h27).
DURATION_BINS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000,
                 1500, 2000, 3000, 5000, 7000, 10000, 20000, 30000, 60000, float("inf"))
HIST_COLUMNS = tuple(f"h{i:02d}" for i in range(len(DURATION_BINS)))

event = sa.Table(
    "molisa_audit_event", metadata,
    sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
    sa.Column("ts", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("batch_id", sa.BigInteger, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("request_id", sa.Text),
    sa.Column("actor", sa.Text),
    sa.Column("actor_id", sa.Text),
    sa.Column("actor_orgs", pg.ARRAY(sa.Text)),
    sa.Column("connection_account", sa.Text),
    sa.Column("client_addr", sa.Text),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("datasets", pg.ARRAY(sa.Text)),
    sa.Column("resources", pg.ARRAY(sa.Text)),
    sa.Column("organizations", pg.ARRAY(sa.Text)),
    sa.Column("status", sa.Integer),
    sa.Column("error_class", sa.Text),
    sa.Column("error_message", sa.Text),
    sa.Column("duration_ms", sa.Float),
    sa.Column("bytes_sent", sa.BigInteger),
    sa.Column("extra", pg.JSONB),
    sa.Column("hash", sa.Text, nullable=False),
)

batch = sa.Table(
    "molisa_audit_batch", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("created", sa.DateTime(timezone=True)),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("first_ts", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_ts", sa.DateTime(timezone=True), nullable=False),
    sa.Column("events_hash", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.Text, nullable=False),
    sa.Column("hash", sa.Text, nullable=False),
    sa.Column("hash_version", sa.SmallInteger, nullable=False),
)

checkpoint = sa.Table(
    "molisa_audit_checkpoint", metadata,
    sa.Column("batch_id", sa.BigInteger, primary_key=True),
    sa.Column("head_hash", sa.Text, nullable=False),
    sa.Column("event_count", sa.BigInteger, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("from_batch", sa.BigInteger, nullable=False),
    sa.Column("batch_hashes", sa.Text, nullable=False),
    sa.Column("key_id", sa.Text, nullable=False),
    sa.Column("signature", sa.Text, nullable=False),
)

rollup = sa.Table(
    "molisa_audit_rollup", metadata,
    sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("dim", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("events", sa.BigInteger, nullable=False),
    sa.Column("errors", sa.BigInteger, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    *[sa.Column(f"h{i:02d}", sa.BigInteger, nullable=False) for i in range(28)],
)

archive = sa.Table(
    "molisa_audit_archive", metadata,
    sa.Column("partition", sa.Text, primary_key=True),
    sa.Column("range_start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("range_end", sa.DateTime(timezone=True), nullable=False),
    sa.Column("event_count", sa.BigInteger, nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("archived", sa.DateTime(timezone=True)),
)

#: Event fields in the order the hash covers them (everything but the batch
#: position and the hash itself).
HASHED_FIELDS = (
    "id", "ts", "request_id", "actor", "actor_id", "actor_orgs", "connection_account",
    "client_addr", "channel", "action", "datasets", "resources", "organizations", "status",
    "error_class", "error_message", "duration_ms", "bytes_sent", "extra",
)
