"""Create the audit tables: events partitioned by month, hash-chained batches,
hourly rollups, the archive register; revoke UPDATE, DELETE and TRUNCATE.

Revision ID: 2b7c1e0a4d51
Revises:
Create Date: 2026-11-27 14:30:00
"""
from alembic import op

revision = "2b7c1e0a4d51"
down_revision = None
branch_labels = None
depends_on = None

#: Bins of the duration histogram (model.DURATION_BINS): one column each, so
#: that sums over months of hourly rows stay plain, fast SUM()s.
HIST_BINS = 28

#: Tables whose rows are records: nobody, the owner included, may change them.
APPEND_ONLY = ("molisa_audit_event", "molisa_audit_batch", "molisa_audit_archive")


def upgrade():
    hist_columns = ", ".join(f"h{i:02d} bigint NOT NULL DEFAULT 0" for i in range(HIST_BINS))
    op.execute("""
    CREATE TABLE molisa_audit_batch (
        id          bigint PRIMARY KEY,
        created     timestamptz NOT NULL DEFAULT now(),
        event_count integer NOT NULL,
        first_ts    timestamptz NOT NULL,
        last_ts     timestamptz NOT NULL,
        events_hash text NOT NULL,
        prev_hash   text NOT NULL,
        hash        text NOT NULL
    );

    CREATE TABLE molisa_audit_event (
        id                 uuid NOT NULL,
        ts                 timestamptz NOT NULL,
        batch_id           bigint NOT NULL,
        seq                integer NOT NULL,
        request_id         text,
        actor              text,
        actor_id           text,
        actor_orgs         text[],
        connection_account text,
        client_addr        text,
        channel            text NOT NULL,
        action             text NOT NULL,
        datasets           text[],
        resources          text[],
        organizations      text[],
        status             integer,
        error_class        text,
        error_message      text,
        duration_ms        double precision,
        bytes_sent         bigint,
        extra              jsonb,
        hash               text NOT NULL,
        PRIMARY KEY (ts, id)
    ) PARTITION BY RANGE (ts);

    CREATE INDEX molisa_audit_event_batch_idx ON molisa_audit_event (batch_id, seq);
    CREATE INDEX molisa_audit_event_channel_ts_idx ON molisa_audit_event (channel, ts);
    CREATE INDEX molisa_audit_event_actor_ts_idx ON molisa_audit_event (actor, ts);
    CREATE INDEX molisa_audit_event_orgs_idx ON molisa_audit_event USING gin (organizations);
    CREATE INDEX molisa_audit_event_datasets_idx ON molisa_audit_event USING gin (datasets);
    CREATE INDEX molisa_audit_event_failed_idx ON molisa_audit_event (ts)
        WHERE status >= 400 OR error_class IS NOT NULL;

    -- Per hour and per dimension (all, channel, organization, dataset, actor):
    -- counts, errors, bytes and a histogram of durations (h00..h27), kept by the shipper
    -- in the same transaction as the events, so statistics over months of
    -- events read thousands of rows, not millions.
    CREATE TABLE molisa_audit_rollup (
        hour     timestamptz NOT NULL,
        dim      text NOT NULL,
        key      text NOT NULL,
        events   bigint NOT NULL,
        errors   bigint NOT NULL,
        bytes    bigint NOT NULL,
        HIST_COLUMNS,
        PRIMARY KEY (dim, hour, key)
    );

    CREATE TABLE molisa_audit_archive (
        partition    text PRIMARY KEY,
        range_start  timestamptz NOT NULL,
        range_end    timestamptz NOT NULL,
        event_count  bigint NOT NULL,
        file         text NOT NULL,
        sha256       text NOT NULL,
        archived     timestamptz NOT NULL DEFAULT now()
    );

    -- Defence in depth beside the revoked privileges: a row of these tables
    -- is never changed or removed (whole partitions are archived and dropped).
    CREATE OR REPLACE FUNCTION molisa_audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit records cannot be changed or deleted (%)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$;
    """.replace("HIST_COLUMNS", hist_columns))
    for table in APPEND_ONLY:
        op.execute(f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION molisa_audit_refuse_change();
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION molisa_audit_refuse_change();
        REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC, CURRENT_USER;
        """)


def downgrade():
    op.execute("""
    DROP TABLE IF EXISTS molisa_audit_event CASCADE;
    DROP TABLE IF EXISTS molisa_audit_batch;
    DROP TABLE IF EXISTS molisa_audit_rollup;
    DROP TABLE IF EXISTS molisa_audit_archive;
    DROP FUNCTION IF EXISTS molisa_audit_refuse_change();
    """)
